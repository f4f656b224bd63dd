package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.jobs.rules.KpiWindow;
import vn.ioc.pulse.jobs.rules.ScopeStateSerializer;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * The KPI job assigns {@code seq} (CONTRACT.md §5) in checkpointed keyed state: per KPI key +1 for every live value
 * it publishes, revisions not counted, and the count goes on after a snapshot and restore of the operator. Every
 * expectation is worked out by hand in the comments (Mon 2/3/2026 09:00 +07:00 = 02:00Z).
 */
class SeqHarnessTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long DAY = 24 * HOUR;
    static final long MON_9 = OffsetDateTime.parse("2026-03-02T09:00:00+07:00").toInstant().toEpochMilli();
    static final String TODAY = "received/province/SL/today";
    static final String H1 = "received/province/SL/1h";
    static final String RESOLVED_TODAY = "resolved/province/SL/today";

    final List<KeyedOneInputStreamOperatorTestHarness<String, ?, KpiValue>> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    <I> KeyedOneInputStreamOperatorTestHarness<String, I, KpiValue> open(
            KeyedOneInputStreamOperatorTestHarness<String, I, KpiValue> h, OperatorSubtaskState restoreFrom)
            throws Exception {
        opened.add(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** The values published since the last drain, by key (revisions as key#revision); each key at most once. */
    static Map<String, KpiValue> drain(KeyedOneInputStreamOperatorTestHarness<String, ?, KpiValue> h) {
        Map<String, KpiValue> out = new TreeMap<>();
        for (KpiValue v : h.extractOutputValues()) {
            assertThat(out.put(v.key() + (v.revision() > 0 ? "#" + v.revision() : ""), v)).as(v.key()).isNull();
        }
        h.getOutput().clear();
        return out;
    }

    /** One contribution of {@code weight} to province/SL at {@code at}, valid from then. */
    static void sendToProvince(KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> h, Measure m,
                               long at, long weight) throws Exception {
        ContributionBatch b = new ContributionBatch();
        b.scopeType = "province";
        b.scopeId = "SL";
        b.measures = new int[] {m.ordinal()};
        b.positions = new long[] {at};
        b.validFroms = new long[] {at};
        b.weights = new long[] {weight};
        h.processElement(new StreamRecord<>(b, at));
    }

    @Nested
    @DisplayName("scope-kpis")
    class Scopes {
        KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> harness(
                ScopeStateSerializer serializer, OperatorSubtaskState restoreFrom) throws Exception {
            KpiCatalog catalog = KpiCatalog.load();
            ScopeAggregator fn = new ScopeAggregator(KpiFormulas.from(catalog), KpiFormulas.status(catalog), 0)
                    .withStateSerializer(serializer);
            return open(new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
                    ContributionBatch::scopeKey, Types.STRING), restoreFrom);
        }

        /** One contribution of weight 1 to province/SL at {@code at}, valid from then. */
        void send(KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> h, Measure m, long at)
                throws Exception {
            sendToProvince(h, m, at, 1);
        }

        @Test
        @DisplayName("three publications give seq 1, 2, 3 per key, keys independent; after snapshot + restore the next is 4")
        void seqPerKeyAcrossRestore() throws Exception {
            var h = harness(ScopeStateSerializer.INSTANCE, null);
            // 1) received 09:00, clock 09:01: all values of the scope, each seq 1 (received today = 1)
            send(h, Measure.RECEIVED, MON_9);
            h.processWatermark(MON_9 + MIN);
            Map<String, KpiValue> first = drain(h);
            assertThat(first.values()).isNotEmpty().allSatisfy(v -> {
                assertThat(v.seq()).as(v.key()).isEqualTo(1);
                assertThat(v.revision()).isZero();
            });
            assertThat(first.get(TODAY).value()).isEqualTo(1.0);
            assertThat(first.get(RESOLVED_TODAY).value()).isEqualTo(0.0);
            // 2) received 09:02, clock 09:03: received today 2 (seq 2), resolved unchanged (not published)
            send(h, Measure.RECEIVED, MON_9 + 2 * MIN);
            h.processWatermark(MON_9 + 3 * MIN);
            Map<String, KpiValue> second = drain(h);
            assertThat(second.get(TODAY).value()).isEqualTo(2.0);
            assertThat(second.get(TODAY).seq()).isEqualTo(2);
            assertThat(second.get(H1).seq()).isEqualTo(2);
            assertThat(second).doesNotContainKey(RESOLVED_TODAY);
            // 3) received and resolved 09:04, clock 09:05: received today 3 (seq 3), resolved today 1 (its seq 2)
            send(h, Measure.RECEIVED, MON_9 + 4 * MIN);
            send(h, Measure.RESOLVED, MON_9 + 4 * MIN);
            h.processWatermark(MON_9 + 5 * MIN);
            Map<String, KpiValue> third = drain(h);
            assertThat(third.get(TODAY).value()).isEqualTo(3.0);
            assertThat(third.get(TODAY).seq()).isEqualTo(3);
            assertThat(third.get(RESOLVED_TODAY).value()).isEqualTo(1.0);
            assertThat(third.get(RESOLVED_TODAY).seq()).isEqualTo(2);

            OperatorSubtaskState snapshot = h.snapshot(1L, MON_9 + 5 * MIN);
            var restored = harness(ScopeStateSerializer.INSTANCE, snapshot);
            // 4) received 09:06, clock 09:07 on the restored operator: received today 4, seq 4; resolved not again
            send(restored, Measure.RECEIVED, MON_9 + 6 * MIN);
            restored.processWatermark(MON_9 + 7 * MIN);
            Map<String, KpiValue> fourth = drain(restored);
            assertThat(fourth.get(TODAY).value()).isEqualTo(4.0);
            assertThat(fourth.get(TODAY).seq()).isEqualTo(4);
            assertThat(fourth.get(H1).seq()).isEqualTo(4);
            assertThat(fourth).doesNotContainKey(RESOLVED_TODAY);
            // 5) resolved 09:08, clock 09:09: resolved today 2, its seq 3
            send(restored, Measure.RESOLVED, MON_9 + 8 * MIN);
            restored.processWatermark(MON_9 + 9 * MIN);
            Map<String, KpiValue> fifth = drain(restored);
            assertThat(fifth.get(RESOLVED_TODAY).value()).isEqualTo(2.0);
            assertThat(fifth.get(RESOLVED_TODAY).seq()).isEqualTo(3);
            assertThat(fifth).doesNotContainKey(TODAY);

            // the same input on the original operator (no failure) gives the same values and seqs
            send(h, Measure.RECEIVED, MON_9 + 6 * MIN);
            h.processWatermark(MON_9 + 7 * MIN);
            assertThat(seqs(drain(h))).isEqualTo(seqs(fourth));
        }

        @Test
        @DisplayName("when time alone changes a value (leaving the 1h window) it gets the next seq too")
        void timeDrivenValuesCount() throws Exception {
            var h = harness(ScopeStateSerializer.INSTANCE, null);
            send(h, Measure.RECEIVED, MON_9);
            h.processWatermark(MON_9 + MIN);
            assertThat(drain(h).get(H1).seq()).isEqualTo(1);
            // 1h = (now − 1 h, now]: the 09:00 receipt leaves it at 10:00 exactly (a timer at the change)
            h.processWatermark(MON_9 + HOUR);
            Map<String, KpiValue> out = drain(h);
            assertThat(out.get(H1).value()).isEqualTo(0.0);
            assertThat(out.get(H1).seq()).isEqualTo(2);
            assertThat(out).doesNotContainKey(TODAY);
        }

        @Test
        @DisplayName("a revision (late event for a closed day) carries seq 0 and does not advance the live seq")
        void revisionsDoNotAdvanceTheLiveSeq() throws Exception {
            var h = harness(ScopeStateSerializer.INSTANCE, null);
            long tue9 = MON_9 + DAY;
            send(h, Measure.RECEIVED, MON_9);
            h.processWatermark(tue9);
            Map<String, KpiValue> first = drain(h);
            assertThat(first.get(TODAY).value()).as("Tuesday so far").isEqualTo(0.0);
            assertThat(first.get(TODAY).seq()).isEqualTo(1);
            // a receipt on Monday 10:00 arrives on Tuesday (valid from Tue 09:00:01): Monday's today is revised to 2
            ContributionBatch late = new ContributionBatch();
            late.scopeType = "province";
            late.scopeId = "SL";
            late.measures = new int[] {Measure.RECEIVED.ordinal()};
            late.positions = new long[] {MON_9 + HOUR};
            late.validFroms = new long[] {tue9 + 1000};
            late.weights = new long[] {1};
            h.processElement(new StreamRecord<>(late, tue9 + 1000));
            h.processWatermark(tue9 + 2000);
            Map<String, KpiValue> revised = drain(h);
            KpiValue monday = revised.get(TODAY + "#1");
            assertThat(monday.value()).isEqualTo(2.0);
            assertThat(monday.asOf()).isEqualTo(Instant.parse("2026-03-02T16:59:59.999Z"));
            assertThat(monday.seq()).isZero();
            assertThat(revised.values()).filteredOn(v -> v.revision() > 0)
                    .allSatisfy(v -> assertThat(v.seq()).as(v.key()).isZero());
            assertThat(revised).as("Tuesday's today is still 0").doesNotContainKey(TODAY);
            // a receipt on Tuesday 09:00:10: the live today 1, seq 2 (the revision took none)
            send(h, Measure.RECEIVED, tue9 + 10_000);
            h.processWatermark(tue9 + 20_000);
            Map<String, KpiValue> live = drain(h);
            assertThat(live.get(TODAY).value()).isEqualTo(1.0);
            assertThat(live.get(TODAY).seq()).isEqualTo(2);
        }

        @Test
        @DisplayName("state checkpointed before seqs existed restores: unchanged values are not republished, changes start at seq 1")
        void restoreFromStateWithoutSeqs() throws Exception {
            // written as the job wrote it before seqs: format 1, serializer snapshot version 3
            var old = harness(ScopeStateSerializer.NO_SEQ, null);
            send(old, Measure.RECEIVED, MON_9);
            old.processWatermark(MON_9 + MIN);
            assertThat(drain(old).get(TODAY).seq()).as("seqs are counted while running").isEqualTo(1);
            send(old, Measure.RECEIVED, MON_9 + 2 * MIN);
            old.processWatermark(MON_9 + 3 * MIN);
            assertThat(drain(old).get(TODAY).seq()).isEqualTo(2);
            OperatorSubtaskState snapshot = old.snapshot(1L, MON_9 + 3 * MIN);

            var upgraded = harness(ScopeStateSerializer.INSTANCE, snapshot);
            send(upgraded, Measure.RECEIVED, MON_9 + 4 * MIN);
            upgraded.processWatermark(MON_9 + 5 * MIN);
            Map<String, KpiValue> out = drain(upgraded);
            assertThat(out.get(TODAY).value()).isEqualTo(3.0);
            assertThat(out.get(TODAY).seq()).isEqualTo(1);
            assertThat(out).doesNotContainKey(RESOLVED_TODAY);
            // and the upgraded state checkpoints with its counters
            OperatorSubtaskState again = upgraded.snapshot(2L, MON_9 + 5 * MIN);
            var restored = harness(ScopeStateSerializer.INSTANCE, again);
            send(restored, Measure.RECEIVED, MON_9 + 6 * MIN);
            restored.processWatermark(MON_9 + 7 * MIN);
            assertThat(drain(restored).get(TODAY).seq()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("availability-kpis")
    class Availability {
        KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, KpiValue> harness(OperatorSubtaskState restoreFrom)
                throws Exception {
            AvailabilityProcessor fn = new AvailabilityProcessor(List.of(KpiWindow.H1, KpiWindow.H24),
                    (kpi, value) -> KpiValue.Status.GREEN);
            return open(new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
                    (ServiceEvent s) -> s.component().name(), Types.STRING), restoreFrom);
        }

        void send(KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, KpiValue> h, String id, long at,
                  ServiceEvent.State state) throws Exception {
            h.processElement(new StreamRecord<>(new ServiceEvent(id, ServiceEvent.Type.AVAILABILITY,
                    Instant.ofEpochMilli(at), ServiceEvent.Component.PORTAL, state, 5L, null, null, null, null, null,
                    null, null, null, null), at));
        }

        @Test
        @DisplayName("each published availability value gets its key's next seq, and the count survives a restore")
        void seqAcrossRestore() throws Exception {
            String h1 = "availability_ratio/component/PORTAL/1h";
            String h24 = "availability_ratio/component/PORTAL/24h";
            var h = harness(null);
            send(h, "a1", MON_9, ServiceEvent.State.UP);
            // 09:10: up 600 s of 600 s known, both windows
            h.processWatermark(MON_9 + 10 * MIN);
            Map<String, KpiValue> first = drain(h);
            assertThat(first.get(h1).numerator()).isEqualTo(600.0);
            assertThat(first.get(h1).seq()).isEqualTo(1);
            assertThat(first.get(h24).seq()).isEqualTo(1);
            // 09:20: 1200 of 1200 s (changed numerator and denominator): seq 2
            h.processWatermark(MON_9 + 20 * MIN);
            assertThat(seqs(drain(h))).isEqualTo(Map.of(h1, 2L, h24, 2L));
            // DOWN at 09:25; 09:30: up 1500 of 1800 s: seq 3
            send(h, "a2", MON_9 + 25 * MIN, ServiceEvent.State.DOWN);
            h.processWatermark(MON_9 + 30 * MIN);
            Map<String, KpiValue> third = drain(h);
            assertThat(third.get(h1).numerator()).isEqualTo(1500.0);
            assertThat(third.get(h1).denominator()).isEqualTo(1800.0);
            assertThat(seqs(third)).isEqualTo(Map.of(h1, 3L, h24, 3L));

            var restored = harness(h.snapshot(1L, MON_9 + 30 * MIN));
            // 09:40 on the restored operator: up 1500 of 2400 s = 0.625, seq 4
            restored.processWatermark(MON_9 + 40 * MIN);
            Map<String, KpiValue> fourth = drain(restored);
            assertThat(fourth.get(h1).value()).isEqualTo(0.625);
            assertThat(seqs(fourth)).isEqualTo(Map.of(h1, 4L, h24, 4L));
        }
    }

    static Map<String, Long> seqs(Map<String, KpiValue> values) {
        Map<String, Long> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, v.seq()));
        return out;
    }
}
