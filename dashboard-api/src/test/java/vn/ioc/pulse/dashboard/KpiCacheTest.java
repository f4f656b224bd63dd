package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.KpiValue;

/** Unit tests of the latest-value cache and its per-key sequence numbers (CONTRACT.md §5). */
@DisplayName("KpiCache keeps the latest value of each KPI key with a per-key sequence number")
class KpiCacheTest extends DashboardTestBase {

    private static final KpiValue A_AT_T0 = received("agency", "A", "today", T0, 1);
    private static final KpiValue A_ONE_MINUTE_LATER = received("agency", "A", "today", ONE_MINUTE_LATER, 2);
    private static final KpiValue A_TWO_MINUTES_LATER = received("agency", "A", "today", TWO_MINUTES_LATER, 3);
    private static final KpiValue B_AT_T0 = received("agency", "B", "today", T0, 7);
    private static final KpiValue B_ONE_MINUTE_LATER = received("agency", "B", "today", ONE_MINUTE_LATER, 8);

    private final KpiCache cache = new KpiCache();

    /** The value and seq the cache holds for the key of {@code v}. */
    private KpiCache.Entry held(KpiValue v) {
        return cache.matching(Selection.ALL).stream().filter(e -> e.value().key().equals(v.key())).findFirst()
                .orElseThrow(() -> new AssertionError("no entry for " + v.key()));
    }

    @Test
    @DisplayName("the first value of a key gets seq 1 and each applied update of it one more")
    void seqStartsAtOneAndIncreasesByOne() {
        assertThat(cache.apply(A_AT_T0).seq()).isEqualTo(1);
        assertThat(cache.apply(A_ONE_MINUTE_LATER).seq()).isEqualTo(2);
        KpiCache.Entry third = cache.apply(A_TWO_MINUTES_LATER);

        assertThat(third.seq()).isEqualTo(3);
        assertThat(third.value()).isEqualTo(A_TWO_MINUTES_LATER);
        assertThat(held(A_AT_T0)).isEqualTo(third);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("each key has its own sequence, whatever the order updates of different keys arrive in")
    void seqIsPerKey() {
        assertThat(cache.apply(A_AT_T0).seq()).isEqualTo(1);
        assertThat(cache.apply(B_AT_T0).seq()).isEqualTo(1);
        assertThat(cache.apply(A_ONE_MINUTE_LATER).seq()).isEqualTo(2);
        assertThat(cache.apply(A_TWO_MINUTES_LATER).seq()).isEqualTo(3);
        assertThat(cache.apply(B_ONE_MINUTE_LATER).seq()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("an update with an older as_of is ignored and does not use up a seq")
    void olderAsOfIsIgnored() {
        cache.apply(A_AT_T0);
        cache.apply(A_TWO_MINUTES_LATER);

        assertThat(cache.apply(A_ONE_MINUTE_LATER)).isNull();
        assertThat(cache.apply(withRevision(A_AT_T0, 99))).as("an older as_of loses even with a higher revision")
                .isNull();

        assertThat(held(A_AT_T0)).isEqualTo(new KpiCache.Entry(A_TWO_MINUTES_LATER, 2));
        KpiValue next = received("agency", "A", "today", ONE_HOUR_LATER, 4);
        assertThat(cache.apply(next).seq()).as("no gap after ignored updates").isEqualTo(3);
    }

    @Test
    @DisplayName("a revision (a closed period re-stated by the job) never replaces the live value, whatever its as_of")
    void revisionsAreNotLiveValues() {
        KpiValue live = count("received", "agency", "A", "today", T0, 5, 0);
        cache.apply(live);

        assertThat(cache.apply(count("received", "agency", "A", "today", T0, 6, 2))).isNull();
        assertThat(cache.apply(count("received", "agency", "A", "today", ONE_HOUR_LATER, 7, 1))).isNull();
        assertThat(held(live)).isEqualTo(new KpiCache.Entry(live, 1));
    }

    @Test
    @DisplayName("an exact repeat of the held value (a re-delivery) is ignored")
    void exactRepeatIsIgnored() {
        cache.apply(A_AT_T0);
        KpiValue repeat = received("agency", "A", "today", T0, 1); // equal, not the same instance

        assertThat(cache.apply(repeat)).isNull();
        assertThat(held(A_AT_T0)).isEqualTo(new KpiCache.Entry(A_AT_T0, 1));
        assertThat(cache.apply(A_ONE_MINUTE_LATER).seq()).isEqualTo(2);
    }

    @Test
    @DisplayName("a value without as_of does not stop later values of its key from being applied")
    void valueWithoutAsOfDoesNotBlockItsKey() {
        KpiValue noAsOf = received("agency", "A", "today", null, 1); // KpiValue.fromJson accepts a null or absent as_of
        catchThrowable(() -> cache.apply(noAsOf)); // rejecting it is fine; holding on to it must not block the key

        assertThat(cache.apply(A_ONE_MINUTE_LATER)).isNotNull();
        assertThat(held(A_ONE_MINUTE_LATER).value()).isEqualTo(A_ONE_MINUTE_LATER);
    }

    @Test
    @DisplayName("matching returns only the entries the selection accepts, sorted by key")
    void matchingFiltersAndSortsByKey() {
        KpiValue ratio = onTimeRatio("province", "SL", "30d", T0, 8, 10);
        KpiValue slToday = received("province", "SL", "today", T0, 4);
        KpiValue b24h = received("agency", "B", "24h", T0, 2);
        // applied out of key order
        cache.apply(slToday);
        cache.apply(A_AT_T0);
        cache.apply(ratio);
        cache.apply(b24h);
        cache.apply(A_ONE_MINUTE_LATER);

        assertThat(cache.matching(Selection.ALL)).extracting(e -> e.value().key()).containsExactly(
                "on_time_ratio/province/SL/30d", "received/agency/A/today", "received/agency/B/24h",
                "received/province/SL/today");
        assertThat(cache.matching(Selection.of(List.of("received"), List.of(), List.of(), List.of("today"))))
                .containsExactly(new KpiCache.Entry(A_ONE_MINUTE_LATER, 2), new KpiCache.Entry(slToday, 1));
        assertThat(cache.matching(Selection.of(List.of(), List.of("agency"), List.of("B", "X"), List.of())))
                .containsExactly(new KpiCache.Entry(b24h, 1));
        assertThat(cache.matching(Selection.of(List.of("backlog"), List.of(), List.of(), List.of()))).isEmpty();
    }
}
