package vn.ioc.pulse.jobs.rules;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.KpiValue;

/**
 * Everything one scope (e.g. {@code agency/G12}) needs to produce its KPI values: a timeline per measure, the
 * instant the sums describe, and the last values published (so only changes are published again) with each KPI
 * key's live sequence number.
 */
public final class ScopeState {
    /** Binary form of {@link #write}: 1 without seq counters (before seqs existed), 2 with them. */
    public static final int FORMAT_NO_SEQ = 1;
    public static final int FORMAT_SEQ = 2;
    public static final int CURRENT_FORMAT = FORMAT_SEQ;

    final EnumMap<Measure, Timeline> timelines = new EnumMap<>(Measure.class);
    /** validFrom → (measure ordinal, position, weight) triples of contributions not yet valid. */
    final java.util.TreeMap<Long, Triples> pending = new java.util.TreeMap<>();
    /** The bounds of the last step (recomputed only when the clock moves). */
    private transient WindowBounds bounds;
    /** The event-time instant all sums describe; MIN before the first advance. */
    long asOf = Long.MIN_VALUE;
    /**
     * kpi/window → {numerator, denominator, seq} last published: {@code seq} is the sequence number of that live
     * value (CONTRACT.md §5, +1 per live value published for the key; 0 when restored from a checkpoint written
     * before seqs existed, so the next value gets 1). Revisions do not advance it.
     */
    final Map<String, long[]> published = new HashMap<>();
    /**
     * Processing time of the last publication, and whether a throttled step still waits for publication. Both are
     * part of the serialized state: the heap backend hands out copies during snapshots, and a lost flag would
     * leave the latest values unpublished.
     */
    public long lastPublishedWall;
    public boolean unpublished;

    Timeline timeline(Measure m) {
        return timelines.get(m);
    }

    public long asOf() {
        return asOf;
    }

    public void add(Contribution c) {
        timelines.computeIfAbsent(c.measure(), m -> new Timeline());
        // a contribution already valid at asOf (late, or valid from the past) is counted at the next step whatever its
        // validFrom (activation does not read it, and the order of activations within a step does not matter): all
        // of them wait under the one key asOf + 1 instead of a pending entry each
        long key = asOf != Long.MIN_VALUE && c.validFrom() <= asOf ? EventTime.plus(asOf, 1) : c.validFrom();
        pending.computeIfAbsent(key, k -> new Triples()).add(c.measure().ordinal(), c.position(), c.weight());
    }

    /** Moves every sum to {@code now}; a no-op unless time moved forward. */
    public void advance(long now) {
        if (now <= asOf) {
            return;
        }
        WindowBounds from = asOf == Long.MIN_VALUE ? null
                : bounds != null && bounds.now == asOf ? bounds : new WindowBounds(asOf);
        WindowBounds to = new WindowBounds(now, from);
        bounds = to;
        for (Timeline t : timelines.values()) {
            t.moveSums(from, to);
        }
        // before the first publication nothing can be revised
        java.util.function.LongConsumer late = from == null ? null : position -> {
            for (KpiWindow w : CALENDAR) {
                if (position < from.starts[w.ordinal()]) {
                    // the local day (fixed +07:00, no DST) and the window; the period start is resolved at publication
                    revisedPeriods.add(Math.floorDiv(EventTime.plus(position, ZONE_OFFSET_MS), DAY_MS) * 8 + w.ordinal());
                }
            }
        };
        long closedBefore = from == null ? Long.MIN_VALUE : from.starts[KpiWindow.TODAY.ordinal()];
        Measure[] measures = Measure.values();
        while (!pending.isEmpty() && pending.firstKey() <= now) {
            Triples tr = pending.pollFirstEntry().getValue();
            for (int k = 0; k < tr.size; k++) {
                Timeline t = timelines.get(measures[(int) tr.a[3 * k]]);
                t.lateSink = late;
                t.activate(tr.a[3 * k + 1], tr.a[3 * k + 2], to, closedBefore);
                t.lateSink = null;
            }
        }
        for (Timeline t : timelines.values()) {
            t.compact(now, to.horizon);
        }
        if (from != null && from.starts[KpiWindow.TODAY.ordinal()] != to.starts[KpiWindow.TODAY.ordinal()]) {
            long horizon = to.horizon; // once a day: forget revision counters of periods no longer held
            revisionCounts.headMap(horizon).clear();
        }
        asOf = now;
    }

    private static final KpiWindow[] CALENDAR = {KpiWindow.TODAY, KpiWindow.MTD, KpiWindow.QTD, KpiWindow.YTD};
    /** Closed calendar periods {window ordinal, start} that late contributions changed since the last publication. */
    private final java.util.Set<Long> revisedPeriods = new java.util.HashSet<>();
    /** period start → (kpi/window → revisions published), for periods still held. */
    final java.util.TreeMap<Long, Map<String, Long>> revisionCounts = new java.util.TreeMap<>();
    private static final long DAY_MS = 86_400_000L;
    private static final long ZONE_OFFSET_MS = 7 * 3_600_000L;

    /**
     * Revisions of closed calendar periods (yesterday's {@code today}, last month's {@code mtd}, …) changed by late
     * events: the period's value recomputed from everything known now, stamped {@code as_of} = the last instant of
     * the period, with {@code revision} counting up per period. KPIs with live terms (their past gauges are not
     * kept) are not revised.
     */
    private void revisions(String scopeType, String scopeId, List<KpiFormula> formulas, StatusRule status,
                           Instant computedAt, List<KpiValue> out) {
        if (revisedPeriods.isEmpty()) {
            return;
        }
        java.util.Set<Long> periods = new java.util.TreeSet<>();
        for (long encoded : revisedPeriods) {
            KpiWindow w = KpiWindow.values()[(int) Math.floorMod(encoded, 8)];
            long day = Math.floorDiv(encoded, 8) * DAY_MS - ZONE_OFFSET_MS;
            periods.add(w.calendarStart(day) * 8 + w.ordinal());
        }
        long horizon = (bounds != null && bounds.now == asOf ? bounds : new WindowBounds(asOf)).horizon;
        for (long encoded : periods) {
            KpiWindow w = KpiWindow.values()[(int) Math.floorMod(encoded, 8)];
            long start = Math.floorDiv(encoded, 8);
            if (start < horizon) {
                continue;
            }
            long end = w.nextCalendarStart(start) - 1;
            for (KpiFormula f : formulas) {
                if (!f.scopes().contains(scopeType) || !f.windows().contains(w) || f.hasLiveTerm()) {
                    continue;
                }
                long num = f.numeratorBetween(this, start, end);
                long den = f.ratio() ? f.denominatorBetween(this, start, end) : 0;
                long rev = revisionCounts.computeIfAbsent(start, k -> new HashMap<>())
                        .merge(f.kpi() + "/" + w.id, 1L, Long::sum);
                out.add(value(f, scopeType, scopeId, w, num, den, status, end, computedAt, rev, 0)); // not live: no seq
            }
        }
        revisedPeriods.clear();
    }

    /** Next instant after {@link #asOf} at which some sum changes by time alone (MAX if none). */
    public long nextChange() {
        long next = asOf == Long.MIN_VALUE ? Long.MAX_VALUE : KpiWindow.nextLocalMidnight(asOf);
        if (!pending.isEmpty()) {
            next = Math.min(next, pending.firstKey());
        }
        for (Timeline t : timelines.values()) {
            next = Math.min(next, t.nextChange(asOf));
        }
        return next;
    }

    /**
     * KPI values of this scope as of {@link #asOf} that differ from the last published ones (all of them the first
     * time: every scope that has appeared has a value for each window of each of its KPIs).
     */
    public List<KpiValue> changedValues(String scopeType, String scopeId, List<KpiFormula> formulas,
                                        StatusRule status, Instant computedAt) {
        return changedValues(scopeType, scopeId, formulas, status, computedAt, true);
    }

    /**
     * As above; without {@code withRevisions} the closed periods changed since the last publication are not
     * re-stated (used while replaying history, when every period is being written for the first time anyway).
     */
    public List<KpiValue> changedValues(String scopeType, String scopeId, List<KpiFormula> formulas,
                                        StatusRule status, Instant computedAt, boolean withRevisions) {
        List<KpiValue> out = new ArrayList<>();
        for (KpiFormula f : formulas) {
            if (!f.scopes().contains(scopeType)) {
                continue;
            }
            for (KpiWindow w : f.windows()) {
                long num = f.numerator(this, w);
                long den = f.ratio() ? f.denominator(this, w) : 0;
                String key = f.kpi() + "/" + w.id;
                long[] last = published.get(key);
                if (last != null && last[0] == num && last[1] == den) {
                    continue;
                }
                out.add(publish(f, scopeType, scopeId, w, num, den, status, computedAt));
            }
        }
        if (withRevisions) {
            revisions(scopeType, scopeId, formulas, status, computedAt, out);
        }
        revisedPeriods.clear();
        return out;
    }

    /**
     * The current value of one live gauge of this scope published again as of {@link #asOf}, with the key's next seq,
     * whether it changed or not: the job's heartbeat (a quiet hour is then told apart from a stalled job). Null when
     * no formula of {@code scopeType} has a {@code live} window.
     */
    public KpiValue heartbeat(String scopeType, String scopeId, List<KpiFormula> formulas, String preferredKpi,
                              StatusRule status, Instant computedAt) {
        KpiFormula chosen = null;
        KpiWindow live = null;
        for (KpiFormula f : formulas) {
            if (!f.scopes().contains(scopeType)) {
                continue;
            }
            for (KpiWindow w : f.windows()) {
                if ("live".equals(w.id) && (chosen == null || f.kpi().equals(preferredKpi))) {
                    chosen = f;
                    live = w;
                }
            }
        }
        if (chosen == null) {
            return null;
        }
        return publish(chosen, scopeType, scopeId, live, chosen.numerator(this, live),
                chosen.ratio() ? chosen.denominator(this, live) : 0, status, computedAt);
    }

    /** Records {@code num/den} as the last published value of {@code kpi/window}, with the key's next live seq. */
    private KpiValue publish(KpiFormula f, String scopeType, String scopeId, KpiWindow w, long num, long den,
                             StatusRule status, Instant computedAt) {
        long[] last = published.computeIfAbsent(f.kpi() + "/" + w.id, k -> new long[3]);
        last[0] = num;
        last[1] = den;
        last[2]++; // the key's live seq
        return value(f, scopeType, scopeId, w, num, den, status, asOf, computedAt, 0, last[2]);
    }

    private static KpiValue value(KpiFormula f, String scopeType, String scopeId, KpiWindow w, long num, long den,
                                  StatusRule status, long asOf, Instant computedAt, long revision, long seq) {
        double numerator = num / f.numeratorUnit();
        Double denominator = f.ratio() ? den / f.denominatorUnit() : null;
        Double value = numerator;
        if (f.ratio()) {
            value = den == 0 ? null : Double.valueOf(numerator / denominator);
        }
        return new KpiValue(f.kpi(), scopeType, scopeId, w.id, value, numerator, denominator,
                status.statusOf(f.kpi(), value), Instant.ofEpochMilli(asOf), computedAt, revision, seq);
    }

    /** Maps a KPI's value to its tile status (thresholds from configuration). */
    @FunctionalInterface
    public interface StatusRule extends java.io.Serializable {
        KpiValue.Status statusOf(String kpi, Double value);
    }

    /** The live seq of {@code kpi/window} in this scope: that of its last published value, 0 before the first. */
    public long seq(String kpi, String window) {
        long[] last = published.get(kpi + "/" + window);
        return last == null ? 0 : last[2];
    }

    public void write(DataOutputView out) throws IOException {
        write(out, CURRENT_FORMAT);
    }

    /** Writes the state in {@code format} ({@link #FORMAT_NO_SEQ} drops the seq counters). */
    public void write(DataOutputView out, int format) throws IOException {
        checkFormat(format);
        out.writeLong(asOf);
        out.writeInt(timelines.size());
        for (Map.Entry<Measure, Timeline> e : timelines.entrySet()) {
            out.writeUTF(e.getKey().name());
            e.getValue().write(out);
        }
        out.writeInt(pending.size());
        Measure[] measures = Measure.values();
        for (Map.Entry<Long, Triples> e : pending.entrySet()) {
            out.writeLong(e.getKey());
            Triples t = e.getValue();
            out.writeInt(t.size);
            for (int k = 0; k < t.size; k++) {
                out.writeUTF(measures[(int) t.a[3 * k]].name());
                out.writeLong(t.a[3 * k + 1]);
                out.writeLong(t.a[3 * k + 2]);
            }
        }
        out.writeInt(published.size());
        for (Map.Entry<String, long[]> e : published.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue()[0]);
            out.writeLong(e.getValue()[1]);
            if (format >= FORMAT_SEQ) {
                out.writeLong(e.getValue()[2]);
            }
        }
        out.writeLong(lastPublishedWall);
        out.writeBoolean(unpublished);
        out.writeInt(revisionCounts.size());
        for (Map.Entry<Long, Map<String, Long>> e : revisionCounts.entrySet()) {
            out.writeLong(e.getKey());
            out.writeInt(e.getValue().size());
            for (Map.Entry<String, Long> c : e.getValue().entrySet()) {
                out.writeUTF(c.getKey());
                out.writeLong(c.getValue());
            }
        }
    }

    public static ScopeState read(DataInputView in) throws IOException {
        return read(in, CURRENT_FORMAT);
    }

    /** Reads a state written in {@code format}; one written without seq counters reads with seq 0 everywhere. */
    public static ScopeState read(DataInputView in, int format) throws IOException {
        checkFormat(format);
        ScopeState s = new ScopeState();
        s.asOf = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Measure m = Measure.valueOf(in.readUTF());
            s.timelines.put(m, Timeline.read(in));
        }
        int pendingCount = in.readInt();
        for (int i = 0; i < pendingCount; i++) {
            long v = in.readLong();
            Triples t = new Triples();
            int size = in.readInt();
            for (int k = 0; k < size; k++) {
                t.add(Measure.valueOf(in.readUTF()).ordinal(), in.readLong(), in.readLong());
            }
            s.pending.put(v, t);
        }
        int p = in.readInt();
        for (int i = 0; i < p; i++) {
            s.published.put(in.readUTF(), new long[] {in.readLong(), in.readLong(),
                    format >= FORMAT_SEQ ? in.readLong() : 0});
        }
        s.lastPublishedWall = in.readLong();
        s.unpublished = in.readBoolean();
        int periods = in.readInt();
        for (int i = 0; i < periods; i++) {
            long start = in.readLong();
            int entries = in.readInt();
            Map<String, Long> counts = new HashMap<>();
            for (int k = 0; k < entries; k++) {
                counts.put(in.readUTF(), in.readLong());
            }
            s.revisionCounts.put(start, counts);
        }
        return s;
    }

    static void checkFormat(int format) {
        if (format < FORMAT_NO_SEQ || format > CURRENT_FORMAT) {
            throw new IllegalArgumentException("unknown scope state format " + format);
        }
    }

    /** A growable list of (measure ordinal, position, weight) triples. */
    static final class Triples {
        long[] a = new long[12];
        int size;

        void add(long measure, long position, long weight) {
            if (3 * size == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[3 * size] = measure;
            a[3 * size + 1] = position;
            a[3 * size + 2] = weight;
            size++;
        }
    }
}
