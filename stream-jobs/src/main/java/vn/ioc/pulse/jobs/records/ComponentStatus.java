package vn.ioc.pulse.jobs.records;

import java.util.Arrays;

/**
 * One component's AVAILABILITY events for the component-down alert, a Flink POJO: the events not yet applied
 * (waiting for the watermark, in event order: occurred_at, then event_id) and the state after the last applied one.
 */
public class ComponentStatus {
    public long[] times = new long[0];
    public String[] ids = new String[0];
    public boolean[] down = new boolean[0];
    /** The last applied event (occurred_at, event_id); an event at or before it changes nothing. */
    public long lastTime = AlertState.NONE;
    public String lastId = "";
    /** DOWN since {@link #downSince} after the last applied event. */
    public boolean isDown;
    public long downSince;

    public ComponentStatus() {
    }

    /** Buffers an event in order; false if it is already buffered or not after the last applied event. */
    public boolean buffer(long time, String id, boolean isDown) {
        if (!after(time, id, lastTime, lastId)) {
            return false;
        }
        int at = 0;
        for (int i = 0; i < times.length; i++) {
            if (ids[i].equals(id)) {
                return false;
            }
            if (after(time, id, times[i], ids[i])) {
                at = i + 1;
            }
        }
        long[] t = new long[times.length + 1];
        String[] d = new String[ids.length + 1];
        boolean[] s = new boolean[down.length + 1];
        System.arraycopy(times, 0, t, 0, at);
        System.arraycopy(ids, 0, d, 0, at);
        System.arraycopy(down, 0, s, 0, at);
        t[at] = time;
        d[at] = id;
        s[at] = isDown;
        System.arraycopy(times, at, t, at + 1, times.length - at);
        System.arraycopy(ids, at, d, at + 1, ids.length - at);
        System.arraycopy(down, at, s, at + 1, down.length - at);
        times = t;
        ids = d;
        down = s;
        return true;
    }

    /** Number of buffered events at or before {@code t}. */
    public int readyBy(long t) {
        int n = 0;
        while (n < times.length && times[n] <= t) {
            n++;
        }
        return n;
    }

    /** Removes the first {@code n} buffered events. */
    public void dropFirst(int n) {
        times = Arrays.copyOfRange(times, n, times.length);
        ids = Arrays.copyOfRange(ids, n, ids.length);
        down = Arrays.copyOfRange(down, n, down.length);
    }

    static boolean after(long t, String id, long t0, String id0) {
        return t > t0 || (t == t0 && id.compareTo(id0) > 0);
    }
}
