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
}
