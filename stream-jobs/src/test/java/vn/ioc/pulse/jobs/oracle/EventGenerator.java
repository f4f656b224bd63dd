package vn.ioc.pulse.jobs.oracle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Deterministic generator of one month of contract events (CONTRACT.md §1) for a province: case events of
 * {@code dossiers} dossiers plus payment, feedback, availability and portal service events. Realistic in shape and
 * deliberately rule-exercising (edge receipt times, holidays, pauses, double requests, due changes, RESOLVED vs
 * RESULT_RETURNED, refusals after receipt, duplicates with and without different content, offsets other than +07:00,
 * same-instant events ordered by {@code sequence}). No clock ticks. Lines are sorted by {@code occurred_at}.
 */
public final class EventGenerator {

    static final String[] COMMUNES = {"03646", "03664", "03670", "03679", "03688", "03694"};

    /** A procedure with its field, the agencies that resolve it, regulated duration and whether it has a fee. */
    private record Proc(String code, String field, String[] agencies, DurationUnit unit, int value, boolean fee) {
    }

    private static final Proc[] PROCS = {
        new Proc("2.000815", "CHUNG_THUC", new String[] {"UBND-03646", "UBND-03664"}, DurationUnit.HOUR, 8, true),
        new Proc("1.001234", "HO_TICH", new String[] {"STP", "UBND-03646", "UBND-03664"}, DurationUnit.WORKING_DAY, 5,
                false),
        new Proc("2.002156", "XAY_DUNG", new String[] {"SXD"}, DurationUnit.DAY, 20, true),
        new Proc("1.004227", "DAT_DAI", new String[] {"SNNMT"}, DurationUnit.WORKING_DAY, 10, true),
    };

    private static final String[] COMPONENTS = {"PORTAL", "PAYMENT_GATEWAY", "DVCQG_SYNC"};
    private static final long H = 3_600_000L;
    private static final DateTimeFormatter LOCAL_FMT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter COMPACT_FMT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");
    private static final DateTimeFormatter UTC_FMT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private EventGenerator() {
    }

    /** One event before serialisation; {@code order} keeps generation order among equal instants. */
    private record Ev(Instant at, long order, String json) {
    }

    private static final class Gen {
        final Random rnd;
        final WorkingCalendar cal = WorkingCalendar.load();
        final List<Ev> out = new ArrayList<>();
        long order;
        int serviceSeq;

        Gen(long seed) {
            rnd = new Random(seed);
        }

        boolean chance(double p) {
            return rnd.nextDouble() < p;
        }

        int between(int lo, int hiInclusive) {
            return lo + rnd.nextInt(hiInclusive - lo + 1);
        }

        <T> T pick(T[] a) {
            return a[rnd.nextInt(a.length)];
        }

        /** A contract timestamp: mostly +07:00, sometimes Z or +0700. */
        String ts(Instant t) {
            double r = rnd.nextDouble();
            if (r < 0.08) {
                return UTC_FMT.format(OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            }
            if (r < 0.15) {
                return COMPACT_FMT.format(OffsetDateTime.ofInstant(t, ZoneOffset.ofHours(7)));
            }
            return LOCAL_FMT.format(OffsetDateTime.ofInstant(t, ZoneOffset.ofHours(7)));
        }

        void emit(Instant at, ObjectNode node) {
            out.add(new Ev(at, order++, node.toString()));
        }

        ObjectNode service(String type, Instant at) {
            ObjectNode o = EventCodec.mapper().createObjectNode();
            o.put("schema", "ioc.service.v1");
            o.put("event_id", "svc-" + (serviceSeq++));
            o.put("type", type);
            o.put("occurred_at", ts(at));
            return o;
        }
    }

    /** Per-dossier builder of case events. */
    private static final class Dossier {
        final Gen g;
        final String code;
        int n;
        final List<ObjectNode> events = new ArrayList<>();
        final List<Instant> times = new ArrayList<>();

        Dossier(Gen g, String code) {
            this.g = g;
            this.code = code;
        }

        ObjectNode ev(String type, Instant at) {
            ObjectNode o = EventCodec.mapper().createObjectNode();
            o.put("schema", "ioc.case.v1");
            o.put("event_id", code + "-e" + (n++));
            o.put("dossier_code", code);
            o.put("type", type);
            o.put("occurred_at", g.ts(at));
            o.put("source_system", g.chance(0.7) ? "MOTCUA-SL" : "DVCQG");
            events.add(o);
            times.add(at);
            return o;
        }

        /** Emits every event, duplicating a few (same id; some with different content). */
        void flush() {
            for (int i = 0; i < events.size(); i++) {
                ObjectNode o = events.get(i);
                Instant at = times.get(i);
                g.emit(at, o);
                if (g.chance(0.03)) {
                    if (g.chance(0.6)) {
                        g.emit(at, o.deepCopy()); // a resend (same occurred_at: the list stays sorted)
                    } else {
                        // same id, different content: a later copy is a duplicate and must be ignored
                        ObjectNode changed = o.deepCopy();
                        Instant shifted = at.plus(Duration.ofMinutes(g.between(5, 180)));
                        changed.put("occurred_at", g.ts(shifted));
                        if (changed.has("rating")) {
                            changed.put("rating", "DISSATISFIED");
                        }
                        if (changed.has("agency_code")) {
                            changed.put("agency_code", "STP");
                        }
                        g.emit(shifted, changed);
                    }
                }
            }
        }
    }

    /**
     * One month of events starting at {@code start}: {@code dossiers} dossiers received over the first 28 days, their
     * whole lifecycles (some of which run past the month), and service events over the month.
     */
    public static List<String> month(long seed, Instant start, int dossiers) {
        Gen g = new Gen(seed);
        LocalDate firstDay = LocalDate.ofInstant(start, KpiValue.ZONE);
        Instant monthEnd = start.plus(Duration.ofDays(30));

        // receipt instants on and around 30/4–1/5 when the month covers them
        List<Instant> holidayReceipts = new ArrayList<>();
        for (int year = firstDay.getYear(); year <= firstDay.plusDays(28).getYear(); year++) {
            LocalDateTime[] special = {
                LocalDateTime.of(year, 4, 29, 16, 59), LocalDateTime.of(year, 4, 29, 17, 0),
                LocalDateTime.of(year, 4, 30, 9, 0), LocalDateTime.of(year, 5, 1, 8, 0),
                LocalDateTime.of(year, 5, 2, 10, 15), LocalDateTime.of(year, 5, 4, 6, 45),
            };
            for (LocalDateTime l : special) {
                Instant t = l.atZone(KpiValue.ZONE).toInstant();
                if (!t.isBefore(start) && t.isBefore(start.plus(Duration.ofDays(28)))) {
                    holidayReceipts.add(t);
                }
            }
        }

        List<String> dossierCodes = new ArrayList<>();
        java.util.Map<String, Instant> ends = new java.util.LinkedHashMap<>();
        for (int i = 0; i < dossiers; i++) {
            String code = "H50." + (1000 + i) + "-" + (seed & 0xffff);
            dossierCodes.add(code);
            Instant receipt = receiptTime(g, start, firstDay, holidayReceipts);
            if (receipt.isBefore(start)) {
                receipt = start;
            }
            Instant end = dossier(g, code, receipt);
            if (end != null) {
                ends.put(code, end);
            }
        }
        payments(g, start, dossierCodes);
        feedback(g, start, dossierCodes, Math.max(4, dossiers / 12));
        availability(g, start, monthEnd);
        portal(g, start);
        longMemory(g, start, dossierCodes, ends, seed);

        g.out.sort(Comparator.comparing(Ev::at).thenComparingLong(Ev::order));
        List<String> lines = new ArrayList<>(g.out.size());
        for (Ev e : g.out) {
            lines.add(e.json());
        }
        return lines;
    }

    private static Instant receiptTime(Gen g, Instant start, LocalDate firstDay, List<Instant> holidayReceipts) {
        if (!holidayReceipts.isEmpty() && g.chance(0.05)) {
            return g.pick(holidayReceipts.toArray(new Instant[0]));
        }
        LocalDate day = firstDay.plusDays(g.rnd.nextInt(28));
        double r = g.rnd.nextDouble();
        LocalTime time;
        if (r < 0.65) {
            while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
                day = day.plusDays(1);
            }
            int minute = g.chance(0.55) ? g.between(7 * 60, 11 * 60 + 29) : g.between(13 * 60 + 30, 16 * 60 + 59);
            time = LocalTime.of(minute / 60, minute % 60, g.between(0, 59));
        } else {
            LocalTime[] edges = {
                LocalTime.of(16, 59), LocalTime.of(17, 0), LocalTime.of(16, 59, 59), LocalTime.of(12, 15),
                LocalTime.of(11, 30), LocalTime.of(13, 29, 59), LocalTime.of(13, 30), LocalTime.of(6, 45),
                LocalTime.of(19, 30), LocalTime.of(7, 0), LocalTime.of(23, 59, 59), LocalTime.of(0, 0),
            };
            time = g.pick(edges);
            if (g.chance(0.25)) { // a weekend receipt
                while (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY) {
                    day = day.plusDays(1);
                }
                time = g.chance(0.5) ? LocalTime.of(9, 0) : LocalTime.of(15, 0);
            }
        }
        return LocalDateTime.of(day, time).atZone(KpiValue.ZONE).toInstant();
    }

    // ================================================================================================ dossiers

    /** Generates one dossier's events; returns its end instant if it ends (null if open or refused). */
    private static Instant dossier(Gen g, String code, Instant receipt) {
        WorkingCalendar cal = g.cal;
        Dossier d = new Dossier(g, code);
        Proc proc = g.pick(PROCS);
        String agency = g.pick(proc.agencies());
        String commune = g.chance(0.85) ? g.pick(COMMUNES) : null;
        boolean communeLater = commune != null && g.chance(0.06); // only a later event carries it
        double cr = g.rnd.nextDouble();
        String channel = cr < 0.45 ? "ONLINE" : cr < 0.9 ? "DIRECT" : "POSTAL";
        String level = switch (channel) {
            case "ONLINE" -> g.chance(0.6) ? "FULL" : "PARTIAL";
            case "DIRECT" -> g.chance(0.7) ? "NONE" : "PARTIAL";
            default -> "NONE";
        };
        boolean fee = proc.fee() && g.chance(0.7);

        // -- SUBMITTED before receipt for online dossiers
        if (channel.equals("ONLINE") && g.chance(0.8)) {
            ObjectNode s = d.ev("SUBMITTED", receipt.minus(Duration.ofMinutes(g.between(3, 600))));
            s.put("procedure_code", proc.code());
            s.put("channel", channel);
            if (g.chance(0.5)) {
                s.put("agency_code", agency);
            }
        }

        // -- refused at intake
        if (g.chance(0.03)) {
            ObjectNode r = d.ev("REFUSED", receipt);
            r.put("procedure_code", proc.code());
            r.put("agency_code", agency);
            r.put("field_code", proc.field());
            if (commune != null) {
                r.put("commune_code", commune);
            }
            if (g.chance(0.5)) {
                ObjectNode rt = d.ev("RATED", receipt.plus(Duration.ofHours(g.between(1, 30))));
                rt.put("rating", "DISSATISFIED");
            }
            d.flush();
            return null;
        }

        // -- RECEIVED
        ObjectNode rec = d.ev("RECEIVED", receipt);
        Instant receivedAt = receipt;
        if (g.chance(0.15)) {
            receivedAt = receipt.minus(Duration.ofMinutes(g.between(1, 90)));
            rec.put("received_at", g.ts(receivedAt));
        }
        rec.put("procedure_code", proc.code());
        if (g.chance(0.92)) {
            rec.put("field_code", proc.field());
        }
        rec.put("agency_code", agency);
        if (commune != null && !communeLater) {
            rec.put("commune_code", commune);
        }
        rec.put("channel", channel);
        rec.put("service_level", level);
        rec.put("applicant_type", g.chance(0.8) ? "CITIZEN" : "BUSINESS");
        rec.put("status_code", 2);
        if (g.chance(0.3)) {
            rec.put("sequence", 0);
        }
        if (fee || g.chance(0.1)) {
            rec.put("fee_required", fee);
        }
        ObjectNode dig = rec.putObject("digitisation");
        dig.put("inputs_digitised", g.chance(0.7));
        dig.put("reused_data", g.chance(0.5));

        DurationUnit unit = proc.unit();
        int value = proc.value();
        double ur = g.rnd.nextDouble();
        if (ur < 0.1) {
            unit = DurationUnit.HOUR;
            value = g.pick(new Integer[] {0, 4, 16});
        } else if (ur < 0.18) {
            unit = DurationUnit.DAY;
            value = g.pick(new Integer[] {0, 3, 7});
        } else if (ur < 0.24) {
            unit = DurationUnit.WORKING_DAY;
            value = g.pick(new Integer[] {0, 1, 2});
        }
        Instant due = cal.due(receivedAt, value, unit);
        double dr = g.rnd.nextDouble();
        if (dr < 0.2) { // the source gives NgayHenTra itself
            due = g.chance(0.5) ? due : cal.addWorkingMillis(due, g.between(1, 16) * H);
            rec.put("due_at", g.ts(due));
        } else if (dr < 0.3) { // both: due_at wins
            due = cal.addWorkingMillis(due, g.between(0, 8) * H);
            rec.put("due_at", g.ts(due));
            putDuration(rec, value, unit);
        } else {
            putDuration(rec, value, unit);
        }

        Instant s0 = cal.startOfCounting(receivedAt);
        long regMs = Math.max(2 * H, cal.workingMillis(s0, due));

        // -- refused after receipt
        if (g.chance(0.02)) {
            d.ev("PROCESSING", cal.addWorkingMillis(s0, g.between(1, 3) * H)).put("status_code", 4);
            d.ev("REFUSED", cal.addWorkingMillis(s0, g.between(4, 6) * H));
            d.flush();
            return null;
        }

        // -- processing (sometimes at the same instant as RECEIVED, ordered by sequence; sometimes a transfer)
        if (g.chance(0.25)) {
            ObjectNode p = d.ev("PROCESSING", receipt);
            p.put("sequence", 1);
            if (communeLater) {
                p.put("commune_code", commune);
            }
        } else if (g.chance(0.6) || communeLater) {
            ObjectNode p = d.ev("PROCESSING", cal.addWorkingMillis(s0, g.between(1, 4) * H));
            if (g.chance(0.15)) {
                p.put("agency_code", g.pick(new String[] {"STP", "SXD", "SNNMT"})); // a transfer: scope stays
            }
            if (communeLater) {
                p.put("commune_code", commune);
            }
        }

        // -- the plan in working time since s0: active time to the end plus pauses
        double fr = g.rnd.nextDouble();
        double f = fr < 0.72 ? 0.2 + 0.75 * g.rnd.nextDouble()
                : fr < 0.86 ? 0.95 + 0.1 * g.rnd.nextDouble()
                : fr < 0.9 ? 1.0 // ends exactly at the (original) due
                : 1.05 + 0.55 * g.rnd.nextDouble();
        long endActive = Math.max(H / 4, (long) (f * regMs));
        long wall = 0; // working ms since s0 of the end, pauses included
        boolean pausedAtEnd = false;
        double sr = g.rnd.nextDouble();
        int requests = sr < 0.18 ? 1 : sr < 0.24 ? 2 : 0;
        long pauseTotal = 0;
        if (requests > 0) {
            long a1 = (long) (endActive * (0.1 + 0.5 * g.rnd.nextDouble()));
            Instant req1 = cal.addWorkingMillis(s0, a1);
            d.ev("SUPPLEMENT_REQUESTED", req1).put("status_code", 5);
            long p1 = g.between(2, 40) * H + g.between(0, 59) * 60_000L;
            boolean secondWhilePaused = requests == 2 && g.chance(0.4);
            if (secondWhilePaused) {
                d.ev("SUPPLEMENT_REQUESTED", cal.addWorkingMillis(s0, a1 + p1 / 2));
            }
            if (g.chance(0.15)) { // never supplied: still paused (open) or ends while paused
                pausedAtEnd = true;
                wall = a1 + g.between(1, 30) * H;
            } else {
                Instant back = cal.addWorkingMillis(s0, a1 + p1);
                ObjectNode sup = d.ev("SUPPLEMENT_RECEIVED", back);
                if (g.chance(0.3)) {
                    sup.put("due_at", g.ts(cal.addWorkingMillis(due, g.between(8, 40) * H)));
                }
                pauseTotal += p1;
                if (requests == 2 && !secondWhilePaused) {
                    long a2 = a1 + (long) ((endActive - a1) * (0.2 + 0.5 * g.rnd.nextDouble()));
                    d.ev("SUPPLEMENT_REQUESTED", cal.addWorkingMillis(s0, a2 + pauseTotal));
                    long p2 = g.between(1, 16) * H;
                    if (g.chance(0.8)) {
                        d.ev("SUPPLEMENT_RECEIVED", cal.addWorkingMillis(s0, a2 + pauseTotal + p2));
                        pauseTotal += p2;
                    } else {
                        pausedAtEnd = true;
                    }
                }
                wall = endActive + pauseTotal;
            }
        } else {
            wall = endActive;
            if (g.chance(0.03)) { // documents arrive without a request: only their due_at applies
                ObjectNode sup = d.ev("SUPPLEMENT_RECEIVED", cal.addWorkingMillis(s0, endActive / 3));
                if (g.chance(0.6)) {
                    sup.put("due_at", g.ts(cal.addWorkingMillis(due, 8 * H)));
                }
            }
        }

        // -- due date changed (apology letter)
        if (g.chance(0.06)) {
            ObjectNode dc = d.ev("DUE_DATE_CHANGED", cal.addWorkingMillis(s0, (long) (wall * 0.7)));
            dc.put("due_at", g.ts(cal.addWorkingMillis(due, g.between(1, 5) * 8 * H)));
        }
        // -- due_at on an event type that must not change the due
        if (g.chance(0.03)) {
            d.ev("PROCESSING", cal.addWorkingMillis(s0, wall / 2))
                    .put("due_at", g.ts(receipt.minus(Duration.ofDays(3))));
        }

        // -- the end
        Instant end = cal.addWorkingMillis(s0, wall);
        if (g.chance(0.05)) { // some ends outside office hours
            LocalDate day = LocalDate.ofInstant(end, KpiValue.ZONE);
            end = LocalDateTime.of(day, g.chance(0.5) ? LocalTime.of(17, 0) : LocalTime.of(18, 30))
                    .atZone(KpiValue.ZONE).toInstant();
        }
        double er = g.rnd.nextDouble();
        String endKind = er < 0.64 ? "RESOLVED" : er < 0.74 ? "RESOLVED+RR" : er < 0.8 ? "RR" : er < 0.83 ? "RR<RESOLVED"
                : er < 0.87 ? "WITHDRAWN" : er < 0.9 ? "STOPPED" : "OPEN";
        if (pausedAtEnd && g.chance(0.4)) {
            endKind = "OPEN";
        }

        // -- fees and payment
        Instant obligationAt = cal.addWorkingMillis(s0, Math.max(1, wall / 2));
        boolean paidAfterEnd = false;
        if (fee) {
            d.ev("FINANCIAL_OBLIGATION", obligationAt).put("fee_required", true);
            if (g.chance(0.9)) {
                paidAfterEnd = g.chance(0.15);
                Instant paidAt = paidAfterEnd ? end.plus(Duration.ofHours(g.between(1, 30)))
                        : obligationAt.plus(Duration.ofMinutes(g.between(5, 120)));
                boolean online = channel.equals("ONLINE") ? g.chance(0.8) : g.chance(0.3);
                ObjectNode pay = d.ev("PAYMENT_COMPLETED", paidAt);
                ObjectNode p = pay.putObject("payment");
                p.put("online", online);
                p.put("gateway", online ? (g.chance(0.6) ? "DVCQG" : "LOCAL") : "LOCAL");
            }
        } else if (g.chance(0.03)) { // a payment without fee_required anywhere still means "has a fee"
            ObjectNode pay = d.ev("PAYMENT_COMPLETED", obligationAt);
            pay.putObject("payment").put("online", g.chance(0.5));
        }

        boolean ended = !endKind.equals("OPEN");
        switch (endKind) {
            case "RESOLVED" -> resolved(g, d, "RESOLVED", end, 0);
            case "RESOLVED+RR" -> {
                resolved(g, d, "RESOLVED", end, 1);
                if (g.chance(0.5)) {
                    d.ev("RESULT_RETURNED", end).put("sequence", 2);
                } else {
                    d.ev("RESULT_RETURNED", end.plus(Duration.ofHours(g.between(1, 72))));
                }
            }
            case "RR" -> resolved(g, d, "RESULT_RETURNED", end, 0);
            case "RR<RESOLVED" -> {
                d.ev("RESULT_RETURNED", end);
                resolved(g, d, "RESOLVED", end.plus(Duration.ofHours(g.between(1, 48))), 0);
            }
            case "WITHDRAWN" -> d.ev("WITHDRAWN", end);
            case "STOPPED" -> d.ev("STOPPED", end);
            default -> {
            }
        }
        // events after the end no longer move the clock
        if (ended && g.chance(0.04)) {
            d.ev("SUPPLEMENT_REQUESTED", end.plus(Duration.ofHours(2)));
        }
        if (ended && g.chance(0.03)) {
            d.ev("DUE_DATE_CHANGED", end.plus(Duration.ofHours(3))).put("due_at", g.ts(end.minus(Duration.ofDays(5))));
        }

        // -- ratings
        if (ended && g.chance(0.4)) {
            Instant rt = end.plus(Duration.ofMinutes(g.between(10, 48 * 60)));
            d.ev("RATED", rt).put("rating", rating(g));
            if (g.chance(0.12)) {
                d.ev("RATED", rt.plus(Duration.ofHours(g.between(1, 100)))).put("rating", rating(g));
            }
        } else if (!ended && g.chance(0.05)) {
            d.ev("RATED", end.minus(Duration.ofHours(1))).put("rating", "DISSATISFIED");
        }
        d.flush();
        return ended ? end : null;
    }

    /**
     * Facts that outlive the job's retention (35 days; DOMAIN.md §7 "Events"), generated after everything else so
     * the rest of the month is the same for a seed: complaints 40–60 days before their dossier's receipt (before
     * {@code start}), DISSATISFIED ratings of codes that are never received, and ratings, online payments and
     * complaints 36–50 days after a dossier ended.
     */
    private static void longMemory(Gen g, Instant start, List<String> dossierCodes, java.util.Map<String, Instant> ends,
                                   long seed) {
        int n = Math.max(3, dossierCodes.size() / 40);
        for (int i = 0; i < n; i++) {
            Instant t = start.minus(Duration.ofDays(g.between(40, 60))).plus(Duration.ofMinutes(g.between(0, 600)));
            ObjectNode f = g.service("FEEDBACK_RECEIVED", t);
            f.put("feedback_id", "PAKN-EARLY-" + i);
            f.put("agency_code", g.pick(new String[] {"STP", "SXD", "SNNMT"}));
            f.put("dossier_code", dossierCodes.get(g.rnd.nextInt(dossierCodes.size())));
            g.emit(t, f);
        }
        for (int i = 0; i < n; i++) {
            Dossier never = new Dossier(g, "NR." + i + "-" + (seed & 0xffff));
            Instant t = start.plus(Duration.ofMinutes(g.between(0, 40 * 24 * 60)));
            ObjectNode r = never.ev("RATED", t);
            r.put("rating", g.chance(0.8) ? "DISSATISFIED" : "SATISFIED");
            if (g.chance(0.5)) {
                r.put("agency_code", "NR-AGENCY");
            }
            never.flush();
        }
        for (java.util.Map.Entry<String, Instant> e : ends.entrySet()) {
            if (!g.chance(0.2)) {
                continue;
            }
            Instant t = e.getValue().plus(Duration.ofDays(g.between(36, 50))).plus(Duration.ofMinutes(g.between(0, 600)));
            Dossier late = new Dossier(g, e.getKey());
            late.n = 1000; // event ids after the dossier's own
            double r = g.rnd.nextDouble();
            if (r < 0.5) {
                late.ev("RATED", t).put("rating", g.chance(0.6) ? "DISSATISFIED" : "VERY_SATISFIED");
            } else if (r < 0.75) {
                ObjectNode pay = late.ev("PAYMENT_COMPLETED", t);
                pay.putObject("payment").put("online", true).put("gateway", "DVCQG");
            } else {
                ObjectNode f = g.service("FEEDBACK_RECEIVED", t);
                f.put("feedback_id", "PAKN-LATE-" + e.getKey());
                f.put("agency_code", "STP");
                f.put("dossier_code", e.getKey());
                g.emit(t, f);
            }
            late.flush();
        }
    }

    private static void resolved(Gen g, Dossier d, String type, Instant at, int sequence) {
        ObjectNode r = d.ev(type, at);
        if (sequence > 0) {
            r.put("sequence", sequence);
        }
        if (g.chance(0.85)) {
            ObjectNode dig = r.putObject("digitisation");
            dig.put("e_result", g.chance(0.75));
            if (g.chance(0.4)) {
                dig.put("inputs_digitised", g.chance(0.5));
            }
        }
    }

    private static String rating(Gen g) {
        double r = g.rnd.nextDouble();
        return r < 0.4 ? "VERY_SATISFIED" : r < 0.85 ? "SATISFIED" : "DISSATISFIED";
    }

    private static void putDuration(ObjectNode o, int value, DurationUnit unit) {
        ObjectNode rd = o.putObject("regulated_duration");
        rd.put("value", value);
        rd.put("unit", unit.name());
    }

    // ================================================================================================ services

    private static void payments(Gen g, Instant start, List<String> dossierCodes) {
        int n = Math.max(6, dossierCodes.size() / 3);
        for (int i = 0; i < n; i++) {
            Instant t = start.plus(Duration.ofMinutes(g.between(0, 28 * 24 * 60)));
            String agency = g.chance(0.93) ? g.pick(new String[] {"STP", "SXD", "SNNMT", "UBND-03646", "UBND-03664"})
                    : null;
            String commune = g.chance(0.8) ? g.pick(COMMUNES) : null;
            String dossier = g.chance(0.7) ? dossierCodes.get(g.rnd.nextInt(dossierCodes.size())) : null;
            long amount = 1000L * g.between(2, 500);
            String gateway = g.chance(0.6) ? "DVCQG" : "LOCAL";
            double ar = g.rnd.nextDouble();
            int attempts = ar < 0.75 ? 1 : ar < 0.93 ? 2 : 3; // retries after a failure
            for (int a = 0; a < attempts; a++) {
                ObjectNode init = g.service("PAYMENT_INITIATED", t);
                fillPayment(init, agency, commune, dossier, amount, gateway);
                g.emit(t, init);
                Instant done = t.plusSeconds(g.between(5, 300));
                boolean ok = a == attempts - 1 ? g.chance(0.85) : false;
                ObjectNode res = g.service(ok ? "PAYMENT_SUCCEEDED" : "PAYMENT_FAILED", done);
                fillPayment(res, agency, commune, dossier, amount, gateway);
                res.put("latency_ms", g.between(200, 9000));
                g.emit(done, res);
                t = done.plusSeconds(g.between(30, 900));
            }
        }
    }

    private static void fillPayment(ObjectNode o, String agency, String commune, String dossier, long amount,
            String gateway) {
        if (agency != null) {
            o.put("agency_code", agency);
        }
        if (commune != null) {
            o.put("commune_code", commune);
        }
        if (dossier != null) {
            o.put("dossier_code", dossier);
        }
        o.put("amount_vnd", amount);
        o.put("gateway", gateway);
    }

    private static void feedback(Gen g, Instant start, List<String> dossierCodes, int items) {
        WorkingCalendar cal = g.cal;
        for (int i = 0; i < items; i++) {
            String id = "PAKN-" + (100 + i);
            Instant t = start.plus(Duration.ofMinutes(g.between(0, 26 * 24 * 60)));
            String agency = g.pick(new String[] {"STP", "SXD", "SNNMT", "UBND-03646", "UBND-03664"});
            String commune = g.chance(0.7) ? g.pick(COMMUNES) : null;
            boolean agencyLater = g.chance(0.1);
            String dossier = g.chance(0.3) ? dossierCodes.get(g.rnd.nextInt(dossierCodes.size())) : null;
            ObjectNode rec = g.service("FEEDBACK_RECEIVED", t);
            rec.put("feedback_id", id);
            if (!agencyLater) {
                rec.put("agency_code", agency);
            }
            if (commune != null) {
                rec.put("commune_code", commune);
            }
            boolean dossierOnAnswer = dossier != null && g.chance(0.3);
            if (dossier != null && !dossierOnAnswer) {
                rec.put("dossier_code", dossier);
            }
            g.emit(t, rec);
            if (g.chance(0.72) || agencyLater || dossierOnAnswer) {
                // answered after 1..22 working days (some late), sometimes exactly at the deadline
                Instant deadline = cal.due(t, 15, DurationUnit.WORKING_DAY);
                Instant ans = g.chance(0.08) ? deadline
                        : cal.addWorkingMillis(cal.startOfCounting(t), g.between(4, 22 * 8) * H);
                ObjectNode a = g.service("FEEDBACK_ANSWERED", ans);
                a.put("feedback_id", id);
                a.put("agency_code", agency);
                if (dossierOnAnswer) {
                    a.put("dossier_code", dossier);
                }
                g.emit(ans, a);
                if (g.chance(0.1)) { // a second answer does not matter
                    Instant ans2 = ans.plus(Duration.ofDays(2));
                    ObjectNode a2 = g.service("FEEDBACK_ANSWERED", ans2);
                    a2.put("feedback_id", id);
                    g.emit(ans2, a2);
                }
                if (g.chance(0.3)) {
                    Instant rt = ans.plus(Duration.ofHours(g.between(1, 48)));
                    ObjectNode r = g.service("FEEDBACK_REACTION", rt);
                    r.put("feedback_id", id);
                    r.put("reaction", g.chance(0.7) ? "LIKE" : "DISLIKE");
                    g.emit(rt, r);
                }
            }
        }
        // a stray answer without any FEEDBACK_RECEIVED: not an item
        Instant t = start.plus(Duration.ofDays(3));
        ObjectNode stray = g.service("FEEDBACK_ANSWERED", t);
        stray.put("feedback_id", "PAKN-STRAY");
        stray.put("agency_code", "STP");
        g.emit(t, stray);
    }

    private static void availability(Gen g, Instant start, Instant end) {
        for (String component : COMPONENTS) {
            Instant t = start.plus(Duration.ofMinutes(g.between(0, 360)));
            String state = "UP";
            while (t.isBefore(end)) {
                ObjectNode a = g.service("AVAILABILITY", t);
                a.put("component", component);
                a.put("state", state);
                a.put("latency_ms", state.equals("DOWN") ? 30000 : g.between(40, state.equals("UP") ? 800 : 5000));
                g.emit(t, a);
                if (g.chance(0.02)) { // two reports at the same instant: the larger event_id is the state
                    ObjectNode b = g.service("AVAILABILITY", t);
                    b.put("component", component);
                    b.put("state", g.chance(0.5) ? "UP" : "DEGRADED");
                    g.emit(t, b);
                    state = b.get("state").asText();
                }
                if (g.chance(0.02)) {
                    g.emit(t, a.deepCopy()); // a resend
                }
                if (state.equals("UP")) {
                    double r = g.rnd.nextDouble();
                    t = t.plus(Duration.ofMinutes(g.between(30, 720)));
                    state = r < 0.12 ? "DOWN" : r < 0.3 ? "DEGRADED" : "UP";
                } else {
                    t = t.plus(Duration.ofMinutes(g.between(2, 120)));
                    state = g.chance(0.85) ? "UP" : "DOWN";
                }
            }
        }
    }

    private static void portal(Gen g, Instant start) {
        String[] actions = {"VIEW", "START", "SUBMIT", "ABANDON"};
        for (int i = 0; i < 20; i++) {
            Instant t = start.plus(Duration.ofMinutes(g.between(0, 28 * 24 * 60)));
            ObjectNode o = g.service("PORTAL_ACTION", t);
            o.put("action", g.pick(actions));
            o.put("procedure_code", g.pick(PROCS).code());
            g.emit(t, o);
        }
    }
}
