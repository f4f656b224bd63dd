package vn.ioc.pulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import vn.ioc.pulse.jobs.oracle.EventGenerator;
import vn.ioc.pulse.jobs.oracle.NaiveKpiOracle;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * The streaming job against the naive batch recomputation (written separately from the spec, in the oracle
 * package) on a generated month of Sơn La-like data: every KPI, scope and window at several as_of instants, for
 * shuffled arrival with duplicates, and after a failure restored from a checkpoint.
 */
public class KpiJobOracleTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Instant START = Instant.parse("2026-04-13T17:00:00Z"); // Tue 14/4 00:00 +07
    /**
     * Consecutive as_of instants are less than the retention (35 days) apart: every event reaches the job before the
     * clock is more than the retention past it (shuffled within a batch, "in event-time order" up to the retention),
     * the condition under which the compacted dossier state must stay exact (DOMAIN.md §7).
     */
    static final List<Instant> AS_OF = List.of(
            Instant.parse("2026-04-13T16:59:00Z"), // just before the month: only the early complaints, 40+ days old
            Instant.parse("2026-04-24T09:59:59Z"), // Fri 24/4 16:59:59, before the Giỗ Tổ / 30-4 holidays
            Instant.parse("2026-05-01T01:00:00Z"), // during the holidays, across the month boundary
            Instant.parse("2026-05-20T10:00:00.001Z"), // after most dossiers ended
            Instant.parse("2026-06-10T03:00:00Z"), // ended dossiers compacted; late ratings, payments, complaints
            Instant.parse("2026-06-30T10:00:00Z")); // more of them, more than 35 days after their dossier's end
    /** Retention as in production (IOC_RETENTION_DAYS = 35): dossier states are compacted during the run. */
    static final JobConfig CONFIG = new JobConfig("unused", "SL", null, "ioc", null, null, 200,
            Duration.ofSeconds(2), Duration.ZERO, 2, 1, Duration.ofDays(35), null, null, 0, 0);

    /** Arrival order: the events up to each as_of (shuffled), then a clock tick at that instant. */
    public static List<String> arrival(List<String> events, long shuffleSeed) throws Exception {
        List<String> out = new ArrayList<>();
        Set<Integer> sent = new HashSet<>();
        Random r = new Random(shuffleSeed);
        for (Instant t : AS_OF) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (!sent.contains(i) && !EventCodec.parse(events.get(i)).eventTime().isAfter(t)) {
                    batch.add(events.get(i));
                    sent.add(i);
                }
            }
            Collections.shuffle(batch, r);
            out.addAll(batch);
            out.add("{\"schema\":\"ioc.clock.v1\",\"now\":\"" + KpiValue.formatTime(t) + "\"}");
        }
        return out;
    }

    /** Runs the job over {@code input}; returns all published values in publication order. */
    static List<KpiValue> run(List<String> input, boolean injectFailure) throws Exception {
        Configuration conf = KpiJobMain.flinkConfiguration(CONFIG);
        if (injectFailure) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        ArrayList<String> data = new ArrayList<>(input);
        DataGeneratorSource<Envelope> source = new DataGeneratorSource<>(i -> Envelope.parse(data.get(i.intValue())),
                // with failure injection the source emits at most 1000 records per checkpoint, so checkpoints complete
                // while input remains and the injected failure (300 records after the first one) always fires,
                // however loaded the machine (a per-second rate let a slow checkpoint miss the whole input)
                data.size(), injectFailure
                ? org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.perCheckpoint(1000)
                : org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.noOp(),
                TypeInformation.of(Envelope.class));
        var kpis = new KpiJob(source, new DiscardingSink<>(), null, null, CONFIG).build(env,
                s -> injectFailure ? s.map(new FailOnceAfterCheckpoint(300)).returns(Envelope.class).setParallelism(1) : s);
        List<KpiValue> out = new ArrayList<>();
        try (var it = kpis.collectAsync()) {
            var job = env.executeAsync("kpi-job-oracle");
            it.forEachRemaining(out::add);
            var result = job.getJobExecutionResult().get();
            if (injectFailure) {
                Integer restored = result.getAccumulatorResult(FailOnceAfterCheckpoint.RESTORED_ATTEMPTS);
                assertThat(restored).as("the job failed once and ran again from its checkpoint").isEqualTo(1);
            }
        }
        return out;
    }

    /** The value of every key as of {@code t}: the last one published with as_of ≤ t. */
    static Map<String, KpiValue> asOf(List<KpiValue> published, Instant t) {
        Map<String, KpiValue> out = new TreeMap<>();
        for (KpiValue v : published) {
            if (!v.asOf().isAfter(t) && v.revision() == 0) {
                KpiValue prev = out.get(v.key());
                if (prev == null || !v.asOf().isBefore(prev.asOf())) {
                    out.put(v.key(), v);
                }
            }
        }
        return out;
    }

    static void assertAgrees(Map<String, KpiValue> job, Map<String, NaiveKpiOracle.Expected> oracle, Instant t) {
        List<String> problems = new ArrayList<>();
        oracle.forEach((key, exp) -> {
            KpiValue v = job.get(key);
            boolean noData = exp.value() == null && exp.numerator() == 0.0
                    && Double.valueOf(0.0).equals(exp.denominator());
            if (v == null && !noData) { // not published yet = "no data" (see NO_DATA)
                problems.add(key + ": missing, expected " + exp);
            } else if (v == null) {
                return;
            } else if (!close(v.value(), exp.value()) || !close(v.numerator(), exp.numerator())
                    || !close(v.denominator(), exp.denominator())) {
                problems.add(key + ": job " + v.value() + " (" + v.numerator() + "/" + v.denominator() + "), oracle "
                        + exp.value() + " (" + exp.numerator() + "/" + exp.denominator() + ")");
            }
        });
        job.forEach((key, v) -> {
            if (!oracle.containsKey(key) && v.numerator() != 0.0) {
                problems.add(key + ": not expected by the oracle but has data " + v.numerator());
            }
        });
        assertThat(problems).as("disagreements as of %s (%d oracle values)", t, oracle.size()).isEmpty();
    }

    /** A ratio with no data (value null, 0 ÷ 0): on a screen the same grey tile as a series not published yet. */
    static final String NO_DATA = "null|0.0|0.0";

    /**
     * Keys whose values differ. A series one run has not published by {@code t} and the other has published as "no
     * data" ({@link #NO_DATA}) agree: which of the two a run shows at the exact instant of a scope's first event
     * depends on how many events arrived before the watermark passed it (seen for availability components whose
     * first event lies at an as_of instant), and both mean the same grey tile.
     */
    static List<String> differences(Map<String, String> a, Map<String, String> b) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            String x = a.getOrDefault(k, NO_DATA);
            String y = b.getOrDefault(k, NO_DATA);
            if (!x.equals(y)) {
                out.add(k + ": " + a.get(k) + " vs " + b.get(k));
            }
        }
        return out;
    }

    static boolean close(Double a, Double b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b));
    }

    static Map<Instant, Map<String, NaiveKpiOracle.Expected>> oracle(List<String> arrival) throws Exception {
        List<IocEvent> events = new ArrayList<>();
        for (String s : arrival) {
            IocEvent e = EventCodec.parse(s);
            if (!(e instanceof vn.ioc.pulse.model.ClockTick)) {
                events.add(e);
            }
        }
        Map<Instant, Map<String, NaiveKpiOracle.Expected>> out = new HashMap<>();
        for (Instant t : AS_OF) {
            out.put(t, NaiveKpiOracle.compute(events, t, WorkingCalendar.load(), "SL", KpiCatalog.load()));
        }
        return out;
    }

    @Test
    @DisplayName("every KPI, scope and window equals the naive batch recomputation at several as_of instants")
    void agreesWithNaiveRecomputation() throws Exception {
        List<String> arrival = arrival(EventGenerator.month(42, START, 400), 1);
        List<KpiValue> published = run(arrival, false);
        Map<Instant, Map<String, NaiveKpiOracle.Expected>> expected = oracle(arrival);
        for (Instant t : AS_OF) {
            assertAgrees(asOf(published, t), expected.get(t), t);
        }
    }

    @Test
    @DisplayName("another arrival order with exact duplicates gives the same KPIs at every as_of")
    void orderAndDuplicatesDoNotMatter() throws Exception {
        List<String> events = EventGenerator.month(7, START, 250);
        // keep one version of each event_id (first), then add exact copies of random events
        Map<String, String> firstById = new java.util.LinkedHashMap<>();
        List<String> unique = new ArrayList<>();
        for (String s : events) {
            String id = EventCodec.mapper().readTree(s).path("event_id").asText();
            if (firstById.putIfAbsent(id, s) == null) {
                unique.add(s);
            }
        }
        Random r = new Random(3);
        List<String> withCopies = new ArrayList<>(unique);
        for (int i = 0; i < unique.size() / 5; i++) {
            withCopies.add(unique.get(r.nextInt(unique.size())));
        }
        List<KpiValue> a = run(arrival(unique, 11), false);
        List<KpiValue> b = run(arrival(withCopies, 99), false);
        for (Instant t : AS_OF) {
            Map<String, String> va = new TreeMap<>();
            asOf(a, t).forEach((k, v) -> va.put(k, v.value() + "|" + v.numerator() + "|" + v.denominator()));
            Map<String, String> vb = new TreeMap<>();
            asOf(b, t).forEach((k, v) -> vb.put(k, v.value() + "|" + v.numerator() + "|" + v.denominator()));
            assertThat(differences(va, vb)).as("as of %s", t).isEmpty();
        }
    }

    @Test
    @DisplayName("a job that fails mid-stream and restores from its checkpoint ends with the uninterrupted run's KPIs")
    void failureAndRestore() throws Exception {
        List<String> arrival = arrival(EventGenerator.month(5, START, 250), 5);
        List<KpiValue> clean = run(arrival, false);
        List<KpiValue> restored = run(arrival, true);
        Instant last = AS_OF.get(AS_OF.size() - 1);
        Map<String, String> a = new TreeMap<>();
        asOf(clean, last).forEach((k, v) -> a.put(k, v.value() + "|" + v.numerator() + "|" + v.denominator()));
        Map<String, String> b = new TreeMap<>();
        asOf(restored, last).forEach((k, v) -> b.put(k, v.value() + "|" + v.numerator() + "|" + v.denominator()));
        assertThat(differences(a, b)).as("restored vs uninterrupted").isEmpty();
        // seq (CONTRACT.md §5) comes from checkpointed state: the restored job goes on counting where its checkpoint
        // was. The collect sink hands out only what a completed checkpoint covers (what was published after the last
        // checkpoint before the failure is dropped and published again), so each key reads 1, 2, 3, … in both runs.
        assertSeqsCountUp(clean, "uninterrupted");
        assertSeqsCountUp(restored, "restored");
    }

    /** Per key, the live values carry seq 1, 2, 3, … in publication order; revisions carry 0. */
    static void assertSeqsCountUp(List<KpiValue> published, String run) {
        Map<String, Long> last = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (KpiValue v : published) {
            if (v.revision() > 0) {
                if (v.seq() != 0) {
                    problems.add(v.key() + " revision " + v.revision() + " has seq " + v.seq());
                }
                continue;
            }
            long expected = last.getOrDefault(v.key(), 0L) + 1;
            if (v.seq() != expected) {
                problems.add(v.key() + " as of " + v.asOf() + ": seq " + v.seq() + ", expected " + expected);
            }
            last.put(v.key(), v.seq());
        }
        assertThat(last).as(run).isNotEmpty();
        assertThat(problems).as(run).isEmpty();
    }
}
