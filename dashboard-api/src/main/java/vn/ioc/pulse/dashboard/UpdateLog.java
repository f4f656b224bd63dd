package vn.ioc.pulse.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recent updates per KPI key, for resume (docs/websocket.md): every applied update is appended with its seq; an
 * entry is dropped once older than the resume window (by the job's computed_at, so updates read from the topic at
 * start-up count from when the job made them, and a restarted API can resume clients too) or beyond the per-key
 * count. {@link #since} answers "all updates after seq c up to the current one", or null when some are no longer
 * held (the client then gets a resync). Event loop only.
 */
final class UpdateLog {
    private final long windowMs;
    private final int maxPerKey;
    private final int maxEntries;
    private final Map<String, ArrayDeque<KpiCache.Entry>> byKey = new HashMap<>();
    /** Keys in append order, one element per held entry: drops the oldest entries first beyond maxEntries. */
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private int size;

    UpdateLog(long windowMs, int maxPerKey, int maxEntries) {
        this.windowMs = windowMs;
        this.maxPerKey = maxPerKey;
        this.maxEntries = maxEntries;
    }

    void append(KpiCache.Entry e, long nowMs) {
        String key = e.value().key();
        ArrayDeque<KpiCache.Entry> q = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (!q.isEmpty() && q.peekLast().seq() >= e.seq()) {
            size -= q.size(); // seq went backwards (should not happen): what is held no longer forms a run
            q.clear();
        }
        q.addLast(e);
        order.addLast(key);
        size++;
        trim(q, nowMs);
        // order may name entries already trimmed per key; it is cut to maxEntries too, so both stay bounded
        while (order.size() > maxEntries) {
            ArrayDeque<KpiCache.Entry> oldest = byKey.get(order.pollFirst());
            if (size > maxEntries && oldest != null && oldest.size() > 1) {
                oldest.pollFirst();
                size--;
            }
        }
    }

    /**
     * The updates of {@code key} after {@code clientSeq} up to {@code currentSeq}, in order; empty when the client
     * is up to date; null when they are not all held (or the client claims a seq the server never had).
     */
    List<KpiCache.Entry> since(String key, long clientSeq, long currentSeq, long nowMs) {
        if (clientSeq == currentSeq) {
            return List.of();
        }
        if (clientSeq > currentSeq || clientSeq < 0) {
            return null;
        }
        ArrayDeque<KpiCache.Entry> q = byKey.get(key);
        if (q == null) {
            return null;
        }
        trim(q, nowMs);
        List<KpiCache.Entry> out = new ArrayList<>();
        long expected = clientSeq + 1;
        for (KpiCache.Entry e : q) {
            if (e.seq() < expected) {
                continue;
            }
            if (e.seq() != expected) {
                return null; // a gap: an update in between is no longer held
            }
            out.add(e);
            expected++;
        }
        return expected == currentSeq + 1 ? out : null;
    }

    private void trim(ArrayDeque<KpiCache.Entry> q, long nowMs) {
        while (q.size() > maxPerKey || (q.size() > 1 && time(q.peekFirst()) < nowMs - windowMs)) {
            q.pollFirst();
            size--;
        }
    }

    private static long time(KpiCache.Entry e) {
        return e.value().computedAt() != null ? e.value().computedAt().toEpochMilli() : e.value().asOf().toEpochMilli();
    }

    /** Entries held in all (for metrics). */
    int size() {
        return size;
    }
}
