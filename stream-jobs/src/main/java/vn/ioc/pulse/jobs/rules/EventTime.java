package vn.ioc.pulse.jobs.rules;

import java.time.Instant;

/**
 * The range of instants the KPI job computes with, and overflow-safe millisecond arithmetic.
 *
 * <p>Every instant a record brings in (occurred_at, received_at, due_at, a computed due date, a clock tick) and
 * every position or validFrom of a contribution must lie in the years 1900–2199 (UTC), i.e. in
 * [{@link #MIN_MILLIS}, {@link #MAX_MILLIS}). That is far wider than the contract allows (2000–2099) and than any
 * real dossier, and narrow enough that no sum, difference or window bound of such instants (± a few days, ± the
 * longest window) can overflow a {@code long}. A record that needs an instant outside it fails with an
 * {@link IllegalArgumentException} and is dead-lettered by the operator that processes it; the job itself never
 * relies on the ingest codec to have rejected it. The watermark ignores event times outside the range, so one
 * event dated in year 9999 cannot move the job's clock.
 */
public final class EventTime {
    /** 1900-01-01T00:00:00Z, the first accepted instant. */
    public static final long MIN_MILLIS = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
    /** 2200-01-01T00:00:00Z, the first instant no longer accepted. */
    public static final long MAX_MILLIS = Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();
    private static final Instant MIN = Instant.ofEpochMilli(MIN_MILLIS);
    private static final Instant MAX = Instant.ofEpochMilli(MAX_MILLIS);

    private EventTime() {
    }

    /** True if {@code millis} lies in [MIN_MILLIS, MAX_MILLIS). */
    public static boolean inRange(long millis) {
        return millis >= MIN_MILLIS && millis < MAX_MILLIS;
    }

    /**
     * Epoch milliseconds of a record's instant.
     *
     * @throws IllegalArgumentException naming {@code field} if {@code t} is null or outside the range
     */
    public static long millis(Instant t, String field) {
        if (t == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (t.isBefore(MIN) || !t.isBefore(MAX)) {
            throw new IllegalArgumentException(field + " " + t + " is outside the years 1900–2199 the job accepts");
        }
        return t.toEpochMilli();
    }

    /** Checks an already converted instant ({@code what} names it in the message). */
    public static long check(long millis, String what) {
        if (!inRange(millis)) {
            throw new IllegalArgumentException(what + " " + Instant.ofEpochMilli(millis)
                    + " is outside the years 1900–2199 the job accepts");
        }
        return millis;
    }

    /**
     * Epoch milliseconds of any instant, saturated to {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE}; null gives
     * {@code Long.MIN_VALUE}. For record timestamps only (never for KPI arithmetic): it cannot throw.
     */
    public static long saturatedMillis(Instant t) {
        if (t == null) {
            return Long.MIN_VALUE;
        }
        long s = t.getEpochSecond();
        if (s >= Long.MAX_VALUE / 1000) {
            return Long.MAX_VALUE;
        }
        if (s <= Long.MIN_VALUE / 1000) {
            return Long.MIN_VALUE;
        }
        return s * 1000 + t.getNano() / 1_000_000;
    }

    /** {@code a + b}, saturated at {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE}. */
    public static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /** {@code a - b}, saturated at {@code Long.MIN_VALUE} / {@code Long.MAX_VALUE}. */
    public static long minus(long a, long b) {
        long r = a - b;
        if (((a ^ b) & (a ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
