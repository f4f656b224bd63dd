package vn.ioc.pulse.jobs.records;

import java.util.Arrays;

/**
 * One component's AVAILABILITY events in event order (occurred_at, then event_id): parallel arrays, a Flink POJO.
 * {@code up[i]} is true when event i said UP (DEGRADED and DOWN are not up).
 */
public class AvailabilityHistory {
    public long[] times = new long[0];
    public String[] eventIds = new String[0];
    public boolean[] up = new boolean[0];
    /** Last published {numerator ms, denominator ms} per window index, to publish only changes. */
    public long[] published = new long[0];
    /**
     * Live seq of the last published value per window index (CONTRACT.md §5: +1 per value published for the key).
     * Added after the first release: a history restored from a checkpoint written before has none (an empty array,
     * or null, after POJO schema evolution), read as all 0, so the next value of each window gets seq 1.
     */
    public long[] seqs = new long[0];

    public AvailabilityHistory() {
    }

    public int size() {
        return times.length;
    }

    /** Inserts an event in order; false when its event_id is already there (a duplicate). */
    public boolean insert(long time, String eventId, boolean isUp) {
        int at = 0;
        for (int i = 0; i < times.length; i++) {
            if (eventIds[i].equals(eventId)) {
                return false;
            }
            if (times[i] < time || (times[i] == time && eventIds[i].compareTo(eventId) < 0)) {
                at = i + 1;
            }
        }
        times = insert(times, at, time);
        String[] ids = Arrays.copyOf(eventIds, eventIds.length + 1);
        System.arraycopy(eventIds, at, ids, at + 1, eventIds.length - at);
        ids[at] = eventId;
        eventIds = ids;
        boolean[] u = Arrays.copyOf(up, up.length + 1);
        System.arraycopy(up, at, u, at + 1, up.length - at);
        u[at] = isUp;
        up = u;
        return true;
    }

    private static long[] insert(long[] a, int at, long v) {
        long[] r = Arrays.copyOf(a, a.length + 1);
        System.arraycopy(a, at, r, at + 1, a.length - at);
        r[at] = v;
        return r;
    }

    /** Milliseconds {up, known} inside (from, to], counting only events at or before {@code to}. */
    public long[] upAndKnown(long from, long to) {
        long upMs = 0;
        long known = 0;
        for (int i = 0; i < times.length && times[i] <= to; i++) {
            long end = i + 1 < times.length && times[i + 1] <= to ? times[i + 1] : to;
            long a = Math.max(times[i], from);
            long b = Math.min(end, to);
            if (b > a) {
                known += b - a;
                if (up[i]) {
                    upMs += b - a;
                }
            }
        }
        return new long[] {upMs, known};
    }

    /** Drops events wholly before {@code horizon}, keeping the last one before it (it defines the state then). */
    public void forgetBefore(long horizon) {
        int keepFrom = 0;
        while (keepFrom + 1 < times.length && times[keepFrom + 1] <= horizon) {
            keepFrom++;
        }
        if (keepFrom > 0) {
            times = Arrays.copyOfRange(times, keepFrom, times.length);
            eventIds = Arrays.copyOfRange(eventIds, keepFrom, eventIds.length);
            up = Arrays.copyOfRange(up, keepFrom, up.length);
        }
    }
}
