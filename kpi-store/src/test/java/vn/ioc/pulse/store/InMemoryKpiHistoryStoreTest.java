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
}
