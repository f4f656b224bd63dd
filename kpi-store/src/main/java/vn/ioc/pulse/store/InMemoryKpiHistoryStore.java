package vn.ioc.pulse.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import vn.ioc.pulse.model.KpiValue;

/**
 * KPI history in this JVM's memory, for the demo when no InfluxDB is configured. Bounded twice: each series keeps its
 * newest {@code maxPointsPerSeries} points, and all series together at most about 110 % of {@code maxPointsTotal}
 * (or {@value #MIN_PER_SERIES} points a series when there are so many series that this is more)
 * (each written series is trimmed to its even share of the total, at least {@value #MIN_PER_SERIES} points, and when
 * the total passes 110 % every series is) — so replaying a year of history into the demo cannot exhaust its heap
 * (a point costs ≈ 160 bytes).
 */
public final class InMemoryKpiHistoryStore implements KpiHistoryStore {
    static final int MIN_PER_SERIES = 8;

    private final Map<String, NavigableMap<Instant, Point>> series = new ConcurrentHashMap<>();
    private final int maxPointsPerSeries;
    private final long maxPointsTotal;
    private final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

    /** Each series keeps its newest {@code maxPointsPerSeries} points (no total bound: tests). */
    public InMemoryKpiHistoryStore(int maxPointsPerSeries) {
        this(maxPointsPerSeries, Long.MAX_VALUE);
    }

    public InMemoryKpiHistoryStore(int maxPointsPerSeries, long maxPointsTotal) {
        this.maxPointsPerSeries = maxPointsPerSeries;
        this.maxPointsTotal = maxPointsTotal;
    }

    @Override
    public void write(Collection<KpiValue> values) {
        for (KpiValue v : values) {
            NavigableMap<Instant, Point> points = series.computeIfAbsent(v.key(), k -> new TreeMap<>());
            long cap = cap();
            synchronized (points) {
                if (points.put(v.asOf(), new Point(v.asOf(), v.value(), v.numerator(), v.denominator())) == null) {
                    total.incrementAndGet();
                }
                trim(points, cap);
            }
        }
        if (maxPointsTotal != Long.MAX_VALUE && total.get() > maxPointsTotal + maxPointsTotal / 10) {
            long cap = cap(); // series trimmed only when written may hold shares from when there were fewer series
            for (NavigableMap<Instant, Point> points : series.values()) {
                synchronized (points) {
                    trim(points, cap);
                }
            }
        }
    }

    private long cap() {
        return Math.min(maxPointsPerSeries, Math.max(MIN_PER_SERIES, maxPointsTotal / Math.max(1, series.size())));
    }

    private void trim(NavigableMap<Instant, Point> points, long cap) {
        while (points.size() > cap) {
            points.pollFirstEntry();
            total.decrementAndGet();
        }
    }

    /** Points held now, over all series. */
    public long size() {
        long n = 0;
        for (NavigableMap<Instant, Point> points : series.values()) {
            synchronized (points) {
                n += points.size();
            }
        }
        return n;
    }

    @Override
    public List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from,
                               Instant to, Duration step) {
        return history(kpi, scopeType, scopeId, window, from, to, step, Integer.MAX_VALUE);
    }

    @Override
    public List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from,
                               Instant to, Duration step, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        NavigableMap<Instant, Point> points = series.get(KpiValue.key(kpi, scopeType, scopeId, window));
        if (points == null) {
            return List.of();
        }
        List<Point> out = new ArrayList<>();
        synchronized (points) {
            if (step == null) {
                for (Point p : points.subMap(from, true, to, true).values()) {
                    if (out.size() == limit) {
                        break;
                    }
                    out.add(p);
                }
                return out;
            }
            // one point per epoch-aligned bucket: the last one, stamped with the bucket start (as InfluxDB's
            // GROUP BY time(step) with last()); stops once limit buckets are complete
            long stepMs = step.toMillis();
            long bucket = Long.MIN_VALUE;
            Point last = null;
            for (Point p : points.subMap(from, true, to, true).values()) {
                long b = Math.floorDiv(p.time().toEpochMilli(), stepMs) * stepMs;
                if (last != null && b != bucket) {
                    out.add(new Point(Instant.ofEpochMilli(bucket), last.value(), last.numerator(), last.denominator()));
                    if (out.size() == limit) {
                        return out;
                    }
                }
                bucket = b;
                last = p;
            }
            if (last != null) {
                out.add(new Point(Instant.ofEpochMilli(bucket), last.value(), last.numerator(), last.denominator()));
            }
        }
        return out;
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public void close() {
        series.clear();
    }
}
