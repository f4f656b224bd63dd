package vn.ioc.pulse.ingest.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import vn.ioc.pulse.ingest.sim.ReferenceData.Procedure;
import vn.ioc.pulse.ingest.sim.ReferenceData.Unit;
import vn.ioc.pulse.model.CaseEvent.ApplicantType;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;
import vn.ioc.pulse.model.CaseEvent.ServiceLevel;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent.Component;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * A deterministic generator of Sơn La traffic: case events for dossiers of the real procedure sample in the 75
 * communes and wards, and the service events around them (online payments, citizen feedback, availability of the
 * five components, portal actions). The same reference data, calendar, parameters and start instant always give
 * the same events, byte for byte; there is no wall clock inside.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li><b>Arrivals</b> are a non-homogeneous Poisson process generated one local hour at a time. Desk dossiers
 *       (DIRECT, POSTAL) arrive only inside office hours of working days ({@link WorkingCalendar}: weekends and
 *       holidays closed, make-up Saturdays open) following an hourly profile; online submissions arrive around the
 *       clock with their own profile (evening peak) and fewer on days off. Volume per day follows a weekday factor.
 *       </li>
 *   <li><b>Each dossier's whole lifecycle is planned at arrival</b> into a priority queue of future events: commune
 *       (weighted by population), procedure (weighted by field, then Zipf within the field), agency (the commune's
 *       People's Committee {@code UBND-<commune>} for commune-level procedures, else the department of the
 *       procedure's ministry from agencies.csv, else {@code UBND-TINH}), channel, intake (online: SUBMITTED, then
 *       RECEIVED at the next office time, or REFUSED), regulated duration and due date, PROCESSING, supplement
 *       requests with the applicant's delay, the planned processing time as a fraction of the regulated working
 *       time (or beyond it for late dossiers, some of which get a new appointment date), fee and payment (with
 *       online payment attempts that may fail and be retried), the end (RESOLVED with digitisation flags, then
 *       RESULT_RETURNED; or WITHDRAWN / STOPPED) and a rating.</li>
 *   <li><b>Service events</b>: citizen feedback (some linked to a recent dossier) answered within or after 15
 *       working days, reactions to answers; a state report of every component every few minutes, with incidents
 *       (DEGRADED or DOWN for minutes to hours, then UP); portal VIEW / START / SUBMIT for every online submission
 *       plus browsing and abandoned sessions.</li>
 * </ul>
 * All instants are whole seconds. Case events carry {@code sequence} = their index in the dossier's lifecycle, so
 * events of one dossier at the same instant keep their order. Event ids are {@code sim-<seed>-<start epoch
 * seconds>-<n>} (n counts emitted events), dossier codes {@code SL-<yyyyMMdd>-<run tag>-<n>}, feedback ids
 * {@code PAKN-<run tag>-<n>}, where the run tag is derived from the seed and the start: runs with another seed or
 * start do not collide. The parameters, their defaults and their sources are in docs/simulator.md.
 *
 * <h2>Emission</h2>
 * {@link #advanceTo(Instant, Consumer)} emits, in non-decreasing {@code occurred_at} order (ties in planning
 * order), every event up to an instant. Arrivals are planned one hour ahead of what is emitted ({@code
 * #LOOKAHEAD_MILLIS}: the longest lead of a portal action before its submission), and no random number is drawn
 * while emitting, so advancing in many small steps gives exactly the stream of one big step: live mode and file
 * mode agree. Not thread-safe: one caller at a time.
 */
public final class SonLaSimulator {
    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long WORKING_DAY = WorkingCalendar.WORKING_DAY_MILLIS;

    /** How far beyond the emitted events arrivals are planned: bounds how early an event may precede its arrival. */
    private static final long LOOKAHEAD_MILLIS = HOUR;

    /** {@code source_system} of every simulated case event. */
    private static final String SOURCE_SYSTEM = "ioc-simulator";

    private static final DateTimeFormatter DAY_CODE = DateTimeFormatter.BASIC_ISO_DATE;
    private static final int RECENT_DOSSIERS = 500;
    private static final Consumer<ObjectNode> NO_FIELDS = o -> { };

    private enum Ending { RESOLVED, LATE, WITHDRAWN, STOPPED }

    private final WorkingCalendar calendar;
    private final SimulatorParams params;
    private final Instant start;
    private final long startMillis;
    private final String eventIdPrefix;
    private final String runTag;
    private final Map<String, String> agencyByMinistry;
    private final Sampler<Unit> communes;
    private final Sampler<ProcedureInfo> deskProcedures;
    private final Sampler<ProcedureInfo> onlineProcedures;
    /** Expected share of all dossiers that come through the online stream (a property of the procedure mix). */
    private final double onlineStreamShare;
    private final double deskHourTotal;
    private final double onlineHourTotal;

    private final SplittableRandom arrivalRandom;
    private final SplittableRandom dossierRandom;
    private final SplittableRandom paymentRandom;
    private final SplittableRandom feedbackRandom;
    private final SplittableRandom availabilityRandom;
    private final SplittableRandom portalRandom;

    private final PriorityQueue<Planned> queue = new PriorityQueue<>();
    private final ComponentState[] components;
    private final RecentDossier[] recent = new RecentDossier[RECENT_DOSSIERS];
    private final Map<String, long[]> counts = new HashMap<>();
    private long plannedUntil;
    private long lastEmitted;
    private long order;
    private long emitted;
    private long dossiersEmitted;
    private long dossierCount;
    private long feedbackCount;

    /**
     * A simulator whose traffic starts at {@code start} (truncated to whole seconds): no event is earlier.
     *
     * @param ref      communes, procedures and agencies
     * @param calendar working days and office hours (the same calendar the KPI job uses)
     */
    public SonLaSimulator(ReferenceData ref, WorkingCalendar calendar, SimulatorParams params, Instant start) {
        this.calendar = calendar;
        this.params = params;
        this.start = start.truncatedTo(ChronoUnit.SECONDS);
        this.startMillis = this.start.toEpochMilli();
        long startSeconds = this.start.getEpochSecond();
        this.eventIdPrefix = "sim-" + params.seed() + "-" + startSeconds + "-";
        String tag = Long.toString(mix(params.seed() * 31 + startSeconds) >>> 23, 36);
        this.runTag = "0".repeat(Math.max(0, 8 - tag.length())) + tag;
        this.agencyByMinistry = ref.agencyByMinistry();

        SplittableRandom root = new SplittableRandom(mix(params.seed() ^ mix(startSeconds)));
        SplittableRandom setup = root.split();
        this.arrivalRandom = root.split();
        this.dossierRandom = root.split();
        this.paymentRandom = root.split();
        this.feedbackRandom = root.split();
        this.availabilityRandom = root.split();
        this.portalRandom = root.split();

        this.communes = new Sampler<>(ref.communes(), u -> u.population());
        List<ProcedureInfo> procedures = procedureMix(ref.procedures(), setup);
        this.deskProcedures = new Sampler<>(procedures, p -> p.weight() * (1 - p.onlineShare()));
        this.onlineProcedures = new Sampler<>(procedures, p -> p.weight() * p.onlineShare());
        double online = onlineProcedures.total();
        this.onlineStreamShare = online / (online + deskProcedures.total());
        this.deskHourTotal = sum(params.arrivals().deskHourWeights());
        this.onlineHourTotal = sum(params.arrivals().onlineHourWeights());

        Component[] all = Component.values();
        this.components = new ComponentState[all.length];
        for (int i = 0; i < all.length; i++) {
            components[i] = new ComponentState(all[i], i);
        }
        this.plannedUntil = startMillis;
        this.lastEmitted = startMillis;
    }

    /** The first instant of the simulated traffic. */
    public Instant start() {
        return start;
    }

    /** Dossiers whose first event (SUBMITTED or RECEIVED) has been emitted, refused ones included. */
    public long dossiers() {
        return dossiersEmitted;
    }

    /** Events emitted so far by event type, sorted by type. */
    public Map<String, Long> countsByType() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((type, n) -> sorted.put(type, n[0]));
        return sorted;
    }

    /**
     * Emits, as JSON text (one event per call of {@code out}), every event with {@code occurred_at ≤ t} not emitted
     * yet, in non-decreasing {@code occurred_at} order. An instant before the last call emits nothing.
     *
     * @return the number of events emitted by this call
     */
    public long advanceTo(Instant t, Consumer<String> out) {
        long target = t.toEpochMilli();
        long before = emitted;
        while (true) {
            Planned head = queue.peek();
            long horizon = head == null ? target : Math.min(head.at(), target);
            if (plannedUntil <= horizon + LOOKAHEAD_MILLIS) {
                planSlot();
                continue;
            }
            if (head == null || head.at() > target) {
                break;
            }
            emit(head, out); // removed only once the sink took it: a sink that throws loses no event
            queue.poll();
        }
        return emitted - before;
    }

    // ------------------------------------------------------------------------------------------------ emission

    /**
     * One future event, ordered by time then planning order; {@code body} writes every field but schema, event_id,
     * type and occurred_at; {@code opensDossier} marks the first event of a dossier.
     */
    private record Planned(long at, long order, String schema, String type, boolean opensDossier,
                           Consumer<ObjectNode> body)
            implements Comparable<Planned> {
        @Override
        public int compareTo(Planned o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    private void emit(Planned p, Consumer<String> out) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("schema", p.schema());
        o.put("event_id", eventIdPrefix + (emitted + 1));
        o.put("type", p.type());
        o.put("occurred_at", KpiValue.formatTime(Instant.ofEpochMilli(p.at())));
        p.body().accept(o);
        out.accept(o.toString());
        emitted++;
        counts.computeIfAbsent(p.type(), k -> new long[1])[0]++;
        if (p.opensDossier()) {
            dossiersEmitted++;
        }
        lastEmitted = p.at();
    }

    private void plan(long at, String schema, String type, boolean opensDossier, Consumer<ObjectNode> body) {
        if (at < lastEmitted) {
            throw new IllegalStateException("planned " + type + " at " + Instant.ofEpochMilli(at)
                    + " before the last emitted event " + Instant.ofEpochMilli(lastEmitted));
        }
        queue.add(new Planned(at, order++, schema, type, opensDossier, body));
    }

    private void planService(long at, String type, Consumer<ObjectNode> body) {
        plan(at, IocEvent.SCHEMA_SERVICE, type, false, body);
    }

    // ------------------------------------------------------------------------------------------------ arrivals

    /** Plans everything that starts in the next slot: from {@code plannedUntil} to the next full hour. */
    private void planSlot() {
        long s = plannedUntil;
        long e = Math.floorDiv(s, HOUR) * HOUR + HOUR; // local hours start on UTC hours (+07:00 has no minutes)
        LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(s), KpiValue.ZONE);
        LocalDate day = local.toLocalDate();
        int hour = local.getHour();
        boolean working = calendar.isWorkingDay(day);
        SimulatorParams.Arrivals a = params.arrivals();
        double base = a.dossiersPerWorkingDay() * params.scale();
        double dayFactor = a.weekdayFactors().get(day.getDayOfWeek().getValue() - 1);
        double slotShare = (e - s) / (double) HOUR;

        // feedback first: it links to dossiers received before it, planned in earlier slots
        double onlineHourShare = a.onlineHourWeights().get(hour) / onlineHourTotal;
        double dayVolume = working ? dayFactor : a.onlineDayOffFactor();
        planFeedback(s, e, params.feedback().perDay() * params.scale() * dayVolume * onlineHourShare * slotShare);

        List<Arrival> arrivals = new ArrayList<>();
        double onlineMean = base * onlineStreamShare * dayVolume * onlineHourShare * slotShare;
        for (int i = poisson(arrivalRandom, onlineMean); i > 0; i--) {
            arrivals.add(new Arrival(sec(arrivalRandom.nextLong(s, e)), Channel.ONLINE,
                    onlineProcedures.sample(arrivalRandom)));
        }
        if (working && a.deskHourWeights().get(hour) > 0) {
            long[] open = officeIntersection(day, s, e);
            long[] wholeHour = officeIntersection(day, Math.floorDiv(s, HOUR) * HOUR, e);
            double deskMean = base * (1 - onlineStreamShare) * dayFactor * a.deskHourWeights().get(hour) / deskHourTotal
                    * length(open) / (double) length(wholeHour);
            for (int i = poisson(arrivalRandom, deskMean); i > 0; i--) {
                ProcedureInfo p = deskProcedures.sample(arrivalRandom);
                arrivals.add(new Arrival(sec(pick(open, arrivalRandom)), deskChannel(p, arrivalRandom), p));
            }
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at));
        for (Arrival arrival : arrivals) {
            planDossier(arrival);
        }
        planPortalSessions(s, e, onlineMean);
        planAvailability(s, e);
        plannedUntil = e;
    }

    private record Arrival(long at, Channel channel, ProcedureInfo procedure) {
    }

    private Channel deskChannel(ProcedureInfo p, SplittableRandom r) {
        boolean postal = p.procedure().channels().contains(Channel.POSTAL);
        boolean direct = p.procedure().channels().contains(Channel.DIRECT);
        return postal && (!direct || r.nextDouble() < params.mix().postalShare()) ? Channel.POSTAL : Channel.DIRECT;
    }

    /** Office intervals of {@code day} intersected with [from, to), as {start, end, start, end}. */
    private static long[] officeIntersection(LocalDate day, long from, long to) {
        long[] office = {
            at(day, WorkingCalendar.OPEN_MORNING), at(day, WorkingCalendar.CLOSE_MORNING),
            at(day, WorkingCalendar.OPEN_AFTERNOON), at(day, WorkingCalendar.CLOSE_AFTERNOON)};
        for (int i = 0; i < office.length; i += 2) {
            office[i] = Math.min(Math.max(office[i], from), to);
            office[i + 1] = Math.min(Math.max(office[i + 1], from), to);
        }
        return office;
    }

    private static long length(long[] intervals) {
        return intervals[1] - intervals[0] + intervals[3] - intervals[2];
    }

    /** A uniformly random instant inside the intervals (which have a positive total length). */
    private static long pick(long[] intervals, SplittableRandom r) {
        long x = r.nextLong(length(intervals));
        long first = intervals[1] - intervals[0];
        return x < first ? intervals[0] + x : intervals[2] + x - first;
    }

    // ------------------------------------------------------------------------------------------------ dossiers

    /** One case event of a dossier before its {@code sequence} is known. */
    private record Step(long at, String type, Consumer<ObjectNode> body) {
    }

    /** The attributes of a dossier that its events repeat. */
    private record Dossier(String code, ProcedureInfo procedure, Unit commune, String agency, Channel channel,
                           ApplicantType applicant) {
        void attributes(ObjectNode o) {
            Procedure p = procedure.procedure();
            o.put("procedure_code", p.code());
            o.put("field_code", p.fieldCode());
            o.put("agency_code", agency);
            o.put("commune_code", commune.code());
            o.put("channel", channel.name());
            o.put("service_level", procedure.level().name());
            o.put("applicant_type", applicant.name());
        }

        void serviceScope(ObjectNode o) {
            o.put("dossier_code", code);
            o.put("agency_code", agency);
            o.put("commune_code", commune.code());
            o.put("procedure_code", procedure.procedure().code());
        }
    }

    private void planDossier(Arrival arrival) {
        SplittableRandom r = dossierRandom;
        ProcedureInfo proc = arrival.procedure();
        Unit commune = communes.sample(r);
        Dossier d = new Dossier(
                "SL-" + localDate(arrival.at()).format(DAY_CODE) + "-" + runTag + "-" + (++dossierCount),
                proc, commune, agency(proc, commune, r), arrival.channel(),
                r.nextDouble() < proc.businessShare() ? ApplicantType.BUSINESS : ApplicantType.CITIZEN);
        List<Step> steps = new ArrayList<>(12);
        long received = arrival.at();
        if (arrival.channel() == Channel.ONLINE) {
            steps.add(new Step(arrival.at(), "SUBMITTED", d::attributes));
            planPortalJourney(d, arrival.at());
            received = intake(arrival.at(), r);
            if (r.nextDouble() < params.arrivals().refusedShare()) {
                steps.add(new Step(received, "REFUSED", NO_FIELDS));
                planSteps(d, steps);
                return;
            }
        }
        planReceived(d, received, steps, r);
        planSteps(d, steps);
        recent[(int) (dossierCount % RECENT_DOSSIERS)] = new RecentDossier(d, received);
    }

    /** The receipt of an online submission: at the next office time after it plus the desk's delay. */
    private long intake(long submitted, SplittableRandom r) {
        long delay = (long) (r.nextExponential() * params.arrivals().intakeDelayMinutes() * MINUTE);
        delay = Math.min(Math.max(delay, MINUTE), WORKING_DAY - MINUTE);
        return inOffice(addWorking(calendar.startOfCounting(Instant.ofEpochMilli(submitted)).toEpochMilli(), delay));
    }

    private String agency(ProcedureInfo proc, Unit commune, SplittableRandom r) {
        Procedure p = proc.procedure();
        boolean byCommune = p.communeLevel()
                && (!p.provinceLevel() || r.nextDouble() < params.mix().communeLevelShare());
        return byCommune ? "UBND-" + commune.code() : agencyByMinistry.getOrDefault(p.ministry(), "UBND-TINH");
    }

    /** Plans a received dossier from RECEIVED to its end, rating and payment. */
    private void planReceived(Dossier d, long received, List<Step> steps, SplittableRandom r) {
        SimulatorParams.Mix mix = params.mix();
        SimulatorParams.Processing pr = params.processing();
        Procedure procedure = d.procedure().procedure();
        List<RegulatedDuration> durations = procedure.durations();
        RegulatedDuration duration = durations.isEmpty()
                ? mix.fieldDurations().getOrDefault(procedure.fieldName(), mix.defaultDuration())
                : durations.get(r.nextInt(durations.size()));
        Instant receivedAt = Instant.ofEpochMilli(received);
        Instant due = calendar.due(receivedAt, duration.value(), duration.unit());
        long regulated = calendar.workingMillis(receivedAt, due);
        boolean sendDueAt = r.nextDouble() < mix.dueAtShare();
        boolean reused = r.nextDouble() < mix.reusedDataShare();
        Long fee = fee(procedure.fee(), r);
        boolean feeRequired = fee != null ? fee > 0 : r.nextDouble() < params.payments().unknownFeeShare();
        steps.add(new Step(received, "RECEIVED", o -> {
            d.attributes(o);
            o.putObject("regulated_duration").put("value", duration.value()).put("unit", duration.unit().name());
            if (sendDueAt) {
                o.put("due_at", KpiValue.formatTime(due));
            }
            o.put("fee_required", feeRequired);
            o.putObject("digitisation").put("reused_data", reused);
        }));

        double u = r.nextDouble();
        Ending ending = u < pr.withdrawnShare() ? Ending.WITHDRAWN
                : u < pr.withdrawnShare() + pr.stoppedShare() ? Ending.STOPPED
                : u < pr.withdrawnShare() + pr.stoppedShare() + pr.lateShare() ? Ending.LATE
                : Ending.RESOLVED;
        long active = ending == Ending.LATE
                ? regulated + Math.max(HOUR, (long) (regulated * uniform(r, 0.05, 0.5)))
                : (long) (Math.max(0, regulated - MINUTE) * uniform(r, 2 * pr.meanTimeFraction() - 1, 1));
        if (ending == Ending.WITHDRAWN || ending == Ending.STOPPED) {
            active = (long) (active * uniform(r, 0.1, 0.9));
        }
        steps.add(new Step(sec(addWorking(received, Math.min(r.nextLong(MINUTE, 30 * MINUTE), active / 10))),
                "PROCESSING", NO_FIELDS));

        int requests = r.nextDouble() >= pr.supplementShare() ? 0
                : r.nextDouble() < pr.secondSupplementShare() ? 2 : 1;
        long cursor = received;
        long done = 0;
        long offset = 0;
        for (int i = 0; i < requests; i++) {
            offset += (long) ((active - offset) * (i == 0 ? uniform(r, 0.1, 0.7) : uniform(r, 0.1, 0.9)));
            long requested = sec(addWorking(cursor, offset - done));
            long pause = (long) (uniform(r, pr.minPauseWorkingDays(), pr.maxPauseWorkingDays()) * WORKING_DAY);
            long resumed = sec(addWorking(requested, pause));
            steps.add(new Step(requested, "SUPPLEMENT_REQUESTED", NO_FIELDS));
            steps.add(new Step(resumed, "SUPPLEMENT_RECEIVED", NO_FIELDS));
            cursor = resumed;
            done = offset;
        }
        long end = sec(addWorking(cursor, active - done));
        boolean apology = ending == Ending.LATE && requests < 2 && r.nextDouble() < pr.apologyShare();
        if (apology) {
            long at = sec(addWorking(cursor, (long) ((active - done) * uniform(r, 0.2, 0.9))));
            Instant newDue = calendar.due(Instant.ofEpochMilli(end), 0, DurationUnit.WORKING_DAY);
            steps.add(new Step(at, "DUE_DATE_CHANGED", o -> o.put("due_at", KpiValue.formatTime(newDue))));
        }
        switch (ending) {
            case WITHDRAWN, STOPPED -> steps.add(new Step(end, ending.name(), NO_FIELDS));
            case RESOLVED, LATE -> {
                if (feeRequired) {
                    planPayment(d, received, end, fee, steps);
                }
                boolean late = ending == Ending.LATE && !apology || requests >= 2;
                planResult(end, late, steps, r);
            }
        }
    }

    /** One of the fee's variants (null when the source does not know the fee). */
    private static Long fee(ReferenceData.Fee fee, SplittableRandom r) {
        if (!fee.known()) {
            return null;
        }
        return fee.amountsVnd().get(r.nextInt(fee.amountsVnd().size()));
    }

    private void planResult(long end, boolean late, List<Step> steps, SplittableRandom r) {
        SimulatorParams.Results res = params.results();
        boolean inputs = r.nextDouble() < res.inputsDigitisedShare();
        boolean eResult = r.nextDouble() < res.eResultShare();
        steps.add(new Step(end, "RESOLVED", o -> o.putObject("digitisation")
                .put("inputs_digitised", inputs).put("e_result", eResult)));
        long returned = eResult ? sec(end + r.nextLong(MINUTE, HOUR))
                : inOffice(addWorking(end, r.nextLong(HOUR / 2, 2 * WORKING_DAY)));
        steps.add(new Step(returned, "RESULT_RETURNED", NO_FIELDS));
        if (r.nextDouble() < res.ratedShare()) {
            long ratedAt = sec(returned + r.nextLong(5 * MINUTE, 24 * HOUR));
            String rating = r.nextDouble() < (late ? res.dissatisfiedShareLate() : res.dissatisfiedShare())
                    ? "DISSATISFIED" : r.nextDouble() < res.verySatisfiedShare() ? "VERY_SATISFIED" : "SATISFIED";
            steps.add(new Step(ratedAt, "RATED", o -> o.put("rating", rating)));
        }
    }

    /**
     * The fee is paid after receipt (before the end when possible): online through a gateway, with attempts that may
     * fail and be retried (PAYMENT_* service events), or at the desk; then PAYMENT_COMPLETED.
     */
    private void planPayment(Dossier d, long received, long end, Long amount, List<Step> steps) {
        SplittableRandom r = paymentRandom;
        SimulatorParams.Payments p = params.payments();
        boolean onlineDossier = d.channel() == Channel.ONLINE;
        long at = onlineDossier
                ? received + (long) (r.nextExponential() * p.meanOnlinePaymentDelayMinutes() * MINUTE)
                : addWorking(received, r.nextLong(MINUTE, 15 * MINUTE));
        if (at >= end) {
            at = received + (end - received) / 2;
        }
        at = sec(at);
        if (r.nextDouble() >= (onlineDossier ? p.onlinePaymentShareOnline() : p.onlinePaymentShareDesk())) {
            steps.add(new Step(at, "PAYMENT_COMPLETED", o -> o.putObject("payment").put("online", false)));
            return;
        }
        String gateway = r.nextDouble() < p.dvcqgGatewayShare() ? "DVCQG" : "LOCAL";
        Consumer<ObjectNode> fields = o -> {
            d.serviceScope(o);
            if (amount != null) {
                o.put("amount_vnd", amount);
            }
            o.put("gateway", gateway);
        };
        for (int attempt = 1; attempt <= p.maxAttempts(); attempt++) {
            long resultAt = at + r.nextLong(5, 90) * SECOND;
            boolean failed = r.nextDouble() < p.failureShare();
            planService(at, "PAYMENT_INITIATED", fields);
            planService(resultAt, failed ? "PAYMENT_FAILED" : "PAYMENT_SUCCEEDED", fields);
            if (!failed) {
                steps.add(new Step(resultAt, "PAYMENT_COMPLETED",
                        o -> o.putObject("payment").put("online", true).put("gateway", gateway)));
                return;
            }
            at = resultAt + r.nextLong(1, 10) * MINUTE;
        }
        long atDesk = inOffice(addWorking(calendar.startOfCounting(Instant.ofEpochMilli(at)).toEpochMilli(),
                r.nextLong(10 * MINUTE, WORKING_DAY)));
        steps.add(new Step(atDesk, "PAYMENT_COMPLETED", o -> o.putObject("payment").put("online", false)));
    }

    /** Orders a dossier's steps by time (stably: planning order breaks ties) and plans them with their sequence. */
    private void planSteps(Dossier d, List<Step> steps) {
        steps.sort(Comparator.comparingLong(Step::at));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            int sequence = i;
            plan(step.at(), IocEvent.SCHEMA_CASE, step.type(), i == 0, o -> {
                o.put("dossier_code", d.code());
                o.put("sequence", sequence);
                step.body().accept(o);
                o.put("source_system", SOURCE_SYSTEM);
            });
        }
    }

    // ------------------------------------------------------------------------------------------------ portal

    /** VIEW and START shortly before an online submission, SUBMIT with it (if the session is reported). */
    private void planPortalJourney(Dossier d, long submitted) {
        SplittableRandom r = portalRandom;
        if (r.nextDouble() >= params.portal().reportedShare()) {
            return;
        }
        long viewed = sec(submitted - r.nextLong(10 * MINUTE, 45 * MINUTE));
        long started = sec(submitted - r.nextLong(MINUTE, 9 * MINUTE));
        String procedure = d.procedure().procedure().code();
        String commune = d.commune().code();
        if (viewed >= startMillis) {
            portalAction(viewed, "VIEW", procedure, commune);
        }
        if (started >= startMillis) {
            portalAction(started, "START", procedure, commune);
        }
        portalAction(submitted, "SUBMIT", procedure, commune);
    }

    /** Reported sessions that only browse, or start and abandon, in proportion to the slot's online submissions. */
    private void planPortalSessions(long s, long e, double onlineMean) {
        SplittableRandom r = portalRandom;
        SimulatorParams.Portal p = params.portal();
        double perSubmission = p.browseSessionsPerSubmission() + p.abandonedSessionsPerSubmission();
        if (perSubmission <= 0 || onlineMean <= 0) {
            return;
        }
        long[] times = new long[poisson(r, onlineMean * perSubmission * p.reportedShare())];
        for (int i = 0; i < times.length; i++) {
            times[i] = sec(r.nextLong(s, e));
        }
        Arrays.sort(times);
        for (long t : times) {
            String procedure = onlineProcedures.sample(r).procedure().code();
            String commune = communes.sample(r).code();
            portalAction(t, "VIEW", procedure, commune);
            if (r.nextDouble() * perSubmission < p.abandonedSessionsPerSubmission()) {
                long started = t + r.nextLong(1, 5) * MINUTE;
                portalAction(started, "START", procedure, commune);
                portalAction(started + r.nextLong(2, 30) * MINUTE, "ABANDON", procedure, commune);
            }
        }
    }

    private void portalAction(long at, String action, String procedure, String commune) {
        planService(at, "PORTAL_ACTION", o -> o.put("action", action).put("procedure_code", procedure)
                .put("commune_code", commune));
    }

    // ------------------------------------------------------------------------------------------------ feedback

    /** A dossier received recently, which a citizen's feedback may be about. */
    private record RecentDossier(Dossier dossier, long received) {
    }

    private void planFeedback(long s, long e, double mean) {
        SplittableRandom r = feedbackRandom;
        SimulatorParams.Feedback f = params.feedback();
        long[] times = new long[poisson(r, mean)];
        for (int i = 0; i < times.length; i++) {
            times[i] = sec(r.nextLong(s, e));
        }
        Arrays.sort(times);
        for (long t : times) {
            String id = "PAKN-" + runTag + "-" + (++feedbackCount);
            RecentDossier linked = null;
            if (r.nextDouble() < f.linkedShare()) {
                RecentDossier candidate = recent[r.nextInt(RECENT_DOSSIERS)];
                linked = candidate != null && candidate.received() <= t ? candidate : null;
            }
            String commune = linked != null ? linked.dossier().commune().code() : communes.sample(r).code();
            String agency = linked != null ? linked.dossier().agency() : "UBND-" + commune;
            String dossier = linked == null ? null : linked.dossier().code();
            Consumer<ObjectNode> scope = o -> o.put("feedback_id", id).put("agency_code", agency)
                    .put("commune_code", commune);
            planService(t, "FEEDBACK_RECEIVED", o -> {
                scope.accept(o);
                if (dossier != null) {
                    o.put("dossier_code", dossier);
                }
            });
            double workingDays = r.nextDouble() < f.lateAnswerShare() ? uniform(r, 16.5, 25) : uniform(r, 0.5, 14.5);
            long answered = inOffice(addWorking(calendar.startOfCounting(Instant.ofEpochMilli(t)).toEpochMilli(),
                    (long) (workingDays * WORKING_DAY)));
            planService(answered, "FEEDBACK_ANSWERED", scope);
            if (r.nextDouble() < f.reactionShare()) {
                String reaction = r.nextDouble() < f.likeShare() ? "LIKE" : "DISLIKE";
                planService(sec(answered + r.nextLong(10 * MINUTE, 48 * HOUR)), "FEEDBACK_REACTION",
                        o -> o.put("feedback_id", id).put("reaction", reaction));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ availability

    /** A component's current or last incident. */
    private static final class ComponentState {
        final Component component;
        final int index;
        long incidentStart = Long.MIN_VALUE;
        long incidentEnd = Long.MIN_VALUE;
        String incidentState;

        ComponentState(Component component, int index) {
            this.component = component;
            this.index = index;
        }
    }

    /** Incidents that start in [s, e), then every component's periodic report (state of the moment). */
    private void planAvailability(long s, long e) {
        SplittableRandom r = availabilityRandom;
        SimulatorParams.Availability a = params.availability();
        double incidentMean = a.incidentsPerMonth() / (30 * 24.0) * (e - s) / HOUR;
        long beat = a.heartbeatMinutes() * MINUTE;
        for (ComponentState c : components) {
            long[] starts = new long[poisson(r, incidentMean)];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = sec(r.nextLong(s, e));
            }
            Arrays.sort(starts);
            // every incident that may cover a report of this slot: the one carried over, then this slot's
            List<long[]> spans = new ArrayList<>();
            List<String> spanStates = new ArrayList<>();
            if (c.incidentEnd > s) {
                spans.add(new long[] {c.incidentStart, c.incidentEnd});
                spanStates.add(c.incidentState);
            }
            for (long at : starts) {
                double minutes = StrictMath.exp(uniform(r, StrictMath.log(a.minIncidentMinutes()),
                        StrictMath.log(a.maxIncidentMinutes())));
                String state = r.nextDouble() < a.downShare() ? "DOWN" : "DEGRADED";
                if (at < c.incidentEnd) {
                    continue; // still inside the previous incident
                }
                c.incidentStart = at;
                c.incidentEnd = sec(at + (long) (minutes * MINUTE));
                c.incidentState = state;
                spans.add(new long[] {c.incidentStart, c.incidentEnd});
                spanStates.add(state);
                availability(at, c, state, r);
                availability(c.incidentEnd, c, "UP", r);
            }
            long first = s == startMillis ? s : Math.floorDiv(s + beat - 1, beat) * beat;
            for (long t = first; t < e; t = Math.floorDiv(t, beat) * beat + beat) {
                long at = t + c.index * SECOND; // components report a few seconds apart
                String state = "UP";
                for (int i = 0; i < spans.size(); i++) {
                    if (at >= spans.get(i)[0] && at < spans.get(i)[1]) {
                        state = spanStates.get(i);
                    }
                }
                availability(at, c, state, r);
            }
        }
    }

    private void availability(long at, ComponentState c, String state, SplittableRandom r) {
        double typical = params.availability().latencyMs();
        long latency = switch (state) {
            case "UP" -> Math.round(typical * StrictMath.exp(0.35 * r.nextGaussian()));
            case "DEGRADED" -> Math.round(typical * uniform(r, 4, 12));
            default -> -1;
        };
        planService(at, "AVAILABILITY", o -> {
            o.put("component", c.component.name()).put("state", state);
            if (latency >= 0) {
                o.put("latency_ms", latency);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ procedure mix

    /**
     * A procedure with what the simulator decides about it once: its weight in the dossier volume (field weight
     * shared among the field's procedures by a Zipf law over a seeded ranking), its online service level (stated
     * by the source, else drawn: full or partial), the share of its dossiers submitted online and its share of
     * business applicants.
     */
    private record ProcedureInfo(Procedure procedure, double weight, ServiceLevel level, double onlineShare,
                                 double businessShare) {
    }

    private List<ProcedureInfo> procedureMix(List<Procedure> procedures, SplittableRandom r) {
        SimulatorParams.Mix mix = params.mix();
        Map<String, List<Procedure>> byField = new LinkedHashMap<>();
        for (Procedure p : procedures) {
            byField.computeIfAbsent(p.fieldName(), k -> new ArrayList<>()).add(p);
        }
        Map<Procedure, Double> weight = new HashMap<>();
        for (Map.Entry<String, List<Procedure>> field : byField.entrySet()) {
            List<Procedure> ranked = new ArrayList<>(field.getValue());
            Collections.shuffle(ranked, new Random(r.nextLong()));
            double[] zipf = new double[ranked.size()];
            for (int i = 0; i < zipf.length; i++) {
                zipf[i] = 1 / StrictMath.pow(i + 1, mix.procedureSkew());
            }
            double total = Arrays.stream(zipf).sum();
            double fieldWeight = mix.fieldWeights().getOrDefault(field.getKey(), mix.otherFieldWeight());
            for (int i = 0; i < zipf.length; i++) {
                weight.put(ranked.get(i), fieldWeight * zipf[i] / total);
            }
        }
        List<ProcedureInfo> result = new ArrayList<>();
        for (Procedure p : procedures) {
            boolean full = r.nextDouble() < mix.fullServiceShare();
            ServiceLevel level = !p.online() ? ServiceLevel.NONE
                    : p.statedLevel() != null ? p.statedLevel() : full ? ServiceLevel.FULL : ServiceLevel.PARTIAL;
            double online = !p.online() ? 0 : p.channels().size() == 1 ? 1 : mix.onlineShare();
            result.add(new ProcedureInfo(p, weight.get(p), level, online,
                    mix.businessShareByField().getOrDefault(p.fieldName(), 0.0)));
        }
        return result;
    }

    /** Weighted random choice (items with weight 0 are never chosen). */
    private static final class Sampler<T> {
        private final List<T> items = new ArrayList<>();
        private final double[] cumulative;

        Sampler(List<T> all, ToDoubleFunction<T> weight) {
            double[] c = new double[all.size()];
            double sum = 0;
            for (T item : all) {
                double w = weight.applyAsDouble(item);
                if (w > 0) {
                    sum += w;
                    c[items.size()] = sum;
                    items.add(item);
                }
            }
            this.cumulative = Arrays.copyOf(c, items.size());
        }

        double total() {
            return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
        }

        T sample(SplittableRandom r) {
            int i = Arrays.binarySearch(cumulative, r.nextDouble() * total());
            return items.get(i >= 0 ? Math.min(i + 1, items.size() - 1) : -i - 1);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Poisson variate: exact (Knuth) below a mean of 30, normal approximation above. */
    static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean >= 30) {
            return (int) Math.max(0, Math.round(mean + StrictMath.sqrt(mean) * r.nextGaussian()));
        }
        double limit = StrictMath.exp(-mean);
        double p = r.nextDouble();
        int k = 0;
        while (p > limit) {
            k++;
            p *= r.nextDouble();
        }
        return k;
    }

    /** Uniform in [lo, hi) (lo itself when the range is empty). */
    private static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    private long addWorking(long from, long millis) {
        return calendar.addWorkingMillis(Instant.ofEpochMilli(from), millis).toEpochMilli();
    }

    /** {@code t} in whole seconds, moved to the next office time when outside office hours. */
    private long inOffice(long t) {
        return calendar.startOfCounting(Instant.ofEpochMilli(sec(t))).toEpochMilli();
    }

    private static long sec(long t) {
        return Math.floorDiv(t, SECOND) * SECOND;
    }

    private static LocalDate localDate(long t) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(t), KpiValue.ZONE);
    }

    private static long at(LocalDate day, LocalTime time) {
        return day.atTime(time).atZone(KpiValue.ZONE).toInstant().toEpochMilli();
    }

    private static double sum(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** SplitMix64's finaliser: spreads a seed over all bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
