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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * {@link PaymentProcessor} (operator {@code payment-dedup}, keyed by event_id) in Flink's keyed test harness, with
 * expectations taken from DOMAIN.md §3 ({@code payment_success_ratio} = SUCCEEDED ÷ (SUCCEEDED + FAILED) in W, every
 * retry counts, INITIATED not in the ratio) and §7 (scopes province, agency, commune from the event's own fields;
 * positioned at {@code occurred_at}; one event_id namespace, the first accepted event wins — for ever: no retention
 * may change a KPI for an in-order event). All times Vietnam +07:00; Mon 2/3/2026 09:00 +07:00 = 02:00Z =
 * 1_772_416_800_000 ms.
 */
@DisplayName("PaymentProcessor harness: payment results counted once per event_id, per scope, at occurred_at")
class PaymentProcessorHarnessTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long DAY = 24 * HOUR;
    /** 35 days = 35 × 86_400_000 = 3_024_000_000 ms. */
    static final long RETENTION = Duration.ofDays(35).toMillis();
    static final long MON_9 = ms("2026-03-02T09:00");

    PaymentProcessor fn;
    KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, ContributionBatch> h;

    static long ms(String local) {
        return OffsetDateTime.parse(local + "+07:00").toInstant().toEpochMilli();
    }

    static ServiceEvent payment(String id, ServiceEvent.Type type, long at, String agency, String commune) {
        return new ServiceEvent(id, type, Instant.ofEpochMilli(at), null, null, null, agency, commune, "2.000815",
                null, null, null, 50_000L, null, null);
    }

    @BeforeEach
    void open() throws Exception {
        fn = new PaymentProcessor("SL");
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), ServiceEvent::eventId,
                Types.STRING);
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** Sends one event (record timestamp = its occurred_at) and returns the batches it produced. */
    List<ContributionBatch> send(ServiceEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.occurredAt().toEpochMilli()));
        List<ContributionBatch> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    static List<Contribution> flat(List<ContributionBatch> batches) {
        List<Contribution> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(b.contributions()));
        return out;
    }

    /** Net weight per (scope, measure, position, validFrom) over all contributions; zero sums dropped. */
    static Map<String, Long> net(List<Contribution> cs) {
        Map<String, Long> out = new TreeMap<>();
        for (Contribution c : cs) {
            out.merge(c.scopeKey() + " " + c.measure() + " @" + Instant.ofEpochMilli(c.position()) + " from "
                    + Instant.ofEpochMilli(c.validFrom()), c.weight(), Long::sum);
        }
        out.values().removeIf(w -> w == 0);
        return out;
    }

    static Contribution c(String scopeType, String scopeId, Measure m, long at) {
        return new Contribution(scopeType, scopeId, m, at, at, 1);
    }

    @Test
    @DisplayName("a PAYMENT_SUCCEEDED with agency and commune: one batch per scope (province SL, agency, commune), +1 at occurred_at")
    void succeededInThreeScopes() throws Exception {
        List<ContributionBatch> out = send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", "14107"));
        // DOMAIN §7: scopes province (configured code SL), agency STP and commune 14107 from the event's own fields;
        // §7 "payment events count by occurred_at": position = validFrom = Mon 09:00 +07:00; weight 1
        assertThat(out).hasSize(3);
        assertThat(out).extracting(ContributionBatch::scopeKey)
                .containsExactlyInAnyOrder("province/SL", "agency/STP", "commune/14107");
        assertThat(out).allSatisfy(b -> assertThat(b.size()).as(b.scopeKey()).isEqualTo(1));
        assertThat(flat(out)).containsExactlyInAnyOrder(
                c("province", "SL", Measure.PAYMENT_SUCCEEDED, MON_9),
                c("agency", "STP", Measure.PAYMENT_SUCCEEDED, MON_9),
                c("commune", "14107", Measure.PAYMENT_SUCCEEDED, MON_9));
        // the "seen" mark, kept for ever: no timer
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    @DisplayName("a PAYMENT_FAILED without agency or commune counts at the province only")
    void failedProvinceOnly() throws Exception {
        // 10:15 +07:00 = 09:00 + 75 min
        long at = MON_9 + 75 * MIN;
        List<ContributionBatch> out = send(payment("p2", ServiceEvent.Type.PAYMENT_FAILED, at, null, null));
        // no agency / commune field → no agency / commune row (DOMAIN §7: scopes taken from the event's own fields)
        assertThat(flat(out)).containsExactly(c("province", "SL", Measure.PAYMENT_FAILED, at));
    }

    @Test
    @DisplayName("retries are distinct events: FAILED, FAILED, SUCCEEDED with three event_ids count 2 failed + 1 succeeded")
    void everyRetryCounts() throws Exception {
        // DOMAIN §7: "every retry counts" — three ids, three keys, three contributions per scope (agency only here)
        long t1 = MON_9;
        long t2 = MON_9 + MIN;          // 09:01
        long t3 = MON_9 + 2 * MIN;      // 09:02
        List<Contribution> all = new ArrayList<>();
        all.addAll(flat(send(payment("r1", ServiceEvent.Type.PAYMENT_FAILED, t1, "STP", null))));
        all.addAll(flat(send(payment("r2", ServiceEvent.Type.PAYMENT_FAILED, t2, "STP", null))));
        all.addAll(flat(send(payment("r3", ServiceEvent.Type.PAYMENT_SUCCEEDED, t3, "STP", null))));
        // per scope: failed at 09:00 and 09:01, succeeded at 09:02 → payment_success_ratio over a window holding
        // all three = 1 ÷ (1 + 2) = 1/3
        assertThat(all).containsExactlyInAnyOrder(
                c("province", "SL", Measure.PAYMENT_FAILED, t1), c("agency", "STP", Measure.PAYMENT_FAILED, t1),
                c("province", "SL", Measure.PAYMENT_FAILED, t2), c("agency", "STP", Measure.PAYMENT_FAILED, t2),
                c("province", "SL", Measure.PAYMENT_SUCCEEDED, t3), c("agency", "STP", Measure.PAYMENT_SUCCEEDED, t3));
    }

    @Test
    @DisplayName("duplicates count once: an exact resend and a same-id event that differs (FAILED, other agency, other time) are ignored")
    void duplicatesCountOnce() throws Exception {
        List<Contribution> first = flat(send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", "14107")));
        assertThat(first).hasSize(3);
        // exact resend (at-least-once delivery): nothing
        assertThat(send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", "14107"))).isEmpty();
        // DOMAIN §7: "the first accepted event with an id wins and later ones are duplicates even if they differ"
        assertThat(send(payment("p1", ServiceEvent.Type.PAYMENT_FAILED, MON_9 + 5 * MIN, "SNV", "14110"))).isEmpty();
        // after the watermark passed 09:30 (still far inside 35 d) another resend: still nothing
        h.processWatermark(MON_9 + 30 * MIN);
        assertThat(send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", "14107"))).isEmpty();
        // net: one success per scope at 09:00
        assertThat(net(first)).isEqualTo(Map.of(
                "agency/STP PAYMENT_SUCCEEDED @2026-03-02T02:00:00Z from 2026-03-02T02:00:00Z", 1L,
                "commune/14107 PAYMENT_SUCCEEDED @2026-03-02T02:00:00Z from 2026-03-02T02:00:00Z", 1L,
                "province/SL PAYMENT_SUCCEEDED @2026-03-02T02:00:00Z from 2026-03-02T02:00:00Z", 1L));
    }

    @Test
    @DisplayName("a late payment (watermark already past it) counts at its own occurred_at, not at the watermark")
    void latePaymentAtOccurredAt() throws Exception {
        // clock already at Tue 3/3 09:00 (09:00 Mon + 24 h); a payment that happened Mon 16:40 arrives now
        h.processWatermark(MON_9 + DAY);
        long at = ms("2026-03-02T16:40");  // = 09:00 + 7 h 40 min
        assertThat(at).isEqualTo(MON_9 + 7 * HOUR + 40 * MIN);
        List<ContributionBatch> out = send(payment("late", ServiceEvent.Type.PAYMENT_SUCCEEDED, at, "STP", null));
        // position and validFrom are Mon 16:40 = 09:40Z (DOMAIN §7 "a KPI as of T counts only events with
        // occurred_at ≤ T"): the aggregator decides whether a closed window is revised
        assertThat(flat(out)).containsExactlyInAnyOrder(
                new Contribution("province", "SL", Measure.PAYMENT_SUCCEEDED, at, at, 1),
                new Contribution("agency", "STP", Measure.PAYMENT_SUCCEEDED, at, at, 1));
        assertThat(Instant.ofEpochMilli(at)).isEqualTo(Instant.parse("2026-03-02T09:40:00Z"));
    }

    @Test
    @DisplayName("PAYMENT_INITIATED is not a payment result: not counted, dead-lettered, and it does not reserve its event_id")
    void initiatedNotCounted() throws Exception {
        // DOMAIN §7: "PAYMENT_INITIATED is not in the ratio" (the job filters it before this operator; here it
        // reaches the operator directly and must still not count)
        assertThat(send(payment("i1", ServiceEvent.Type.PAYMENT_INITIATED, MON_9, "STP", null))).isEmpty();
        assertThat(fn.failedRecords()).isEqualTo(1);
        assertThat(h.numKeyedStateEntries()).isZero();
        // a rejected record reserves nothing (DOMAIN §7): a result with the same id counts
        assertThat(flat(send(payment("i1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, null, null))))
                .containsExactly(c("province", "SL", Measure.PAYMENT_SUCCEEDED, MON_9));
    }

    @Test
    @DisplayName("the seen mark is kept for ever (DOMAIN §7): a year later the exact resend is still a duplicate, no timer is kept")
    void seenMarkKept() throws Exception {
        send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", null));
        assertThat(h.numEventTimeTimers()).as("nothing to forget, no timer").isZero();
        h.processWatermark(ms("2027-03-02T09:00"));
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", null))).isEmpty();
    }

    @Test
    @DisplayName("an event in event-time order reusing the event_id of a payment 35 days old is still a duplicate (DOMAIN §7)")
    void reusedIdAfterRetentionInOrder() throws Exception {
        send(payment("p1", ServiceEvent.Type.PAYMENT_SUCCEEDED, MON_9, "STP", null));
        // clock at 09:00 Mon 6/4 = 09:00 Mon 2/3 + 35 d (the old retention: the mark used to be gone here)
        h.processWatermark(MON_9 + RETENTION);
        // an event dated 10:00 Mon 6/4 (after the watermark: in event-time order) with the same id but other content
        long at = ms("2026-04-06T10:00");
        // DOMAIN §7: a duplicate "even if it differs"; no clean-up may change a KPI for an in-order event → nothing
        assertThat(send(payment("p1", ServiceEvent.Type.PAYMENT_FAILED, at, "STP", null))).isEmpty();
    }
}
