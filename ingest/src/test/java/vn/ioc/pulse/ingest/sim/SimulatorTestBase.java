package vn.ioc.pulse.ingest.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ValidationException;
import vn.ioc.pulse.model.WorkingCalendar;

/** Named fixtures for the simulator tests: reference data, calendar, periods, and one shared generated period. */
abstract class SimulatorTestBase {
    static final ReferenceData REF = ReferenceData.load();
    static final WorkingCalendar CALENDAR = WorkingCalendar.load();
    static final SimulatorParams DEFAULTS = SimulatorParams.defaults();

    /**
     * 1 April 2025, 00:00 local. The following weeks hold Hùng Kings' day (Monday 7 April), a make-up working
     * Saturday (26 April) and the 30 April – 2 May holidays.
     */
    static final Instant APRIL_2025 = day(2025, 4, 1);
    static final LocalDate MAKEUP_SATURDAY = LocalDate.of(2025, 4, 26);
    static final LocalDate REUNIFICATION_DAY = LocalDate.of(2025, 4, 30);
    static final Duration ONE_DAY = Duration.ofDays(1);
    static final Duration TWO_DAYS = Duration.ofDays(2);

    /** Length of the shared statistics period, and the receipts whose fate the rate tests follow (its first part). */
    static final Duration STATS_PERIOD = Duration.ofDays(30);
    static final Duration STATS_COHORT = Duration.ofDays(10);

    static Instant day(int year, int month, int dayOfMonth) {
        return LocalDate.of(year, month, dayOfMonth).atStartOfDay(KpiValue.ZONE).toInstant();
    }

    /** The JSON lines of a simulation from {@code start} over {@code length}, emitted by one {@code advanceTo}. */
    static List<String> generate(SimulatorParams params, Instant start, Duration length) {
        List<String> out = new ArrayList<>();
        new SonLaSimulator(REF, CALENDAR, params, start).advanceTo(start.plus(length), out::add);
        return out;
    }

    /** The same, emitted by many {@code advanceTo} calls {@code step} apart. */
    static List<String> generateInSteps(SimulatorParams params, Instant start, Duration length, Duration step) {
        List<String> out = new ArrayList<>();
        SonLaSimulator sim = new SonLaSimulator(REF, CALENDAR, params, start);
        Instant end = start.plus(length);
        for (Instant t = start.plus(step); t.isBefore(end); t = t.plus(step)) {
            sim.advanceTo(t, out::add);
        }
        sim.advanceTo(end, out::add);
        return out;
    }

    static IocEvent parse(String json) {
        try {
            return EventCodec.parse(json);
        } catch (ValidationException e) {
            throw new AssertionError("invalid simulated event (" + e.getMessage() + "): " + json, e);
        }
    }

    /** A generated period, parsed: every event, and the case events of each dossier in event order. */
    record Period(Instant start, Instant end, List<String> json, List<IocEvent> events,
                  Map<String, List<CaseEvent>> dossiers) {

        List<ServiceEvent> service(ServiceEvent.Type type) {
            return events.stream().filter(e -> e instanceof ServiceEvent s && s.type() == type)
                    .map(ServiceEvent.class::cast).toList();
        }

        long count(String type) {
            return events.stream().filter(e -> e instanceof CaseEvent c && c.type().name().equals(type)
                    || e instanceof ServiceEvent s && s.type().name().equals(type)).count();
        }
    }

    private static Period statsPeriod;

    /** {@link #STATS_PERIOD} from {@link #APRIL_2025} with the defaults, generated once for all tests. */
    static synchronized Period statsPeriod() {
        if (statsPeriod == null) {
            List<String> json = generate(DEFAULTS, APRIL_2025, STATS_PERIOD);
            List<IocEvent> events = json.stream().map(SimulatorTestBase::parse).toList();
            Map<String, List<CaseEvent>> dossiers = new LinkedHashMap<>();
            for (IocEvent e : events) {
                if (e instanceof CaseEvent c) {
                    dossiers.computeIfAbsent(c.dossierCode(), k -> new ArrayList<>()).add(c);
                }
            }
            dossiers.values().forEach(list -> list.sort(
                    Comparator.comparing(CaseEvent::occurredAt).thenComparingLong(CaseEvent::sequence)));
            statsPeriod = new Period(APRIL_2025, APRIL_2025.plus(STATS_PERIOD), json, events, dossiers);
        }
        return statsPeriod;
    }
}
