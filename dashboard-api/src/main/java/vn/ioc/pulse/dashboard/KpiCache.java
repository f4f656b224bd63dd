package vn.ioc.pulse.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.model.KpiValue;

/**
 * The latest value of every KPI key with its sequence number. {@code seq} is the one the KPI job gave the value
 * (CONTRACT.md §5: per key, +1 per live value, kept in the job's checkpointed state), so it is the same on every API
 * instance and across restarts. Revisions ({@code revision > 0}: the job re-stating a closed calendar period after
 * late events; history, not the live tile) are ignored. Used on the event loop only.
 *
 * <p>The held entry only moves forward, in both {@code seq} and {@code as_of} (docs/architecture.md, "seq"):
 * <ul>
 *   <li>a value with a higher seq and an as_of not older replaces the held one (the normal update);</li>
 *   <li>a value with seq ≤ the held seq and an as_of not newer is a duplicate or stale re-delivery: ignored;</li>
 *   <li>after a KPI job restore the job publishes again from its last checkpoint with the same seqs, possibly with
 *       other as_of and content. A higher seq with an older as_of advances the seq but keeps the newer value; a seq
 *       ≤ the held one with a newer as_of replaces the value under the held seq. Either way a screen never goes back
 *       to an older as_of, and every instance, reading the same topic in the same order, holds the same entry;</li>
 *   <li>records written before the job assigned seqs have seq 0 (unknown): among themselves as_of orders them
 *       (a newer as_of wins; an equal as_of with other content too, the later record being the job's latest word),
 *       and the first value with a seq replaces them.</li>
 * </ul>
 */
public final class KpiCache {
    /** A cached value with its per-key sequence number ({@code value.seq() == seq}; 0 = unknown, a legacy record). */
    public record Entry(KpiValue value, long seq) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** Applies an update; returns the new entry, or null when nothing changed (a duplicate, stale or a revision). */
    public Entry apply(KpiValue v) {
        if (v.asOf() == null) {
            throw new IllegalArgumentException("KPI value " + v.key() + " has no as_of");
        }
        if (v.revision() > 0) {
            return null; // a revision re-states a closed calendar period (history), not the current value
        }
        Entry current = entries.get(v.key());
        Entry next;
        if (current == null) {
            next = new Entry(v, v.seq());
        } else {
            long held = current.seq();
            int c = v.asOf().compareTo(current.value().asOf());
            boolean newerValue = c > 0 || (c == 0 && (v.seq() > held || (v.seq() == held && !v.equals(current.value()))));
            long seq = Math.max(held, v.seq());
            if (!newerValue && seq == held) {
                return null; // duplicate or stale
            }
            next = new Entry((newerValue ? v : current.value()).withSeq(seq), seq);
        }
        entries.put(v.key(), next);
        return next;
    }

    public List<Entry> matching(Selection selection) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (selection.matches(e.value())) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(e -> e.value().key()));
        return out;
    }

    public int size() {
        return entries.size();
    }
}
