package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.ingest.sim.ReferenceData.Procedure;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * The rates of a generated month, computed naively from the emitted events (due dates recomputed with
 * the calendar), are those the parameters ask for. Dossier rates follow the cohort received in the first
 * {@link #STATS_COHORT}, so that most of their lifecycle lies inside the period.
 */
@DisplayName("Simulated traffic has the parameters' rates")
class SimulatedRatesTest extends SimulatorTestBase {
    private static final Map<String, Procedure> PROCEDURES =
            REF.procedures().stream().collect(Collectors.toMap(Procedure::code, Function.identity()));

    @Test
    @DisplayName("online share of dossiers whose procedure allows online and paper, on working days ≈ onlineShare")
    void onlineShare() {
        long mixed = 0;
        long online = 0;
        for (List<CaseEvent> d : statsPeriod().dossiers().values()) {
            CaseEvent first = d.get(0);
            Procedure p = PROCEDURES.get(first.procedureCode());
            boolean workingDay = CALENDAR.isWorkingDay(LocalDate.ofInstant(first.occurredAt(), KpiValue.ZONE));
            if (workingDay && p.online() && p.channels().size() > 1) {
                mixed++;
                online += first.channel() == Channel.ONLINE ? 1 : 0;
            }
        }
        assertThat(mixed).isGreaterThan(5_000);
        assertThat(online / (double) mixed).isCloseTo(DEFAULTS.mix().onlineShare(), within(0.02));
    }

    @Test
    @DisplayName("refused share of online submissions ≈ refusedShare")
    void refusedShare() {
        Period p = statsPeriod();
        assertThat(p.count("REFUSED") / (double) p.count("SUBMITTED"))
                .isCloseTo(DEFAULTS.arrivals().refusedShare(), within(0.005));
    }

    @Test
    @DisplayName("share of received dossiers with a supplement request ≈ supplementShare")
    void supplementShare() {
        List<List<CaseEvent>> cohort = cohort();
        long withRequest = cohort.stream().filter(d -> requests(d) >= 1).count();

        assertThat(withRequest / (double) cohort.size())
                .isCloseTo(DEFAULTS.processing().supplementShare(), within(0.012));
    }

    @Test
    @DisplayName("≈ 2–3 % of ended dossiers are late and time saving ≈ 30 %, due dates recomputed with the calendar")
    void lateShareAndTimeSaving() {
        long ended = 0;
        long late = 0;
        double regulated = 0;
        double actual = 0;
        for (List<CaseEvent> d : cohort()) {
            Outcome o = outcome(d);
            if (o == null) {
                continue;
            }
            ended++;
            late += o.late() ? 1 : 0;
            if (o.resolved()) {
                regulated += o.regulatedMillis();
                actual += o.actualMillis();
            }
        }
        SimulatorParams.Processing pr = DEFAULTS.processing();
        double expectedLate = pr.lateShare() * (1 - pr.apologyShare())
                + pr.supplementShare() * pr.secondSupplementShare();
        assertThat(ended).isGreaterThan(5_000);
        assertThat(late / (double) ended).isCloseTo(expectedLate, within(0.007));
        assertThat(1 - actual / regulated).isCloseTo(0.30, within(0.04));
    }

    @Test
    @DisplayName("rated share of resolved dossiers ≈ ratedShare; withdrawn and stopped ≈ their shares")
    void ratedWithdrawnStopped() {
        List<List<CaseEvent>> cohort = cohort();
        long resolved = cohort.stream().filter(d -> has(d, CaseEventType.RESOLVED)).count();
        long rated = cohort.stream().filter(d -> has(d, CaseEventType.RESOLVED) && has(d, CaseEventType.RATED)).count();
        long withdrawn = cohort.stream().filter(d -> has(d, CaseEventType.WITHDRAWN)).count();
        long stopped = cohort.stream().filter(d -> has(d, CaseEventType.STOPPED)).count();

        assertThat(rated / (double) resolved).isCloseTo(DEFAULTS.results().ratedShare(), within(0.02));
        assertThat(withdrawn / (double) cohort.size()).isCloseTo(DEFAULTS.processing().withdrawnShare(), within(0.003));
        assertThat(stopped / (double) cohort.size()).isCloseTo(DEFAULTS.processing().stoppedShare(), within(0.003));
    }

    @Test
    @DisplayName("online payments fail ≈ failureShare of attempts; ONLINE dossiers with a fee pay online more often")
    void payments() {
        Period p = statsPeriod();
        long failed = p.count("PAYMENT_FAILED");
        long succeeded = p.count("PAYMENT_SUCCEEDED");
        assertThat(failed / (double) (failed + succeeded)).isCloseTo(DEFAULTS.payments().failureShare(), within(0.012));

        long[] online = new long[2];
        long[] desk = new long[2];
        for (List<CaseEvent> d : cohort()) {
            CaseEvent paid = d.stream().filter(e -> e.type() == CaseEventType.PAYMENT_COMPLETED).findFirst()
                    .orElse(null);
            if (paid != null) {
                long[] counter = received(d).channel() == Channel.ONLINE ? online : desk;
                counter[0]++;
                counter[1] += paid.payment().online() ? 1 : 0;
            }
        }
        assertThat(online[1] / (double) online[0])
                .isCloseTo(DEFAULTS.payments().onlinePaymentShareOnline(), within(0.04));
        assertThat(desk[1] / (double) desk[0]).isCloseTo(DEFAULTS.payments().onlinePaymentShareDesk(), within(0.03));
    }

    @Test
    @DisplayName("feedback arrives at perDay (fewer on days off), ≈ lateAnswerShare is answered after 15 working days")
    void feedback() {
        SimulatorParams.Feedback f = new SimulatorParams.Feedback(200, 0.3, 0.05, 0.4, 0.75);
        SimulatorParams params = new SimulatorParams(1, 0.05, DEFAULTS.arrivals(), DEFAULTS.mix(),
                DEFAULTS.processing(), DEFAULTS.payments(), DEFAULTS.results(), f, DEFAULTS.availability(),
                DEFAULTS.portal());
        Duration twoMonths = Duration.ofDays(61);
        Instant end = APRIL_2025.plus(twoMonths);
        List<ServiceEvent> events = generate(params, APRIL_2025, twoMonths).stream()
                .map(SimulatorTestBase::parse).filter(ServiceEvent.class::isInstance).map(ServiceEvent.class::cast)
                .toList();
        SimulatorParams.Arrivals a = DEFAULTS.arrivals();
        double expected = 0;
        for (LocalDate day = LocalDate.ofInstant(APRIL_2025, KpiValue.ZONE);
             day.isBefore(LocalDate.ofInstant(end, KpiValue.ZONE)); day = day.plusDays(1)) {
            expected += f.perDay() * params.scale() * (CALENDAR.isWorkingDay(day)
                    ? a.weekdayFactors().get(day.getDayOfWeek().getValue() - 1) : a.onlineDayOffFactor());
        }
        List<ServiceEvent> received = of(events, ServiceEvent.Type.FEEDBACK_RECEIVED);
        assertThat((double) received.size()).isCloseTo(expected, within(expected * 0.08));
        assertThat(received).anyMatch(r -> r.dossierCode() != null);

        Map<String, Instant> answered = of(events, ServiceEvent.Type.FEEDBACK_ANSWERED).stream()
                .collect(Collectors.toMap(ServiceEvent::feedbackId, ServiceEvent::occurredAt));
        long followed = 0;
        long late = 0;
        for (ServiceEvent r : received) {
            Instant deadline = CALENDAR.due(r.occurredAt(), 15, CaseEvent.DurationUnit.WORKING_DAY);
            if (deadline.plus(Duration.ofDays(20)).isBefore(end)) {
                followed++;
                Instant answer = answered.get(r.feedbackId());
                late += answer == null || answer.isAfter(deadline) ? 1 : 0;
            }
        }
        assertThat(followed).isGreaterThan(100);
        assertThat(late / (double) followed).isCloseTo(f.lateAnswerShare(), within(0.03));
        assertThat(of(events, ServiceEvent.Type.FEEDBACK_REACTION).size() / (double) answered.size())
                .isCloseTo(f.reactionShare(), within(0.06));
    }

    private static List<ServiceEvent> of(List<ServiceEvent> events, ServiceEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    // ------------------------------------------------------------------------------------------------ naive rules

    /** Dossiers received in the first {@link #STATS_COHORT} of the period. */
    private static List<List<CaseEvent>> cohort() {
        Instant until = APRIL_2025.plus(STATS_COHORT);
        return statsPeriod().dossiers().values().stream()
                .filter(d -> received(d) != null && received(d).occurredAt().isBefore(until)).toList();
    }

    private static CaseEvent received(List<CaseEvent> d) {
        return d.stream().filter(e -> e.type() == CaseEventType.RECEIVED).findFirst().orElse(null);
    }

    private static boolean has(List<CaseEvent> d, CaseEventType type) {
        return d.stream().anyMatch(e -> e.type() == type);
    }

    private static long requests(List<CaseEvent> d) {
        return d.stream().filter(e -> e.type() == CaseEventType.SUPPLEMENT_REQUESTED).count();
    }

    /** An ended dossier's lateness and working times. */
    private record Outcome(boolean late, boolean resolved, long regulatedMillis, long actualMillis) {
    }

    /**
     * DOMAIN.md's clock, naively: due from due_at or the regulated duration, moved by paused working time or
     * replaced by DUE_DATE_CHANGED; late if it ended after the due or had two requests. Null while open.
     */
    private static Outcome outcome(List<CaseEvent> d) {
        CaseEvent r = received(d);
        Instant originalDue = r.dueAt() != null ? r.dueAt()
                : CALENDAR.due(r.occurredAt(), r.regulatedDuration().value(), r.regulatedDuration().unit());
        Instant due = originalDue;
        Instant pausedAt = null;
        long paused = 0;
        for (CaseEvent e : d.subList(d.indexOf(r) + 1, d.size())) {
            switch (e.type()) {
                case SUPPLEMENT_REQUESTED -> pausedAt = pausedAt == null ? e.occurredAt() : pausedAt;
                case SUPPLEMENT_RECEIVED -> {
                    long p = CALENDAR.workingMillis(pausedAt, e.occurredAt());
                    paused += p;
                    due = CALENDAR.addWorkingMillis(due, p);
                    pausedAt = null;
                }
                case DUE_DATE_CHANGED -> due = e.dueAt();
                case RESOLVED, RESULT_RETURNED, WITHDRAWN, STOPPED -> {
                    boolean late = requests(d) >= 2 || e.occurredAt().isAfter(due);
                    return new Outcome(late, e.type() == CaseEventType.RESOLVED,
                            CALENDAR.workingMillis(r.occurredAt(), originalDue),
                            CALENDAR.workingMillis(r.occurredAt(), e.occurredAt()) - paused);
                }
                default -> {
                }
            }
        }
        return null;
    }
}
