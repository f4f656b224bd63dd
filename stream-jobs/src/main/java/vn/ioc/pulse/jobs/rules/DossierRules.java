package vn.ioc.pulse.jobs.rules;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * The dossier rules of DOMAIN.md §2 and §7 as a pure function: the set of a dossier's inputs in, its
 * contributions to every scope out. The same set gives the same contributions whatever order it arrived in.
 *
 * <p>"A KPI as of T counts only events with occurred_at ≤ T": the dossier's facts are recomputed for every
 * prefix of its events (one segment per distinct instant), and each fact contributes only while it holds —
 * from the instant it becomes true until the instant a later event makes it false. Gauges (open, overdue, due
 * soon, paused, open-on-time) additionally change with time inside a segment (a due date passing).
 */
public final class DossierRules implements Serializable {
    /** Event order within a dossier: occurred_at, then sequence (absent = 0), then event_id (DOMAIN.md §7). */
    public static final Comparator<DossierInput> INPUT_ORDER = Comparator.comparing(DossierInput::at)
            .thenComparingLong(DossierInput::sequence)
            .thenComparing(DossierInput::eventId);
    private static final long DAY_MS = 86_400_000L;

    private final WorkingCalendar calendar;
    private final String provinceCode;

    public DossierRules(WorkingCalendar calendar, String provinceCode) {
        this.calendar = calendar;
        this.provinceCode = provinceCode;
    }

    /** The outcome of an ended dossier (DOMAIN.md §2 rule 4, §7). */
    public enum Outcome { EARLY, ON_TIME, LATE }

    /**
     * Checks one input on its own, before it joins a dossier's state: the fields the rules read must be present,
     * every instant it carries must lie in {@link EventTime}'s range, a regulated duration must be ≥ 0 and, on a
     * RECEIVED without due_at, must give a due date in that range. An input that passes can never make a later
     * computation of its dossier fail (a stored bad value would otherwise poison every later event of the key).
     *
     * @throws IllegalArgumentException naming the field and value
     */
    public void validate(DossierInput in) {
        if (in.eventId() == null) {
            throw new IllegalArgumentException("event_id is missing");
        }
        EventTime.millis(in.at(), "occurred_at");
        CaseEvent e = in.caseEvent;
        if (e == null) {
            return;
        }
        if (e.type() == null) {
            throw new IllegalArgumentException("type is missing");
        }
        if (e.receivedAt() != null) {
            EventTime.millis(e.receivedAt(), "received_at");
        }
        if (e.dueAt() != null) {
            EventTime.millis(e.dueAt(), "due_at");
        }
        if (e.regulatedDuration() != null) {
            CaseEvent.RegulatedDuration d = e.regulatedDuration();
            if (d.value() < 0) {
                throw new IllegalArgumentException("regulated_duration.value must be >= 0, got " + d.value());
            }
            if (d.unit() == null) {
                throw new IllegalArgumentException("regulated_duration.unit is missing");
            }
        }
        if (e.type() == CaseEventType.RECEIVED && e.dueAt() == null) {
            Instant receipt = e.receivedAt() != null ? e.receivedAt() : e.occurredAt();
            originalDue(e, EventTime.millis(receipt, "received_at"));
        }
    }

    /** The due date a RECEIVED sets: its due_at, else received_at + regulated duration on the calendar. */
    private long originalDue(CaseEvent received, long receivedAt) {
        if (received.dueAt() != null) {
            return EventTime.millis(received.dueAt(), "due_at");
        }
        CaseEvent.RegulatedDuration d = received.regulatedDuration();
        if (d == null) {
            throw new IllegalArgumentException("RECEIVED has neither due_at nor regulated_duration");
        }
        // the calendar throws IllegalArgumentException for negative or astronomically long durations
        Instant due = calendar.due(Instant.ofEpochMilli(receivedAt), d.value(), d.unit());
        return EventTime.millis(due, "due date computed from regulated_duration " + d.value() + " " + d.unit());
    }

    /** Contributions of one dossier; {@code inputs} must be deduplicated and in {@link #INPUT_ORDER}. */
    public List<Contribution> contributions(List<DossierInput> inputs) {
        return contributionsFrom(inputs, Long.MIN_VALUE);
    }

    /**
     * The contributions of the segments from {@code from} on — the one straddling {@code from} clipped to start there
     * — i.e. the part of {@link #contributions} that an event at {@code from} can change. Facts before an instant
     * depend only on the events up to it, so two input sets that agree on every event before {@code from} have
     * contributions of equal effect before it: the difference of their suffixes from {@code from} has the effect of
     * the difference of the whole (the representation differs only by a fact continuing across {@code from} starting
     * again there, which cancels out between the two sets). For an event arriving in order this computes one segment
     * per set instead of every prefix of both — the dossier operator's main cost.
     */
    public List<Contribution> contributionsFrom(List<DossierInput> inputs, long from) {
        return suffix(inputs, from, null);
    }

    /** The pseudo-scope of the scope-free computation ({@link #differenceFrom}). */
    private static final String[] ANY_SCOPE = {"", ""};

    /** A scope a segment counts in, compared by value ({@link #differenceFrom}). */
    private record ScopeName(String type, String id) {
    }

    /**
     * {@link #contributionsFrom}; with {@code scopesSeen} non-null, scope-free: every fact once under one pseudo-scope
     * (procedure filter not applied), and the scopes of each segment appended to {@code scopesSeen}.
     */
    private List<Contribution> suffix(List<DossierInput> inputs, long from, List<List<ScopeName>> scopesSeen) {
        Segments segments = new Segments();
        Segments.forEachInstant(inputs, in -> EventTime.millis(in.at(), "occurred_at"), (known, segmentStart, end) -> {
            if (end <= from) {
                return; // wholly before from: the same in both sets
            }
            long start = Math.max(segmentStart, from);
            Facts f = facts(known);
            Map<Item, Long> items = f.windowedItems();
            // scope attributes as known at this instant: a later event cannot move past contributions
            List<String[]> scopes = scopes(known);
            if (scopesSeen != null) {
                List<ScopeName> names = new ArrayList<>(scopes.size());
                for (String[] sc : scopes) {
                    names.add(new ScopeName(sc[0], sc[1]));
                }
                scopesSeen.add(names);
                scopes = List.<String[]>of(ANY_SCOPE);
            }
            for (String[] scope : scopes) {
                boolean procedure = "procedure".equals(scope[0]);
                items.forEach((item, w) -> {
                    if (!procedure || item.measure.procedureScope) {
                        segments.windowed(scope, item.measure, item.position, w, start, end);
                    }
                });
                f.gaugeIntervals(start, end, (m, gaugeFrom, gaugeTo) -> {
                    if (!procedure || m.procedureScope) {
                        segments.gauge(scope, m, gaugeFrom, gaugeTo);
                    }
                });
            }
        });
        return segments.contributions();
    }

    /**
     * {@code contributionsFrom(updated, from) − contributionsFrom(old, from)} (a multiset difference, retractions
     * first). When every segment of both sets counts in the same scopes — nearly always: the scopes come from the
     * RECEIVED — the facts are computed and compared once, scope-free, and only the difference is fanned out to the
     * scopes (the procedure scope takes only its measures): a sixth of the work. Otherwise it compares scope by scope.
     */
    public List<Contribution> differenceFrom(List<DossierInput> old, List<DossierInput> updated, long from) {
        List<List<ScopeName>> seen = new ArrayList<>();
        List<Contribution> before = suffix(old, from, seen);
        List<Contribution> after = suffix(updated, from, seen);
        List<Contribution> out = new ArrayList<>();
        if (seen.isEmpty()) {
            return out; // no segment from `from` on: nothing can differ
        }
        for (List<ScopeName> s : seen) {
            if (!s.equals(seen.get(0))) {
                // the scopes changed between segments (an event carrying them before the RECEIVED): scope by scope
                difference(contributionsFrom(old, from), contributionsFrom(updated, from), out::add);
                return out;
            }
        }
        List<Contribution> diff = new ArrayList<>();
        difference(before, after, diff::add);
        for (ScopeName scope : seen.get(0)) {
            boolean procedure = "procedure".equals(scope.type());
            for (Contribution c : diff) {
                if (!procedure || c.measure().procedureScope) {
                    out.add(new Contribution(scope.type(), scope.id(), c.measure(), c.position(), c.validFrom(),
                            c.weight()));
                }
            }
        }
        return out;
    }

    /** {@code after − before} as signed contributions (a multiset difference), retractions first. */
    public static void difference(List<Contribution> before, List<Contribution> after,
                                  java.util.function.Consumer<Contribution> out) {
        Map<Contribution, Integer> count = new java.util.HashMap<>();
        for (Contribution c : after) {
            count.merge(c, 1, Integer::sum);
        }
        for (Contribution c : before) {
            count.merge(c, -1, Integer::sum);
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < -e.getValue(); i++) {
                out.accept(e.getKey().negate());
            }
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                out.accept(e.getKey());
            }
        }
    }

    private record Item(Measure measure, long position, long weight) {
    }

    @FunctionalInterface
    private interface IntervalSink {
        void accept(Measure m, long from, long to);
    }

    /** The facts of a dossier given the events known so far (a prefix in event order). */
    Facts facts(List<DossierInput> known) {
        Facts f = new Facts();
        int receivedIndex = -1;
        for (int k = 0; k < known.size(); k++) {
            CaseEvent e = known.get(k).caseEvent;
            if (e == null) {
                f.complaint = true;
                continue;
            }
            switch (e.type()) {
                case RECEIVED -> {
                    if (receivedIndex < 0) {
                        receivedIndex = k;
                    }
                }
                case REFUSED -> f.refused = true;
                case RATED -> {
                    f.latestRating = e.rating();
                    if (e.rating() == CaseEvent.Rating.DISSATISFIED) {
                        f.dissatisfiedAt.merge(EventTime.millis(e.occurredAt(), "occurred_at"), 1L, Long::sum);
                    }
                }
                case PAYMENT_COMPLETED -> {
                    f.hasFee = true;
                    f.paidOnline |= e.payment() != null && e.payment().online();
                }
                default -> {
                }
            }
            f.hasFee |= Boolean.TRUE.equals(e.feeRequired());
            if (e.digitisation() != null) {
                f.inputsDigitised |= Boolean.TRUE.equals(e.digitisation().inputsDigitised());
                f.reusedData |= Boolean.TRUE.equals(e.digitisation().reusedData());
                f.eResult |= Boolean.TRUE.equals(e.digitisation().eResult());
            }
        }
        if (receivedIndex < 0 || f.refused) {
            return f;
        }
        CaseEvent received = known.get(receivedIndex).caseEvent;
        f.received = true;
        f.receivedAt = EventTime.millis(received.receivedAt() != null ? received.receivedAt() : received.occurredAt(),
                "received_at");
        f.channel = first(received.channel(), known, CaseEvent::channel);
        f.serviceLevel = first(received.serviceLevel(), known, CaseEvent::serviceLevel);
        f.originalDue = originalDue(received, f.receivedAt);
        // the end: the first terminal event after the first RECEIVED; any RESOLVED beats every RESULT_RETURNED
        boolean anyResolved = false;
        for (int k = receivedIndex + 1; k < known.size(); k++) {
            CaseEvent e = known.get(k).caseEvent;
            anyResolved |= e != null && e.type() == CaseEventType.RESOLVED;
        }
        int endIndex = -1;
        for (int k = receivedIndex + 1; k < known.size() && endIndex < 0; k++) {
            CaseEvent e = known.get(k).caseEvent;
            if (e != null && e.type().isTerminal() && !(anyResolved && e.type() == CaseEventType.RESULT_RETURNED)) {
                endIndex = k;
            }
        }
        // the clock: due date changes and pauses between the first RECEIVED and the end
        long due = f.originalDue;
        long pausedMs = 0;
        int stop = endIndex < 0 ? known.size() : endIndex;
        for (int k = receivedIndex + 1; k < stop; k++) {
            CaseEvent e = known.get(k).caseEvent;
            if (e == null) {
                continue;
            }
            long t = EventTime.millis(e.occurredAt(), "occurred_at");
            switch (e.type()) {
                case DUE_DATE_CHANGED -> {
                    if (e.dueAt() != null) {
                        due = EventTime.millis(e.dueAt(), "due_at");
                    }
                }
                case SUPPLEMENT_REQUESTED -> {
                    f.requests++;
                    if (!f.paused) {
                        f.paused = true;
                        f.pauseStart = t;
                        f.dueAtRequest = due;
                    }
                }
                case SUPPLEMENT_RECEIVED -> {
                    if (f.paused) {
                        long pause = working(f.pauseStart, t, f.receivedAt, Long.MAX_VALUE);
                        pausedMs += pause;
                        due = e.dueAt() != null ? EventTime.millis(e.dueAt(), "due_at")
                                : EventTime.millis(calendar.addWorkingMillis(Instant.ofEpochMilli(due), working(
                                f.pauseStart, t, Long.MIN_VALUE, Long.MAX_VALUE)), "due date moved by the pause");
                        f.paused = false;
                    } else if (e.dueAt() != null) {
                        due = EventTime.millis(e.dueAt(), "due_at");
                    }
                }
                default -> {
                }
            }
        }
        f.due = due;
        if (endIndex >= 0) {
            CaseEvent end = known.get(endIndex).caseEvent;
            f.ended = true;
            f.endType = end.type();
            f.endAt = EventTime.millis(end.occurredAt(), "occurred_at");
            if (f.paused) {
                pausedMs += working(f.pauseStart, f.endAt, f.receivedAt, f.endAt);
                f.outcome = f.requests >= 2 ? Outcome.LATE : judge(f.pauseStart, f.dueAtRequest);
            } else {
                f.outcome = f.requests >= 2 ? Outcome.LATE : judge(f.endAt, due);
            }
            f.actualMs = working(f.receivedAt, f.endAt, Long.MIN_VALUE, Long.MAX_VALUE) - pausedMs;
            f.regulatedMs = working(f.receivedAt, f.originalDue, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        return f;
    }

    /** The event_id of the summary input that {@link #compact} puts first (no source event_id can start with NUL). */
    public static final String SUMMARY_ID = "\u0000summary";

    /**
     * The compact form of a dossier that is no longer open (ended, refused or not received): the few inputs that give
     * the same facts and scopes as {@code sorted} now <em>and</em> after any later event (one that comes after all of
     * them in {@link #INPUT_ORDER}, as every event arriving in event-time order does). A refused dossier keeps only
     * its first REFUSED (it never counts again). Otherwise it keeps
     * <ul>
     * <li>a summary input ({@link #SUMMARY_ID}) at the first instant, carrying the resolved scope attributes,
     *     channel and service level, the fee / paid-online flag (a PAYMENT_COMPLETED when there is a fee) and the
     *     digitisation flags;</li>
     * <li>the first RECEIVED (receipt, due, its own attributes);</li>
     * <li>after it, every SUPPLEMENT_REQUESTED / SUPPLEMENT_RECEIVED / DUE_DATE_CHANGED and the first event of each
     *     terminal type — so a RESOLVED arriving months after a RESULT_RETURNED end still moves the end exactly;</li>
     * <li>the latest RATED and every RATED DISSATISFIED; the first complaint link.</li>
     * </ul>
     * Kept inputs keep their event_id, instant and sequence, stripped of the fields the rules no longer read (the
     * dossier_code too: the state's key says it). A
     * dropped input can come again as a duplicate without changing anything (it would not be first of its kind).
     *
     * @return the compact inputs in {@link #INPUT_ORDER}, or null when they would not give the same facts (a safety
     *     net: the caller then keeps the full list)
     */
    public List<DossierInput> compact(List<DossierInput> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        List<DossierInput> out = new ArrayList<>();
        for (DossierInput in : sorted) {
            if (in.caseEvent != null && in.caseEvent.type() == CaseEventType.REFUSED) {
                out.add(DossierInput.of(strip(in.caseEvent, false, false)));
                return sameFacts(sorted, out) ? out : null;
            }
        }
        Facts f = facts(sorted);
        CaseEvent received = null;
        int receivedIndex = -1;
        for (int k = 0; k < sorted.size() && received == null; k++) {
            CaseEvent e = sorted.get(k).caseEvent;
            if (e != null && e.type() == CaseEventType.RECEIVED) {
                received = e;
                receivedIndex = k;
            }
        }
        String procedure = first(received == null ? null : received.procedureCode(), sorted, CaseEvent::procedureCode);
        String field = first(received == null ? null : received.fieldCode(), sorted, CaseEvent::fieldCode);
        String agency = first(received == null ? null : received.agencyCode(), sorted, CaseEvent::agencyCode);
        String commune = first(received == null ? null : received.communeCode(), sorted, CaseEvent::communeCode);
        CaseEvent.Channel channel = first(received == null ? null : received.channel(), sorted, CaseEvent::channel);
        CaseEvent.ServiceLevel level = first(received == null ? null : received.serviceLevel(), sorted,
                CaseEvent::serviceLevel);
        boolean anyDigitised = f.inputsDigitised || f.reusedData || f.eResult;
        if (procedure != null || field != null || agency != null || commune != null || channel != null
                || level != null || f.hasFee || anyDigitised) {
            DossierInput firstInput = sorted.get(0);
            // (no dossier_code: the key of the state says it)
            out.add(DossierInput.of(new CaseEvent(SUMMARY_ID, null,
                    f.hasFee ? CaseEventType.PAYMENT_COMPLETED : CaseEventType.PROCESSING, firstInput.at(),
                    Long.MIN_VALUE, null, procedure, field, agency, commune, channel, level, null, null, null, null,
                    f.hasFee ? Boolean.TRUE : null, f.hasFee ? new CaseEvent.Payment(f.paidOnline, null) : null,
                    anyDigitised ? new CaseEvent.Digitisation(f.inputsDigitised ? Boolean.TRUE : null,
                            f.reusedData ? Boolean.TRUE : null, f.eResult ? Boolean.TRUE : null) : null,
                    null, null)));
        }
        int latestRating = -1;
        for (int k = 0; k < sorted.size(); k++) {
            CaseEvent e = sorted.get(k).caseEvent;
            if (e != null && e.type() == CaseEventType.RATED) {
                latestRating = k;
            }
        }
        boolean complaintKept = false;
        java.util.EnumSet<CaseEventType> terminalsKept = java.util.EnumSet.noneOf(CaseEventType.class);
        for (int k = 0; k < sorted.size(); k++) {
            DossierInput in = sorted.get(k);
            CaseEvent e = in.caseEvent;
            if (e == null) {
                if (!complaintKept) {
                    out.add(DossierInput.complaint(in.complaintEventId, in.complaintAt));
                    complaintKept = true;
                }
                continue;
            }
            if (SUMMARY_ID.equals(e.eventId())) {
                continue; // an earlier summary: replaced by the new one
            }
            CaseEventType t = e.type();
            if (k == receivedIndex) {
                out.add(DossierInput.of(new CaseEvent(e.eventId(), null, t, e.occurredAt(), e.sequence(),
                        null, e.procedureCode(), e.fieldCode(), e.agencyCode(), e.communeCode(), e.channel(),
                        e.serviceLevel(), null, e.receivedAt(), e.dueAt(), e.regulatedDuration(), null, null, null,
                        null, null)));
            } else if (t == CaseEventType.RATED) {
                if (k == latestRating || e.rating() == CaseEvent.Rating.DISSATISFIED) {
                    out.add(DossierInput.of(strip(e, false, true)));
                }
            } else if (receivedIndex >= 0 && k > receivedIndex) {
                if (t == CaseEventType.SUPPLEMENT_REQUESTED || t == CaseEventType.SUPPLEMENT_RECEIVED
                        || t == CaseEventType.DUE_DATE_CHANGED) {
                    out.add(DossierInput.of(strip(e, true, false)));
                } else if (t.isTerminal() && terminalsKept.add(t)) {
                    out.add(DossierInput.of(strip(e, false, false)));
                }
            }
        }
        out.sort(INPUT_ORDER);
        return sameFacts(sorted, out) ? out : null;
    }

    /** {@code e} with only its identity, type, instant and sequence, plus its due_at and / or rating if asked. */
    private static CaseEvent strip(CaseEvent e, boolean keepDue, boolean keepRating) {
        return new CaseEvent(e.eventId(), null, e.type(), e.occurredAt(), e.sequence(), null, null, null,
                null, null, null, null, null, null, keepDue ? e.dueAt() : null, null, null, null, null,
                keepRating ? e.rating() : null, null);
    }

    /** Whether two input sets give the same facts, contributions of their last prefix and scopes. */
    boolean sameFacts(List<DossierInput> a, List<DossierInput> b) {
        return signature(a).equals(signature(b));
    }

    /**
     * Everything a later event can build on: the facts of the whole set, its windowed items and scopes — as a list of
     * values compared with equals (building it as a string cost the compaction timer most of its time).
     */
    List<Object> signature(List<DossierInput> sorted) {
        Facts f = facts(sorted);
        if (f.refused) {
            return List.of("refused"); // never counts as received, whatever comes later: nothing else matters
        }
        List<Object> s = new ArrayList<>(java.util.Arrays.asList(f.received, f.refused, f.receivedAt, f.originalDue,
                f.due, f.requests, f.paused, f.pauseStart, f.dueAtRequest, f.ended, f.endType, f.endAt, f.outcome,
                f.actualMs, f.regulatedMs, f.channel, f.serviceLevel, f.hasFee, f.paidOnline, f.inputsDigitised,
                f.reusedData, f.eResult, f.latestRating, f.complaint, f.dissatisfiedAt));
        s.add(f.windowedItems()); // a map: equal whatever the order of its entries
        for (String[] scope : scopes(sorted)) {
            s.add(scope[0] + "=" + scope[1]);
        }
        if (!f.received) { // what a RECEIVED without them would take
            s.add(first(null, sorted, CaseEvent::channel));
            s.add(first(null, sorted, CaseEvent::serviceLevel));
        }
        return s;
    }

    /** Working time of [from, to) clipped to [lo, hi]. */
    private long working(long from, long to, long lo, long hi) {
        long a = Math.max(from, lo);
        long b = Math.min(to, hi);
        return b <= a ? 0 : calendar.workingMillis(Instant.ofEpochMilli(a), Instant.ofEpochMilli(b));
    }

    /** EARLY: an earlier local date than the due; ON_TIME: at or before the due instant; else LATE. */
    static Outcome judge(long at, long due) {
        LocalDate atDay = Instant.ofEpochMilli(at).atZone(KpiValue.ZONE).toLocalDate();
        LocalDate dueDay = Instant.ofEpochMilli(due).atZone(KpiValue.ZONE).toLocalDate();
        if (atDay.isBefore(dueDay)) {
            return Outcome.EARLY;
        }
        return at <= due ? Outcome.ON_TIME : Outcome.LATE;
    }

    /** A dossier's facts as of one prefix of its events. */
    final class Facts {
        boolean received;
        boolean refused;
        long receivedAt;
        long originalDue;
        long due;
        int requests;
        boolean paused;
        long pauseStart;
        long dueAtRequest;
        boolean ended;
        CaseEventType endType;
        long endAt;
        Outcome outcome;
        long actualMs;
        long regulatedMs;
        CaseEvent.Channel channel;
        CaseEvent.ServiceLevel serviceLevel;
        boolean hasFee;
        boolean paidOnline;
        boolean inputsDigitised;
        boolean reusedData;
        boolean eResult;
        CaseEvent.Rating latestRating;
        boolean complaint;
        final Map<Long, Long> dissatisfiedAt = new LinkedHashMap<>();

        /** Windowed measures that hold for these facts: (measure, position) → weight. */
        Map<Item, Long> windowedItems() {
            Map<Item, Long> items = new LinkedHashMap<>();
            if (!received) {
                return items; // a rating of a dossier never received (or refused) counts nowhere (DOMAIN.md §7)
            }
            // every RATED DISSATISFIED at its own instant, also one that came before the receipt: it counts from the
            // receipt on (a KPI as of T before the receipt does not see it)
            dissatisfiedAt.forEach((t, n) -> items.put(new Item(Measure.DISSATISFIED_RATING, t, 0), n));
            put(items, Measure.RECEIVED, receivedAt, 1);
            put(items, Measure.RECEIVED_ONLINE, receivedAt, channel == CaseEvent.Channel.ONLINE ? 1 : 0);
            put(items, Measure.RECEIVED_REUSED, receivedAt, reusedData ? 1 : 0);
            put(items, Measure.RECEIVED_SUPPLEMENTED, receivedAt, requests >= 1 ? 1 : 0);
            if (!ended) {
                return items;
            }
            put(items, Measure.ENDED, endAt, 1);
            put(items, Measure.ENDED_ON_TIME, endAt, outcome != Outcome.LATE ? 1 : 0);
            put(items, Measure.ENDED_EARLY, endAt, outcome == Outcome.EARLY ? 1 : 0);
            put(items, Measure.ENDED_LATE, endAt, outcome == Outcome.LATE ? 1 : 0);
            boolean resolved = endType == CaseEventType.RESOLVED || endType == CaseEventType.RESULT_RETURNED;
            put(items, Measure.ENDED_WITHDRAWN_STOPPED, endAt, resolved ? 0 : 1);
            put(items, Measure.ENDED_SATISFIED, endAt, outcome != Outcome.LATE
                    && latestRating != CaseEvent.Rating.DISSATISFIED && !complaint ? 1 : 0);
            if (!resolved) {
                return items;
            }
            put(items, Measure.RESOLVED, endAt, 1);
            put(items, Measure.RESOLVED_REGULATED_MS, endAt, regulatedMs);
            put(items, Measure.RESOLVED_ACTUAL_MS, endAt, actualMs);
            put(items, Measure.RESOLVED_WITH_FEE, endAt, hasFee ? 1 : 0);
            put(items, Measure.RESOLVED_FEE_PAID_ONLINE, endAt, hasFee && paidOnline ? 1 : 0);
            put(items, Measure.RESOLVED_E_RESULT, endAt, eResult ? 1 : 0);
            put(items, Measure.RESOLVED_DIGITISED, endAt, inputsDigitised && eResult ? 1 : 0);
            put(items, Measure.RESOLVED_FULLY_ONLINE, endAt, channel == CaseEvent.Channel.ONLINE
                    && serviceLevel == CaseEvent.ServiceLevel.FULL && (!hasFee || paidOnline) && eResult ? 1 : 0);
            return items;
        }

        private void put(Map<Item, Long> items, Measure m, long position, long weight) {
            if (weight != 0) {
                items.put(new Item(m, position, 0), weight);
            }
        }

        /** Status intervals of an open dossier inside the segment [from, to) of these facts. */
        void gaugeIntervals(long from, long to, IntervalSink sink) {
            if (!received || ended) {
                return;
            }
            sink.accept(Measure.OPEN, from, to);
            if (paused) {
                sink.accept(Measure.OPEN_PAUSED, from, to);
                if (requests < 2 && pauseStart <= dueAtRequest) {
                    sink.accept(Measure.OPEN_ON_TIME, from, to);
                }
                return;
            }
            long overdueFrom = due + 1; // OVERDUE iff now > due
            sink.accept(Measure.OPEN_OVERDUE, Math.max(from, overdueFrom), to);
            sink.accept(Measure.OPEN_DUE_SOON, Math.max(from, due - DAY_MS), Math.min(to, overdueFrom));
            if (requests < 2) {
                sink.accept(Measure.OPEN_ON_TIME, from, Math.min(to, overdueFrom));
            }
        }
    }

    /**
     * The scopes a dossier counts in: province always; agency, commune, field, channel and procedure from its first
     * RECEIVED, or else from the earliest event carrying them (a later transfer does not move it).
     */
    List<String[]> scopes(List<DossierInput> inputs) {
        CaseEvent received = null;
        for (DossierInput in : inputs) {
            if (in.caseEvent != null && in.caseEvent.type() == CaseEventType.RECEIVED) {
                received = in.caseEvent;
                break;
            }
        }
        List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {"province", provinceCode});
        addScope(scopes, "agency", first(received == null ? null : received.agencyCode(), inputs, CaseEvent::agencyCode));
        addScope(scopes, "commune", first(received == null ? null : received.communeCode(), inputs, CaseEvent::communeCode));
        addScope(scopes, "field", first(received == null ? null : received.fieldCode(), inputs, CaseEvent::fieldCode));
        CaseEvent.Channel channel = first(received == null ? null : received.channel(), inputs, CaseEvent::channel);
        addScope(scopes, "channel", channel == null ? null : channel.name());
        addScope(scopes, "procedure", first(received == null ? null : received.procedureCode(), inputs,
                CaseEvent::procedureCode));
        return scopes;
    }

    private static void addScope(List<String[]> scopes, String type, String id) {
        if (id != null) {
            scopes.add(new String[] {type, id});
        }
    }

    private static <T> T first(T fromReceived, List<DossierInput> inputs, Function<CaseEvent, T> attribute) {
        if (fromReceived != null) {
            return fromReceived;
        }
        for (DossierInput in : inputs) {
            T v = in.caseEvent == null ? null : attribute.apply(in.caseEvent);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
