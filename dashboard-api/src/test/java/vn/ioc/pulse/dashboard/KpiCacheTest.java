package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.KpiValue;

/** Unit tests of the latest-value cache and the job's per-key sequence numbers (CONTRACT.md §5). */
@DisplayName("KpiCache keeps the latest value of each KPI key with the seq the KPI job gave it")
class KpiCacheTest extends DashboardTestBase {

    private static final KpiValue A_AT_T0 = received("agency", "A", "today", T0, 1, 41);
    private static final KpiValue A_ONE_MINUTE_LATER = received("agency", "A", "today", ONE_MINUTE_LATER, 2, 42);
    private static final KpiValue A_TWO_MINUTES_LATER = received("agency", "A", "today", TWO_MINUTES_LATER, 3, 43);
    private static final KpiValue B_AT_T0 = received("agency", "B", "today", T0, 7, 7);
    private static final KpiValue B_ONE_MINUTE_LATER = received("agency", "B", "today", ONE_MINUTE_LATER, 8, 8);

    private final KpiCache cache = new KpiCache();

    /** The value and seq the cache holds for the key of {@code v}. */
    private KpiCache.Entry held(KpiValue v) {
        return cache.matching(Selection.ALL).stream().filter(e -> e.value().key().equals(v.key())).findFirst()
                .orElseThrow(() -> new AssertionError("no entry for " + v.key()));
    }

    private static KpiCache.Entry entry(KpiValue v) {
        return new KpiCache.Entry(v, v.seq());
    }

    @Test
    @DisplayName("the seq is the record's, not a count of this instance: the first value held keeps its seq 41")
    void seqIsTheRecords() {
        assertThat(cache.apply(A_AT_T0)).isEqualTo(entry(A_AT_T0));
        assertThat(cache.apply(A_ONE_MINUTE_LATER).seq()).isEqualTo(42);
        KpiCache.Entry third = cache.apply(A_TWO_MINUTES_LATER);

        assertThat(third).isEqualTo(new KpiCache.Entry(A_TWO_MINUTES_LATER, 43));
        assertThat(held(A_AT_T0)).isEqualTo(third);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("each key has its own seq, whatever the order updates of different keys arrive in")
    void seqIsPerKey() {
        assertThat(cache.apply(A_AT_T0).seq()).isEqualTo(41);
        assertThat(cache.apply(B_AT_T0).seq()).isEqualTo(7);
        assertThat(cache.apply(A_ONE_MINUTE_LATER).seq()).isEqualTo(42);
        assertThat(cache.apply(B_ONE_MINUTE_LATER).seq()).isEqualTo(8);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(held(A_AT_T0).value()).isEqualTo(A_ONE_MINUTE_LATER);
        assertThat(held(B_AT_T0).value()).isEqualTo(B_ONE_MINUTE_LATER);
    }

    @Test
    @DisplayName("a re-delivered value (same seq, same content) is ignored")
    void duplicateIsIgnored() {
        cache.apply(A_AT_T0);
        cache.apply(A_ONE_MINUTE_LATER);
        KpiValue again = received("agency", "A", "today", ONE_MINUTE_LATER, 2, 42); // equal, not the same instance

        assertThat(cache.apply(again)).isNull();
        assertThat(held(A_AT_T0)).isEqualTo(entry(A_ONE_MINUTE_LATER));
    }

    @Test
    @DisplayName("a value with a lower seq and an older or equal as_of is stale and ignored")
    void lowerSeqIsIgnored() {
        cache.apply(A_TWO_MINUTES_LATER);

        assertThat(cache.apply(A_AT_T0)).isNull();
        assertThat(cache.apply(A_ONE_MINUTE_LATER)).isNull();
        assertThat(cache.apply(received("agency", "A", "today", TWO_MINUTES_LATER, 9, 42)))
                .as("a lower seq at the same as_of, other content").isNull();
        assertThat(cache.apply(received("agency", "A", "today", TWO_MINUTES_LATER, 3, 43)))
                .as("same seq, same as_of, same content").isNull();
        assertThat(held(A_AT_T0)).isEqualTo(entry(A_TWO_MINUTES_LATER));
        assertThat(cache.apply(received("agency", "A", "today", ONE_HOUR_LATER, 4, 44)).seq()).isEqualTo(44);
    }

    @Test
    @DisplayName("a revision (a closed period re-stated by the job) never replaces the live value, whatever its seq or as_of")
    void revisionsAreNotLiveValues() {
        KpiValue live = count("received", "agency", "A", "today", T0, 5, 0).withSeq(3);
        cache.apply(live);

        assertThat(cache.apply(count("received", "agency", "A", "today", T0, 6, 2))).isNull();
        assertThat(cache.apply(count("received", "agency", "A", "today", ONE_HOUR_LATER, 7, 1))).isNull();
        assertThat(cache.apply(withRevision(live, 1).withSeq(4))).isNull();
        assertThat(held(live)).isEqualTo(entry(live));
    }

    @Test
    @DisplayName("a value without as_of does not stop later values of its key from being applied")
    void valueWithoutAsOfDoesNotBlockItsKey() {
        KpiValue noAsOf = received("agency", "A", "today", null, 1, 1); // KpiValue.fromJson accepts a null as_of
        catchThrowable(() -> cache.apply(noAsOf)); // rejecting it is fine; holding on to it must not block the key

        assertThat(cache.apply(A_ONE_MINUTE_LATER)).isNotNull();
        assertThat(held(A_ONE_MINUTE_LATER)).isEqualTo(entry(A_ONE_MINUTE_LATER));
    }

    /**
     * After a KPI job failure and restore from a checkpoint, the job publishes again from the checkpoint with the same
     * seqs; the publication timing (coalescing, watermarks) may differ, so a seq may come back with another as_of and
     * content. The held entry only moves forward in seq and in as_of.
     */
    @Nested
    @DisplayName("after a KPI job restore (at-least-once: the same seqs again, maybe with other content)")
    class AfterAJobRestore {
        // first run: 6 at 09:01, 7 at 09:02; checkpoint at 5, failure, replay
        final KpiValue s6 = received("agency", "A", "today", ONE_MINUTE_LATER, 2, 6);
        final KpiValue s7 = received("agency", "A", "today", TWO_MINUTES_LATER, 3, 7);

        @Test
        @DisplayName("the replay repeating the first run (same seqs, same values) changes nothing")
        void sameReplayIsIgnored() {
            cache.apply(s6);
            cache.apply(s7);
            assertThat(cache.apply(received("agency", "A", "today", ONE_MINUTE_LATER, 2, 6))).isNull();
            assertThat(cache.apply(received("agency", "A", "today", TWO_MINUTES_LATER, 3, 7))).isNull();
            assertThat(held(s7)).isEqualTo(entry(s7));
        }

        @Test
        @DisplayName("a replayed seq with a newer as_of replaces the value under the held seq (no stale tile)")
        void sameSeqNewerAsOfReplacesTheValue() {
            cache.apply(s6);
            cache.apply(s7);
            // the replay coalesced more: its 6 is already as of 09:02, then the key's next change is its 7 at 10:00
            assertThat(cache.apply(received("agency", "A", "today", TWO_MINUTES_LATER, 3, 6))).isNull();
            KpiValue replayed7 = received("agency", "A", "today", ONE_HOUR_LATER, 4, 7);
            assertThat(cache.apply(replayed7)).isEqualTo(entry(replayed7));
            // a replayed seq lower than the held one, with a newer as_of: the value, under the held seq
            KpiValue lowerButNewer = received("agency", "A", "today", ONE_HOUR_LATER.plus(Duration.ofMinutes(5)), 5, 6);
            assertThat(cache.apply(lowerButNewer)).isEqualTo(new KpiCache.Entry(lowerButNewer.withSeq(7), 7));
            assertThat(cache.apply(received("agency", "A", "today", ONE_HOUR_LATER.plus(Duration.ofMinutes(9)), 6, 8))
                    .seq()).as("the job's next seq goes on").isEqualTo(8);
        }

        @Test
        @DisplayName("a higher seq with an older as_of advances the seq but keeps the newer value: never back to an older as_of")
        void higherSeqOlderAsOfKeepsTheValue() {
            cache.apply(s6);
            cache.apply(s7);
            // the replay published more finely: 6 at 09:00:30, 7 at 09:01, 8 at 09:01:30 (< the held 09:02)
            assertThat(cache.apply(received("agency", "A", "today", T0.plusSeconds(30), 1, 6))).isNull();
            assertThat(cache.apply(received("agency", "A", "today", ONE_MINUTE_LATER, 2, 7))).isNull();
            KpiCache.Entry e = cache.apply(received("agency", "A", "today", ONE_MINUTE_LATER.plusSeconds(30), 2, 8));
            assertThat(e).isEqualTo(new KpiCache.Entry(s7.withSeq(8), 8));
            assertThat(e.value().asOf()).isEqualTo(TWO_MINUTES_LATER);
            KpiValue s9 = received("agency", "A", "today", TWO_MINUTES_LATER.plusSeconds(30), 4, 9);
            assertThat(cache.apply(s9)).isEqualTo(entry(s9));
        }
    }

    @Nested
    @DisplayName("records without seq (seq 0: written before the KPI job assigned seqs)")
    class Legacy {
        final KpiValue l0 = received("agency", "A", "today", T0, 1);
        final KpiValue l1 = received("agency", "A", "today", ONE_MINUTE_LATER, 2);

        @Test
        @DisplayName("are held with seq 0 and ordered by as_of: older ignored, an exact repeat ignored, newer applied")
        void orderedByAsOf() {
            assertThat(cache.apply(l0)).isEqualTo(new KpiCache.Entry(l0, 0));
            assertThat(cache.apply(l1)).isEqualTo(new KpiCache.Entry(l1, 0));
            assertThat(cache.apply(l0)).isNull();
            assertThat(cache.apply(received("agency", "A", "today", ONE_MINUTE_LATER, 2))).isNull();
            KpiValue sameAsOfOtherContent = received("agency", "A", "today", ONE_MINUTE_LATER, 3);
            assertThat(cache.apply(sameAsOfOtherContent)).as("the later record of the topic wins a tie")
                    .isEqualTo(new KpiCache.Entry(sameAsOfOtherContent, 0));
        }

        @Test
        @DisplayName("the first value with a seq replaces them; a later legacy record can only bring a newer value")
        void thenSequenced() {
            cache.apply(l0);
            cache.apply(l1);
            KpiValue first = received("agency", "A", "today", TWO_MINUTES_LATER, 3, 1);
            assertThat(cache.apply(first)).isEqualTo(entry(first));
            assertThat(cache.apply(l1)).isNull();
            KpiValue newerLegacy = received("agency", "A", "today", ONE_HOUR_LATER, 4);
            assertThat(cache.apply(newerLegacy)).isEqualTo(new KpiCache.Entry(newerLegacy.withSeq(1), 1));
        }
    }

    @Test
    @DisplayName("matching returns only the entries the selection accepts, sorted by key")
    void matchingFiltersAndSortsByKey() {
        KpiValue ratio = onTimeRatio("province", "SL", "30d", T0, 8, 10).withSeq(3);
        KpiValue slToday = received("province", "SL", "today", T0, 4, 12);
        KpiValue b24h = received("agency", "B", "24h", T0, 2, 5);
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
                .containsExactly(entry(A_ONE_MINUTE_LATER), entry(slToday));
        assertThat(cache.matching(Selection.of(List.of(), List.of("agency"), List.of("B", "X"), List.of())))
                .containsExactly(entry(b24h));
        assertThat(cache.matching(Selection.of(List.of("backlog"), List.of(), List.of(), List.of()))).isEmpty();
    }
}
