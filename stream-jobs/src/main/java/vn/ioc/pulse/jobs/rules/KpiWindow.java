package vn.ioc.pulse.jobs.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import vn.ioc.pulse.model.KpiValue;

/**
 * KPI windows (DOMAIN.md §3, §7): rolling windows are (now − L, now]; calendar windows are [local midnight of the
 * day / 1st of month / quarter / year, now] in Asia/Ho_Chi_Minh; {@code live} is everything up to now.
 */
public enum KpiWindow {
    H1("1h", 3_600_000L), H24("24h", 86_400_000L), D7("7d", 7 * 86_400_000L), D30("30d", 30 * 86_400_000L),
    TODAY("today", 0), MTD("mtd", 0), QTD("qtd", 0), YTD("ytd", 0), LIVE("live", 0);

    private static final long DAY_MS = 86_400_000L;
    private static final long OFFSET_MS = 7 * 3_600_000L;
    /** 1976-01-01T00:00+07:00: from here on the zone's offset is constant (checked by KpiWindowTest). */
    static final long FIXED_OFFSET_SINCE = java.time.OffsetDateTime.parse("1976-01-01T00:00:00+07:00").toInstant().toEpochMilli();

    /** The longest rolling window; older positions only matter to calendar windows and live gauges. */
    public static final long LONGEST_ROLLING = D30.length;

    public final String id;
    /** Length of a rolling window in ms; 0 for calendar windows and live. */
    public final long length;

    KpiWindow(String id, long length) {
        this.id = id;
        this.length = length;
    }

    public boolean rolling() {
        return length > 0;
    }

    public boolean calendar() {
        return this == TODAY || this == MTD || this == QTD || this == YTD;
    }

    public static KpiWindow byId(String id) {
        for (KpiWindow w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown window '" + id + "'");
    }

    /** First instant (inclusive) of a calendar window as of {@code now}. */
    public long calendarStart(long now) {
        LocalDate day = Instant.ofEpochMilli(now).atZone(KpiValue.ZONE).toLocalDate();
        LocalDate start = switch (this) {
            case TODAY -> day;
            case MTD -> day.withDayOfMonth(1);
            case QTD -> day.withMonth(((day.getMonthValue() - 1) / 3) * 3 + 1).withDayOfMonth(1);
            case YTD -> day.withDayOfYear(1);
            default -> throw new IllegalStateException(id + " is not a calendar window");
        };
        return EventTime.saturatedMillis(start.atStartOfDay(KpiValue.ZONE).toInstant());
    }

    /** The start of the calendar period after the one starting at {@code start}. */
    public long nextCalendarStart(long start) {
        LocalDate day = Instant.ofEpochMilli(start).atZone(KpiValue.ZONE).toLocalDate();
        LocalDate next = switch (this) {
            case TODAY -> day.plusDays(1);
            case MTD -> day.plusMonths(1);
            case QTD -> day.plusMonths(3);
            case YTD -> day.plusYears(1);
            default -> throw new IllegalStateException(id + " is not a calendar window");
        };
        return EventTime.saturatedMillis(next.atStartOfDay(KpiValue.ZONE).toInstant());
    }

    /** True if a contribution at {@code position} falls in this window as of {@code now}. */
    public boolean contains(long position, long now) {
        if (position > now) {
            return false;
        }
        if (rolling()) {
            return position > EventTime.minus(now, length);
        }
        if (calendar()) {
            return position >= calendarStart(now);
        }
        return true;
    }

    /** Local midnight at or before {@code t}. */
    public static long localMidnight(long t) {
        if (t >= FIXED_OFFSET_SINCE) {
            // Asia/Ho_Chi_Minh is +07:00 without DST since 13 June 1975: plain arithmetic (the zone rules below cost a
            // LocalDate per call, and this runs for every merged position)
            return Math.floorDiv(t + OFFSET_MS, DAY_MS) * DAY_MS - OFFSET_MS;
        }
        ZonedDateTime z = Instant.ofEpochMilli(t).atZone(KpiValue.ZONE);
        return EventTime.saturatedMillis(z.toLocalDate().atStartOfDay(KpiValue.ZONE).toInstant());
    }

    /** The first local midnight strictly after {@code t}. */
    public static long nextLocalMidnight(long t) {
        ZonedDateTime z = Instant.ofEpochMilli(t).atZone(KpiValue.ZONE);
        return EventTime.saturatedMillis(z.toLocalDate().plusDays(1).atStartOfDay(KpiValue.ZONE).toInstant());
    }
}
