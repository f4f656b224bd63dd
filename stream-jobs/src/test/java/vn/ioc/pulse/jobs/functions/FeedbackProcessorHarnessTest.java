package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.FeedbackRules;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * {@link FeedbackProcessor} (operator {@code feedback-state}, keyed by feedback_id) in Flink's keyed test harness.
 * Expectations from DOMAIN.md §3/§7 {@code feedback_on_time_ratio}: an item is a feedback_id with FEEDBACK_RECEIVED,
 * its deadline is 15 working days (the WORKING_DAY rule: 17:00 of the 15th working day after the receipt day), the
 * first FEEDBACK_ANSWERED answers it; numerator = answered in W by the deadline + open and not past it, denominator
 * = answered in W + all still open; order independence and dedup by event_id (§2 rule 7, §7 Events).
 *
 * <p>The fixed item is received Mon 2/3/2026 09:00 +07:00 (office hours, so the receipt day is Mon 2/3). Working
 * days after it (the shipped calendar has no day off in March 2026; its 2026 entries are Jan 1–2, Tết 16–20/2,
 * 26–27/4, 30/4–1/5, 31/8–2/9, make-up Saturdays 10/1 and 22/8): Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4),
 * Mon 9–Fri 13 (5–9), Mon 16–Fri 20 (10–14), Mon 23 (15) → deadline Mon 23/3/2026 17:00 +07:00 = 10:00Z.
 */
@DisplayName("FeedbackProcessor harness: PAKN items answered on time / late / still open against 15 working days")
class FeedbackProcessorHarnessTest {
    static final WorkingCalendar CAL = WorkingCalendar.load();
    static final long RETENTION = Duration.ofDays(35).toMillis();
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long DAY = 24 * HOUR;
    static final long RECEIVED_AT = ms("2026-03-02T09:00");
    static final long DEADLINE = ms("2026-03-23T17:00");
    /** Tue 3/3 10:00: the 1st working day, well before the deadline. */
    static final long ANSWER_EARLY = ms("2026-03-03T10:00");
    /** Tue 24/3 10:00: 17 h after the deadline. */
    static final long ANSWER_LATE = ms("2026-03-24T10:00");
    static final String[][] SCOPES = {{"province", "SL"}, {"agency", "STP"}, {"commune", "14107"}};

    final List<KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ?>> opened = new ArrayList<>();

    static long ms(String local) {
        return OffsetDateTime.parse(local + "+07:00").toInstant().toEpochMilli();
    }

    static ServiceEvent fb(String item, String id, ServiceEvent.Type type, long at) {
        return new ServiceEvent(id, type, Instant.ofEpochMilli(at), null, null, null, "STP", "14107", null, null, item,
                null, null, null, null);
    }

    static ServiceEvent received(String item, String id, long at) {
        return fb(item, id, ServiceEvent.Type.FEEDBACK_RECEIVED, at);
    }

    static ServiceEvent answered(String item, String id, long at) {
        return fb(item, id, ServiceEvent.Type.FEEDBACK_ANSWERED, at);
    }

    KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FeedbackProcessor(new FeedbackRules(CAL, "SL"))),
                ServiceEvent::feedbackId, Types.STRING);
        opened.add(h);
        h.open();
        return h;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    /** Sends one event and returns the contributions it produced. */
    static List<Contribution> send(KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> h,
                                   ServiceEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.occurredAt().toEpochMilli()));
        List<Contribution> out = new ArrayList<>();
        h.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
        h.getOutput().clear();
        return out;
    }

    static List<Contribution> sendAll(KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> h,
                                      ServiceEvent... events) throws Exception {
        List<Contribution> out = new ArrayList<>();
        for (ServiceEvent e : events) {
            out.addAll(send(h, e));
        }
        return out;
    }

    /** Net weight per (scope, measure, position, validFrom) of all emitted differences; zero sums dropped. */
    static Map<String, Long> net(List<Contribution> cs) {
        Map<String, Long> out = new TreeMap<>();
        for (Contribution c : cs) {
            out.merge(key(c.scopeType() + "/" + c.scopeId(), c.measure(), c.position(), c.validFrom()), c.weight(),
                    Long::sum);
        }
        out.values().removeIf(w -> w == 0);
        return out;
    }

    static String key(String scope, Measure m, long position, long validFrom) {
        return scope + " " + m + " @" + Instant.ofEpochMilli(position) + " from " + Instant.ofEpochMilli(validFrom);
    }

    /** Expected net contributions builder: the same weight at position = validFrom in all three scopes. */
    static final class Expect {
        final Map<String, Long> map = new TreeMap<>();

        Expect add(Measure m, long at, long weight) {
            for (String[] s : SCOPES) {
                map.merge(key(s[0] + "/" + s[1], m, at, at), weight, Long::sum);
            }
            return this;
        }
    }

    // ---------------------------------------------------------------------------------------------------- items

    @Test
    @DisplayName("deadline = Mon 23/3/2026 17:00 +07:00: 15 working days after a Mon 2/3 09:00 receipt (no March holiday)")
    void deadlineOfTheFixture() {
        // the hand count in the class comment; the calendar is the shipped one, checked to hold no March 2026 day off
        assertThat(Instant.ofEpochMilli(DEADLINE)).isEqualTo(Instant.parse("2026-03-23T10:00:00Z"));
        for (int d = 1; d <= 31; d++) {
            java.time.LocalDate date = java.time.LocalDate.of(2026, 3, d);
            boolean weekend = date.getDayOfWeek().getValue() >= 6;
            assertThat(CAL.isWorkingDay(date)).as(date.toString()).isEqualTo(!weekend);
        }
    }

    @Test
    @DisplayName("answered on the 1st working day: open gauges from receipt to answer, answered +1 and answered on time +1 at the answer")
    void answeredOnTime() throws Exception {
        var h = harness();
        List<Contribution> out = sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_EARLY));
        // open (and on time) during [Mon 09:00, Tue 10:00); answered at Tue 10:00 ≤ deadline Mon 23/3 17:00
        assertThat(net(out)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, ANSWER_EARLY, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, ANSWER_EARLY, -1)
                .add(Measure.FEEDBACK_ANSWERED, ANSWER_EARLY, 1)
                .add(Measure.FEEDBACK_ANSWERED_ON_TIME, ANSWER_EARLY, 1).map);
        // answered, and kept for ever: no timer
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    @DisplayName("answered late (Tue 24/3 10:00): answered +1 but not on time; the open-on-time gauge already ended after the deadline")
    void answeredLate() throws Exception {
        var h = harness();
        List<Contribution> out = sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_LATE));
        // open during [Mon 2/3 09:00, Tue 24/3 10:00); on time only while now ≤ deadline, i.e. it stops at
        // deadline + 1 ms (Mon 23/3 17:00:00.001); answer 24/3 10:00 > deadline → answered 1, on time 0
        assertThat(net(out)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, ANSWER_LATE, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, DEADLINE + 1, -1)
                .add(Measure.FEEDBACK_ANSWERED, ANSWER_LATE, 1).map);
    }

    @Test
    @DisplayName("still open past the deadline: open from the receipt for ever, open-on-time only up to the deadline; no timer needed")
    void stillOpen() throws Exception {
        var h = harness();
        List<Contribution> out = send(h, received("f1", "r1", RECEIVED_AT));
        assertThat(net(out)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, DEADLINE + 1, -1).map);
        // the change at the deadline is carried by the contribution itself: the clock passing it emits nothing, and an
        // open item is never forgotten (no retention timer)
        assertThat(h.numEventTimeTimers()).isZero();
        h.processWatermark(ANSWER_LATE);
        h.processWatermark(ms("2026-06-01T00:00"));
        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    @DisplayName("deadline boundary: answered at exactly 17:00:00.000 Mon 23/3 is on time, at 17:00:00.001 late")
    void deadlineBoundary() throws Exception {
        // DOMAIN §7: "answered in W by the deadline" — ≤ deadline is on time
        var h = harness();
        List<Contribution> atDeadline = sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", DEADLINE));
        assertThat(net(atDeadline)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, DEADLINE, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, DEADLINE, -1)
                .add(Measure.FEEDBACK_ANSWERED, DEADLINE, 1)
                .add(Measure.FEEDBACK_ANSWERED_ON_TIME, DEADLINE, 1).map);
        List<Contribution> justAfter = sendAll(h, received("f2", "r2", RECEIVED_AT),
                answered("f2", "a2", DEADLINE + 1));
        assertThat(net(justAfter)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, DEADLINE + 1, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, DEADLINE + 1, -1)
                .add(Measure.FEEDBACK_ANSWERED, DEADLINE + 1, 1).map);
    }

    // ---------------------------------------------------------------------------------------------------- order

    @Test
    @DisplayName("answer arriving before its receipt: nothing until the receipt, then exactly the in-order result (on time and late)")
    void answerBeforeReceipt() throws Exception {
        var inOrder = harness();
        Map<String, Long> expectedEarly = net(sendAll(inOrder, received("f1", "r1", RECEIVED_AT),
                answered("f1", "a1", ANSWER_EARLY)));
        Map<String, Long> expectedLate = net(sendAll(inOrder, received("f2", "r2", RECEIVED_AT),
                answered("f2", "a2", ANSWER_LATE)));

        var reversed = harness();
        // an answer with no known receipt is not an item (DOMAIN §7: "a feedback item is a feedback_id with
        // FEEDBACK_RECEIVED"): no contribution, and no retention timer yet
        assertThat(send(reversed, answered("f1", "a1", ANSWER_EARLY))).isEmpty();
        assertThat(reversed.numEventTimeTimers()).isZero();
        // §2 rule 7: the same set of events gives the same contributions whatever the arrival order
        List<Contribution> early = send(reversed, received("f1", "r1", RECEIVED_AT));
        assertThat(net(early)).isEqualTo(expectedEarly);
        // (the on-time expectation itself is checked by hand in answeredOnTime)
        assertThat(expectedEarly).containsEntry(
                key("province/SL", Measure.FEEDBACK_ANSWERED_ON_TIME, ANSWER_EARLY, ANSWER_EARLY), 1L);

        // the late one, with the clock already past the answer when the receipt arrives
        assertThat(send(reversed, answered("f2", "a2", ANSWER_LATE))).isEmpty();
        reversed.processWatermark(ANSWER_LATE + DAY);
        assertThat(net(send(reversed, received("f2", "r2", RECEIVED_AT)))).isEqualTo(expectedLate);
    }

    @Test
    @DisplayName("all 24 arrival orders of receipt, answer, a second receipt and a second answer give the late item's contributions")
    void everyArrivalOrder() throws Exception {
        // a second receipt (new id, Wed 4/3) does not move the first receipt; a second answer (new id, Wed 25/3)
        // does not replace the first answer (DOMAIN §7: "the first FEEDBACK_ANSWERED answers it")
        ServiceEvent[] events = {
                received("f1", "r1", RECEIVED_AT),
                answered("f1", "a1", ANSWER_LATE),
                received("f1", "r2", ms("2026-03-04T09:00")),
                answered("f1", "a2", ms("2026-03-25T09:00"))};
        Map<String, Long> expected = new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, ANSWER_LATE, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, DEADLINE + 1, -1)
                .add(Measure.FEEDBACK_ANSWERED, ANSWER_LATE, 1).map;
        for (int[] p : permutations(4)) {
            var h = harness();
            List<Contribution> out = new ArrayList<>();
            for (int i : p) {
                out.addAll(send(h, events[i]));
            }
            assertThat(net(out)).as(java.util.Arrays.toString(p)).isEqualTo(expected);
        }
    }

    static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[depth] = i;
                permute(cur, used, depth + 1, out);
                used[i] = false;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- duplicates

    @Test
    @DisplayName("duplicates change nothing: exact resends, and a same-id receipt / answer that differ, emit nothing")
    void duplicates() throws Exception {
        var h = harness();
        List<Contribution> first = sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_EARLY));
        // exact resends
        assertThat(send(h, received("f1", "r1", RECEIVED_AT))).isEmpty();
        assertThat(send(h, answered("f1", "a1", ANSWER_EARLY))).isEmpty();
        // same event_id, different content (DOMAIN §7: "later ones are duplicates even if they differ"): a "receipt"
        // r1 dated Fri 27/2 would otherwise move the deadline; an "answer" a1 dated Tue 24/3 would make it late
        assertThat(send(h, received("f1", "r1", ms("2026-02-27T09:00")))).isEmpty();
        assertThat(send(h, answered("f1", "a1", ANSWER_LATE))).isEmpty();
        // and an answer reusing the receipt's id: a duplicate of r1
        assertThat(send(h, answered("f1", "r1", ms("2026-03-02T10:00")))).isEmpty();
        assertThat(net(first)).isEqualTo(new Expect()
                .add(Measure.FEEDBACK_OPEN, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN, ANSWER_EARLY, -1)
                .add(Measure.FEEDBACK_OPEN_ON_TIME, RECEIVED_AT, 1).add(Measure.FEEDBACK_OPEN_ON_TIME, ANSWER_EARLY, -1)
                .add(Measure.FEEDBACK_ANSWERED, ANSWER_EARLY, 1)
                .add(Measure.FEEDBACK_ANSWERED_ON_TIME, ANSWER_EARLY, 1).map);
    }

    // ---------------------------------------------------------------------------------------------------- retention

    @Test
    @DisplayName("an answered item is never forgotten (DOMAIN §7): months later, resends of its receipt or answer change nothing")
    void answeredItemsAreKept() throws Exception {
        var h = harness();
        sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_EARLY));
        // Tue 3/3 10:00 + 35 d = Tue 7/4 10:00: the old retention instant; a year later the item is still there
        h.processWatermark(ms("2027-03-03T10:00"));
        assertThat(h.numKeyedStateEntries()).as("kept").isEqualTo(1);
        assertThat(h.extractOutputValues()).as("time passing emits nothing").isEmpty();
        // exact resends, 1 year out of event-time order: duplicates
        assertThat(send(h, received("f1", "r1", RECEIVED_AT))).isEmpty();
        assertThat(send(h, answered("f1", "a1", ANSWER_EARLY))).isEmpty();
    }

    @Test
    @DisplayName("an in-order second receipt after the retention changes nothing, as it does before the retention (DOMAIN §7)")
    void secondReceiptAfterRetentionInOrder() throws Exception {
        long secondReceipt = ms("2026-04-08T09:00");
        // before the retention: the same second receipt changes nothing (the first receipt and the answer stand)
        var kept = harness();
        sendAll(kept, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_EARLY));
        kept.processWatermark(ANSWER_EARLY + RETENTION - 1);
        assertThat(send(kept, received("f1", "r2", secondReceipt))).isEmpty();
        // after it (watermark Tue 7/4 10:00, the event dated Wed 8/4 09:00 is in event-time order): still nothing
        var h = harness();
        sendAll(h, received("f1", "r1", RECEIVED_AT), answered("f1", "a1", ANSWER_EARLY));
        h.processWatermark(ANSWER_EARLY + RETENTION);
        assertThat(send(h, received("f1", "r2", secondReceipt))).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------- KPI

    @Test
    @DisplayName("feedback_on_time_ratio through scope-kpis: on-time + late + open items give 1, 1/3, 1/3 and April's 0/1 as the clock moves")
    void ratioThroughTheAggregator() throws Exception {
        var h = harness();
        List<ContributionBatch> batches = new ArrayList<>();
        for (ServiceEvent e : List.of(
                received("on", "on-r", RECEIVED_AT), answered("on", "on-a", ANSWER_EARLY),
                received("late", "late-r", RECEIVED_AT), answered("late", "late-a", ANSWER_LATE),
                received("open", "open-r", RECEIVED_AT))) {
            h.processElement(new StreamRecord<>(e, e.occurredAt().toEpochMilli()));
        }
        batches.addAll(h.extractOutputValues());

        KpiCatalog catalog = KpiCatalog.load();
        var agg = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new ScopeAggregator(KpiFormulas.from(catalog), KpiFormulas.status(catalog), 0)),
                ContributionBatch::scopeKey, Types.STRING);
        agg.open();
        try {
            for (ContributionBatch b : batches) {
                agg.processElement(new StreamRecord<>(b, 0));
            }
            Map<String, KpiValue> latest = new TreeMap<>();
            String mtd = "feedback_on_time_ratio/province/SL/mtd";
            String ytd = "feedback_on_time_ratio/province/SL/ytd";
            String agencyMtd = "feedback_on_time_ratio/agency/STP/mtd";

            // T = Tue 3/3 12:00: "on" answered in W on time (1/1); "late" and "open" open, not past → 2/2
            // → (1 + 2) ÷ (1 + 2) = 1
            step(agg, ms("2026-03-03T12:00"), latest);
            assertRatio(latest.get(mtd), 3, 3, 1.0);
            // T = deadline Mon 23/3 17:00 exactly: open and "not past it" (T ≤ deadline) → still 3/3
            step(agg, DEADLINE, latest);
            assertRatio(latest.get(mtd), 3, 3, 1.0);
            // T = Tue 24/3 09:00: both open items past the deadline → (1 + 0) ÷ (1 + 2) = 1/3
            step(agg, ms("2026-03-24T09:00"), latest);
            assertRatio(latest.get(mtd), 1, 3, 1.0 / 3);
            assertRatio(latest.get(agencyMtd), 1, 3, 1.0 / 3);
            // T = Tue 24/3 12:00: "late" answered at 10:00, late → answered 2 (1 on time) + open 1 (0) → 1/3
            step(agg, ms("2026-03-24T12:00"), latest);
            assertRatio(latest.get(mtd), 1, 3, 1.0 / 3);
            // T = Wed 1/4 10:00: April's mtd holds no answer; "open" still open, past → 0 ÷ 1 = 0;
            // ytd holds both answers: (1 + 0) ÷ (2 + 1) = 1/3
            step(agg, ms("2026-04-01T10:00"), latest);
            assertRatio(latest.get(mtd), 0, 1, 0.0);
            assertRatio(latest.get(ytd), 1, 3, 1.0 / 3);
            assertThat(latest.get(mtd).status()).as("0 < 0.85 (yellow threshold)").isEqualTo(KpiValue.Status.RED);
        } finally {
            agg.close();
        }
    }

    static void step(KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> agg, long now,
                     Map<String, KpiValue> latest) throws Exception {
        agg.processWatermark(now);
        for (KpiValue v : agg.extractOutputValues()) {
            if (v.revision() == 0) {
                latest.put(v.key(), v);
            }
        }
        agg.getOutput().clear();
    }

    static void assertRatio(KpiValue v, double numerator, double denominator, double value) {
        assertThat(v).isNotNull();
        assertThat(v.numerator()).as(v.key() + " numerator").isEqualTo(numerator);
        assertThat(v.denominator()).as(v.key() + " denominator").isEqualTo(denominator);
        assertThat(v.value()).as(v.key() + " value").isEqualTo(value);
    }
}
