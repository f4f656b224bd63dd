package vn.ioc.pulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.ioc.pulse.jobs.CaseEvents.at;
import static vn.ioc.pulse.jobs.CaseEvents.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
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
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.AlertEvent.Status;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.KpiValue;

/**
 * The KPI job with alert evaluation (shipped rules) on a shared MiniCluster at parallelism 2: dossiers turning
 * overdue in two agencies and a portal outage give exactly the hand-written alert records, also after a failure
 * restored from a checkpoint (records whose (fingerprint, seq) was already seen dropped, as consumers do).
 */
class KpiJobAlertPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final JobConfig CONFIG = new JobConfig("unused", "SL", null, "ioc", null, null, 200,
            Duration.ofSeconds(2), Duration.ZERO, 2, 1, Duration.ofDays(35), null, null, 0, 0);

    static CaseEvent received(String id, String dossier, String agency, String localTime, String dueLocalTime) {
        return new CaseEvent(id, dossier, CaseEventType.RECEIVED, at("2026-03-02T" + localTime), 0, null, "1.001",
                "F1", agency, null, CaseEvent.Channel.ONLINE, null, null, null, at("2026-03-02T" + dueLocalTime), null,
                null, null, null, null, null);
    }

    static String availability(String id, String localTime, String state) {
        return "{\"schema\":\"ioc.service.v1\",\"event_id\":\"" + id + "\",\"type\":\"AVAILABILITY\",\"occurred_at\":\""
                + KpiValue.formatTime(at("2026-03-02T" + localTime)) + "\",\"component\":\"PORTAL\",\"state\":\""
                + state + "\"}";
    }

    static String tick(String localTime) {
        return EventJson.tick(at("2026-03-02T" + localTime));
    }

    static String dossierEvent(String id, String dossier, CaseEventType type, String localTime) {
        return EventJson.of(event(id, dossier, type, at("2026-03-02T" + localTime)));
    }

    /** Monday 2/3/2026: a1, a2 (agency A, due 10:00 and 11:00), b1 (agency B, due 10:30); the portal down 09:00–09:30. */
    static List<String> input() {
        return List.of(
                EventJson.of(received("a1r", "a1", "A", "08:00:00", "10:00:00")),
                EventJson.of(received("a2r", "a2", "A", "08:01:00", "11:00:00")),
                EventJson.of(received("b1r", "b1", "B", "08:02:00", "10:30:00")),
                availability("s1", "09:00:00", "DOWN"),
                tick("09:05:00"),
                availability("s2", "09:30:00", "UP"),
                tick("10:15:00"),
                tick("10:45:00"),
                tick("11:30:00"),
                dossierEvent("a1e", "a1", CaseEventType.RESOLVED, "12:00:00"),
                dossierEvent("b1p", "b1", CaseEventType.SUPPLEMENT_REQUESTED, "12:30:00"),
                dossierEvent("a2e", "a2", CaseEventType.RESOLVED, "13:00:00"),
                tick("14:00:00"));
    }

    record Expected(String rule, String scopeType, String scopeId, Status status, long seq, String startsAt,
                    String endsAt, List<String> dossiers) {
        String fingerprint() {
            return AlertEvent.fingerprint(rule, scopeType, scopeId);
        }
    }

    static Expected overdue(String agency, Status status, long seq, String startsAt, String endsAt,
                            String... dossiers) {
        return new Expected("dossiers_overdue", "agency", agency, status, seq, startsAt, endsAt, List.of(dossiers));
    }

    /**
     * By hand (DOMAIN.md §7: OVERDUE iff now &gt; due, not paused; the portal rule fires 10 min after DOWN): as_of is
     * the transition instant, starts_at when the alert began firing, ends_at the resolution.
     */
    static final List<Expected> EXPECTED = List.of(
            new Expected("component_down", "component", "PORTAL", Status.FIRING, 1, "09:10:00", null, List.of()),
            new Expected("component_down", "component", "PORTAL", Status.RESOLVED, 2, "09:10:00", "09:30:00", List.of()),
            overdue("A", Status.FIRING, 1, "10:00:00.001", null, "a1"),
            overdue("A", Status.FIRING, 2, "10:00:00.001", null, "a1", "a2"),
            overdue("A", Status.FIRING, 3, "10:00:00.001", null, "a2"), // a1 resolved at 12:00
            overdue("A", Status.RESOLVED, 4, "10:00:00.001", "13:00:00"),
            overdue("B", Status.FIRING, 1, "10:30:00.001", null, "b1"),
            overdue("B", Status.RESOLVED, 2, "10:30:00.001", "12:30:00")); // b1 paused for a supplement

    static final List<String> AS_OF = List.of("09:10:00", "09:30:00", "10:00:00.001", "11:00:00.001", "12:00:00",
            "13:00:00", "10:30:00.001", "12:30:00");

    static List<AlertEvent> run(List<String> json, boolean injectFailure) throws Exception {
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
        ArrayList<String> data = new ArrayList<>(json);
        // with failure injection at most 2 records per checkpoint, so checkpoints complete while input remains
        DataGeneratorSource<Envelope> source = new DataGeneratorSource<>(i -> Envelope.parse(data.get(i.intValue())),
                data.size(), injectFailure ? RateLimiterStrategy.perCheckpoint(2) : RateLimiterStrategy.noOp(),
                TypeInformation.of(Envelope.class));
        KpiJob job = new KpiJob(source, new DiscardingSink<>(), null, null, null, CONFIG);
        var outputs = job.buildWithAlerts(env,
                s -> injectFailure ? s.map(new FailOnceAfterCheckpoint(3)).returns(Envelope.class).setParallelism(1) : s);
        List<AlertEvent> out = new ArrayList<>();
        try (var it = outputs.alerts().collectAsync()) {
            var client = env.executeAsync("kpi-job-alerts");
            it.forEachRemaining(out::add);
            var result = client.getJobExecutionResult().get();
            if (injectFailure) {
                Integer restored = result.getAccumulatorResult(FailOnceAfterCheckpoint.RESTORED_ATTEMPTS);
                assertThat(restored).as("the job failed once and ran again from its checkpoint").isEqualTo(1);
            }
        }
        return out;
    }

    /** What a consumer keeps: per fingerprint, records with a seq above the last one seen; dossier and portal rules. */
    static List<AlertEvent> consumed(List<AlertEvent> written) {
        Set<String> seen = new HashSet<>();
        List<AlertEvent> out = new ArrayList<>();
        java.util.Map<String, Long> last = new java.util.HashMap<>();
        for (AlertEvent a : written) {
            if (!a.rule().equals("dossiers_overdue") && !a.rule().equals("component_down")) {
                continue; // the KPI rules (on-time ratio …) are covered by the harness tests
            }
            if (a.seq() <= last.getOrDefault(a.fingerprint(), 0L) || !seen.add(a.fingerprint() + "#" + a.seq())) {
                continue;
            }
            last.put(a.fingerprint(), a.seq());
            out.add(a);
        }
        out.sort(Comparator.comparing(AlertEvent::rule).thenComparing(AlertEvent::scopeId)
                .thenComparingLong(AlertEvent::seq));
        return out;
    }

    static void assertExpected(List<AlertEvent> consumed) {
        assertThat(consumed).hasSize(EXPECTED.size());
        for (int i = 0; i < EXPECTED.size(); i++) {
            Expected e = EXPECTED.get(i);
            AlertEvent a = consumed.get(i);
            String what = "record " + i + " " + a.toJson();
            assertThat(a.fingerprint()).as(what).isEqualTo(e.fingerprint());
            assertThat(a.status()).as(what).isEqualTo(e.status());
            assertThat(a.seq()).as(what).isEqualTo(e.seq());
            assertThat(a.startsAt()).as(what).isEqualTo(at("2026-03-02T" + e.startsAt()));
            assertThat(a.endsAt()).as(what).isEqualTo(e.endsAt() == null ? null : at("2026-03-02T" + e.endsAt()));
            assertThat(a.asOf()).as(what).isEqualTo(at("2026-03-02T" + AS_OF.get(i)));
            assertThat(a.dossiers()).as(what).isEqualTo(e.dossiers());
            assertThat(a.dossierCount()).as(what).isEqualTo(e.rule().equals("dossiers_overdue") ? e.dossiers().size() : 0);
        }
    }

    @Test
    @DisplayName("dossiers overdue in two agencies and a portal outage give exactly the hand-written alert records")
    void alertsOfTheDay() throws Exception {
        List<AlertEvent> written = run(input(), false);
        List<AlertEvent> consumed = consumed(written);
        assertExpected(consumed);
        // the job writes each transition once when nothing fails
        assertThat(written.stream().filter(a -> a.rule().equals("dossiers_overdue")
                || a.rule().equals("component_down")).count()).isEqualTo(EXPECTED.size());
        assertThat(consumed.get(0).annotations().get("summary_en")).isEqualTo("PORTAL has been DOWN since 09:00 02/03/2026");
        assertThat(consumed.get(3).annotations().get("summary_vi")).isEqualTo("A có 2 hồ sơ quá hạn đang xử lý");
        // every record survives the trip through the alerts topic's JSON
        for (AlertEvent a : written) {
            assertThat(AlertEvent.fromJson(a.toJson())).isEqualTo(a);
        }
    }

    @Test
    @DisplayName("a failure mid-stream restored from a checkpoint: after dropping seen (fingerprint, seq), the same records — no gap, no lost transition")
    void failureAndRestore() throws Exception {
        List<AlertEvent> consumed = consumed(run(input(), true));
        assertExpected(consumed);
    }
}
