package vn.ioc.pulse.jobs.oracle;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Independent test oracle: a naive batch recomputation of every KPI of DOMAIN.md §3 as of one instant, written from
 * DOMAIN.md §2/§3/§7 and CONTRACT.md §1 only (not from the streaming job's code). Everything is recomputed from
 * scratch with plain loops over all events; no incremental state, no cleverness.
 *
 * <p>Keys of the result are {@code kpi/scope_type/scope_id/window} (CONTRACT.md §3). Counts: {@code value =
 * numerator}, {@code denominator} null. Ratios: {@code denominator} present, {@code value} null when it is 0.
 *
 * <p>Decisions where §7 leaves something open are marked {@code DECISION} in comments at the spot.
 */
public final class NaiveKpiOracle {

    /** One expected KPI value. */
    public record Expected(Double value, double numerator, Double denominator) {
    }

    private static final long HOUR_MS = 3_600_000L;

    private NaiveKpiOracle() {
    }

    // =============================================================================================== entry point

    public static Map<String, Expected> compute(List<IocEvent> events, Instant asOf, WorkingCalendar cal,
            String provinceCode, KpiCatalog catalog) {
        Input in = prepare(events, asOf);

        // ---- per-dossier facts
        List<Dossier> dossiers = new ArrayList<>();
        for (Map.Entry<String, List<CaseEvent>> e : in.byDossier.entrySet()) {
            dossiers.add(dossierFacts(e.getKey(), e.getValue(), asOf, cal, in.complaintDossiers));
        }

        // ---- feedback items
        List<FeedbackItem> items = feedbackItems(in.service, asOf, cal);

        // ---- payments (SUCCEEDED / FAILED count in the ratio; INITIATED only creates scopes)
        List<ServiceEvent> payments = new ArrayList<>();
        for (ServiceEvent s : in.service) {
            if (isPayment(s.type())) {
                payments.add(s);
            }
        }

        // ---- availability per component
        Map<String, List<ServiceEvent>> availability = new TreeMap<>();
        for (ServiceEvent s : in.service) {
            if (s.type() == ServiceEvent.Type.AVAILABILITY) {
                availability.computeIfAbsent(s.component().name(), k -> new ArrayList<>()).add(s);
            }
        }
        for (List<ServiceEvent> l : availability.values()) {
            l.sort(Comparator.comparing(ServiceEvent::occurredAt).thenComparing(ServiceEvent::eventId));
        }

        // ---- which scopes get values (completeness)
        Map<String, TreeSet<String>> scopes = new LinkedHashMap<>();
        for (String t : List.of("province", "agency", "commune", "field", "channel", "procedure", "component")) {
            scopes.put(t, new TreeSet<>());
        }
        if (!in.cases.isEmpty() || !in.service.isEmpty()) {
            scopes.get("province").add(provinceCode);
        }
        for (Dossier d : dossiers) {
            // a rating of a dossier never received counts nowhere (§7): only received dossiers make scopes appear
            if (d.received) {
                addIfPresent(scopes, "agency", d.agency);
                addIfPresent(scopes, "commune", d.commune);
                addIfPresent(scopes, "field", d.field);
                addIfPresent(scopes, "channel", d.channel == null ? null : d.channel.name());
                addIfPresent(scopes, "procedure", d.procedure);
            }
        }
        // DECISION: every payment event (INITIATED, SUCCEEDED, FAILED) makes its agency/commune appear, since the
        // completeness rule speaks of "every scope that has appeared in any event"; PORTAL_ACTION and stray
        // FEEDBACK_* events without a FEEDBACK_RECEIVED do not (the brief lists payment events and feedback items).
        for (ServiceEvent p : payments) {
            addIfPresent(scopes, "agency", p.agencyCode());
            addIfPresent(scopes, "commune", p.communeCode());
        }
        for (FeedbackItem f : items) {
            addIfPresent(scopes, "agency", f.agency);
            addIfPresent(scopes, "commune", f.commune);
        }
        scopes.get("component").addAll(availability.keySet());

        // ---- every KPI × scope × window
        Map<String, Expected> out = new TreeMap<>();
        for (KpiCatalog.KpiDefinition def : catalog.all()) {
            for (String scopeType : def.scopes()) {
                TreeSet<String> ids = scopes.get(scopeType);
                if (ids == null) {
                    throw new IllegalStateException("oracle does not know scope type " + scopeType);
                }
                // availability_ratio only per component, and nothing else per component
                if (def.id().equals("availability_ratio") != scopeType.equals("component")) {
                    continue;
                }
                for (String scopeId : ids) {
                    for (String window : def.windows()) {
                        Win w = Win.of(window, asOf);
                        Expected v = value(def, scopeType, scopeId, w, asOf, dossiers, payments, items,
                                availability);
                        out.put(KpiValue.key(def.id(), scopeType, scopeId, window), v);
                    }
                }
            }
        }
        return out;
    }

    /** Per-dossier facts as text, for diagnosing a disagreement with the job. */
    public static Map<String, String> describeDossiers(List<IocEvent> events, Instant asOf, WorkingCalendar cal) {
        Input in = prepare(events, asOf);
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, List<CaseEvent>> e : in.byDossier.entrySet()) {
            out.put(e.getKey(), dossierFacts(e.getKey(), e.getValue(), asOf, cal, in.complaintDossiers).toString());
        }
        return out;
    }

    private static void addIfPresent(Map<String, TreeSet<String>> scopes, String type, String id) {
        if (id != null) {
            scopes.get(type).add(id);
        }
    }

    private static boolean isPayment(ServiceEvent.Type t) {
        return t == ServiceEvent.Type.PAYMENT_INITIATED || t == ServiceEvent.Type.PAYMENT_SUCCEEDED
                || t == ServiceEvent.Type.PAYMENT_FAILED;
    }

    private static boolean isFeedback(ServiceEvent.Type t) {
        return t == ServiceEvent.Type.FEEDBACK_RECEIVED || t == ServiceEvent.Type.FEEDBACK_ANSWERED
                || t == ServiceEvent.Type.FEEDBACK_REACTION;
    }

    // =============================================================================================== input

    private static final class Input {
        final List<CaseEvent> cases = new ArrayList<>();
        final List<ServiceEvent> service = new ArrayList<>();
        final Map<String, List<CaseEvent>> byDossier = new TreeMap<>();
        final java.util.Set<String> complaintDossiers = new java.util.HashSet<>();
    }

    private static Input prepare(List<IocEvent> events, Instant asOf) {
        // Dedup first (first in list order wins, one namespace for case and service events), then keep only events
        // with occurred_at <= asOf.
        // DECISION: dedup happens before the as-of filter: if the first copy of an id lies after asOf and a later
        // copy (different content) lies before it, the later copy is still a duplicate and nothing is counted. That
        // is what a stream that accepted the first copy and later asks "as of T" would see.
        Map<String, IocEvent> firstById = new LinkedHashMap<>();
        for (IocEvent e : events) {
            if (e instanceof ClockTick) {
                continue; // ticks have no id and carry no facts
            }
            String id = e instanceof CaseEvent c ? c.eventId() : ((ServiceEvent) e).eventId();
            firstById.putIfAbsent(id, e);
        }
        Input in = new Input();
        for (IocEvent e : firstById.values()) {
            if (e.eventTime().isAfter(asOf)) {
                continue;
            }
            if (e instanceof CaseEvent c) {
                in.cases.add(c);
                in.byDossier.computeIfAbsent(c.dossierCode(), k -> new ArrayList<>()).add(c);
            } else {
                ServiceEvent s = (ServiceEvent) e;
                in.service.add(s);
                if (isFeedback(s.type()) && s.dossierCode() != null) {
                    in.complaintDossiers.add(s.dossierCode());
                }
            }
        }
        Comparator<CaseEvent> order = Comparator.comparing(CaseEvent::occurredAt)
                .thenComparingLong(CaseEvent::sequence)
                .thenComparing(CaseEvent::eventId);
        for (List<CaseEvent> l : in.byDossier.values()) {
            l.sort(order);
        }
        return in;
    }

    // =============================================================================================== dossiers

    enum Outcome { EARLY, ON_TIME, LATE }

    enum OpenStatus { PAUSED, OVERDUE, DUE_SOON, IN_TIME }

    static final class Dossier {
        String code;
        boolean refused;
        boolean hasReceived;
        /** Has a RECEIVED and no REFUSED: counts as received. */
        boolean received;
        Instant receivedAt;
        Instant originalDue;
        /** Due in force at the end (ended) or at asOf (open). */
        Instant due;
        CaseEventType endType;
        Instant endAt;
        int requests;
        boolean pausedAtEndOrNow;
        Instant requestAt;
        Instant dueAtRequest;
        long pausedMs;
        long actualMs;
        long regulatedMs;
        Outcome outcome;
        OpenStatus status;
        boolean openOnTime;
        // scope attributes
        String procedure;
        String field;
        String agency;
        String commune;
        CaseEvent.Channel channel;
        CaseEvent.ServiceLevel serviceLevel;
        // other facts
        boolean fee;
        boolean paidOnline;
        boolean inputsDigitised;
        boolean reusedData;
        boolean eResult;
        CaseEvent.Rating latestRating;
        boolean complaint;
        final List<Instant> dissatisfiedAt = new ArrayList<>();

        boolean ended() {
            return endAt != null;
        }

        boolean open() {
            return received && endAt == null;
        }

        boolean resolvedEnd() {
            return endType == CaseEventType.RESOLVED || endType == CaseEventType.RESULT_RETURNED;
        }

        @Override
        public String toString() {
            return "Dossier{" + code + " refused=" + refused + " received=" + received + " receivedAt=" + receivedAt
                    + " originalDue=" + originalDue + " due=" + due + " end=" + endType + "@" + endAt
                    + " requests=" + requests + " paused=" + pausedAtEndOrNow + " requestAt=" + requestAt
                    + " dueAtRequest=" + dueAtRequest + " pausedMs=" + pausedMs + " actualMs=" + actualMs
                    + " regulatedMs=" + regulatedMs + " outcome=" + outcome + " status=" + status
                    + " openOnTime=" + openOnTime + " procedure=" + procedure + " field=" + field + " agency=" + agency
                    + " commune=" + commune + " channel=" + channel + " level=" + serviceLevel + " fee=" + fee
                    + " paidOnline=" + paidOnline + " inputsDigitised=" + inputsDigitised + " reusedData="
                    + reusedData + " eResult=" + eResult + " rating=" + latestRating + " complaint=" + complaint
                    + " dissatisfiedAt=" + dissatisfiedAt + "}";
        }
    }

    static Dossier dossierFacts(String code, List<CaseEvent> ev, Instant asOf, WorkingCalendar cal,
            java.util.Set<String> complaintDossiers) {
        Dossier d = new Dossier();
        d.code = code;

        // ---- facts over every event of the dossier, whatever its position relative to RECEIVED / the end
        int firstReceivedIdx = -1;
        for (int i = 0; i < ev.size(); i++) {
            CaseEvent e = ev.get(i);
            if (e.type() == CaseEventType.REFUSED) {
                d.refused = true;
            }
            if (e.type() == CaseEventType.RECEIVED && firstReceivedIdx < 0) {
                firstReceivedIdx = i;
            }
            if (Boolean.TRUE.equals(e.feeRequired()) || e.type() == CaseEventType.PAYMENT_COMPLETED) {
                d.fee = true;
            }
            if (e.type() == CaseEventType.PAYMENT_COMPLETED && e.payment() != null && e.payment().online()) {
                d.paidOnline = true;
            }
            if (e.digitisation() != null) {
                // DECISION: digitisation flags count on any event type (CONTRACT names RECEIVED/RESOLVED/
                // RESULT_RETURNED, §7 says "any event says so").
                d.inputsDigitised |= Boolean.TRUE.equals(e.digitisation().inputsDigitised());
                d.reusedData |= Boolean.TRUE.equals(e.digitisation().reusedData());
                d.eResult |= Boolean.TRUE.equals(e.digitisation().eResult());
            }
            if (e.type() == CaseEventType.RATED) {
                d.latestRating = e.rating(); // events are in dossier order: the last one is the latest
                if (e.rating() == CaseEvent.Rating.DISSATISFIED) {
                    d.dissatisfiedAt.add(e.occurredAt());
                }
            }
        }
        d.complaint = complaintDossiers.contains(code);
        d.hasReceived = firstReceivedIdx >= 0;
        d.received = d.hasReceived && !d.refused;
        // §7: `dissatisfied` counts RATED DISSATISFIED events of dossiers that are received; a rating of a dossier
        // never received counts nowhere. DECISION: a dossier with a REFUSED event "never counts as received", so its
        // ratings count nowhere either. A rating before the RECEIVED counts (at its own instant) once the RECEIVED is
        // known, i.e. as of any T >= the RECEIVED's occurred_at.

        // ---- scope attributes: per attribute, the first RECEIVED's value, else the earliest event carrying one.
        // DECISION: per attribute ("no commune anywhere → no commune row"): a RECEIVED without commune_code takes the
        // commune of the earliest event of the dossier that has one (even before RECEIVED or after the end).
        CaseEvent firstReceived = d.hasReceived ? ev.get(firstReceivedIdx) : null;
        d.procedure = attr(firstReceived, ev, CaseEvent::procedureCode);
        d.field = attr(firstReceived, ev, CaseEvent::fieldCode);
        d.agency = attr(firstReceived, ev, CaseEvent::agencyCode);
        d.commune = attr(firstReceived, ev, CaseEvent::communeCode);
        d.channel = attr(firstReceived, ev, CaseEvent::channel);
        d.serviceLevel = attr(firstReceived, ev, CaseEvent::serviceLevel);

        if (!d.received) {
            return d;
        }

        // ---- received_at and the original due
        // DECISION: the dossier is received (open, in backlog/on_time_ratio) as soon as its RECEIVED event's
        // occurred_at <= asOf; `received_at` (which may differ) only places it in the `received`-type windows.
        d.receivedAt = firstReceived.receivedAt() != null ? firstReceived.receivedAt() : firstReceived.occurredAt();
        if (firstReceived.dueAt() != null) {
            d.originalDue = firstReceived.dueAt(); // due_at wins over regulated_duration
        } else {
            CaseEvent.RegulatedDuration rd = firstReceived.regulatedDuration();
            d.originalDue = cal.due(d.receivedAt, rd.value(), rd.unit());
        }

        // ---- the end: first terminal event after the first RECEIVED; RESOLVED beats every RESULT_RETURNED.
        // DECISION: when a RESOLVED exists, every RESULT_RETURNED is dropped from the candidates and the end is the
        // first remaining terminal event — so RESULT_RETURNED, WITHDRAWN, RESOLVED (in that order) end at WITHDRAWN.
        boolean anyResolved = false;
        for (int i = firstReceivedIdx + 1; i < ev.size(); i++) {
            if (ev.get(i).type() == CaseEventType.RESOLVED) {
                anyResolved = true;
            }
        }
        int endIdx = -1;
        for (int i = firstReceivedIdx + 1; i < ev.size(); i++) {
            CaseEventType t = ev.get(i).type();
            if (!t.isTerminal()) {
                continue;
            }
            if (t == CaseEventType.RESULT_RETURNED && anyResolved) {
                continue;
            }
            endIdx = i;
            break;
        }
        if (endIdx >= 0) {
            d.endType = ev.get(endIdx).type();
            d.endAt = ev.get(endIdx).occurredAt();
        }

        // ---- the clock: events strictly after the first RECEIVED and strictly before the end (in dossier order)
        int stop = endIdx >= 0 ? endIdx : ev.size();
        Instant due = d.originalDue;
        boolean paused = false;
        Instant requestAt = null;
        Instant dueAtRequest = null;
        int requests = 0;
        List<Instant[]> pauses = new ArrayList<>();
        for (int i = firstReceivedIdx + 1; i < stop; i++) {
            CaseEvent e = ev.get(i);
            switch (e.type()) {
                case SUPPLEMENT_REQUESTED -> {
                    // DECISION: only requests after the first RECEIVED and before the end count (for the "≥ 2
                    // requests ⇒ late" rule and for supplement_ratio), like every other clock event.
                    requests++;
                    if (!paused) { // a second request while paused does not restart the pause
                        paused = true;
                        requestAt = e.occurredAt();
                        // DECISION: "the due in force then" = the due at the request instant; a DUE_DATE_CHANGED
                        // during the pause changes the due (for after the pause) but not the judgement of a dossier
                        // that ends while paused or is still paused (both are judged at the request).
                        dueAtRequest = due;
                    }
                }
                case SUPPLEMENT_RECEIVED -> {
                    if (paused) {
                        long pw = cal.workingMillis(requestAt, e.occurredAt());
                        pauses.add(new Instant[] {requestAt, e.occurredAt()});
                        due = e.dueAt() != null ? e.dueAt() : cal.addWorkingMillis(due, pw);
                        paused = false;
                        requestAt = null;
                        dueAtRequest = null;
                    } else if (e.dueAt() != null) {
                        due = e.dueAt(); // no open request: only its due_at applies
                    }
                }
                case DUE_DATE_CHANGED -> {
                    if (e.dueAt() != null) {
                        due = e.dueAt();
                    }
                }
                default -> {
                    // FINANCIAL_OBLIGATION does not stop the clock; due_at on other event types is ignored
                }
            }
        }
        d.due = due;
        d.requests = requests;
        d.pausedAtEndOrNow = paused;
        d.requestAt = requestAt;
        d.dueAtRequest = dueAtRequest;

        if (d.ended()) {
            // DECISION: a dossier that ends while paused has been paused from the request to the end; that time is
            // paused working time too (subtracted from `actual`).
            if (paused) {
                pauses.add(new Instant[] {requestAt, d.endAt});
            }
            // DECISION: paused time "inside" received→end is each pause clipped to [received_at, end].
            long pausedMs = 0;
            for (Instant[] p : pauses) {
                Instant from = p[0].isBefore(d.receivedAt) ? d.receivedAt : p[0];
                Instant to = p[1].isAfter(d.endAt) ? d.endAt : p[1];
                pausedMs += cal.workingMillis(from, to);
            }
            d.pausedMs = pausedMs;
            d.actualMs = cal.workingMillis(d.receivedAt, d.endAt) - pausedMs;
            d.regulatedMs = cal.workingMillis(d.receivedAt, d.originalDue);

            Instant judgedAt = paused ? requestAt : d.endAt;
            Instant judgedDue = paused ? dueAtRequest : due;
            if (requests >= 2) {
                d.outcome = Outcome.LATE;
            } else if (localDate(judgedAt).isBefore(localDate(judgedDue))) {
                d.outcome = Outcome.EARLY;
            } else if (!judgedAt.isAfter(judgedDue)) {
                d.outcome = Outcome.ON_TIME;
            } else {
                d.outcome = Outcome.LATE;
            }
        } else {
            if (paused) {
                d.status = OpenStatus.PAUSED;
                d.openOnTime = !requestAt.isAfter(dueAtRequest);
            } else if (asOf.isAfter(due)) {
                d.status = OpenStatus.OVERDUE;
                d.openOnTime = false;
            } else if (!due.isAfter(asOf.plus(Duration.ofHours(24)))) {
                d.status = OpenStatus.DUE_SOON;
                d.openOnTime = true;
            } else {
                d.status = OpenStatus.IN_TIME;
                d.openOnTime = true;
            }
            if (requests >= 2) {
                d.openOnTime = false; // live status still follows time alone
            }
        }
        return d;
    }

    private static <T> T attr(CaseEvent firstReceived, List<CaseEvent> ev,
            java.util.function.Function<CaseEvent, T> get) {
        if (firstReceived != null && get.apply(firstReceived) != null) {
            return get.apply(firstReceived);
        }
        for (CaseEvent e : ev) {
            T v = get.apply(e);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static LocalDate localDate(Instant t) {
        return LocalDate.ofInstant(t, KpiValue.ZONE);
    }

    // =============================================================================================== feedback

    static final class FeedbackItem {
        String id;
        Instant receivedAt;
        Instant deadline;
        Instant answeredAt;
        String agency;
        String commune;
    }

    private static List<FeedbackItem> feedbackItems(List<ServiceEvent> service, Instant asOf, WorkingCalendar cal) {
        Map<String, List<ServiceEvent>> byId = new TreeMap<>();
        for (ServiceEvent s : service) {
            if (isFeedback(s.type())) {
                byId.computeIfAbsent(s.feedbackId(), k -> new ArrayList<>()).add(s);
            }
        }
        List<FeedbackItem> items = new ArrayList<>();
        for (Map.Entry<String, List<ServiceEvent>> e : byId.entrySet()) {
            List<ServiceEvent> l = e.getValue();
            l.sort(Comparator.comparing(ServiceEvent::occurredAt).thenComparing(ServiceEvent::eventId));
            // DECISION: with several FEEDBACK_RECEIVED for one feedback_id, the earliest (occurred_at, event_id) is
            // the receipt.
            ServiceEvent receipt = null;
            for (ServiceEvent s : l) {
                if (s.type() == ServiceEvent.Type.FEEDBACK_RECEIVED) {
                    receipt = s;
                    break;
                }
            }
            if (receipt == null) {
                continue; // not an item without FEEDBACK_RECEIVED
            }
            FeedbackItem f = new FeedbackItem();
            f.id = e.getKey();
            f.receivedAt = receipt.occurredAt();
            f.deadline = cal.due(f.receivedAt, 15, CaseEvent.DurationUnit.WORKING_DAY);
            for (ServiceEvent s : l) {
                if (s.type() == ServiceEvent.Type.FEEDBACK_ANSWERED && !s.occurredAt().isBefore(f.receivedAt)) {
                    f.answeredAt = s.occurredAt();
                    break;
                }
            }
            f.agency = receipt.agencyCode();
            f.commune = receipt.communeCode();
            if (f.agency == null) {
                for (ServiceEvent s : l) {
                    if (s.agencyCode() != null) {
                        f.agency = s.agencyCode();
                        break;
                    }
                }
            }
            if (f.commune == null) {
                for (ServiceEvent s : l) {
                    if (s.communeCode() != null) {
                        f.commune = s.communeCode();
                        break;
                    }
                }
            }
            items.add(f);
        }
        return items;
    }

    // =============================================================================================== windows

    /** A window: (start, asOf] for rolling ones, [start, asOf] for calendar ones; {@code live} has no bounds. */
    record Win(String name, Instant start, boolean startInclusive, Instant end) {

        static Win of(String name, Instant asOf) {
            ZonedDateTime local = asOf.atZone(KpiValue.ZONE);
            LocalDate day = local.toLocalDate();
            return switch (name) {
                case "1h" -> new Win(name, asOf.minus(Duration.ofHours(1)), false, asOf);
                case "24h" -> new Win(name, asOf.minus(Duration.ofHours(24)), false, asOf);
                case "7d" -> new Win(name, asOf.minus(Duration.ofHours(168)), false, asOf);
                case "30d" -> new Win(name, asOf.minus(Duration.ofHours(720)), false, asOf);
                case "today" -> new Win(name, day.atStartOfDay(KpiValue.ZONE).toInstant(), true, asOf);
                case "mtd" -> new Win(name, day.withDayOfMonth(1).atStartOfDay(KpiValue.ZONE).toInstant(), true, asOf);
                case "qtd" -> new Win(name, LocalDate.of(day.getYear(), ((day.getMonthValue() - 1) / 3) * 3 + 1, 1)
                        .atStartOfDay(KpiValue.ZONE).toInstant(), true, asOf);
                case "ytd" -> new Win(name, LocalDate.of(day.getYear(), 1, 1).atStartOfDay(KpiValue.ZONE).toInstant(),
                        true, asOf);
                case "live" -> new Win(name, null, false, asOf);
                default -> throw new IllegalStateException("oracle does not know window " + name);
            };
        }

        boolean live() {
            return start == null;
        }

        boolean contains(Instant t) {
            if (t == null || live()) {
                return false;
            }
            boolean afterStart = startInclusive ? !t.isBefore(start) : t.isAfter(start);
            return afterStart && !t.isAfter(end);
        }

        /** Length in ms of [a, b] ∩ window (boundary inclusiveness does not change a length). */
        long overlapMs(Instant a, Instant b) {
            Instant from = a.isAfter(start) ? a : start;
            Instant to = b.isBefore(end) ? b : end;
            return to.isAfter(from) ? Duration.between(from, to).toMillis() : 0;
        }
    }

    // =============================================================================================== KPI values

    private static boolean inScope(Dossier d, String scopeType, String scopeId) {
        return switch (scopeType) {
            case "province" -> true;
            case "agency" -> scopeId.equals(d.agency);
            case "commune" -> scopeId.equals(d.commune);
            case "field" -> scopeId.equals(d.field);
            case "channel" -> d.channel != null && scopeId.equals(d.channel.name());
            case "procedure" -> scopeId.equals(d.procedure);
            default -> throw new IllegalStateException("dossier KPI at scope " + scopeType);
        };
    }

    private static boolean inScope(String agency, String commune, String scopeType, String scopeId) {
        return switch (scopeType) {
            case "province" -> true;
            case "agency" -> scopeId.equals(agency);
            case "commune" -> scopeId.equals(commune);
            default -> throw new IllegalStateException("service KPI at scope " + scopeType);
        };
    }

    private static Expected count(double n) {
        return new Expected(n, n, null);
    }

    private static Expected ratio(double num, double den) {
        return new Expected(den == 0 ? null : num / den, num, den);
    }

    private static void requireLive(String kpi, Win w, boolean live) {
        if (w.live() != live) {
            throw new IllegalStateException("oracle: KPI " + kpi + " in window " + w.name() + " is not supported");
        }
    }

    private static Expected value(KpiCatalog.KpiDefinition def, String scopeType, String scopeId, Win w,
            Instant asOf, List<Dossier> dossiers, List<ServiceEvent> payments, List<FeedbackItem> items,
            Map<String, List<ServiceEvent>> availability) {
        String kpi = def.id();
        Expected v = switch (kpi) {
            case "received" -> {
                requireLive(kpi, w, false);
                int n = 0;
                for (Dossier d : dossiers) {
                    if (d.received && inScope(d, scopeType, scopeId) && w.contains(d.receivedAt)) {
                        n++;
                    }
                }
                yield count(n);
            }
            case "resolved" -> {
                requireLive(kpi, w, false);
                int n = 0;
                for (Dossier d : dossiers) {
                    if (d.received && d.resolvedEnd() && inScope(d, scopeType, scopeId) && w.contains(d.endAt)) {
                        n++;
                    }
                }
                yield count(n);
            }
            case "backlog", "overdue_open", "due_soon", "paused" -> {
                requireLive(kpi, w, true);
                int n = 0;
                for (Dossier d : dossiers) {
                    if (!d.open() || !inScope(d, scopeType, scopeId)) {
                        continue;
                    }
                    boolean counts = switch (kpi) {
                        case "backlog" -> true;
                        case "overdue_open" -> d.status == OpenStatus.OVERDUE;
                        case "due_soon" -> d.status == OpenStatus.DUE_SOON;
                        default -> d.status == OpenStatus.PAUSED;
                    };
                    if (counts) {
                        n++;
                    }
                }
                yield count(n);
            }
            case "on_time_ratio" -> {
                requireLive(kpi, w, false);
                int num = 0;
                int den = 0;
                for (Dossier d : dossiers) {
                    if (!d.received || !inScope(d, scopeType, scopeId)) {
                        continue;
                    }
                    if (d.open()) { // every open dossier, whenever received, in every window
                        den++;
                        if (d.openOnTime) {
                            num++;
                        }
                    } else if (w.contains(d.endAt)) {
                        den++;
                        if (d.outcome != Outcome.LATE) {
                            num++;
                        }
                    }
                }
                yield ratio(num, den);
            }
            case "early_ratio", "late_ended", "withdrawn_stopped", "satisfaction_ratio" -> {
                requireLive(kpi, w, false);
                int ended = 0;
                int early = 0;
                int late = 0;
                int ws = 0;
                int satisfied = 0;
                for (Dossier d : dossiers) {
                    if (!d.received || !d.ended() || !inScope(d, scopeType, scopeId) || !w.contains(d.endAt)) {
                        continue;
                    }
                    ended++;
                    if (d.outcome == Outcome.EARLY) {
                        early++;
                    }
                    if (d.outcome == Outcome.LATE) {
                        late++;
                    }
                    if (d.endType == CaseEventType.WITHDRAWN || d.endType == CaseEventType.STOPPED) {
                        ws++;
                    }
                    if (d.outcome != Outcome.LATE && d.latestRating != CaseEvent.Rating.DISSATISFIED
                            && !d.complaint) {
                        satisfied++;
                    }
                }
                yield switch (kpi) {
                    case "early_ratio" -> ratio(early, ended);
                    case "late_ended" -> count(late);
                    case "withdrawn_stopped" -> count(ws);
                    default -> ratio(satisfied, ended);
                };
            }
            case "time_saving_ratio", "avg_processing_days" -> {
                requireLive(kpi, w, false);
                long sumActual = 0;
                long sumRegulated = 0;
                int n = 0;
                for (Dossier d : dossiers) {
                    if (d.received && d.resolvedEnd() && inScope(d, scopeType, scopeId) && w.contains(d.endAt)) {
                        n++;
                        sumActual += d.actualMs;
                        sumRegulated += d.regulatedMs;
                    }
                }
                if (kpi.equals("time_saving_ratio")) {
                    yield ratio((sumRegulated - sumActual) / (double) HOUR_MS, sumRegulated / (double) HOUR_MS);
                }
                yield ratio(sumActual / (double) HOUR_MS / 8.0, n);
            }
            case "supplement_ratio", "online_ratio", "data_reuse_ratio" -> {
                requireLive(kpi, w, false);
                int num = 0;
                int den = 0;
                for (Dossier d : dossiers) {
                    if (!d.received || !inScope(d, scopeType, scopeId) || !w.contains(d.receivedAt)) {
                        continue;
                    }
                    den++;
                    boolean hit = switch (kpi) {
                        case "supplement_ratio" -> d.requests >= 1;
                        case "online_ratio" -> d.channel == CaseEvent.Channel.ONLINE;
                        default -> d.reusedData;
                    };
                    if (hit) {
                        num++;
                    }
                }
                yield ratio(num, den);
            }
            case "fully_online_ratio", "e_result_ratio", "digitisation_ratio", "online_payment_ratio" -> {
                requireLive(kpi, w, false);
                int num = 0;
                int den = 0;
                for (Dossier d : dossiers) {
                    if (!d.received || !d.resolvedEnd() || !inScope(d, scopeType, scopeId) || !w.contains(d.endAt)) {
                        continue;
                    }
                    switch (kpi) {
                        case "fully_online_ratio" -> {
                            den++;
                            if (d.channel == CaseEvent.Channel.ONLINE && d.serviceLevel == CaseEvent.ServiceLevel.FULL
                                    && (!d.fee || d.paidOnline) && d.eResult) {
                                num++;
                            }
                        }
                        case "e_result_ratio" -> {
                            den++;
                            if (d.eResult) {
                                num++;
                            }
                        }
                        case "digitisation_ratio" -> {
                            den++;
                            if (d.inputsDigitised && d.eResult) {
                                num++;
                            }
                        }
                        default -> {
                            if (d.fee) {
                                den++;
                                if (d.paidOnline) {
                                    num++;
                                }
                            }
                        }
                    }
                }
                yield ratio(num, den);
            }
            case "dissatisfied" -> {
                requireLive(kpi, w, false);
                int n = 0;
                for (Dossier d : dossiers) {
                    if (!d.received || !inScope(d, scopeType, scopeId)) {
                        continue;
                    }
                    for (Instant t : d.dissatisfiedAt) {
                        if (w.contains(t)) {
                            n++;
                        }
                    }
                }
                yield count(n);
            }
            case "payment_success_ratio" -> {
                requireLive(kpi, w, false);
                int ok = 0;
                int failed = 0;
                for (ServiceEvent p : payments) {
                    if (!inScope(p.agencyCode(), p.communeCode(), scopeType, scopeId) || !w.contains(p.occurredAt())) {
                        continue;
                    }
                    if (p.type() == ServiceEvent.Type.PAYMENT_SUCCEEDED) {
                        ok++;
                    } else if (p.type() == ServiceEvent.Type.PAYMENT_FAILED) {
                        failed++;
                    }
                }
                yield ratio(ok, ok + failed);
            }
            case "feedback_on_time_ratio" -> {
                requireLive(kpi, w, false);
                int num = 0;
                int den = 0;
                for (FeedbackItem f : items) {
                    if (!inScope(f.agency, f.commune, scopeType, scopeId)) {
                        continue;
                    }
                    if (f.answeredAt == null) { // still open: every open item, whenever received
                        den++;
                        if (!asOf.isAfter(f.deadline)) {
                            num++;
                        }
                    } else if (w.contains(f.answeredAt)) {
                        den++;
                        if (!f.answeredAt.isAfter(f.deadline)) {
                            num++;
                        }
                    }
                }
                yield ratio(num, den);
            }
            case "availability_ratio" -> {
                requireLive(kpi, w, false);
                if (!scopeType.equals("component")) {
                    throw new IllegalStateException("availability_ratio at scope " + scopeType);
                }
                List<ServiceEvent> l = availability.getOrDefault(scopeId, List.of());
                long upMs = 0;
                long knownMs = 0;
                for (int i = 0; i < l.size(); i++) {
                    // state from this event's instant until the next event's instant (same-instant events give empty
                    // segments, so the last one by event_id is the state in force), the last one until asOf
                    Instant a = l.get(i).occurredAt();
                    Instant b = i + 1 < l.size() ? l.get(i + 1).occurredAt() : asOf;
                    long ms = w.overlapMs(a, b);
                    knownMs += ms;
                    if (l.get(i).state() == ServiceEvent.State.UP) {
                        upMs += ms;
                    }
                }
                yield ratio(upMs / 1000.0, knownMs / 1000.0);
            }
            default -> throw new IllegalStateException("oracle does not know KPI " + kpi);
        };
        if (def.kind() == KpiCatalog.Kind.COUNT && v.denominator() != null
                || def.kind() == KpiCatalog.Kind.RATIO && v.denominator() == null) {
            throw new IllegalStateException("oracle kind mismatch for " + kpi);
        }
        return Objects.requireNonNull(v);
    }
}
