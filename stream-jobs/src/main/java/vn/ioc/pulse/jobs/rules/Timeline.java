package vn.ioc.pulse.jobs.rules;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One measure's contributions in one scope, with the sum of every window kept up to date incrementally, so the
 * cost of an event or of time passing does not grow with the window length.
 *
 * <p>Contributions not yet valid at the current instant wait in the scope's pending queue ({@link ScopeState}) and
 * are activated here when the clock reaches them. Active ones are summed by position. Positions older than the longest rolling window are merged into their local day (exact for
 * calendar windows, which start at midnight), and positions before both the year start and the longest rolling
 * window are dropped after counting in {@code live}.
 */
public final class Timeline {
    private static final KpiWindow[] WINDOWS = KpiWindow.values();

    /** position → summed weight of active contributions (primitive arrays: the bulk of the job's state). */
    final SortedLongMap active = new SortedLongMap();
    /** Sum per window (index = KpiWindow ordinal) as of {@link ScopeState#asOf}. */
    final long[] sums = new long[WINDOWS.length];
    /** Positions below this are already merged into local-midnight buckets. */
    long compactedUpTo = Long.MIN_VALUE;
    /**
     * Told the position of every contribution that lands in a calendar day already closed at the previous step
     * (transient, set per use): those periods get a revision.
     */
    java.util.function.LongConsumer lateSink;

    /** Sum of active weights with position in [from, to] (exact for local-day-aligned bounds after compaction). */
    long sumBetween(long from, long to) {
        return range(EventTime.minus(from, 1), to);
    }

    public long sum(KpiWindow w) {
        return sums[w.ordinal()];
    }

    /** Moves the sums from {@code from} (null before the first step) to {@code to}. */
    void moveSums(WindowBounds from, WindowBounds to) {
        if (from == null) {
            return;
        }
        long f = from.now;
        long t = to.now;
        for (KpiWindow w : WINDOWS) {
            int i = w.ordinal();
            if (w.rolling()) {
                sums[i] += range(f, t) - range(EventTime.minus(f, w.length), EventTime.minus(t, w.length));
            } else if (w.calendar()) {
                long start = to.starts[i];
                sums[i] = start == from.starts[i] ? sums[i] + range(f, t) : range(EventTime.minus(start, 1), t);
            } else {
                sums[i] += range(f, t);
            }
        }
    }

    /** Counts a contribution that just became valid, as of {@code now}. */
    void activate(long position, long weight, WindowBounds now, long closedBefore) {
        if (weight == 0) {
            return;
        }
        if (lateSink != null && position < closedBefore && position >= now.horizon) {
            lateSink.accept(position);
        }
        for (KpiWindow w : WINDOWS) {
            if (now.contains(w, position)) {
                sums[w.ordinal()] += weight;
            }
        }
        long horizon = now.horizon;
        if (position < horizon) {
            return; // only live counts it, and it just did
        }
        long key = position < compactedUpTo ? KpiWindow.localMidnight(position) : position;
        active.add(key, weight);
    }

    /** Sum of active weights with position in (lo, hi]. */
    private long range(long lo, long hi) {
        return active.sum(lo, hi);
    }

    void compact(long now, long horizon) {
        active.removeBelow(horizon);
        // merged a whole local day at a time (at most once a day): positions left unmerged a little longer are still
        // exact, merging is what makes old positions approximate-to-the-day; doing it at every step cost a tenth of
        // the scope operator's time
        long compactBelow = KpiWindow.localMidnight(EventTime.minus(now, KpiWindow.LONGEST_ROLLING + 86_400_000L));
        if (compactBelow <= compactedUpTo) {
            return;
        }
        active.rebucket(Math.max(compactedUpTo, horizon), compactBelow, KpiWindow::localMidnight);
        compactedUpTo = compactBelow;
    }

    /** The next instant after {@code now} at which a sum of this timeline changes by time alone, or MAX. */
    long nextChange(long now) {
        long next = active.higherKey(now);
        for (KpiWindow w : WINDOWS) {
            if (w.rolling()) {
                long p = active.higherKey(EventTime.minus(now, w.length));
                if (p != Long.MAX_VALUE && p <= now) {
                    next = Math.min(next, EventTime.plus(p, w.length));
                }
            }
        }
        return next;
    }

    void write(DataOutputView out) throws IOException {
        out.writeLong(compactedUpTo);
        for (long s : sums) {
            out.writeLong(s);
        }
        writeMap(out, active);
    }

    static Timeline read(DataInputView in) throws IOException {
        Timeline t = new Timeline();
        t.compactedUpTo = in.readLong();
        for (int i = 0; i < t.sums.length; i++) {
            t.sums[i] = in.readLong();
        }
        readMap(in, t.active);
        return t;
    }

    private static void writeMap(DataOutputView out, SortedLongMap m) throws IOException {
        out.writeInt(m.size());
        for (int i = 0; i < m.size(); i++) {
            out.writeLong(m.keyAt(i));
            out.writeLong(m.valueAt(i));
        }
    }

    private static void readMap(DataInputView in, SortedLongMap m) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            m.add(in.readLong(), in.readLong());
        }
    }
}
