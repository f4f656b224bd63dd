package vn.ioc.pulse.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.model.KpiValue;

/**
 * The latest value of every KPI key with its sequence number: {@code seq} starts at 1 and increases by one per
 * applied update of that key. An update older than the held value (a smaller as_of, e.g. re-delivered after a job
 * restart) or equal to it is ignored, and so is a revision (revision > 0:
 * the job re-stating a closed calendar period after late events; it goes to history, not to the live tiles). Used on the event loop only.
 */
public final class KpiCache {
    /** A cached value with its per-key sequence number. */
    public record Entry(KpiValue value, long seq) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** Applies an update; returns the new entry, or null when it was older than what is held. */
    public Entry apply(KpiValue v) {
        if (v.asOf() == null) {
            throw new IllegalArgumentException("KPI value " + v.key() + " has no as_of");
        }
        if (v.revision() > 0) {
            return null; // a revision re-states a closed calendar period (history), not the current value
        }
        Entry current = entries.get(v.key());
        if (current != null) {
            int c = v.asOf().compareTo(current.value().asOf());
            if (c < 0 || (c == 0 && v.equals(current.value()))) {
                return null;
            }
        }
        Entry e = new Entry(v, current == null ? 1 : current.seq() + 1);
        entries.put(v.key(), e);
        return e;
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
