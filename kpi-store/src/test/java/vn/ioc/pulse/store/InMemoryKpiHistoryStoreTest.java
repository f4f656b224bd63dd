package vn.ioc.pulse.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store contract against the in-memory store, plus its bound. */
class InMemoryKpiHistoryStoreTest extends KpiHistoryStoreContract {
    private final InMemoryKpiHistoryStore store = new InMemoryKpiHistoryStore(1000);

    @Override
    KpiHistoryStore store() {
        return store;
    }

    @Test
    @DisplayName("each series keeps only its newest points")
    void boundedPerSeries() {
        InMemoryKpiHistoryStore small = new InMemoryKpiHistoryStore(2);
        small.write(List.of(count("x", T0, 1), count("x", T0.plusSeconds(1), 2), count("x", T0.plusSeconds(2), 3)));
        assertThat(small.history("received", "agency", "x", "24h", FAR_PAST, FAR_FUTURE, null))
                .extracting(KpiHistoryStore.Point::value).containsExactly(2.0, 3.0);
    }

    @Test
    @DisplayName("all series together stay within the total budget: each is trimmed to its share, newest points kept")
    void boundedInTotal() {
        InMemoryKpiHistoryStore store = new InMemoryKpiHistoryStore(10_000, 100);
        for (int round = 0; round < 50; round++) {
            List<vn.ioc.pulse.model.KpiValue> batch = new java.util.ArrayList<>();
            for (int series = 0; series < 10; series++) {
                batch.add(count("s" + series, T0.plusSeconds(round), round));
            }
            store.write(batch);
        }

        assertThat(store.size()).isLessThanOrEqualTo(100 + 10);
        assertThat(store.history("received", "agency", "s3", "24h", FAR_PAST, FAR_FUTURE, null))
                .extracting(KpiHistoryStore.Point::value).hasSize(10).last().isEqualTo(49.0);
    }

    @Test
    @DisplayName("series that filled up while they were few and are not written again are trimmed once the total "
            + "passes its bound")
    void boundedWhenSeriesStopBeingWritten() {
        InMemoryKpiHistoryStore store = new InMemoryKpiHistoryStore(10_000, 1000);
        for (int round = 0; round < 1000; round++) {
            store.write(List.of(count("early", T0.plusSeconds(round), round)));
        }
        for (int series = 0; series < 50; series++) {
            for (int round = 0; round < 30; round++) {
                store.write(List.of(count("late" + series, T0.plusSeconds(round), round)));
            }
        }

        assertThat(store.size()).isLessThanOrEqualTo(1100);
        assertThat(store.history("received", "agency", "early", "24h", FAR_PAST, FAR_FUTURE, null))
                .extracting(KpiHistoryStore.Point::value).last().isEqualTo(999.0);
    }
}
