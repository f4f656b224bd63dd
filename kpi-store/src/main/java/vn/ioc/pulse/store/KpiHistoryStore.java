package vn.ioc.pulse.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import vn.ioc.pulse.model.KpiValue;

/**
 * History of KPI values, one series per {@code kpi/scope_type/scope_id/window}, one point per {@code as_of}.
 * Writing the same series and {@code as_of} again overwrites the point, so replays and retries are safe.
 * Implementations: {@link InfluxKpiHistoryStore} (InfluxDB v1 HTTP API) and {@link InMemoryKpiHistoryStore}
 * (the demo's embedded default); {@code KpiHistoryStoreContract} tests both the same way.
 */
public interface KpiHistoryStore extends AutoCloseable {

    /** Stores the values; throws when the store did not accept them (callers retry). */
    void write(Collection<KpiValue> values);

    /**
     * Points of one series with {@code from <= as_of <= to}, oldest first. With a {@code step}, one point per
     * step bucket (aligned to the epoch): the last value in that bucket, stamped with the bucket start.
     */
    List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from, Instant to,
                        Duration step);

    /**
     * As {@link #history(String, String, String, String, Instant, Instant, Duration)}, but at most the oldest
     * {@code limit} points (or step buckets), so that a caller bounding its answer never makes the store read a
     * whole long series: ask for one more than the bound to learn that it would be exceeded. Both implementations
     * push the limit into the query; this default (for other implementations) cuts the full answer.
     */
    default List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from,
                                Instant to, Duration step, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<Point> all = history(kpi, scopeType, scopeId, window, from, to, step);
        return all.size() <= limit ? all : List.copyOf(all.subList(0, limit));
    }

    /** True when the store answers (readiness). */
    boolean ping();

    @Override
    void close();

    /** One stored point; {@code value} and {@code denominator} are null when absent. */
    record Point(Instant time, Double value, Double numerator, Double denominator) {
    }
}
