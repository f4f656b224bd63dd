package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ServiceEvent.Component;
import vn.ioc.pulse.model.WorkingCalendar;

/** The simulator's guarantees: valid events, in order, unique ids, reproducible, the same live and in one go. */
@DisplayName("SonLaSimulator")
class SonLaSimulatorTest extends SimulatorTestBase {

    @Test
    @DisplayName("every event of a generated month passes the contract codec")
    void everyEventIsValid() {
        Period period = statsPeriod();

        assertThat(period.events()).hasSameSizeAs(period.json()).hasSizeGreaterThan(100_000);
        assertThat(period.events()).noneMatch(e -> e instanceof ClockTick);
    }

    @Test
    @DisplayName("events come in non-decreasing occurred_at order, none before the start or after the end")
    void eventsAreInTimeOrder() {
        Period period = statsPeriod();
        Instant previous = period.start();
        for (IocEvent e : period.events()) {
            assertThat(e.eventTime()).isAfterOrEqualTo(previous);
            previous = e.eventTime();
        }
        assertThat(previous).isBeforeOrEqualTo(period.end());
    }

    @Test
    @DisplayName("event ids are unique, and a dossier's sequence numbers follow its events' order")
    void idsAreUnique() {
        Period period = statsPeriod();
        Set<String> ids = new HashSet<>();
        for (IocEvent e : period.events()) {
            String id = e instanceof CaseEvent c ? c.eventId() : ((ServiceEvent) e).eventId();
            assertThat(ids.add(id)).as("duplicate event id %s", id).isTrue();
        }
        for (List<CaseEvent> dossier : period.dossiers().values()) {
            for (int i = 0; i < dossier.size(); i++) {
                assertThat(dossier.get(i).sequence()).isEqualTo(i);
            }
        }
    }

    @Test
    @DisplayName("the same seed and start give the same events byte for byte; another seed gives others")
    void deterministic() {
        List<String> first = generate(DEFAULTS, APRIL_2025, ONE_DAY);
        List<String> again = generate(DEFAULTS, APRIL_2025, ONE_DAY);
        List<String> otherSeed = generate(DEFAULTS.withSeed(7), APRIL_2025, ONE_DAY);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(Collections.disjoint(dossierCodes(otherSeed), dossierCodes(first))).isTrue();
    }

    @Test
    @DisplayName("runs with another start share no event id, dossier code or feedback id")
    void otherStartDoesNotCollide() {
        List<String> first = generate(DEFAULTS, APRIL_2025, ONE_DAY);
        List<String> later = generate(DEFAULTS, APRIL_2025.plusSeconds(1), ONE_DAY);

        assertThat(Collections.disjoint(eventIds(later), eventIds(first))).isTrue();
        assertThat(Collections.disjoint(dossierCodes(later), dossierCodes(first))).isTrue();
    }

    @Test
    @DisplayName("advancing in many small steps (live) gives exactly the stream of one big step (file)")
    void smallStepsEqualOneStep() {
        Instant start = APRIL_2025.plus(Duration.ofHours(9).plusMinutes(17).plusSeconds(3)); // not on an hour
        List<String> oneStep = generate(DEFAULTS, start, TWO_DAYS);
        List<String> live = generateInSteps(DEFAULTS, start, TWO_DAYS, Duration.ofSeconds(437));

        assertThat(live.size()).isEqualTo(oneStep.size());
        assertThat(live.equals(oneStep)).as("same events in the same order").isTrue();
    }

    @Test
    @DisplayName("each advanceTo emits exactly the events up to its instant; an earlier instant emits nothing")
    void advanceToEmitsUpToItsInstant() {
        SonLaSimulator sim = new SonLaSimulator(REF, CALENDAR, DEFAULTS, APRIL_2025);
        Instant previous = APRIL_2025;
        long total = 0;
        for (Duration step : List.of(Duration.ofHours(10), Duration.ofMinutes(1), Duration.ofHours(30))) {
            Instant t = previous.plus(step);
            List<String> out = new ArrayList<>();
            long n = sim.advanceTo(t, out::add);
            assertThat(n).isEqualTo(out.size()).isPositive();
            total += n;
            for (String json : out) {
                Instant at = parse(json).eventTime();
                assertThat(at.isAfter(previous) || previous.equals(APRIL_2025) && at.equals(APRIL_2025)).isTrue();
                assertThat(at).isBeforeOrEqualTo(t);
            }
            previous = t;
        }
        assertThat(sim.advanceTo(APRIL_2025.plus(Duration.ofHours(5)), json -> { })).isZero();
        assertThat(sim.countsByType().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    }

    @Test
    @DisplayName("no dossier is received outside office hours or on a day off; desks open on a make-up Saturday")
    void receiptsOnlyInOfficeHours() {
        Period period = statsPeriod();
        List<CaseEvent> received = period.events().stream()
                .filter(e -> e instanceof CaseEvent c && c.type() == CaseEventType.RECEIVED)
                .map(CaseEvent.class::cast).toList();

        for (CaseEvent r : received) {
            LocalDateTime local = LocalDateTime.ofInstant(r.occurredAt(), KpiValue.ZONE);
            assertThat(CALENDAR.isWorkingDay(local.toLocalDate())).as("%s received on a day off", r.dossierCode())
                    .isTrue();
            assertThat(inOffice(local.toLocalTime())).as("%s received at %s", r.dossierCode(), local).isTrue();
        }
        Map<LocalDate, Long> directByDay = received.stream().filter(r -> r.channel() == Channel.DIRECT)
                .collect(Collectors.groupingBy(r -> LocalDate.ofInstant(r.occurredAt(), KpiValue.ZONE),
                        Collectors.counting()));
        assertThat(directByDay.get(MAKEUP_SATURDAY)).isPositive();
        assertThat(directByDay).doesNotContainKey(REUNIFICATION_DAY);
    }

    @Test
    @DisplayName("every component reports at least every heartbeat, and every incident ends with UP")
    void availabilityIsContinuous() {
        Period period = statsPeriod();
        Duration beat = Duration.ofMinutes(DEFAULTS.availability().heartbeatMinutes());
        Instant lastIncidentStart = period.end()
                .minus(Duration.ofMinutes((long) DEFAULTS.availability().maxIncidentMinutes()));
        long incidents = 0;
        for (Component c : Component.values()) {
            List<ServiceEvent> reports = period.service(ServiceEvent.Type.AVAILABILITY).stream()
                    .filter(s -> s.component() == c).toList();
            assertThat(reports.get(0).occurredAt()).isBefore(period.start().plus(Duration.ofMinutes(1)));
            for (int i = 1; i < reports.size(); i++) {
                assertThat(Duration.between(reports.get(i - 1).occurredAt(), reports.get(i).occurredAt()))
                        .isLessThanOrEqualTo(beat.plusSeconds(Component.values().length));
            }
            for (int i = 1; i < reports.size(); i++) {
                boolean starts = reports.get(i).state() != ServiceEvent.State.UP
                        && reports.get(i - 1).state() == ServiceEvent.State.UP;
                if (starts && reports.get(i).occurredAt().isBefore(lastIncidentStart)) {
                    incidents++;
                    assertThat(reports.subList(i, reports.size())).anyMatch(s -> s.state() == ServiceEvent.State.UP);
                }
            }
        }
        assertThat(incidents).isPositive();
    }

    private static boolean inOffice(LocalTime t) {
        return !t.isBefore(WorkingCalendar.OPEN_MORNING) && t.isBefore(WorkingCalendar.CLOSE_MORNING)
                || !t.isBefore(WorkingCalendar.OPEN_AFTERNOON) && t.isBefore(WorkingCalendar.CLOSE_AFTERNOON);
    }

    private static Set<String> dossierCodes(List<String> json) {
        return json.stream().map(SimulatorTestBase::parse).filter(CaseEvent.class::isInstance)
                .map(e -> ((CaseEvent) e).dossierCode()).collect(Collectors.toSet());
    }

    private static Set<String> eventIds(List<String> json) {
        Set<String> ids = new HashSet<>();
        for (String line : json) {
            IocEvent e = parse(line);
            ids.add(e instanceof CaseEvent c ? c.eventId() : ((ServiceEvent) e).eventId());
            if (e instanceof ServiceEvent s && s.feedbackId() != null) {
                ids.add(s.feedbackId());
            }
        }
        return ids;
    }
}
