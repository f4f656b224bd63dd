package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link SortedLongMap} against a {@code TreeMap<Long, Long>} doing the same operations naively. */
class SortedLongMapTest {

    @Test
    @DisplayName("random adds (mostly appends, some out of order, some cancelling), front removals and day "
            + "re-bucketing give the same entries, range sums and next keys as a TreeMap")
    void matchesTreeMap() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            SortedLongMap map = new SortedLongMap();
            TreeMap<Long, Long> naive = new TreeMap<>();
            long clock = 0;
            long horizon = Long.MIN_VALUE;
            for (int step = 0; step < 5000; step++) {
                int op = random.nextInt(100);
                if (op < 70) {
                    clock += random.nextInt(50);
                    long key = random.nextInt(10) == 0 ? clock - random.nextInt(2000) : clock;
                    long value = random.nextInt(7) - 3;
                    if (random.nextInt(20) == 0 && naive.containsKey(key)) {
                        value = -naive.get(key); // cancels the entry
                    }
                    map.add(key, value);
                    if (value != 0) {
                        long v = naive.merge(key, value, Long::sum);
                        if (v == 0) {
                            naive.remove(key);
                        }
                    }
                } else if (op < 80) {
                    horizon = clock - 1000 - random.nextInt(1000);
                    map.removeBelow(horizon);
                    naive.headMap(horizon, false).clear();
                } else if (op < 85) {
                    long from = clock - 3000;
                    long to = clock - 1500;
                    map.rebucket(from, to, k -> Math.floorDiv(k, 500) * 500);
                    TreeMap<Long, Long> moved = new TreeMap<>(naive.subMap(from, true, to, false));
                    naive.subMap(from, true, to, false).clear();
                    moved.forEach((k, v) -> {
                        long b = Math.floorDiv(k, 500) * 500;
                        long merged = naive.merge(b, v, Long::sum);
                        if (merged == 0) {
                            naive.remove(b);
                        }
                    });
                } else {
                    long lo = clock - random.nextInt(3000);
                    long hi = lo + random.nextInt(3000);
                    long expected = naive.subMap(lo, false, hi, true).values().stream().mapToLong(Long::longValue)
                            .sum();
                    assertThat(map.sum(lo, hi)).as("seed %d step %d sum(%d, %d]", seed, step, lo, hi)
                            .isEqualTo(expected);
                    Long higher = naive.higherKey(lo);
                    assertThat(map.higherKey(lo)).isEqualTo(higher == null ? Long.MAX_VALUE : higher);
                }
            }
            assertThat(map.size()).isEqualTo(naive.size());
            int i = 0;
            for (Map.Entry<Long, Long> e : naive.entrySet()) {
                assertThat(map.keyAt(i)).isEqualTo(e.getKey());
                assertThat(map.valueAt(i)).isEqualTo(e.getValue());
                i++;
            }
        }
    }
}
