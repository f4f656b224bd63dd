package vn.ioc.pulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.ioc.pulse.jobs.CaseEvents.at;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Issue "Hardening" 1–2 end to end: the whole KPI job on a MiniCluster at parallelism 2 without restarts (any
 * exception fails the job and the test), fed Envelopes built directly — bypassing the codec — with extreme but
 * representable values, mixed with a few normal dossiers, a feedback item, a payment and an availability event whose
 * KPIs are worked out by hand below. The job must finish, the normal KPIs must be exact, and every poison record must
 * appear once in the dead-letter output naming its key and the exception.
 */
class KpiJobPoisonPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Instant YEAR_9999 = Instant.parse("9999-06-01T00:00:00Z");
    static final Instant YEAR_1 = Instant.parse("0001-06-01T00:00:00Z");

    /** The source reads this list (static: CaseEvent is not Serializable; the MiniCluster runs in this JVM). */
    static volatile List<Envelope> input = List.of();
    static final Queue<String> DEAD_LETTERS = new ConcurrentLinkedQueue<>();

    /** Collects the dead-letter topic's records in this JVM. */
    static final class CollectingSink implements Sink<String> {
        @Override
        public SinkWriter<String> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(String element, Context ctx) {
                    DEAD_LETTERS.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    static CaseEvent caseEvent(String id, String dossier, CaseEventType type, Instant at, long sequence,
                               Instant receivedAt, Instant dueAt, Long duration, DurationUnit unit) {
        return new CaseEvent(id, dossier, type, at, sequence, null, "1.001", "F1", "A", "14107",
                CaseEvent.Channel.ONLINE, null, null, receivedAt, dueAt,
                duration == null ? null : new CaseEvent.RegulatedDuration(duration, unit), null, null, null, null, null);
    }

    static CaseEvent receivedFor(String id, String dossier, Instant at, long duration, DurationUnit unit) {
        return caseEvent(id, dossier, CaseEventType.RECEIVED, at, 0, null, null, duration, unit);
    }

    static CaseEvent plain(String id, String dossier, CaseEventType type, Instant at, Instant dueAt) {
        return new CaseEvent(id, dossier, type, at, 0, null, null, null, null, null, null, null, null, null, dueAt,
                null, null, null, null, null, null);
    }

    static ServiceEvent service(String id, ServiceEvent.Type type, Instant at, String feedbackId,
                                ServiceEvent.Component component, ServiceEvent.State state) {
        return new ServiceEvent(id, type, at, component, state, component == null ? null : 12L, "A", "14107", null,
                null, feedbackId, null, null, null, null);
    }

    /** A poison record: the dead letter it must produce. */
    record Expected(String operator, String key, String errorPart) {
    }

    @Test
    @DisplayName("extreme values built past the codec: the job finishes, normal KPIs are exact, each poison is dead-lettered once")
    void poisonMixedWithNormalDossiers() throws Exception {
        List<Envelope> events = new ArrayList<>();
        Map<String, Expected> poisons = new HashMap<>();

        // ---- normal records, Monday 2 March 2026 (no holidays in March 2026)
        // n1: received 09:00, due_at Wed 4/3 17:00 → open and on time at 12:00
        events.add(Envelope.of(caseEvent("n1-r", "n1", CaseEventType.RECEIVED, at("2026-03-02T09:00:00"), 0, null,
                at("2026-03-04T17:00:00"), null, null)));
        // n2: received 10:00 with HOUR 0 (legal): due = 10:00 itself → OVERDUE at 12:00, not on time
        events.add(Envelope.of(receivedFor("n2-r", "n2", at("2026-03-02T10:00:00"), 0, DurationUnit.HOUR)));
        // n3: sequence Long.MAX_VALUE (legal), received 08:00 with 3 WORKING_DAY (due Thu 5/3 17:00),
        // resolved 11:00 the same day → EARLY, so ended on time
        events.add(Envelope.of(caseEvent("n3-r", "n3", CaseEventType.RECEIVED, at("2026-03-02T08:00:00"),
                Long.MAX_VALUE, null, null, 3L, DurationUnit.WORKING_DAY)));
        events.add(Envelope.of(plain("n3-end", "n3", CaseEventType.RESOLVED, at("2026-03-02T11:00:00"), null)));
        // x-pause: a supplement pause spanning two centuries. Received Mon 5/1/1920 09:00 with 3 WORKING_DAY (1920
        // has no calendar data: weekdays only) → due Thu 8/1/1920 17:00; request Tue 6/1/1920 10:00; documents back
        // Mon 2/3/2026 11:00. The due moves forward by the paused working time, so from the return to the new due
        // there is as much working time as from the request to the old due: (1.5 + 3.5) + 8 + 8 = 21 h. From Mon
        // 11:00: 0.5 + 3.5 = 4 h, Tue 8 h, Wed 8 h, Thu 07:00 + 1 h → due Thu 5/3/2026 08:00: open, on time at 12:00
        // Monday, not due within 24 h. Received in 1920: in no window of `received`.
        events.add(Envelope.of(receivedFor("xp-r", "x-pause", at("1920-01-05T09:00:00"), 3, DurationUnit.WORKING_DAY)));
        events.add(Envelope.of(plain("xp-q", "x-pause", CaseEventType.SUPPLEMENT_REQUESTED, at("1920-01-06T10:00:00"),
                null)));
        events.add(Envelope.of(plain("xp-b", "x-pause", CaseEventType.SUPPLEMENT_RECEIVED, at("2026-03-02T11:00:00"),
                null)));
        // a feedback item received 09:00 (open, deadline 15 working days later), a successful payment at 10:00,
        // the portal UP since 11:00
        events.add(Envelope.of(service("fb1-r", ServiceEvent.Type.FEEDBACK_RECEIVED, at("2026-03-02T09:00:00"), "fb1",
                null, null)));
        events.add(Envelope.of(service("pay-ok", ServiceEvent.Type.PAYMENT_SUCCEEDED, at("2026-03-02T10:00:00"), null,
                null, null)));
        events.add(Envelope.of(service("av-ok", ServiceEvent.Type.AVAILABILITY, at("2026-03-02T11:00:00"), null,
                ServiceEvent.Component.PORTAL, ServiceEvent.State.UP)));

        // ---- poison records, each must be dead-lettered once
        Instant mon930 = at("2026-03-02T09:30:00");
        poison(events, poisons, receivedFor("p-max-hour", "x1", mon930, Long.MAX_VALUE, DurationUnit.HOUR),
                "dossier-state", "9223372036854775807 HOUR");
        poison(events, poisons, receivedFor("p-max-wd", "x2", mon930, Long.MAX_VALUE, DurationUnit.WORKING_DAY),
                "dossier-state", "9223372036854775807 WORKING_DAY");
        poison(events, poisons, receivedFor("p-min", "x3", mon930, Long.MIN_VALUE, DurationUnit.DAY),
                "dossier-state", ">= 0");
        poison(events, poisons, receivedFor("p-neg", "x4", mon930, -1, DurationUnit.HOUR), "dossier-state", ">= 0");
        poison(events, poisons, receivedFor("p-occ-9999", "x5", YEAR_9999, 3, DurationUnit.WORKING_DAY),
                "dossier-state", "occurred_at");
        poison(events, poisons, receivedFor("p-occ-1", "x6", YEAR_1, 3, DurationUnit.WORKING_DAY),
                "dossier-state", "occurred_at");
        poison(events, poisons, receivedFor("p-occ-max", "x7", Instant.MAX, 3, DurationUnit.WORKING_DAY),
                "dossier-state", "occurred_at");
        poison(events, poisons, receivedFor("p-occ-min", "x8", Instant.MIN, 3, DurationUnit.WORKING_DAY),
                "dossier-state", "occurred_at");
        poison(events, poisons, caseEvent("p-rcv-1", "x9", CaseEventType.RECEIVED, mon930, 0, YEAR_1, null, 3L,
                DurationUnit.WORKING_DAY), "dossier-state", "received_at");
        poison(events, poisons, caseEvent("p-rcv-9999", "x10", CaseEventType.RECEIVED, mon930, 0, YEAR_9999, null,
                3L, DurationUnit.WORKING_DAY), "dossier-state", "received_at");
        poison(events, poisons, caseEvent("p-due-9999", "x11", CaseEventType.RECEIVED, mon930, 0, null, YEAR_9999,
                null, null), "dossier-state", "due_at");
        poison(events, poisons, caseEvent("p-due-min", "x12", CaseEventType.RECEIVED, mon930, 0, null, Instant.MIN,
                null, null), "dossier-state", "due_at");
        // on a normal dossier: n1 must come out exactly as without it
        poison(events, poisons, plain("p-n1-due", "n1", CaseEventType.DUE_DATE_CHANGED, at("2026-03-02T09:45:00"),
                YEAR_9999), "dossier-state", "due_at");
        poison(events, poisons, plain("p-n1-end", "n1", CaseEventType.RESOLVED, Instant.MAX, null),
                "dossier-state", "occurred_at");
        // service events
        poison(events, poisons, service("p-fb-9999", ServiceEvent.Type.FEEDBACK_RECEIVED, YEAR_9999, "fb2", null, null),
                "feedback-state", "occurred_at");
        poison(events, poisons, service("p-fb1-ans", ServiceEvent.Type.FEEDBACK_ANSWERED, Instant.MAX, "fb1", null, null),
                "feedback-state", "occurred_at");
        poison(events, poisons, service("p-pay-max", ServiceEvent.Type.PAYMENT_SUCCEEDED, Instant.MAX, null, null, null),
                "payment-dedup", "occurred_at");
        poison(events, poisons, service("p-pay-1", ServiceEvent.Type.PAYMENT_FAILED, YEAR_1, null, null, null),
                "payment-dedup", "occurred_at");
        poison(events, poisons, service("p-av-9999", ServiceEvent.Type.AVAILABILITY, YEAR_9999, null,
                ServiceEvent.Component.PORTAL, ServiceEvent.State.DOWN), "availability-kpis", "occurred_at");
        poison(events, poisons, service("p-av-min", ServiceEvent.Type.AVAILABILITY, Instant.MIN, null,
                ServiceEvent.Component.VNEID, ServiceEvent.State.DOWN), "availability-kpis", "occurred_at");
        // records keyBy could not even route (route-events)
        events.add(Envelope.of(plain("p-nokey", null, CaseEventType.RECEIVED, mon930, null)));
        poisons.put("p-nokey", new Expected("route-events", null, "dossier_code is missing"));
        events.add(Envelope.of(service("p-av-nocomp", ServiceEvent.Type.AVAILABILITY, mon930, null, null,
                ServiceEvent.State.UP)));
        poisons.put("p-av-nocomp", new Expected("route-events", "p-av-nocomp", "component is missing"));
        // a clock tick in year 9999 would move every dossier's clock
        events.add(Envelope.of(new ClockTick(YEAR_9999)));

        // the clock: Monday 12:00
        events.add(Envelope.of(new ClockTick(at("2026-03-02T12:00:00"))));
        Map<String, KpiValue> kpis = run(events);

        // ---- normal KPIs at province SL as of Mon 12:00
        // received today: n1, n2, n3 (x-pause was received in 1920)
        assertThat(value(kpis, "received/province/SL/today")).isEqualTo(3.0);
        // open: n1, n2, x-pause (n3 resolved); overdue: n2 only; nobody paused
        assertThat(value(kpis, "backlog/province/SL/live")).isEqualTo(3.0);
        assertThat(value(kpis, "overdue_open/province/SL/live")).isEqualTo(1.0);
        assertThat(value(kpis, "paused/province/SL/live")).isEqualTo(0.0);
        assertThat(value(kpis, "resolved/province/SL/today")).isEqualTo(1.0);
        // on time: n3 (ended, EARLY) + open on time n1, x-pause = 3, of ended 1 + open 3 = 4
        KpiValue onTime = kpis.get("on_time_ratio/province/SL/24h");
        assertThat(onTime.numerator()).isEqualTo(3.0);
        assertThat(onTime.denominator()).isEqualTo(4.0);
        assertThat(onTime.value()).isEqualTo(0.75);
        // published when it last changed — n2 turned OVERDUE just after 10:00 — at the first watermark step past that:
        // 10:59:57.999 (the 11:00 portal event less the 2 s bound and 1 ms) when a periodic watermark was emitted
        // between the two, else the 12:00 tick; which one depends on processing time, not on the events
        assertThat(onTime.asOf()).isBetween(at("2026-03-02T10:00:00"), at("2026-03-02T12:00:00"));
        // feedback fb1 open and within its deadline: 1 / 1 (fb2 and fb1's poison answer are dead-lettered)
        KpiValue feedback = kpis.get("feedback_on_time_ratio/province/SL/mtd");
        assertThat(feedback.numerator()).isEqualTo(1.0);
        assertThat(feedback.denominator()).isEqualTo(1.0);
        // one successful payment at 10:00, inside the 24h window (the poison ones are dead-lettered)
        KpiValue payments = kpis.get("payment_success_ratio/province/SL/24h");
        assertThat(payments.numerator()).isEqualTo(1.0);
        assertThat(payments.denominator()).isEqualTo(1.0);
        // the portal: UP since 11:00, state unknown before → 3600 s up of 3600 s known in 1h and 24h
        KpiValue portal = kpis.get("availability_ratio/component/PORTAL/24h");
        assertThat(portal.numerator()).isEqualTo(3600.0);
        assertThat(portal.denominator()).isEqualTo(3600.0);
        assertThat(portal.asOf()).isEqualTo(at("2026-03-02T12:00:00"));
        // no KPI is stated for an instant other than the clock's (the year-9999 records did not move it)
        for (KpiValue v : kpis.values()) {
            assertThat(v.asOf()).as(v.key()).isBetween(at("2026-03-02T00:00:00"), at("2026-03-02T12:00:00"));
        }
        assertThat(kpis).doesNotContainKey("availability_ratio/component/VNEID/1h");

        // ---- dead letters: exactly one per poison record, naming operator, key, event and exception
        Map<String, JsonNode> byEvent = new HashMap<>();
        List<JsonNode> ticks = new ArrayList<>();
        for (String text : DEAD_LETTERS) {
            JsonNode dl = EventCodec.mapper().readTree(text);
            assertThat(dl.path("source").asText()).isEqualTo("kpi-job");
            if (dl.hasNonNull("event_id")) {
                assertThat(byEvent.put(dl.get("event_id").asText(), dl)).as("one dead letter per record: " + text)
                        .isNull();
            } else {
                ticks.add(dl);
            }
        }
        assertThat(byEvent.keySet()).containsExactlyInAnyOrderElementsOf(poisons.keySet());
        poisons.forEach((id, expected) -> {
            JsonNode dl = byEvent.get(id);
            assertThat(dl.path("operator").asText()).as(id).isEqualTo(expected.operator());
            if (expected.key() == null) {
                assertThat(dl.path("key").isNull()).as(id).isTrue();
            } else {
                assertThat(dl.path("key").asText()).as(id).isEqualTo(expected.key());
            }
            assertThat(dl.path("error").asText()).as(id).startsWith("java.lang.IllegalArgumentException: ")
                    .contains(expected.errorPart());
            assertThat(dl.path("input").path("event_id").asText()).as(id).isEqualTo(id);
        });
        assertThat(ticks).hasSize(1);
        assertThat(ticks.get(0).path("operator").asText()).isEqualTo("route-events");
        assertThat(ticks.get(0).path("error").asText()).contains("clock tick").contains("9999");
    }

    static void poison(List<Envelope> events, Map<String, Expected> poisons, CaseEvent e, String operator,
                       String errorPart) {
        events.add(Envelope.of(e));
        poisons.put(e.eventId(), new Expected(operator, e.dossierCode(), errorPart));
    }

    static void poison(List<Envelope> events, Map<String, Expected> poisons, ServiceEvent e, String operator,
                       String errorPart) {
        events.add(Envelope.of(e));
        String key = switch (operator) {
            case "feedback-state" -> e.feedbackId();
            case "availability-kpis" -> e.component().name();
            default -> e.eventId();
        };
        poisons.put(e.eventId(), new Expected(operator, key, errorPart));
    }

    static double value(Map<String, KpiValue> kpis, String key) {
        assertThat(kpis).containsKey(key);
        return kpis.get(key).value();
    }

    /** Runs the job without restarts; returns the last published value of every KPI key. */
    static Map<String, KpiValue> run(List<Envelope> events) throws Exception {
        input = List.copyOf(events);
        DEAD_LETTERS.clear();
        org.apache.flink.configuration.Configuration conf = KpiJobMain.flinkConfiguration(KpiJobPipelineTest.CONFIG);
        conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataGeneratorSource<Envelope> source = new DataGeneratorSource<>(i -> input.get(i.intValue()), events.size(),
                TypeInformation.of(Envelope.class));
        var kpis = new KpiJob(source, new DiscardingSink<>(), null, new CollectingSink(), KpiJobPipelineTest.CONFIG)
                .build(env);
        Map<String, KpiValue> last = new HashMap<>();
        try (var it = kpis.executeAndCollect("kpi-job-poison-test")) {
            it.forEachRemaining(v -> {
                KpiValue previous = last.get(v.key());
                if (previous == null || !v.asOf().isBefore(previous.asOf())) {
                    last.put(v.key(), v);
                }
            });
        }
        return last;
    }
}
