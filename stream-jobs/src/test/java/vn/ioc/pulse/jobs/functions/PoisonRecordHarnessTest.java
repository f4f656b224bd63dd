package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.jobs.rules.FeedbackRules;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.jobs.rules.KpiWindow;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Issue "Hardening" 1–2, per operator with Flink's test harness: a record the rules cannot process (values the codec
 * would reject, built directly) gives exactly one dead letter naming operator, key and exception, increments the
 * failure counter, throws nothing (so the job would not restart), and leaves the key's state exactly as it was: a
 * following good record gives the output it gives on a harness that never saw the poison. Expected contributions and
 * KPI values are worked out by hand in the comments (March 2026 has no holidays; Mon 2/3/2026 is a Monday).
 */
class PoisonRecordHarnessTest {
    static final long RETENTION = Duration.ofDays(35).toMillis();
    static final WorkingCalendar CAL = WorkingCalendar.load();
    static final long HOUR = 3_600_000L;
    static final Instant MON_9 = t("2026-03-02T09:00");
    static final Instant TUE_10 = t("2026-03-03T10:00");
    static final Instant YEAR_9999 = Instant.parse("9999-06-01T00:00:00Z");
    static final Instant YEAR_1 = Instant.parse("0001-06-01T00:00:00Z");

    static Instant t(String local) {
        return OffsetDateTime.parse(local + "+07:00").toInstant();
    }

    static long ms(String local) {
        return t(local).toEpochMilli();
    }

    static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> harness(KeyedProcessFunction<String, I, O> f,
                                                                                KeySelector<I, String> key)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), key, Types.STRING);
        h.open();
        return h;
    }

    /** The dead letters emitted so far, parsed. */
    static List<JsonNode> deadLetters(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        var side = h.getSideOutput(RouteEvents.DEAD_LETTER);
        if (side != null) {
            for (StreamRecord<String> r : side) {
                out.add(EventCodec.mapper().readTree(r.getValue()));
            }
        }
        return out;
    }

    static void assertDeadLetter(JsonNode dl, String operator, String key, String eventId, String errorPart) {
        assertThat(dl.path("source").asText()).isEqualTo("kpi-job");
        assertThat(dl.path("operator").asText()).isEqualTo(operator);
        assertThat(dl.path("key").asText()).isEqualTo(key);
        if (eventId != null) {
            assertThat(dl.path("event_id").asText()).isEqualTo(eventId);
            assertThat(dl.path("input").path("event_id").asText()).as("the input is described").isEqualTo(eventId);
        }
        assertThat(dl.path("error").asText()).startsWith("java.lang.IllegalArgumentException: ").contains(errorPart);
    }

    // ------------------------------------------------------------------------------------------------ dossiers

    static CaseEvent received(String id, String dossier, Instant at, Instant receivedAt, Instant dueAt,
                              CaseEvent.RegulatedDuration duration, long sequence) {
        return new CaseEvent(id, dossier, CaseEventType.RECEIVED, at, sequence, null, "2.000815", null, "STP", null,
                CaseEvent.Channel.ONLINE, null, null, receivedAt, dueAt, duration, null, null, null, null, null);
    }

    static CaseEvent received(String id, String dossier, Instant at, long value, DurationUnit unit) {
        return received(id, dossier, at, null, null, new CaseEvent.RegulatedDuration(value, unit), 0);
    }

    static CaseEvent event(String id, String dossier, CaseEventType type, Instant at, Instant dueAt) {
        return new CaseEvent(id, dossier, type, at, 0, null, null, null, null, null, null, null, null, null, dueAt,
                null, null, null, null, null, null);
    }

    @Nested
    @DisplayName("dossier-state")
    class Dossiers {
        DossierProcessor fn;
        KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> h;

        KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> open() throws Exception {
            DossierProcessor f = new DossierProcessor(new DossierRules(CAL, "SL"), RETENTION);
            fn = f;
            return harness(f, DossierInput::dossierCode);
        }

        static void send(KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> h, CaseEvent e)
                throws Exception {
            h.processElement(new StreamRecord<>(DossierInput.of(e), 0));
        }

        static List<Contribution> drain(KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> h) {
            List<Contribution> out = new ArrayList<>();
            h.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
            h.getOutput().clear();
            return out;
        }

        static List<CaseEvent> poisonReceipts() {
            Instant far = YEAR_9999;
            return List.of(
                    // the record: Long.MAX_VALUE HOUR (was ArithmeticException: long overflow)
                    received("p", "d1", MON_9, Long.MAX_VALUE, DurationUnit.HOUR),
                    received("p", "d1", MON_9, Long.MAX_VALUE, DurationUnit.WORKING_DAY),
                    received("p", "d1", MON_9, Long.MAX_VALUE, DurationUnit.DAY),
                    received("p", "d1", MON_9, Long.MIN_VALUE, DurationUnit.HOUR),
                    received("p", "d1", MON_9, -1, DurationUnit.WORKING_DAY),
                    // a duration the calendar can compute but that lands after 2199
                    received("p", "d1", MON_9, 100_000, DurationUnit.WORKING_DAY),
                    received("p", "d1", far, 3, DurationUnit.WORKING_DAY),
                    received("p", "d1", YEAR_1, 3, DurationUnit.WORKING_DAY),
                    received("p", "d1", Instant.MAX, 3, DurationUnit.WORKING_DAY),
                    received("p", "d1", Instant.MIN, 3, DurationUnit.WORKING_DAY),
                    received("p", "d1", MON_9, far, null, new CaseEvent.RegulatedDuration(3, DurationUnit.HOUR), 0),
                    received("p", "d1", MON_9, null, far, null, 0),
                    received("p", "d1", MON_9, null, Instant.MAX, null, 0),
                    received("p", "d1", MON_9, null, null, null, 0));
        }

        @ParameterizedTest
        @MethodSource("poisonReceipts")
        @DisplayName("a poison RECEIVED: one dead letter, counted, nothing stored; the good RECEIVED then counts as usual")
        void poisonFirst(CaseEvent poison) throws Exception {
            h = open();
            send(h, poison);
            assertThat(drain(h)).isEmpty();
            List<JsonNode> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertDeadLetter(dl.get(0), "dossier-state", "d1", "p", "");
            assertThat(fn.failedRecords()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).as("nothing stored").isZero();
            assertThat(h.numEventTimeTimers()).isZero();

            // the same event_id, corrected: a rejected record reserves nothing
            send(h, received("p", "d1", MON_9, 3, DurationUnit.WORKING_DAY));
            List<Contribution> out = drain(h);
            // Mon 2/3 09:00 + 3 WORKING_DAY = Thu 5/3 17:00; due soon from Wed 4/3 17:00; overdue from due + 1 ms
            long mon9 = MON_9.toEpochMilli();
            long due = ms("2026-03-05T17:00");
            assertThat(out).contains(
                    new Contribution("province", "SL", Measure.RECEIVED, mon9, mon9, 1),
                    new Contribution("province", "SL", Measure.OPEN, mon9, mon9, 1),
                    new Contribution("province", "SL", Measure.OPEN_ON_TIME, mon9, mon9, 1),
                    new Contribution("province", "SL", Measure.OPEN_ON_TIME, due + 1, due + 1, -1),
                    new Contribution("province", "SL", Measure.OPEN_DUE_SOON, due - 24 * HOUR, due - 24 * HOUR, 1),
                    new Contribution("province", "SL", Measure.OPEN_DUE_SOON, due + 1, due + 1, -1),
                    new Contribution("province", "SL", Measure.OPEN_OVERDUE, due + 1, due + 1, 1),
                    new Contribution("agency", "STP", Measure.RECEIVED, mon9, mon9, 1));
            assertThat(out).containsExactlyInAnyOrderElementsOf(cleanRun(List.of(
                    received("p", "d1", MON_9, 3, DurationUnit.WORKING_DAY))));
            assertThat(deadLetters(h)).hasSize(1);
            h.close();
        }

        /** The output of the last event of {@code events} on a fresh harness (never saw a poison). */
        List<Contribution> cleanRun(List<CaseEvent> events) throws Exception {
            var clean = harness(new DossierProcessor(new DossierRules(CAL, "SL"), RETENTION),
                    DossierInput::dossierCode);
            List<Contribution> last = List.of();
            for (CaseEvent e : events) {
                send(clean, e);
                last = drain(clean);
            }
            clean.close();
            return last;
        }

        static List<CaseEvent> poisonLater() {
            return List.of(
                    event("p", "d1", CaseEventType.DUE_DATE_CHANGED, TUE_10, YEAR_9999),
                    event("p", "d1", CaseEventType.DUE_DATE_CHANGED, TUE_10, Instant.MAX),
                    event("p", "d1", CaseEventType.SUPPLEMENT_RECEIVED, TUE_10, YEAR_1),
                    event("p", "d1", CaseEventType.RESOLVED, YEAR_9999, null),
                    event("p", "d1", CaseEventType.RESOLVED, Instant.MAX, null),
                    event("p", "d1", CaseEventType.RATED, YEAR_1, null),
                    event("p", "d1", CaseEventType.SUPPLEMENT_REQUESTED, t("2200-01-01T09:00"), null),
                    new CaseEvent("p", "d1", null, TUE_10, 0, null, null, null, null, null, null, null, null, null,
                            null, null, null, null, null, null, null));
        }

        @ParameterizedTest
        @MethodSource("poisonLater")
        @DisplayName("a poison after a good receipt leaves the stored dossier untouched: the next event gives the clean output")
        void poisonAfterReceipt(CaseEvent poison) throws Exception {
            h = open();
            CaseEvent r = received("r", "d1", MON_9, 3, DurationUnit.WORKING_DAY);
            send(h, r);
            drain(h);
            send(h, poison);
            assertThat(drain(h)).isEmpty();
            assertThat(deadLetters(h)).hasSize(1);
            assertDeadLetter(deadLetters(h).get(0), "dossier-state", "d1", "p", "");
            assertThat(fn.failedRecords()).isEqualTo(1);

            CaseEvent resolved = event("e2", "d1", CaseEventType.RESOLVED, TUE_10, null);
            send(h, resolved);
            List<Contribution> out = drain(h);
            // resolved Tue 3/3 10:00, before the due Thu 5/3 17:00 and on an earlier day: EARLY
            long tue10 = TUE_10.toEpochMilli();
            assertThat(out).contains(
                    new Contribution("province", "SL", Measure.RESOLVED, tue10, tue10, 1),
                    new Contribution("province", "SL", Measure.ENDED_EARLY, tue10, tue10, 1),
                    new Contribution("province", "SL", Measure.OPEN, tue10, tue10, -1));
            assertThat(out).containsExactlyInAnyOrderElementsOf(cleanRun(List.of(r, resolved)));
            // one retention timer, from the resolution
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.close();
        }

        @Test
        @DisplayName("a supplement pause spanning two centuries is computed exactly; one that pushes the due past 2199 is dead-lettered")
        void pauseSpanningCenturies() throws Exception {
            h = open();
            CaseEvent r = received("r", "d1", MON_9, 3, DurationUnit.WORKING_DAY);
            CaseEvent request = event("q", "d1", CaseEventType.SUPPLEMENT_REQUESTED, TUE_10, null);
            send(h, r);
            send(h, request);
            drain(h);
            // The due moves forward by the paused working time W, so the working time from the documents' return to
            // the new due equals the working time from the request to the old due: Tue 3/3 10:00 → Thu 5/3 17:00 =
            // (1.5 + 3.5) + 8 + 8 = 21 h. Back Tue 31/12/2199 09:00: 6 h that day, the rest in 2200 → rejected.
            send(h, event("p", "d1", CaseEventType.SUPPLEMENT_RECEIVED, t("2199-12-31T09:00"), null));
            assertThat(drain(h)).isEmpty();
            assertThat(deadLetters(h)).hasSize(1);
            assertDeadLetter(deadLetters(h).get(0), "dossier-state", "d1", "p", "moved by the pause");
            // Back Mon 3/6/2199 09:00 (2199 has no calendar data: weekdays only): Mon 6 h, Tue 8 h, Wed 07:00 + 7 h
            // = 4.5 h to 11:30 + 2.5 h from 13:30 → due Wed 5/6/2199 16:00, overdue from 16:00:00.001
            CaseEvent back = event("b", "d1", CaseEventType.SUPPLEMENT_RECEIVED, t("2199-06-03T09:00"), null);
            send(h, back);
            List<Contribution> out = drain(h);
            long due = ms("2199-06-05T16:00");
            assertThat(out).contains(new Contribution("province", "SL", Measure.OPEN_OVERDUE, due + 1, due + 1, 1));
            assertThat(out).containsExactlyInAnyOrderElementsOf(cleanRun(List.of(r, request, back)));
            assertThat(fn.failedRecords()).isEqualTo(1);
        }

        @Test
        @DisplayName("a latent poison (a year-9999 due date before any receipt) is rejected on arrival, not when it would apply")
        void latentPoison() throws Exception {
            h = open();
            send(h, event("p", "d1", CaseEventType.DUE_DATE_CHANGED, MON_9, YEAR_9999));
            assertThat(deadLetters(h)).hasSize(1);
            CaseEvent r = received("r", "d1", MON_9.plusSeconds(60), 3, DurationUnit.WORKING_DAY);
            send(h, r);
            assertThat(deadLetters(h)).as("the good receipt is not poisoned by a stored value").hasSize(1);
            assertThat(drain(h)).containsExactlyInAnyOrderElementsOf(cleanRun(List.of(r)));
        }

        @Test
        @DisplayName("zero durations and sequence Long.MAX_VALUE are legal: no dead letter")
        void legalExtremes() throws Exception {
            h = open();
            // HOUR 0 received Mon 9:00 inside office hours: due = the receipt itself → overdue from 09:00:00.001
            send(h, received("r", "d1", MON_9, null, null, new CaseEvent.RegulatedDuration(0, DurationUnit.HOUR),
                    Long.MAX_VALUE));
            long mon9 = MON_9.toEpochMilli();
            assertThat(drain(h)).contains(new Contribution("province", "SL", Measure.OPEN_OVERDUE, mon9 + 1, mon9 + 1, 1));
            assertThat(deadLetters(h)).isEmpty();
            assertThat(fn.failedRecords()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------------ feedback

    static ServiceEvent feedback(String id, ServiceEvent.Type type, Instant at) {
        return new ServiceEvent(id, type, at, null, null, null, "STP", "14107", null, null, "f1", null, null, null,
                null);
    }

    @Nested
    @DisplayName("feedback-state")
    class Feedback {
        FeedbackProcessor fn;

        KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> open() throws Exception {
            fn = new FeedbackProcessor(new FeedbackRules(CAL, "SL"));
            return harness(fn, ServiceEvent::feedbackId);
        }

        static List<Contribution> run(KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> h,
                                      ServiceEvent e) throws Exception {
            h.processElement(new StreamRecord<>(e, 0));
            List<Contribution> out = new ArrayList<>();
            h.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
            h.getOutput().clear();
            return out;
        }

        @Test
        @DisplayName("a year-9999 receipt, then a good one: one dead letter, and the good one opens the item")
        void poisonReceipt() throws Exception {
            var h = open();
            assertThat(run(h, feedback("p", ServiceEvent.Type.FEEDBACK_RECEIVED, YEAR_9999))).isEmpty();
            assertThat(fn.failedRecords()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            List<JsonNode> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertDeadLetter(dl.get(0), "feedback-state", "f1", "p", "occurred_at");

            List<Contribution> out = run(h, feedback("r", ServiceEvent.Type.FEEDBACK_RECEIVED, MON_9));
            // 15 working days from Mon 2/3 (no holidays in March 2026): Mon 23/3 17:00; on time until then + 1 ms
            long mon9 = MON_9.toEpochMilli();
            long deadline = ms("2026-03-23T17:00");
            assertThat(out).containsExactlyInAnyOrder(
                    new Contribution("province", "SL", Measure.FEEDBACK_OPEN, mon9, mon9, 1),
                    new Contribution("province", "SL", Measure.FEEDBACK_OPEN_ON_TIME, mon9, mon9, 1),
                    new Contribution("province", "SL", Measure.FEEDBACK_OPEN_ON_TIME, deadline + 1, deadline + 1, -1),
                    new Contribution("agency", "STP", Measure.FEEDBACK_OPEN, mon9, mon9, 1),
                    new Contribution("agency", "STP", Measure.FEEDBACK_OPEN_ON_TIME, mon9, mon9, 1),
                    new Contribution("agency", "STP", Measure.FEEDBACK_OPEN_ON_TIME, deadline + 1, deadline + 1, -1),
                    new Contribution("commune", "14107", Measure.FEEDBACK_OPEN, mon9, mon9, 1),
                    new Contribution("commune", "14107", Measure.FEEDBACK_OPEN_ON_TIME, mon9, mon9, 1),
                    new Contribution("commune", "14107", Measure.FEEDBACK_OPEN_ON_TIME, deadline + 1, deadline + 1, -1));
            h.close();
        }

        @Test
        @DisplayName("an Instant.MAX answer after a good receipt: dead letter, the stored item is unchanged")
        void poisonAnswer() throws Exception {
            var h = open();
            run(h, feedback("r", ServiceEvent.Type.FEEDBACK_RECEIVED, MON_9));
            assertThat(run(h, feedback("p", ServiceEvent.Type.FEEDBACK_ANSWERED, Instant.MAX))).isEmpty();
            assertThat(fn.failedRecords()).isEqualTo(1);
            assertThat(deadLetters(h)).hasSize(1);
            // the good answer Tue 3/3 10:00 (before the deadline) closes the open gauges at 10:00 and counts answered
            long tue10 = TUE_10.toEpochMilli();
            List<Contribution> out = run(h, feedback("a", ServiceEvent.Type.FEEDBACK_ANSWERED, TUE_10));
            assertThat(out).contains(
                    new Contribution("province", "SL", Measure.FEEDBACK_OPEN, tue10, tue10, -1),
                    new Contribution("province", "SL", Measure.FEEDBACK_ANSWERED, tue10, tue10, 1),
                    new Contribution("province", "SL", Measure.FEEDBACK_ANSWERED_ON_TIME, tue10, tue10, 1));
            var clean = harness(new FeedbackProcessor(new FeedbackRules(CAL, "SL")), ServiceEvent::feedbackId);
            run(clean, feedback("r", ServiceEvent.Type.FEEDBACK_RECEIVED, MON_9));
            assertThat(out).containsExactlyInAnyOrderElementsOf(
                    run(clean, feedback("a", ServiceEvent.Type.FEEDBACK_ANSWERED, TUE_10)));
            clean.close();
            h.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ payments

    @Nested
    @DisplayName("payment-dedup")
    class Payments {
        @Test
        @DisplayName("a poison payment is not marked as seen: the corrected resend with the same event_id counts")
        void poisonNotSeen() throws Exception {
            PaymentProcessor fn = new PaymentProcessor("SL");
            var h = harness(fn, ServiceEvent::eventId);
            ServiceEvent poison = new ServiceEvent("pay1", ServiceEvent.Type.PAYMENT_SUCCEEDED, Instant.MAX, null,
                    null, null, "STP", null, null, null, null, null, 10_000L, null, null);
            h.processElement(new StreamRecord<>(poison, 0));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(fn.failedRecords()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            List<JsonNode> dl = deadLetters(h);
            assertThat(dl).hasSize(1);
            assertDeadLetter(dl.get(0), "payment-dedup", "pay1", "pay1", "occurred_at");
            assertThat(dl.get(0).path("input").path("occurred_at").asText()).isEqualTo(Instant.MAX.toString());

            ServiceEvent good = new ServiceEvent("pay1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, null, null, null,
                    "STP", null, null, null, null, null, 10_000L, null, null);
            h.processElement(new StreamRecord<>(good, 0));
            List<Contribution> out = new ArrayList<>();
            h.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
            long mon9 = MON_9.toEpochMilli();
            assertThat(out).containsExactlyInAnyOrder(
                    new Contribution("province", "SL", Measure.PAYMENT_SUCCEEDED, mon9, mon9, 1),
                    new Contribution("agency", "STP", Measure.PAYMENT_SUCCEEDED, mon9, mon9, 1));
            assertThat(fn.failedRecords()).isEqualTo(1);
            h.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ availability

    @Nested
    @DisplayName("availability-kpis")
    class Availability {
        static ServiceEvent availability(String id, Instant at, ServiceEvent.State state) {
            return new ServiceEvent(id, ServiceEvent.Type.AVAILABILITY, at, ServiceEvent.Component.PORTAL, state, 5L,
                    null, null, null, null, null, null, null, null, null);
        }

        static List<KpiValue> run(ScopeStateStatus status, List<ServiceEvent> events, long watermark,
                                  List<JsonNode> deadLetters, long[] failed) throws Exception {
            AvailabilityProcessor fn = new AvailabilityProcessor(List.of(KpiWindow.H1), status::statusOf);
            var h = harness(fn, (ServiceEvent s) -> s.component().name());
            for (ServiceEvent e : events) {
                h.processElement(new StreamRecord<>(e, 0));
            }
            h.processWatermark(watermark);
            List<KpiValue> out = new ArrayList<>(h.extractOutputValues());
            deadLetters.addAll(deadLetters(h));
            failed[0] = fn.failedRecords();
            h.close();
            return out;
        }

        @Test
        @DisplayName("a year-9999 and a year-1 event are dead-lettered; the component's ratio is that of the good events")
        void poisonEvents() throws Exception {
            List<JsonNode> dl = new ArrayList<>();
            long[] failed = new long[1];
            long mon9 = MON_9.toEpochMilli();
            List<KpiValue> out = run((k, v) -> KpiValue.Status.GREEN, List.of(
                    availability("a0", YEAR_9999, ServiceEvent.State.DOWN),
                    availability("a1", MON_9, ServiceEvent.State.UP),
                    availability("a2", YEAR_1, ServiceEvent.State.DOWN),
                    availability("a3", Instant.ofEpochMilli(mon9 + HOUR / 2), ServiceEvent.State.DOWN)),
                    mon9 + HOUR, dl, failed);
            assertThat(failed[0]).isEqualTo(2);
            assertThat(dl).hasSize(2);
            assertDeadLetter(dl.get(0), "availability-kpis", "PORTAL", "a0", "occurred_at");
            assertDeadLetter(dl.get(1), "availability-kpis", "PORTAL", "a2", "occurred_at");
            // UP 09:00–09:30, DOWN 09:30–10:00: 1800 s up of 3600 s known in the 1 h window ending 10:00
            assertThat(out).hasSize(1);
            assertThat(out.get(0).numerator()).isEqualTo(1800.0);
            assertThat(out.get(0).denominator()).isEqualTo(3600.0);
            assertThat(out.get(0).value()).isEqualTo(0.5);
        }

        @Test
        @DisplayName("a failure while publishing (in the timer) is dead-lettered and throws nothing")
        void timerFailure() throws Exception {
            List<JsonNode> dl = new ArrayList<>();
            long[] failed = new long[1];
            List<KpiValue> out = run((k, v) -> {
                throw new IllegalStateException("status rule broken");
            }, List.of(availability("a1", MON_9, ServiceEvent.State.UP)), MON_9.toEpochMilli() + HOUR, dl, failed);
            assertThat(out).isEmpty();
            assertThat(failed[0]).isEqualTo(1);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).path("operator").asText()).isEqualTo("availability-kpis");
            assertThat(dl.get(0).path("error").asText()).isEqualTo("java.lang.IllegalStateException: status rule broken");
        }
    }

    /** A serializable status rule for lambdas in tests. */
    interface ScopeStateStatus extends vn.ioc.pulse.jobs.rules.ScopeState.StatusRule {
    }

    // ------------------------------------------------------------------------------------------------ scope aggregator

    @Nested
    @DisplayName("scope-kpis")
    class Scopes {
        static ContributionBatch batch(long[] positions, long[] validFroms, int... measures) {
            ContributionBatch b = new ContributionBatch();
            b.scopeType = "province";
            b.scopeId = "SL";
            b.measures = measures;
            b.positions = positions;
            b.validFroms = validFroms;
            b.weights = new long[measures.length];
            java.util.Arrays.fill(b.weights, 1);
            return b;
        }

        static final int RECEIVED = Measure.RECEIVED.ordinal();

        /** Feeds batches, advances to {@code watermark}; returns the published values by key. */
        static Map<String, KpiValue> run(ScopeAggregator fn, List<ContributionBatch> batches, long watermark,
                                         List<JsonNode> deadLetters) throws Exception {
            var h = harness(fn, ContributionBatch::scopeKey);
            for (ContributionBatch b : batches) {
                h.processElement(new StreamRecord<>(b, 0));
            }
            h.processWatermark(watermark);
            Map<String, KpiValue> out = new java.util.HashMap<>();
            for (KpiValue v : h.extractOutputValues()) {
                out.put(v.key(), v);
            }
            deadLetters.addAll(deadLetters(h));
            h.close();
            return out;
        }

        static ScopeAggregator aggregator(ScopeStateStatus status) {
            KpiCatalog catalog = KpiCatalog.load();
            return new ScopeAggregator(KpiFormulas.from(catalog), status == null ? KpiFormulas.status(catalog)
                    : status::statusOf, 0);
        }

        @Test
        @DisplayName("batches with an absurd position, an absurd validFrom or ragged arrays are rejected whole, before any is added")
        void poisonBatches() throws Exception {
            long mon9 = MON_9.toEpochMilli();
            long far = YEAR_9999.toEpochMilli();
            ContributionBatch good = batch(new long[] {mon9}, new long[] {mon9}, RECEIVED);
            // each poison's first contribution is valid: a half-applied batch would show as received = 2
            ContributionBatch farPosition = batch(new long[] {mon9, far}, new long[] {mon9, mon9}, RECEIVED, RECEIVED);
            ContributionBatch minValidFrom = batch(new long[] {mon9, mon9}, new long[] {mon9, Long.MIN_VALUE},
                    RECEIVED, RECEIVED);
            ContributionBatch ragged = batch(new long[] {mon9}, new long[] {mon9}, RECEIVED, RECEIVED);
            ContributionBatch badMeasure = batch(new long[] {mon9, mon9}, new long[] {mon9, mon9}, RECEIVED, 999);
            ScopeAggregator fn = aggregator(null);
            List<JsonNode> dl = new ArrayList<>();
            Map<String, KpiValue> out = run(fn, List.of(farPosition, good, minValidFrom, ragged, badMeasure),
                    mon9 + HOUR, dl);
            assertThat(fn.failedRecords()).isEqualTo(4);
            assertThat(dl).hasSize(4);
            for (JsonNode d : dl) {
                assertDeadLetter(d, "scope-kpis", "province/SL", null, "");
                assertThat(d.path("input").path("scope_id").asText()).isEqualTo("SL");
            }
            // only the good batch counts: one dossier received at 09:00, as of 10:00
            assertThat(out.get("received/province/SL/today").value()).isEqualTo(1.0);
            // rolling windows are (now − L, now]: 09:00 is exactly 1 h before 10:00, so out of 1h, in 24h
            assertThat(out.get("received/province/SL/1h").value()).isEqualTo(0.0);
            assertThat(out.get("received/province/SL/24h").value()).isEqualTo(1.0);
            assertThat(out.get("received/province/SL/ytd").value()).isEqualTo(1.0);
            Map<String, KpiValue> clean = run(aggregator(null), List.of(good), mon9 + HOUR, new ArrayList<>());
            assertThat(values(out)).isEqualTo(values(clean));
        }

        static Map<String, Double> values(Map<String, KpiValue> m) {
            Map<String, Double> out = new java.util.TreeMap<>();
            m.forEach((k, v) -> out.put(k, v.numerator()));
            return out;
        }

        @Test
        @DisplayName("a failure while publishing (in the timer) is dead-lettered, counted and throws nothing")
        void timerFailure() throws Exception {
            long mon9 = MON_9.toEpochMilli();
            ScopeAggregator fn = aggregator((k, v) -> {
                throw new IllegalStateException("status rule broken");
            });
            List<JsonNode> dl = new ArrayList<>();
            Map<String, KpiValue> out = run(fn, List.of(batch(new long[] {mon9}, new long[] {mon9}, RECEIVED)),
                    mon9 + HOUR, dl);
            assertThat(out).isEmpty();
            assertThat(fn.failedRecords()).isEqualTo(1);
            assertThat(dl).hasSize(1);
            assertThat(dl.get(0).path("error").asText()).isEqualTo("java.lang.IllegalStateException: status rule broken");
        }
    }
}
