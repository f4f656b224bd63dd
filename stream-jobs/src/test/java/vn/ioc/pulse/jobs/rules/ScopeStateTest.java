package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;

/** Incremental window sums against a naive recomputation over all contributions. */
class ScopeStateTest {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final long T0 = Instant.parse("2025-11-20T01:00:00Z").toEpochMilli();

    /** Naive: Σ weight of contributions valid at {@code now} whose position is in the window as of now. */
    static long naive(List<Contribution> all, KpiWindow w, long now) {
        long s = 0;
        for (Contribution c : all) {
            if (c.validFrom() <= now && w.contains(c.position(), now)) {
                s += c.weight();
            }
        }
        return s;
    }

    static Contribution c(long position, long validFrom, long weight) {
        return new Contribution("province", "SL", Measure.RECEIVED, position, validFrom, weight);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    @DisplayName("every window sum equals a naive recomputation at every instant, across months and a new year")
    void matchesNaiveRecomputation(long seed) {
        Random r = new Random(seed);
        ScopeState s = new ScopeState();
        List<Contribution> all = new ArrayList<>();
        long now = T0;
        for (int step = 0; step < 400; step++) {
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                // positions mostly recent, sometimes far in the past (late), sometimes ahead of now
                long position = now - (long) (r.nextDouble() * (r.nextInt(10) == 0 ? 120 * DAY : 3 * DAY))
                        + (r.nextInt(20) == 0 ? r.nextInt((int) HOUR) : 0);
                switch (r.nextInt(8)) { // exact window edges
                    case 0 -> position = KpiWindow.localMidnight(now);
                    case 1 -> position = now - HOUR;
                    case 2 -> position = now - DAY + 1;
                    case 3 -> position = KpiWindow.nextLocalMidnight(now);
                    default -> { }
                }
                long validFrom = r.nextInt(5) == 0 ? now + r.nextInt((int) (2 * HOUR)) : Math.max(position, now - HOUR);
                long weight = r.nextInt(6) == 0 ? -1 : 1;
                Contribution c = c(position, validFrom, weight);
                all.add(c);
                s.add(c);
            }
            long jump = switch (r.nextInt(6)) {
                case 0 -> all.isEmpty() ? 1 : Math.max(0, all.get(r.nextInt(all.size())).position() + HOUR - now - 1);
                case 1 -> HOUR;
                case 2 -> r.nextInt((int) DAY);
                case 3 -> 3 * DAY + r.nextInt(1000);
                default -> r.nextInt((int) (6 * HOUR));
            };
            now += jump + 1;
            s.advance(now);
            for (KpiWindow w : KpiWindow.values()) {
                if (w == KpiWindow.LIVE) {
                    continue; // live counts positions <= now for every active contribution: checked below
                }
                assertThat(s.timeline(Measure.RECEIVED).sum(w))
                        .as("window %s at %s (step %d)", w.id, Instant.ofEpochMilli(now), step)
                        .isEqualTo(naive(all, w, now));
            }
            assertThat(s.timeline(Measure.RECEIVED).sum(KpiWindow.LIVE)).isEqualTo(naive(all, KpiWindow.LIVE, now));
        }
        assertThat(Instant.ofEpochMilli(now)).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    @DisplayName("next change is the instant a contribution leaves a rolling window or becomes valid")
    void nextChange() {
        ScopeState s = new ScopeState();
        s.add(c(T0, T0, 1));
        s.add(c(T0 + 10 * HOUR, T0 + 10 * HOUR, 1));
        s.advance(T0 + 1000);
        assertThat(s.nextChange()).isEqualTo(T0 + HOUR);
        s.advance(T0 + HOUR);
        assertThat(s.timeline(Measure.RECEIVED).sum(KpiWindow.H1)).isZero();
        assertThat(s.nextChange()).isEqualTo(T0 + 10 * HOUR);
    }

    @Test
    @DisplayName("state survives serialization: the copy goes on computing the same sums")
    void serializationRoundTrip() throws Exception {
        Random r = new Random(42);
        ScopeState s = new ScopeState();
        long now = T0;
        for (int i = 0; i < 200; i++) {
            long p = now - r.nextInt((int) (40 * DAY / 1000)) * 1000L;
            s.add(c(p, now + r.nextInt(100_000), 1));
            now += r.nextInt((int) HOUR);
            s.advance(now);
        }
        DataOutputSerializer out = new DataOutputSerializer(1024);
        ScopeStateSerializer.INSTANCE.serialize(s, out);
        ScopeState copy = ScopeStateSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        long later = now + 2 * DAY;
        s.advance(later);
        copy.advance(later);
        for (KpiWindow w : KpiWindow.values()) {
            assertThat(copy.timeline(Measure.RECEIVED).sum(w)).isEqualTo(s.timeline(Measure.RECEIVED).sum(w));
        }
        assertThat(copy.nextChange()).isEqualTo(s.nextChange());
        // the publication bookkeeping survives a copy (the heap backend copies state during snapshots)
        s.unpublished = true;
        s.lastPublishedWall = 1234;
        ScopeState copied = ScopeStateSerializer.INSTANCE.copy(s);
        assertThat(copied.unpublished).isTrue();
        assertThat(copied.lastPublishedWall).isEqualTo(1234);
    }

    @Test
    @DisplayName("a late contribution to a closed day re-emits that day's value as a revision stamped at its last instant")
    void lateEventRevisesClosedPeriod() {
        java.util.List<KpiFormula> formulas = KpiFormulas.from(vn.ioc.pulse.model.KpiCatalog.load());
        ScopeState.StatusRule status = KpiFormulas.status(vn.ioc.pulse.model.KpiCatalog.load());
        long mon9 = Instant.parse("2026-03-02T02:00:00Z").toEpochMilli(); // Mon 2/3 09:00 +07
        long tue9 = mon9 + DAY;
        ScopeState s = new ScopeState();
        s.add(c(mon9, mon9, 1));
        s.advance(tue9);
        java.util.List<vn.ioc.pulse.model.KpiValue> first = s.changedValues("province", "SL", formulas, status, Instant.EPOCH);
        assertThat(first).noneMatch(v -> v.revision() > 0);
        // a receipt on Monday 10:00 arrives on Tuesday: Monday is closed
        s.add(c(mon9 + HOUR, tue9 + 1000, 1));
        s.advance(tue9 + 2000);
        java.util.List<vn.ioc.pulse.model.KpiValue> next = s.changedValues("province", "SL", formulas, status, Instant.EPOCH);
        vn.ioc.pulse.model.KpiValue monday = next.stream()
                .filter(v -> v.kpi().equals("received") && v.window().equals("today") && v.revision() > 0)
                .findFirst().orElseThrow();
        assertThat(monday.value()).isEqualTo(2.0);
        assertThat(monday.revision()).isEqualTo(1);
        assertThat(monday.asOf()).isEqualTo(Instant.parse("2026-03-02T16:59:59.999Z")); // Mon 23:59:59.999 +07
        // the live values move on as usual: 24h, (Mon 09:00:02, Tue 09:00:02], now counts the 10:00 receipt
        assertThat(next).anyMatch(v -> v.kpi().equals("received") && v.window().equals("24h") && v.revision() == 0
                && v.value() == 1.0);
        // the current month is not closed: no mtd revision
        assertThat(next).noneMatch(v -> v.window().equals("mtd") && v.revision() > 0);
    }

    // ------------------------------------------------------------------------------------------------ seq

    static final java.util.List<KpiFormula> FORMULAS = KpiFormulas.from(vn.ioc.pulse.model.KpiCatalog.load());
    static final ScopeState.StatusRule STATUS = KpiFormulas.status(vn.ioc.pulse.model.KpiCatalog.load());
    static final long MON_9 = Instant.parse("2026-03-02T02:00:00Z").toEpochMilli(); // Mon 2/3 09:00 +07

    /** Advances to {@code now} and returns the published values by key (a key appears at most once per step). */
    static java.util.Map<String, vn.ioc.pulse.model.KpiValue> publish(ScopeState s, long now) {
        s.advance(now);
        java.util.Map<String, vn.ioc.pulse.model.KpiValue> out = new java.util.TreeMap<>();
        for (vn.ioc.pulse.model.KpiValue v : s.changedValues("province", "SL", FORMULAS, STATUS, Instant.EPOCH)) {
            assertThat(out.put(v.key() + (v.revision() > 0 ? "#" + v.revision() : ""), v)).isNull();
        }
        return out;
    }

    /** A scope that published three times: received at 09:00, 09:02, 09:04, resolved at 09:04. */
    static ScopeState publishedThreeTimes() {
        ScopeState s = new ScopeState();
        s.add(c(MON_9, MON_9, 1));
        publish(s, MON_9 + 60_000);
        s.add(c(MON_9 + 120_000, MON_9 + 120_000, 1));
        publish(s, MON_9 + 180_000);
        s.add(c(MON_9 + 240_000, MON_9 + 240_000, 1));
        s.add(new Contribution("province", "SL", Measure.RESOLVED, MON_9 + 240_000, MON_9 + 240_000, 1));
        publish(s, MON_9 + 300_000);
        return s;
    }

    @Test
    @DisplayName("seq is +1 per live value published for a key, each key on its own")
    void seqPerKey() {
        ScopeState s = new ScopeState();
        s.add(c(MON_9, MON_9, 1));
        var first = publish(s, MON_9 + 60_000);
        assertThat(first.values()).as("the first publication has every value of the scope, each seq 1")
                .isNotEmpty().allSatisfy(v -> assertThat(v.seq()).isEqualTo(1));
        assertThat(first).containsKeys("received/province/SL/today", "resolved/province/SL/today");
        s.add(c(MON_9 + 120_000, MON_9 + 120_000, 1));
        var second = publish(s, MON_9 + 180_000);
        assertThat(second.get("received/province/SL/today").seq()).isEqualTo(2);
        assertThat(second.get("received/province/SL/today").value()).isEqualTo(2.0);
        assertThat(second).doesNotContainKey("resolved/province/SL/today");
        assertThat(s.seq("received", "today")).isEqualTo(2);
        assertThat(s.seq("resolved", "today")).isEqualTo(1);
        assertThat(s.seq("received", "no-such-window")).isZero();
    }

    @Test
    @DisplayName("the seq counters survive the serializer and go on from where they were")
    void seqSurvivesSerialization() throws Exception {
        ScopeState s = publishedThreeTimes();
        assertThat(s.seq("received", "today")).isEqualTo(3);
        assertThat(s.seq("resolved", "today")).isEqualTo(2);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        ScopeStateSerializer.INSTANCE.serialize(s, out);
        ScopeState copy = ScopeStateSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(copy.seq("received", "today")).isEqualTo(3);
        assertThat(copy.seq("resolved", "today")).isEqualTo(2);
        assertThat(ScopeStateSerializer.INSTANCE.copy(s).seq("received", "1h")).isEqualTo(3);
        assertThat(ScopeStateSerializer.NO_SEQ.copy(s).seq("received", "1h")).as("a copy keeps everything")
                .isEqualTo(3);

        copy.add(c(MON_9 + 360_000, MON_9 + 360_000, 1));
        var next = publish(copy, MON_9 + 420_000);
        assertThat(next.get("received/province/SL/today").seq()).isEqualTo(4);
        assertThat(next.get("received/province/SL/today").value()).isEqualTo(4.0);
        assertThat(next).doesNotContainKey("resolved/province/SL/today");
        // and the copy publishes exactly what the original does
        s.add(c(MON_9 + 360_000, MON_9 + 360_000, 1));
        assertThat(publish(s, MON_9 + 420_000)).isEqualTo(next);
    }

    @Test
    @DisplayName("state written without seq counters (format 1, before seqs) reads with seq 0: only changes publish, from seq 1")
    void stateWithoutSeqCounters() throws Exception {
        ScopeState s = publishedThreeTimes();
        DataOutputSerializer out = new DataOutputSerializer(1024);
        ScopeStateSerializer.NO_SEQ.serialize(s, out);
        DataOutputSerializer current = new DataOutputSerializer(1024);
        ScopeStateSerializer.INSTANCE.serialize(s, current);
        // format 2 adds one long per published key and nothing else
        assertThat(current.length() - out.length()).isEqualTo(8 * s.published.size());
        ScopeState old = ScopeStateSerializer.NO_SEQ.deserialize(
                new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(old.seq("received", "today")).isZero();
        assertThat(old.published.get("received/today")).containsExactly(3, 0, 0);
        old.add(c(MON_9 + 360_000, MON_9 + 360_000, 1));
        var next = publish(old, MON_9 + 420_000);
        assertThat(next.get("received/province/SL/today").seq()).isEqualTo(1);
        assertThat(next).as("unchanged values are not published again").doesNotContainKey("resolved/province/SL/today");
    }

    @Test
    @DisplayName("a revision carries seq 0 and does not advance the live seq of its key")
    void revisionsDoNotAdvanceSeq() {
        long tue9 = MON_9 + DAY;
        ScopeState s = new ScopeState();
        s.add(c(MON_9, MON_9, 1));
        var first = publish(s, tue9);
        assertThat(first.get("received/province/SL/today").value()).as("Tuesday so far").isEqualTo(0.0);
        assertThat(first.get("received/province/SL/today").seq()).isEqualTo(1);
        // a receipt on Monday 10:00 arrives on Tuesday: Monday's today is revised
        s.add(c(MON_9 + HOUR, tue9 + 1000, 1));
        var late = publish(s, tue9 + 2000);
        vn.ioc.pulse.model.KpiValue revision = late.get("received/province/SL/today#1");
        assertThat(revision.value()).isEqualTo(2.0);
        assertThat(revision.seq()).as("a revision is not a live value").isZero();
        assertThat(late.values()).filteredOn(v -> v.revision() > 0).isNotEmpty()
                .allSatisfy(v -> assertThat(v.seq()).isZero());
        assertThat(late).as("Tuesday's live today did not change").doesNotContainKey("received/province/SL/today");
        // 24h = (Mon 09:00:02, Tue 09:00:02]: the 10:00 receipt, 0 → 1
        assertThat(late.get("received/province/SL/24h").value()).isEqualTo(1.0);
        assertThat(late.get("received/province/SL/24h").seq()).isEqualTo(2);
        s.add(c(tue9 + 10_000, tue9 + 10_000, 1));
        var live = publish(s, tue9 + 20_000);
        assertThat(live.get("received/province/SL/today").value()).isEqualTo(1.0);
        assertThat(live.get("received/province/SL/today").seq()).as("the revision took no live seq").isEqualTo(2);
    }

    @Test
    @DisplayName("serializer snapshots: the current one is format 2; the earlier one (version 3, or 2 with a class name) restores format 1 and migrates")
    void serializerSnapshotVersions() throws Exception {
        org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<ScopeState> current =
                ScopeStateSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        org.apache.flink.api.common.typeutils.TypeSerializerSnapshot.writeVersionedSnapshot(out, current);
        ScopeStateSerializer.Snapshot read = readSnapshot(out);
        assertThat(read.format()).isEqualTo(2);
        assertThat(read.restoreSerializer()).isSameAs(ScopeStateSerializer.INSTANCE);
        assertThat(current.resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();

        // exactly what the earlier SimpleTypeSerializerSnapshot wrote: class name, version 3, no content
        DataOutputSerializer v3 = new DataOutputSerializer(64);
        v3.writeUTF(ScopeStateSerializer.Snapshot.class.getName());
        v3.writeInt(3);
        ScopeStateSerializer.Snapshot old = readSnapshot(v3);
        assertThat(old.format()).isEqualTo(1);
        assertThat(old.restoreSerializer()).isSameAs(ScopeStateSerializer.NO_SEQ);
        assertThat(current.resolveSchemaCompatibility(old).isCompatibleAfterMigration()).isTrue();
        assertThat(old.resolveSchemaCompatibility(current).isIncompatible()).as("no downgrade").isTrue();

        DataOutputSerializer v2 = new DataOutputSerializer(64);
        v2.writeUTF(ScopeStateSerializer.Snapshot.class.getName());
        v2.writeInt(2);
        v2.writeUTF(ScopeStateSerializer.class.getName());
        assertThat(readSnapshot(v2).format()).isEqualTo(1);

        DataOutputSerializer v5 = new DataOutputSerializer(64);
        v5.writeUTF(ScopeStateSerializer.Snapshot.class.getName());
        v5.writeInt(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> readSnapshot(v5))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("5");
    }

    static ScopeStateSerializer.Snapshot readSnapshot(DataOutputSerializer out) throws java.io.IOException {
        return (ScopeStateSerializer.Snapshot) org.apache.flink.api.common.typeutils.TypeSerializerSnapshot
                .<ScopeState>readVersionedSnapshot(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()),
                        ScopeStateTest.class.getClassLoader());
    }
}
