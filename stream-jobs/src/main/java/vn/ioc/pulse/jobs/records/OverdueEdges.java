package vn.ioc.pulse.jobs.records;

import java.util.Arrays;

/**
 * One dossier's OVERDUE interval edges at an agency (the sum of its {@link OverdueChange}s), a Flink POJO: positions
 * ascending, each with its net non-zero weight. The dossier is overdue at T when the weights at positions ≤ T sum
 * to more than 0.
 */
public class OverdueEdges {
    public long[] positions = new long[0];
    public long[] weights = new long[0];

    public OverdueEdges() {
    }

    /** Adds a change, merging equal positions and dropping edges whose weight becomes 0. */
    public void add(long[] ps, long[] ws) {
        java.util.TreeMap<Long, Long> m = new java.util.TreeMap<>();
        for (int i = 0; i < positions.length; i++) {
            m.merge(positions[i], weights[i], Long::sum);
        }
        for (int i = 0; i < ps.length; i++) {
            m.merge(ps[i], ws[i], Long::sum);
        }
        m.values().removeIf(w -> w == 0);
        positions = new long[m.size()];
        weights = new long[m.size()];
        int k = 0;
        for (var e : m.entrySet()) {
            positions[k] = e.getKey();
            weights[k++] = e.getValue();
        }
    }

    public boolean isEmpty() {
        return positions.length == 0;
    }

    /**
     * The instant the dossier's current overdue interval started, as of {@code t}; {@link AlertState#NONE} when it is
     * not overdue at {@code t}.
     */
    public long overdueSince(long t) {
        long sum = 0;
        long since = AlertState.NONE;
        for (int i = 0; i < positions.length && positions[i] <= t; i++) {
            long before = sum;
            sum += weights[i];
            if (before <= 0 && sum > 0) {
                since = positions[i];
            }
        }
        return sum > 0 ? since : AlertState.NONE;
    }

    /** No interval is open after the last edge, and that edge lies at or before {@code t}: nothing more to come. */
    public boolean closedBy(long t) {
        return Arrays.stream(weights).sum() <= 0 && (positions.length == 0 || positions[positions.length - 1] <= t);
    }
}
