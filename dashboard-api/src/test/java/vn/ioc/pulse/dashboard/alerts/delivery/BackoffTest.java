package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retries back off exponentially with full jitter and never come sooner than Retry-After")
class BackoffTest {
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofMinutes(5);

    @Test
    @DisplayName("the ceiling doubles per failure from the base up to the cap; jitter spans [0, ceiling)")
    void fullJitter() {
        Backoff top = new Backoff(BASE, CAP, () -> 0.999_999);
        assertThat(top.delay(1, null).toMillis()).isEqualTo(999);
        assertThat(top.delay(2, null).toMillis()).isEqualTo(1_999);
        assertThat(top.delay(4, null).toMillis()).isEqualTo(7_999);
        assertThat(top.delay(9, null).toMillis()).isEqualTo(255_999);
        assertThat(top.delay(10, null).toMillis()).isEqualTo(299_999); // 512 s capped at 300 s
        assertThat(top.delay(1_000, null).toMillis()).isEqualTo(299_999);
        Backoff bottom = new Backoff(BASE, CAP, () -> 0.0);
        assertThat(bottom.delay(5, null)).isZero();
        Backoff half = new Backoff(BASE, CAP, () -> 0.5);
        assertThat(half.delay(3, null).toMillis()).isEqualTo(2_000);
    }

    @Test
    @DisplayName("Retry-After is a minimum, in seconds or as an HTTP date, at most one hour")
    void retryAfter() {
        Instant now = Instant.parse("2026-03-02T02:00:00Z");
        assertThat(Backoff.retryAfter("2", now)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.retryAfter(" 120 ", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(Backoff.retryAfter("Mon, 02 Mar 2026 02:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.retryAfter("Mon, 02 Mar 2026 01:00:00 GMT", now)).isZero();
        assertThat(Backoff.retryAfter("soon", now)).isNull();
        assertThat(Backoff.retryAfter(null, now)).isNull();
        Backoff bottom = new Backoff(BASE, CAP, () -> 0.0);
        assertThat(bottom.delay(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(new Backoff(BASE, CAP, () -> 0.999_999).delay(5, Duration.ofSeconds(2)).toMillis())
                .isEqualTo(15_999);
        assertThat(bottom.delay(1, Duration.ofDays(1))).isEqualTo(Duration.ofHours(1));
    }
}
