package vn.ioc.pulse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.KpiValue.Status;
import vn.ioc.pulse.store.KpiHistoryStore.Point;

/** The one contract every {@link KpiHistoryStore} meets; subclasses supply the implementation. */
abstract class KpiHistoryStoreContract {
    static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    static final Instant FAR_PAST = Instant.parse("2020-01-01T00:00:00Z");
    static final Instant FAR_FUTURE = Instant.parse("2030-01-01T00:00:00Z");

    /** A store with no points in it for the series used here (each test uses its own scope id). */
    abstract KpiHistoryStore store();

    static KpiValue count(String scope, Instant asOf, long n) {
        return new KpiValue("received", "agency", scope, "24h", (double) n, (double) n, null, Status.GREY, asOf, asOf, 0);
    }

    static KpiValue ratio(String scope, Instant asOf, long num, long den) {
        return new KpiValue("online_ratio", "agency", scope, "24h", den == 0 ? null : (double) num / den,
                (double) num, (double) den, Status.GREEN, asOf, asOf, 0);
    }

    @Test
    @DisplayName("a running store answers its readiness ping")
    void pingAnswers() {
        assertThat(store().ping()).isTrue();
    }

    @Test
    @DisplayName("a written count comes back with value = numerator and no denominator")
    void countRoundTrip() {
        String scope = "count-" + System.nanoTime();
        store().write(List.of(count(scope, T0, 7)));
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, null))
                .containsExactly(new Point(T0, 7.0, 7.0, null));
    }

    @Test
    @DisplayName("a ratio with denominator 0 keeps numerator and denominator and has no value")
    void nullValueIsAbsent() {
        String scope = "ratio-" + System.nanoTime();
        store().write(List.of(ratio(scope, T0, 0, 0), ratio(scope, T0.plusSeconds(60), 1, 4)));
        assertThat(store().history("online_ratio", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, null))
                .containsExactly(new Point(T0, null, 0.0, 0.0), new Point(T0.plusSeconds(60), 0.25, 1.0, 4.0));
    }

    @Test
    @DisplayName("writing the same series and as_of again overwrites the point")
    void sameTimeOverwrites() {
        String scope = "overwrite-" + System.nanoTime();
        store().write(List.of(count(scope, T0, 3)));
        store().write(List.of(count(scope, T0, 5)));
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, null))
                .containsExactly(new Point(T0, 5.0, 5.0, null));
    }

    @Test
    @DisplayName("history keeps series apart and honours an inclusive time range")
    void filtersSeriesAndRange() {
        String a = "range-a-" + System.nanoTime();
        String b = "range-b-" + System.nanoTime();
        store().write(List.of(count(a, T0, 1), count(a, T0.plusSeconds(10), 2), count(a, T0.plusSeconds(20), 3),
                count(b, T0.plusSeconds(10), 99)));
        assertThat(store().history("received", "agency", a, "24h", T0.plusSeconds(10), T0.plusSeconds(20), null))
                .extracting(Point::value).containsExactly(2.0, 3.0);
        assertThat(store().history("received", "agency", a, "today", FAR_PAST, FAR_FUTURE, null)).isEmpty();
    }

    @Test
    @DisplayName("with a step, each bucket gives its last point stamped at the bucket start")
    void stepTakesLastPerBucket() {
        String scope = "step-" + System.nanoTime();
        store().write(List.of(ratio(scope, T0, 1, 2), ratio(scope, T0.plusSeconds(30), 1, 4),
                ratio(scope, T0.plusSeconds(70), 3, 4), ratio(scope, T0.plusSeconds(200), 0, 0)));
        assertThat(store().history("online_ratio", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, Duration.ofMinutes(1)))
                .containsExactly(new Point(T0, 0.25, 1.0, 4.0), new Point(T0.plusSeconds(60), 0.75, 3.0, 4.0),
                        new Point(T0.plusSeconds(180), null, 0.0, 0.0));
    }

    @Test
    @DisplayName("steps of 1h and 1d downsample to one point per hour or UTC day, the last in each")
    void hourAndDaySteps() {
        String scope = "steps-" + System.nanoTime();
        // T0 = 02:00Z: 02:00, 02:30, 03:30 and 03:00 the next day
        store().write(List.of(count(scope, T0, 1), count(scope, T0.plusSeconds(1800), 2),
                count(scope, T0.plusSeconds(5400), 3), count(scope, T0.plus(Duration.ofHours(25)), 4)));
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, Duration.ofHours(1)))
                .containsExactly(new Point(T0, 2.0, 2.0, null),
                        new Point(Instant.parse("2026-03-02T03:00:00Z"), 3.0, 3.0, null),
                        new Point(Instant.parse("2026-03-03T03:00:00Z"), 4.0, 4.0, null));
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, Duration.ofDays(1)))
                .containsExactly(new Point(Instant.parse("2026-03-02T00:00:00Z"), 3.0, 3.0, null),
                        new Point(Instant.parse("2026-03-03T00:00:00Z"), 4.0, 4.0, null));
    }

    @Test
    @DisplayName("with a limit, only the oldest points in the range come back")
    void limitKeepsTheOldestPoints() {
        String scope = "limit-" + System.nanoTime();
        store().write(List.of(count(scope, T0, 1), count(scope, T0.plusSeconds(10), 2),
                count(scope, T0.plusSeconds(20), 3), count(scope, T0.plusSeconds(30), 4),
                count(scope, T0.plusSeconds(40), 5)));
        assertThat(store().history("received", "agency", scope, "24h", T0.plusSeconds(10), FAR_FUTURE, null, 3))
                .extracting(Point::value).containsExactly(2.0, 3.0, 4.0);
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, null, 5))
                .extracting(Point::value).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
        assertThat(store().history("received", "agency", scope, "24h", FAR_PAST, FAR_FUTURE, null, 6))
                .hasSize(5);
    }

    @Test
    @DisplayName("with a step and a limit, only the oldest buckets come back, each still its last point")
    void limitCountsBuckets() {
        String scope = "limit-step-" + System.nanoTime();
        store().write(List.of(ratio(scope, T0, 1, 2), ratio(scope, T0.plusSeconds(30), 1, 4),
                ratio(scope, T0.plusSeconds(70), 3, 4), ratio(scope, T0.plusSeconds(200), 0, 0)));
        assertThat(store().history("online_ratio", "agency", scope, "24h", FAR_PAST, FAR_FUTURE,
                Duration.ofMinutes(1), 2))
                .containsExactly(new Point(T0, 0.25, 1.0, 4.0), new Point(T0.plusSeconds(60), 0.75, 3.0, 4.0));
    }
}
