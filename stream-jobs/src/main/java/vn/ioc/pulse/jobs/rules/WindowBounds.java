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
        this.now = now;
        for (KpiWindow w : KpiWindow.values()) {
            if (w.calendar()) {
                starts[w.ordinal()] = w.calendarStart(now);
            }
        }
        this.horizon = Math.min(starts[KpiWindow.YTD.ordinal()], now - KpiWindow.LONGEST_ROLLING - 86_400_000L);
    }

    /** True if a contribution at {@code position} falls in window {@code w} at this instant. */
    boolean contains(KpiWindow w, long position) {
        if (position > now) {
            return false;
        }
        if (w.rolling()) {
            return position > now - w.length;
        }
        if (w.calendar()) {
            return position >= starts[w.ordinal()];
        }
        return true;
    }
}
