package vn.ioc.pulse.jobs.rules;

import java.util.Arrays;

/**
 * A sorted map from long to long in two primitive arrays — about 16 bytes an entry instead of ~80 for a
 * {@code TreeMap<Long, Long>} — for a {@link Timeline}'s positions: entries arrive mostly in increasing order
 * (appended), leave from the front (the window's horizon moves on), and are summed over short ranges. The live
 * entries are {@code [start, end)} of the arrays; the front gap left by removals is reclaimed when it is half the
 * used length. Zero values are never stored.
 */
final class SortedLongMap {
    private long[] keys = new long[8];
    private long[] values = new long[8];
    private int start;
    private int end;

    int size() {
        return end - start;
    }

    boolean isEmpty() {
        return end == start;
    }

    long keyAt(int i) {
        return keys[start + i];
    }

    long valueAt(int i) {
        return values[start + i];
    }

    /** Adds {@code value} to the key's value (absent = 0); an entry whose value becomes 0 is removed. */
    void add(long key, long value) {
        if (value == 0) {
            return;
        }
        if (end == start || key > keys[end - 1]) {
            ensureRoomAtEnd();
            keys[end] = key;
            values[end] = value;
            end++;
            return;
        }
        int i = Arrays.binarySearch(keys, start, end, key);
        if (i >= 0) {
            long v = values[i] + value;
            if (v == 0) {
                System.arraycopy(keys, i + 1, keys, i, end - i - 1);
                System.arraycopy(values, i + 1, values, i, end - i - 1);
                end--;
            } else {
                values[i] = v;
            }
            return;
        }
        int at = -i - 1;
        if (at == start && start > 0) {
            start--;
            keys[start] = key;
            values[start] = value;
            return;
        }
        if (end == keys.length) {
            int oldStart = start;
            ensureRoomAtEnd(); // moves the entries to start at 0
            at -= oldStart;
        }
        System.arraycopy(keys, at, keys, at + 1, end - at);
        System.arraycopy(values, at, values, at + 1, end - at);
        keys[at] = key;
        values[at] = value;
        end++;
    }

    /** Sum of the values with key in (lo, hi]. */
    long sum(long lo, long hi) {
        long s = 0;
        for (int i = firstAbove(lo); i < end && keys[i] <= hi; i++) {
            s += values[i];
        }
        return s;
    }

    /** The least key strictly greater than {@code key}, or {@code Long.MAX_VALUE} when there is none. */
    long higherKey(long key) {
        int i = firstAbove(key);
        return i < end ? keys[i] : Long.MAX_VALUE;
    }

    /** Removes every entry with key below {@code key}. */
    void removeBelow(long key) {
        start = firstAtOrAbove(key);
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    /**
     * Removes the entries with key in [from, to) and re-adds each under {@code bucket(key)} (a key at or below it),
     * merging equal buckets: how positions older than the rolling windows become one entry per local day.
     */
    void rebucket(long from, long to, java.util.function.LongUnaryOperator bucket) {
        int a = firstAtOrAbove(from);
        int b = firstAtOrAbove(to);
        if (a == b) {
            return;
        }
        long[] movedKeys = Arrays.copyOfRange(keys, a, b);
        long[] movedValues = Arrays.copyOfRange(values, a, b);
        System.arraycopy(keys, b, keys, a, end - b);
        System.arraycopy(values, b, values, a, end - b);
        end -= b - a;
        for (int i = 0; i < movedKeys.length; i++) {
            add(bucket.applyAsLong(movedKeys[i]), movedValues[i]);
        }
    }

    private int firstAbove(long key) {
        int lo = start;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int firstAtOrAbove(long key) {
        int lo = start;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void ensureRoomAtEnd() {
        if (end < keys.length) {
            return;
        }
        int used = end - start;
        if (start > 0 && start >= used) {
            System.arraycopy(keys, start, keys, 0, used);
            System.arraycopy(values, start, values, 0, used);
        } else {
            int capacity = Math.max(8, used + (used >> 1));
            long[] k = new long[capacity];
            long[] v = new long[capacity];
            System.arraycopy(keys, start, k, 0, used);
            System.arraycopy(values, start, v, 0, used);
            keys = k;
            values = v;
        }
        start = 0;
        end = used;
    }
}
