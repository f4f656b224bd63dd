package vn.ioc.pulse.standalone.fuzz;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one {@code ./ioc fuzz} run (thread-safe) and its {@code key=value} summary. What each counter
 * means is in docs/reliability.md.
 */
public final class FuzzReport {
    final LongAdder requests = new LongAdder();
    final LongAdder requests2xx = new LongAdder();
    final LongAdder requests4xx = new LongAdder();
    final LongAdder requests5xx = new LongAdder();
    /** Answers outside 2xx/4xx/5xx. */
    final LongAdder requestsOther = new LongAdder();
    final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    final LongAdder retries429 = new LongAdder();
    final LongAdder recordsSent = new LongAdder();
    final LongAdder rejections = new LongAdder();
    final LongAdder rejectionsWithField = new LongAdder();
    final LongAdder rejectionsWithoutField = new LongAdder();
    /** Answers whose accepted + rejected do not add up to the records sent (and were not a whole-request 4xx). */
    final LongAdder countMismatches = new LongAdder();
    /** The part of {@link #countMismatches} on whole-request abuses (broken bodies). */
    final LongAdder countMismatchesInAbuses = new LongAdder();
    /** Answers of the wrong shape or content type. */
    final LongAdder shapeErrors = new LongAdder();
    final LongAdder hangs = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    final LongAdder jobNotRunning = new LongAdder();
    final LongAdder gatewayHealthDown = new LongAdder();
    final LongAdder dashboardHealthDown = new LongAdder();
    final LongAdder duplicatesSent = new LongAdder();
    final LongAdder goodRejected = new LongAdder();
    final Map<String, LongAdder[]> perClass = new ConcurrentHashMap<>(); // sent, accepted, rejected, unknown
    final Map<String, LongAdder[]> perAbuse = new ConcurrentHashMap<>(); // sent, 2xx, 4xx, 5xx/none
    /** First few anomalies, for the reader (not counted twice). */
    final List<String> examples = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong goodSent = new AtomicLong();
    final AtomicLong goodAcknowledged = new AtomicLong();
    final AtomicLong goodInKpis = new AtomicLong(-1);
    final AtomicLong receivedInKpis = new AtomicLong(-1);
    volatile String kpiAsOf = "";
    volatile String kpiWait = "";
    volatile String jobStatusAtEnd = "n/a";
    long seed;
    int recordsWanted;
    String target = "";
    String goodAgency = "";
    double seconds;

    void status(int code) {
        byStatus.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void classCount(String cls, int slot) {
        perClass.computeIfAbsent(cls, c -> adders())[slot].increment();
    }

    void abuseCount(String abuse, int slot) {
        perAbuse.computeIfAbsent(abuse, c -> adders())[slot].increment();
    }

    private static LongAdder[] adders() {
        return new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    }

    void example(String text) {
        if (examples.size() < 12) {
            examples.add(text);
        }
    }

    public long crashes() {
        return jobNotRunning.sum() + gatewayHealthDown.sum() + dashboardHealthDown.sum() + connectionErrors.sum();
    }

    public long accountingMismatches() {
        return countMismatches.sum() + shapeErrors.sum();
    }

    /** Good records acknowledged but not in the KPIs (never negative; extra ones are {@link #goodExtra()}). */
    public long goodLost() {
        return goodInKpis.get() < 0 ? goodAcknowledged.get() : Math.max(0, goodAcknowledged.get() - goodInKpis.get());
    }

    /** Good records in the KPIs the gateway did not acknowledge (e.g. written, but the answer was a 5xx). */
    public long goodExtra() {
        return Math.max(0, goodInKpis.get() - goodAcknowledged.get());
    }

    /** True when 5xx, crashes, hangs, accounting mismatches and lost good records are all 0. */
    public boolean passed() {
        return requests5xx.sum() == 0 && crashes() == 0 && hangs.sum() == 0 && accountingMismatches() == 0
                && goodLost() == 0;
    }

    /** The summary as ordered key → value. */
    public Map<String, String> summary() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("target", target);
        s.put("seed", String.valueOf(seed));
        s.put("records", String.valueOf(recordsWanted));
        s.put("seconds", String.format("%.1f", seconds));
        s.put("requests", String.valueOf(requests.sum()));
        s.put("requests_2xx", String.valueOf(requests2xx.sum()));
        s.put("requests_4xx", String.valueOf(requests4xx.sum()));
        s.put("requests_5xx", String.valueOf(requests5xx.sum()));
        s.put("requests_other", String.valueOf(requestsOther.sum()));
        new TreeMap<>(byStatus).forEach((code, n) -> s.put("status_" + code, String.valueOf(n.sum())));
        s.put("retries_429", String.valueOf(retries429.sum()));
        s.put("records_sent", String.valueOf(recordsSent.sum()));
        s.put("rejections", String.valueOf(rejections.sum()));
        s.put("rejections_with_field", String.valueOf(rejectionsWithField.sum()));
        s.put("rejections_without_field", String.valueOf(rejectionsWithoutField.sum()));
        s.put("accounting_mismatches", String.valueOf(accountingMismatches()));
        s.put("count_mismatches", String.valueOf(countMismatches.sum()));
        s.put("count_mismatches_in_abuses", String.valueOf(countMismatchesInAbuses.sum()));
        s.put("answer_shape_errors", String.valueOf(shapeErrors.sum()));
        s.put("hangs", String.valueOf(hangs.sum()));
        s.put("crashes", String.valueOf(crashes()));
        s.put("crash_job_not_running", String.valueOf(jobNotRunning.sum()));
        s.put("crash_gateway_health", String.valueOf(gatewayHealthDown.sum()));
        s.put("crash_dashboard_health", String.valueOf(dashboardHealthDown.sum()));
        s.put("connection_errors", String.valueOf(connectionErrors.sum()));
        s.put("job_status_at_end", jobStatusAtEnd);
        s.put("good_agency", goodAgency);
        s.put("good_sent", String.valueOf(goodSent.get()));
        s.put("duplicates_sent", String.valueOf(duplicatesSent.sum()));
        s.put("good_acknowledged", String.valueOf(goodAcknowledged.get()));
        s.put("good_rejected", String.valueOf(goodRejected.sum()));
        s.put("good_in_kpis", String.valueOf(goodInKpis.get()));
        s.put("good_received_30d", String.valueOf(receivedInKpis.get()));
        s.put("kpi_as_of", kpiAsOf);
        s.put("kpi_wait", kpiWait);
        s.put("good_lost", String.valueOf(goodLost()));
        s.put("good_extra_in_kpis", String.valueOf(goodExtra()));
        s.put("result", passed() ? "PASS" : "FAIL");
        return s;
    }

    long summaryLong(String key) {
        return Long.parseLong(summary().get(key));
    }

    /** Prints the per-class and per-abuse lines, the examples, then the summary lines. */
    void print(PrintStream out) {
        out.println("# records by class: sent / accepted / rejected / unknown (answer did not say)");
        for (String cls : FuzzGenerator.classLabels()) {
            LongAdder[] a = perClass.get(cls);
            if (a != null) {
                out.printf("class=%s sent=%d accepted=%d rejected=%d unknown=%d%n", cls, a[0].sum(), a[1].sum(),
                        a[2].sum(), a[3].sum());
            }
        }
        out.println("# whole-request abuses: sent / answered 2xx / 4xx / 5xx or no answer");
        new TreeMap<>(perAbuse).forEach((abuse, a) -> out.printf("abuse=%s sent=%d 2xx=%d 4xx=%d 5xx_or_none=%d%n",
                abuse, a[0].sum(), a[1].sum(), a[2].sum(), a[3].sum()));
        if (!examples.isEmpty()) {
            out.println("# first anomalies");
            synchronized (examples) {
                examples.forEach(e -> out.println("example: " + e));
            }
        }
        out.println("# summary");
        summary().forEach((k, v) -> out.println(k + "=" + v));
    }
}
