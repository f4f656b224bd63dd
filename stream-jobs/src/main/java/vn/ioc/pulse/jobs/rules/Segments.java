package vn.ioc.pulse.jobs.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;

/**
 * Turns "what holds after each prefix of an item's events" into contributions. The caller walks the item's
 * distinct event instants; for the segment [start, end) until the next instant it declares the windowed facts
 * that hold ({@link #windowed}) and the gauge statuses inside it ({@link #gauge}), each for one scope. A fact
 * held over consecutive segments becomes one contribution from its first instant and, if it stops holding, its
 * negation at that instant — so a KPI as of T sees exactly the facts of the events up to T.
 */
final class Segments {
    private record Windowed(String scopeType, String scopeId, Measure measure, long position, long weight) {
    }

    private record Gauge(String scopeType, String scopeId, Measure measure) {
    }

    /** Receives one prefix of an item's events: everything known from {@code start} until {@code end}. */
    @FunctionalInterface
    interface PrefixConsumer<T> {
        void accept(List<T> known, long start, long end);
    }

    /**
     * Walks the distinct instants of {@code sorted} (event order): for each, the events up to and including that
     * instant and the segment [instant, next instant) — MAX for the last — during which exactly they are known.
     */
    static <T> void forEachInstant(List<T> sorted, java.util.function.ToLongFunction<T> time, PrefixConsumer<T> consumer) {
        int i = 0;
        while (i < sorted.size()) {
            long start = time.applyAsLong(sorted.get(i));
            int j = i;
            while (j < sorted.size() && time.applyAsLong(sorted.get(j)) == start) {
                j++;
            }
            long end = j < sorted.size() ? time.applyAsLong(sorted.get(j)) : Long.MAX_VALUE;
            consumer.accept(sorted.subList(0, j), start, end);
            i = j;
        }
    }

    private final Map<Windowed, List<long[]>> windowed = new LinkedHashMap<>();
    private final Map<Gauge, List<long[]>> gauges = new LinkedHashMap<>();

    /** {@code weight} of {@code measure} at {@code position} holds for [from, to) in this scope. */
    void windowed(String[] scope, Measure measure, long position, long weight, long from, long to) {
        if (weight != 0) {
            add(windowed.computeIfAbsent(new Windowed(scope[0], scope[1], measure, position, weight),
                    k -> new ArrayList<>()), from, to);
        }
    }

    /** The status {@code measure} holds for [from, to) in this scope. */
    void gauge(String[] scope, Measure measure, long from, long to) {
        add(gauges.computeIfAbsent(new Gauge(scope[0], scope[1], measure), k -> new ArrayList<>()), from, to);
    }

    /** Adds [from, to) to a sorted interval list, merging with the last interval when they touch. */
    private static void add(List<long[]> intervals, long from, long to) {
        if (from >= to) {
            return;
        }
        if (!intervals.isEmpty() && intervals.get(intervals.size() - 1)[1] == from) {
            intervals.get(intervals.size() - 1)[1] = to;
        } else {
            intervals.add(new long[] {from, to});
        }
    }

    List<Contribution> contributions() {
        List<Contribution> out = new ArrayList<>();
        windowed.forEach((w, intervals) -> {
            for (long[] iv : intervals) {
                out.add(new Contribution(w.scopeType(), w.scopeId(), w.measure(), w.position(), iv[0], w.weight()));
                if (iv[1] != Long.MAX_VALUE) {
                    out.add(new Contribution(w.scopeType(), w.scopeId(), w.measure(), w.position(), iv[1], -w.weight()));
                }
            }
        });
        gauges.forEach((g, intervals) -> {
            for (long[] iv : intervals) {
                out.add(new Contribution(g.scopeType(), g.scopeId(), g.measure(), iv[0], iv[0], 1));
                if (iv[1] != Long.MAX_VALUE) {
                    out.add(new Contribution(g.scopeType(), g.scopeId(), g.measure(), iv[1], iv[1], -1));
                }
            }
        });
        return out;
    }
}
