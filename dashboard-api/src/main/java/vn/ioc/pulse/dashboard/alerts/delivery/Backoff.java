package vn.ioc.pulse.dashboard.alerts.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * Retry timing: exponential back-off with full jitter (a uniformly random wait in [0, min(cap, base·2^n)) before try
 * n+2), and {@code Retry-After} (delta seconds or an HTTP date) as a minimum, itself capped at one hour so a receiver
 * cannot park its queue for a day.
 */
final class Backoff {
    static final Duration RETRY_AFTER_LIMIT = Duration.ofHours(1);

    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random;

    Backoff(Duration base, Duration cap, DoubleSupplier random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The wait after failed try number {@code failures} (1 = the first try failed), at least {@code retryAfter}. */
    Duration delay(int failures, Duration retryAfter) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << doublings);
        long jittered = (long) (random.getAsDouble() * ceiling);
        long min = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), RETRY_AFTER_LIMIT.toMillis());
        return Duration.ofMillis(Math.max(jittered, min));
    }

    /** {@code Retry-After} as a wait from {@code now}: delta seconds or an IMF-fixdate; null when absent or unreadable. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        if (h.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(h));
            } catch (NumberFormatException e) {
                return RETRY_AFTER_LIMIT;
            }
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
