package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.WorkingCalendar;

/** The dossier operator with Flink's test harness: dedup, retractions, and state/timer hygiene. */
class DossierProcessorHarnessTest {
    static final long RETENTION = Duration.ofDays(35).toMillis();
    static final Instant MON_9 = OffsetDateTime.parse("2026-03-02T09:00:00+07:00").toInstant();
    static final Instant TUE_10 = OffsetDateTime.parse("2026-03-03T10:00:00+07:00").toInstant();

    KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DossierProcessor(new DossierRules(WorkingCalendar.load(), "SL"), RETENTION)),
                DossierInput::dossierCode, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static DossierInput event(String id, CaseEventType type, Instant at) {
        boolean rcv = type == CaseEventType.RECEIVED;
        return DossierInput.of(new CaseEvent(id, "d1", type, at, 0, null, rcv ? "2.000815" : null, null,
                rcv ? "STP" : null, null, rcv ? CaseEvent.Channel.ONLINE : null, null, null, null, null,
                rcv ? new CaseEvent.RegulatedDuration(3, CaseEvent.DurationUnit.WORKING_DAY) : null, null, null, null,
                null, null));
    }

    void send(DossierInput in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.at().toEpochMilli()));
    }

    List<Contribution> drain() {
        List<Contribution> out = new java.util.ArrayList<>();
        harness.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
        harness.getOutput().clear();
        return out;
    }

    @Test
    @DisplayName("a duplicate event_id emits nothing, even with other content")
    void duplicateIsIgnored() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        assertThat(drain()).isNotEmpty();
        send(event("e1", CaseEventType.RESOLVED, TUE_10));
        assertThat(drain()).isEmpty();
    }

    @Test
    @DisplayName("a new event retracts the old contributions it changes: the open gauge ends at the resolution")
    void retractsOnChange() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        drain();
        send(event("e2", CaseEventType.RESOLVED, TUE_10));
        List<Contribution> out = drain();
        assertThat(out).contains(new Contribution("province", "SL", Measure.OPEN, TUE_10.toEpochMilli(),
                TUE_10.toEpochMilli(), -1));
        assertThat(out).contains(new Contribution("province", "SL", Measure.RESOLVED, TUE_10.toEpochMilli(),
                TUE_10.toEpochMilli(), 1));
        long net = out.stream().filter(c -> c.measure() == Measure.RECEIVED).mapToLong(Contribution::weight).sum();
        assertThat(net).as("the receipt itself does not change").isZero();
    }

    @Test
    @DisplayName("an ended dossier is compacted (not forgotten) after the retention, its timer gone; an open one is kept whole")
    void stateCompactedAfterRetention() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        send(event("e1b", CaseEventType.PROCESSING, MON_9.plusSeconds(600)));
        assertThat(harness.numEventTimeTimers()).as("open dossiers have no retention timer").isZero();
        harness.processWatermark(TUE_10.toEpochMilli() - 1);
        assertThat(storedInputs()).as("open dossier kept whole").hasSize(2);

        send(event("e2", CaseEventType.RESOLVED, TUE_10));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        drain();
        harness.processWatermark(TUE_10.toEpochMilli() + RETENTION - 1);
        assertThat(storedInputs()).hasSize(3);
        harness.processWatermark(TUE_10.toEpochMilli() + RETENTION);
        // the PROCESSING goes; a summary (scope attributes), the RECEIVED and the RESOLVED stay, forever
        assertThat(storedInputs()).extracting(DossierInput::eventId)
                .containsExactly(DossierRules.SUMMARY_ID, "e1", "e2");
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(drain()).as("compaction itself emits nothing").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ rule fixes

    static final Instant FEB_10 = OffsetDateTime.parse("2026-02-10T09:00:00+07:00").toInstant();
    static final Instant MAR_17 = OffsetDateTime.parse("2026-03-17T09:00:00+07:00").toInstant();
    static final Instant MAR_18 = OffsetDateTime.parse("2026-03-18T08:00:00+07:00").toInstant();

    static DossierInput complaint(String id, String dossier, Instant at) {
        DossierInput link = DossierInput.complaint(id, at);
        link.complaintDossier = dossier;
        return link;
    }

    static DossierInput of(String id, String dossier, CaseEventType type, Instant at, CaseEvent.Rating rating,
                           Boolean fee, CaseEvent.Payment payment) {
        boolean rcv = type == CaseEventType.RECEIVED;
        return DossierInput.of(new CaseEvent(id, dossier, type, at, 0, null, rcv ? "2.000815" : null, null,
                rcv ? "STP" : null, null, rcv ? CaseEvent.Channel.ONLINE : null, null, null, null, null,
                rcv ? new CaseEvent.RegulatedDuration(3, CaseEvent.DurationUnit.WORKING_DAY) : null, fee, payment, null,
                rating, null));
    }

    static DossierInput of(String id, String dossier, CaseEventType type, Instant at) {
        return of(id, dossier, type, at, null, null, null);
    }

    /** What the operator keeps for the current key (set by the last processElement / watermark). */
    List<DossierInput> storedInputs() throws Exception {
        var operator = (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) harness.getOperator();
        operator.setCurrentKey(currentKey);
        List<DossierInput> out = new java.util.ArrayList<>();
        org.apache.flink.api.common.state.ListState<DossierInput> state = operator.getKeyedStateBackend()
                .getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.ListStateDescriptor<>("inputs",
                                org.apache.flink.api.common.typeinfo.TypeInformation.of(DossierInput.class)));
        Iterable<DossierInput> it = state.get();
        if (it != null) {
            it.forEach(out::add);
        }
        return out;
    }

    String currentKey = "d1";

    /** Net weight per (scope, measure, position, validFrom): what the scope operator ends up with. */
    static Map<String, Long> net(List<Contribution> cs) {
        Map<String, Long> m = new java.util.TreeMap<>();
        for (Contribution c : cs) {
            m.merge(c.scopeKey() + "/" + c.measure() + "@" + c.position() + "|" + c.validFrom(), c.weight(), Long::sum);
        }
        m.values().removeIf(v -> v == 0);
        return m;
    }

    static long sum(List<Contribution> cs, String scopeType, Measure m) {
        return cs.stream().filter(c -> c.scopeType().equals(scopeType) && c.measure() == m)
                .mapToLong(Contribution::weight).sum();
    }

    @Test
    @DisplayName("a complaint 35+ days before the receipt is not forgotten: the dossier ends unsatisfied (0/1)")
    void complaintLongBeforeReceipt() throws Exception {
        currentKey = "X-1";
        send(complaint("f1", "X-1", FEB_10));
        assertThat(drain()).as("a complaint link alone contributes nothing").isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        // clock ticks move time on, past the retention (10 Feb + 35 d = 17 Mar 09:00)
        harness.processWatermark(FEB_10.toEpochMilli() + RETENTION);
        harness.processWatermark(MAR_17.toEpochMilli() - 1);
        assertThat(storedInputs()).as("the complaint link is kept").extracting(DossierInput::eventId).containsExactly("f1");
        assertThat(harness.numEventTimeTimers()).isZero();

        send(of("x1", "X-1", CaseEventType.RECEIVED, MAR_17.plusSeconds(3600)));
        send(of("x2", "X-1", CaseEventType.RESOLVED, MAR_18));
        List<Contribution> out = drain();
        for (String scope : List.of("province", "agency", "channel", "procedure")) {
            if (scope.equals("procedure")) {
                continue; // satisfaction has no procedure scope
            }
            assertThat(sum(out, scope, Measure.ENDED)).as(scope + " ended").isEqualTo(1);
            assertThat(sum(out, scope, Measure.ENDED_EARLY)).as(scope + " early").isEqualTo(1);
            assertThat(sum(out, scope, Measure.ENDED_SATISFIED)).as(scope + " satisfied").isZero();
        }
    }

    @Test
    @DisplayName("a rating of a dossier never received counts nowhere; once the RECEIVED arrives (out of order) it counts")
    void ratingOfNeverReceivedDossier() throws Exception {
        currentKey = "Y-1";
        send(of("y2", "Y-1", CaseEventType.RATED, TUE_10, CaseEvent.Rating.DISSATISFIED, null, null));
        assertThat(drain()).as("no dissatisfied count, no scope").isEmpty();
        // the RECEIVED comes later but happened before: the rating counts at its own instant from the receipt on
        send(of("y1", "Y-1", CaseEventType.RECEIVED, MON_9));
        List<Contribution> out = drain();
        long t = TUE_10.toEpochMilli();
        // (received before the rating: it counts from its own instant)
        assertThat(out).contains(new Contribution("province", "SL", Measure.DISSATISFIED_RATING, t, t, 1),
                new Contribution("agency", "STP", Measure.DISSATISFIED_RATING, t, t, 1));
        assertThat(sum(out, "province", Measure.DISSATISFIED_RATING)).isEqualTo(1);
        // a REFUSED retracts it: a refused dossier never counts as received
        send(of("y3", "Y-1", CaseEventType.REFUSED, TUE_10.plusSeconds(60)));
        out = drain();
        assertThat(sum(out, "province", Measure.DISSATISFIED_RATING)).isEqualTo(-1);
        assertThat(out).contains(new Contribution("province", "SL", Measure.DISSATISFIED_RATING, t,
                t + 60_000, -1));
    }

    @Test
    @DisplayName("a rating received before the dossier counts from the receipt on, at the receipt's scopes")
    void ratingBeforeReceiptCountsOnceReceived() throws Exception {
        currentKey = "Y-2";
        send(of("y1", "Y-2", CaseEventType.RATED, MON_9, CaseEvent.Rating.DISSATISFIED, null, null));
        assertThat(drain()).isEmpty();
        send(of("y2", "Y-2", CaseEventType.RECEIVED, TUE_10));
        List<Contribution> out = drain();
        assertThat(out).contains(new Contribution("agency", "STP", Measure.DISSATISFIED_RATING, MON_9.toEpochMilli(),
                TUE_10.toEpochMilli(), 1));
    }

    static final Instant RESOLVED_AT = TUE_10;
    static final long LATE = RESOLVED_AT.toEpochMilli() + RETENTION + Duration.ofDays(25).toMillis(); // 2 months on

    @Test
    @DisplayName("a DISSATISFIED rating two months after the end (state compacted) revises satisfaction exactly")
    void lateRatingAfterRetention() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        send(event("e2", CaseEventType.RESOLVED, RESOLVED_AT));
        send(of("e3", "d1", CaseEventType.RATED, RESOLVED_AT.plusSeconds(3600), CaseEvent.Rating.SATISFIED, null, null));
        drain();
        harness.processWatermark(LATE - 1);
        assertThat(storedInputs()).as("compacted").hasSize(4); // summary, RECEIVED, RESOLVED, latest RATED
        send(of("e4", "d1", CaseEventType.RATED, java.time.Instant.ofEpochMilli(LATE), CaseEvent.Rating.DISSATISFIED,
                null, null));
        List<Contribution> out = drain();
        long end = RESOLVED_AT.toEpochMilli();
        assertThat(net(out)).isEqualTo(net(List.of(
                new Contribution("province", "SL", Measure.ENDED_SATISFIED, end, LATE, -1),
                new Contribution("agency", "STP", Measure.ENDED_SATISFIED, end, LATE, -1),
                new Contribution("channel", "ONLINE", Measure.ENDED_SATISFIED, end, LATE, -1),
                new Contribution("province", "SL", Measure.DISSATISFIED_RATING, LATE, LATE, 1),
                new Contribution("agency", "STP", Measure.DISSATISFIED_RATING, LATE, LATE, 1),
                new Contribution("channel", "ONLINE", Measure.DISSATISFIED_RATING, LATE, LATE, 1))));
        // and a later SATISFIED rating makes it satisfied again (the latest rating decides), the event still counts
        send(of("e5", "d1", CaseEventType.RATED, java.time.Instant.ofEpochMilli(LATE + 1000), CaseEvent.Rating.SATISFIED,
                null, null));
        assertThat(sum(drain(), "province", Measure.ENDED_SATISFIED)).isEqualTo(1);
    }

    @Test
    @DisplayName("an online payment two months after the end (state compacted) revises online_payment_ratio exactly")
    void latePaymentAfterRetention() throws Exception {
        send(of("e1", "d1", CaseEventType.RECEIVED, MON_9, null, true, null));
        send(event("e2", CaseEventType.RESOLVED, RESOLVED_AT));
        List<Contribution> first = drain();
        assertThat(sum(first, "province", Measure.RESOLVED_WITH_FEE)).isEqualTo(1);
        assertThat(sum(first, "province", Measure.RESOLVED_FEE_PAID_ONLINE)).isZero();
        harness.processWatermark(LATE - 1);
        assertThat(storedInputs()).as("compacted: summary with the fee, RECEIVED, RESOLVED").hasSize(3);
        send(of("e3", "d1", CaseEventType.PAYMENT_COMPLETED, java.time.Instant.ofEpochMilli(LATE), null, null,
                new CaseEvent.Payment(true, CaseEvent.Gateway.DVCQG)));
        long end = RESOLVED_AT.toEpochMilli();
        assertThat(net(drain())).isEqualTo(net(List.of(
                new Contribution("province", "SL", Measure.RESOLVED_FEE_PAID_ONLINE, end, LATE, 1),
                new Contribution("agency", "STP", Measure.RESOLVED_FEE_PAID_ONLINE, end, LATE, 1),
                new Contribution("channel", "ONLINE", Measure.RESOLVED_FEE_PAID_ONLINE, end, LATE, 1),
                new Contribution("procedure", "2.000815", Measure.RESOLVED_FEE_PAID_ONLINE, end, LATE, 1)))
                .entrySet().stream().filter(e -> !e.getKey().startsWith("procedure"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    @DisplayName("a complaint two months after the end (state compacted) makes the dossier unsatisfied from then on")
    void lateComplaintAfterRetention() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        send(event("e2", CaseEventType.RESOLVED, RESOLVED_AT));
        assertThat(sum(drain(), "province", Measure.ENDED_SATISFIED)).isEqualTo(1);
        harness.processWatermark(LATE - 1);
        send(complaint("f1", "d1", java.time.Instant.ofEpochMilli(LATE)));
        List<Contribution> out = drain();
        assertThat(out).contains(new Contribution("province", "SL", Measure.ENDED_SATISFIED,
                RESOLVED_AT.toEpochMilli(), LATE, -1));
        assertThat(sum(out, "province", Measure.ENDED_SATISFIED)).isEqualTo(-1);
        assertThat(sum(out, "province", Measure.ENDED)).isZero();
        // a duplicate of the complaint (same event_id) changes nothing
        send(complaint("f1", "d1", java.time.Instant.ofEpochMilli(LATE)));
        assertThat(drain()).isEmpty();
    }

    /**
     * The same events into a processor that compacts (watermark past the retention before the late events) and one
     * that keeps everything: the net contributions are the same, event by event.
     */
    void assertCompactionInvisible(List<DossierInput> early, List<DossierInput> late) throws Exception {
        var keeping = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DossierProcessor(new DossierRules(WorkingCalendar.load(), "SL"),
                        Duration.ofDays(100_000).toMillis())), DossierInput::dossierCode, Types.STRING);
        keeping.open();
        try {
            long last = Long.MIN_VALUE;
            for (DossierInput in : early) {
                send(in);
                keeping.processElement(new StreamRecord<>(in, in.at().toEpochMilli()));
                last = Math.max(last, in.at().toEpochMilli());
            }
            harness.processWatermark(last + RETENTION);
            keeping.processWatermark(last + RETENTION);
            assertThat(storedInputs().size()).as("compacted").isLessThan(early.size());
            for (DossierInput in : late) {
                send(in);
                keeping.processElement(new StreamRecord<>(in, in.at().toEpochMilli()));
                List<Contribution> expected = new java.util.ArrayList<>();
                keeping.extractOutputValues().forEach(b -> expected.addAll(b.contributions()));
                keeping.getOutput().clear();
                assertThat(net(drain())).as("after %s", in.eventId()).isEqualTo(net(expected));
            }
        } finally {
            keeping.close();
        }
    }

    @Test
    @DisplayName("compaction is invisible: RESULT_RETURNED end, a RESOLVED months later moves the end; then REFUSED")
    void compactionInvisibleWhenEndMoves() throws Exception {
        Instant t = MON_9;
        assertCompactionInvisible(List.of(
                of("a0", "d1", CaseEventType.SUBMITTED, t.minusSeconds(3600)),
                of("a1", "d1", CaseEventType.RECEIVED, t, null, true, null),
                of("a2", "d1", CaseEventType.PROCESSING, t.plusSeconds(600)),
                of("a3", "d1", CaseEventType.SUPPLEMENT_REQUESTED, t.plusSeconds(7200)),
                of("a4", "d1", CaseEventType.RESULT_RETURNED, t.plusSeconds(86_400)),
                of("a5", "d1", CaseEventType.SUPPLEMENT_RECEIVED, t.plusSeconds(2 * 86_400)),
                of("a6", "d1", CaseEventType.RATED, t.plusSeconds(3 * 86_400), CaseEvent.Rating.DISSATISFIED, null, null),
                of("a7", "d1", CaseEventType.RATED, t.plusSeconds(4 * 86_400), CaseEvent.Rating.SATISFIED, null, null),
                complaint("f0", "d1", t.plusSeconds(5 * 86_400))),
                List.of(of("b1", "d1", CaseEventType.RESOLVED, t.plusSeconds(50 * 86_400)),
                        of("b2", "d1", CaseEventType.PAYMENT_COMPLETED, t.plusSeconds(51 * 86_400), null, null,
                                new CaseEvent.Payment(true, CaseEvent.Gateway.LOCAL)),
                        of("a6", "d1", CaseEventType.RATED, t.plusSeconds(3 * 86_400), CaseEvent.Rating.DISSATISFIED,
                                null, null), // a duplicate of a kept input
                        of("a2", "d1", CaseEventType.PROCESSING, t.plusSeconds(600)), // a duplicate of a dropped one
                        of("b3", "d1", CaseEventType.REFUSED, t.plusSeconds(52 * 86_400))));
    }

    @Test
    @DisplayName("compaction is invisible for a never-received dossier with attributes, fee and rating, received later")
    void compactionInvisibleBeforeReceipt() throws Exception {
        Instant t = MON_9;
        DossierInput submitted = DossierInput.of(new CaseEvent("s0", "d1", CaseEventType.SUBMITTED, t, 0, 1, "1.001234",
                "HO_TICH", "UBND-1", "03646", CaseEvent.Channel.ONLINE, CaseEvent.ServiceLevel.FULL, null, null, null,
                null, true, null, new CaseEvent.Digitisation(true, true, null), null, "DVCQG"));
        DossierInput receivedWithoutCommune = DossierInput.of(new CaseEvent("s3", "d1", CaseEventType.RECEIVED,
                t.plusSeconds(60 * 86_400), 0, 2, "1.001234", null, "STP", null, null, null, null, null, null,
                new CaseEvent.RegulatedDuration(2, CaseEvent.DurationUnit.WORKING_DAY), null, null, null, null, null));
        assertCompactionInvisible(List.of(submitted,
                        of("s1", "d1", CaseEventType.RATED, t.plusSeconds(86_400), CaseEvent.Rating.DISSATISFIED, null, null),
                        of("s2", "d1", CaseEventType.PAYMENT_COMPLETED, t.plusSeconds(2 * 86_400), null, null,
                                new CaseEvent.Payment(false, CaseEvent.Gateway.LOCAL))),
                List.of(receivedWithoutCommune,
                        of("s4", "d1", CaseEventType.RESOLVED, t.plusSeconds(61 * 86_400)),
                        of("s5", "d1", CaseEventType.PAYMENT_COMPLETED, t.plusSeconds(62 * 86_400), null, null,
                                new CaseEvent.Payment(true, CaseEvent.Gateway.LOCAL))));
    }

    @Test
    @DisplayName("a refused dossier is kept as its REFUSED alone, and a later RECEIVED still does not count")
    void refusedTombstone() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        send(event("e2", CaseEventType.REFUSED, TUE_10));
        drain();
        harness.processWatermark(TUE_10.toEpochMilli() + RETENTION);
        assertThat(storedInputs()).extracting(DossierInput::eventId).containsExactly("e2");
        send(event("e3", CaseEventType.RECEIVED, Instant.ofEpochMilli(LATE)));
        send(of("e4", "d1", CaseEventType.RATED, Instant.ofEpochMilli(LATE + 1), CaseEvent.Rating.DISSATISFIED, null,
                null));
        assertThat(drain()).isEmpty();
    }
}
