package vn.ioc.pulse.jobs.rules;

/**
 * The calendar-window starts and the retention horizon at one instant, computed once per clock step and shared
 * by every timeline of a scope (time-zone arithmetic is the expensive part of a step).
 */
final class WindowBounds {
    final long now;
    /** Calendar start per KpiWindow ordinal (0 for non-calendar windows). */
    final long[] starts = new long[KpiWindow.values().length];
    /** Positions below this only count in live gauges. */
    final long horizon;

    WindowBounds(long now) {
        this(now, null);
    }

    /** Bounds at {@code now}, reusing {@code previous}'s calendar starts when still on the same local day. */
    WindowBounds(long now, WindowBounds previous) {
        this.now = now;
        int today = KpiWindow.TODAY.ordinal();
        if (previous != null && now >= previous.starts[today] && EventTime.minus(now, previous.starts[today]) < 86_400_000L) {
            System.arraycopy(previous.starts, 0, starts, 0, starts.length); // Asia/Ho_Chi_Minh has no DST
        } else {
            for (KpiWindow w : KpiWindow.values()) {
                if (w.calendar()) {
                    starts[w.ordinal()] = w.calendarStart(now);
                }
            }
        }
        this.horizon = Math.min(starts[KpiWindow.YTD.ordinal()],
                EventTime.minus(now, KpiWindow.LONGEST_ROLLING + 86_400_000L));
    }

    /** True if a contribution at {@code position} falls in window {@code w} at this instant. */
    boolean contains(KpiWindow w, long position) {
        if (position > now) {
            return false;
        }
        if (w.rolling()) {
            return position > EventTime.minus(now, w.length);
        }
        if (w.calendar()) {
            return position >= starts[w.ordinal()];
        }
        return true;
    }
}
