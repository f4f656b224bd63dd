package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static vn.ioc.pulse.jobs.rules.RulesHarness.at;
import static vn.ioc.pulse.jobs.rules.RulesHarness.ev;
import static vn.ioc.pulse.jobs.rules.RulesHarness.kpisAsOf;
import static vn.ioc.pulse.model.CaseEventType.DUE_DATE_CHANGED;
import static vn.ioc.pulse.model.CaseEventType.RECEIVED;
import static vn.ioc.pulse.model.CaseEventType.REFUSED;
import static vn.ioc.pulse.model.CaseEventType.RESOLVED;
import static vn.ioc.pulse.model.CaseEventType.RESULT_RETURNED;
import static vn.ioc.pulse.model.CaseEventType.SUPPLEMENT_RECEIVED;
import static vn.ioc.pulse.model.CaseEventType.SUPPLEMENT_REQUESTED;
import static vn.ioc.pulse.model.CaseEventType.WITHDRAWN;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.KpiValue;

/**
 * Hand-computed fixtures, one per clock rule of DOMAIN.md §2 and §7. Monday 2 March 2026 is a working week with
 * no holiday (Mon 2 … Fri 6). Office hours 07:00–11:30 and 13:30–17:00: a full day is 8 h, Monday from 09:00 is
 * 2.5 + 3.5 = 6 h.
 */
class ClockRulesFixtureTest {
    static final double EPS = 1e-9;

    static double v(Map<String, KpiValue> k, String key) {
        assertThat(k).as("values present").containsKey(key);
        return k.get(key).value();
    }

    static double num(Map<String, KpiValue> k, String key) {
        assertThat(k).containsKey(key);
        return k.get(key).numerator();
    }

    static double den(Map<String, KpiValue> k, String key) {
        assertThat(k).containsKey(key);
        return k.get(key).denominator();
    }

    @Test
    @DisplayName("resolved on an earlier day than the due day is EARLY, with working-time KPIs computed by hand")
    void early() {
        // received Mon 09:00, 3 working days → due Thu 5/3 17:00; resolved Tue 10:00
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").workingDays(3).build(),
                ev("x", "d", RESOLVED, "2026-03-03T10:00").build());
        Map<String, KpiValue> k = kpisAsOf(e, at("2026-03-04T12:00"));
        assertThat(v(k, "early_ratio/province/SL/30d")).isEqualTo(1.0);
        assertThat(num(k, "on_time_ratio/province/SL/7d")).isEqualTo(1.0);
        assertThat(den(k, "on_time_ratio/province/SL/7d")).isEqualTo(1.0);
        // ended Tue 10:00 is not in the 24h window (Tue 12:00, Wed 12:00]; nothing is open
        assertThat(den(k, "on_time_ratio/province/SL/24h")).isEqualTo(0.0);
        assertThat(k.get("on_time_ratio/province/SL/24h").value()).isNull();
        assertThat(k.get("on_time_ratio/province/SL/24h").status()).isEqualTo(KpiValue.Status.GREY);
        // actual: Mon 09:00–17:00 = 6 h, Tue 07:00–10:00 = 3 h → 9 h = 1.125 working days
        assertThat(num(k, "avg_processing_days/province/SL/30d")).isCloseTo(1.125, within(EPS));
        assertThat(den(k, "avg_processing_days/province/SL/30d")).isEqualTo(1.0);
        // regulated: Mon 6 h + Tue 8 + Wed 8 + Thu 8 = 30 h; saving 30 − 9 = 21 h
        assertThat(num(k, "time_saving_ratio/province/SL/mtd")).isCloseTo(21.0, within(EPS));
        assertThat(den(k, "time_saving_ratio/province/SL/mtd")).isCloseTo(30.0, within(EPS));
        assertThat(v(k, "time_saving_ratio/province/SL/mtd")).isCloseTo(0.7, within(EPS));
        assertThat(v(k, "resolved/procedure/2.000815/7d")).isEqualTo(1.0);
        assertThat(v(k, "backlog/province/SL/live")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("ending exactly at the due instant is ON_TIME; one second later is LATE")
    void onTimeAtTheInstantThenLate() {
        Instant due = at("2026-03-02T17:00");
        Map<String, KpiValue> onTime = kpisAsOf(List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").due(due).build(),
                ev("x", "d", RESOLVED, "2026-03-02T17:00").build()), at("2026-03-03T09:00"));
        assertThat(v(onTime, "on_time_ratio/province/SL/24h")).isEqualTo(1.0);
        assertThat(v(onTime, "early_ratio/province/SL/30d")).isEqualTo(0.0);
        assertThat(v(onTime, "late_ended/province/SL/24h")).isEqualTo(0.0);
        Map<String, KpiValue> late = kpisAsOf(List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").due(due).build(),
                ev("x", "d", RESOLVED, "2026-03-02T17:00:01").build()), at("2026-03-03T09:00"));
        assertThat(v(late, "on_time_ratio/province/SL/24h")).isEqualTo(0.0);
        assertThat(v(late, "late_ended/province/SL/24h")).isEqualTo(1.0);
        assertThat(v(late, "satisfaction_ratio/province/SL/30d")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("a pause without a new due date moves the due by the paused working time")
    void pauseWithoutNewDue() {
        // received Mon 09:00, 1 working day → due Tue 17:00. Paused Mon 10:00 → Tue 10:00:
        // Mon 10:00–11:30 1.5 h + 13:30–17:00 3.5 h + Tue 07:00–10:00 3 h = 8 h → due Tue 17:00 + 8 h = Wed 17:00.
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").workingDays(1).build(),
                ev("q", "d", SUPPLEMENT_REQUESTED, "2026-03-02T10:00").build(),
                ev("s", "d", SUPPLEMENT_RECEIVED, "2026-03-03T10:00").build(),
                ev("x", "d", RESOLVED, "2026-03-04T16:00").build());
        // while paused (Tue 09:00): paused, in backlog, on time (request Mon 10:00 before the due Tue 17:00)
        Map<String, KpiValue> paused = kpisAsOf(e, at("2026-03-03T09:00"));
        assertThat(v(paused, "paused/province/SL/live")).isEqualTo(1.0);
        assertThat(v(paused, "backlog/province/SL/live")).isEqualTo(1.0);
        assertThat(v(paused, "overdue_open/province/SL/live")).isEqualTo(0.0);
        assertThat(v(paused, "on_time_ratio/province/SL/30d")).isEqualTo(1.0);
        assertThat(v(paused, "supplement_ratio/province/SL/30d")).isEqualTo(1.0);
        // Wed 12:00: open, due Wed 17:00 → DUE_SOON, not overdue (without the pause it would be overdue)
        Map<String, KpiValue> wed = kpisAsOf(e, at("2026-03-04T12:00"));
        assertThat(v(wed, "due_soon/province/SL/live")).isEqualTo(1.0);
        assertThat(v(wed, "overdue_open/province/SL/live")).isEqualTo(0.0);
        // resolved Wed 16:00: same day as the due, before it → ON_TIME
        Map<String, KpiValue> done = kpisAsOf(e, at("2026-03-05T09:00"));
        assertThat(v(done, "on_time_ratio/province/SL/24h")).isEqualTo(1.0);
        assertThat(v(done, "early_ratio/province/SL/30d")).isEqualTo(0.0);
        // actual = Mon 6 h + Tue 8 h + Wed (4.5 + 2.5) 7 h − 8 h paused = 13 h; regulated = Mon 6 h + Tue 8 h = 14 h
        assertThat(num(done, "avg_processing_days/province/SL/30d")).isCloseTo(13.0 / 8, within(EPS));
        assertThat(num(done, "time_saving_ratio/province/SL/mtd")).isCloseTo(1.0, within(EPS));
        assertThat(den(done, "time_saving_ratio/province/SL/mtd")).isCloseTo(14.0, within(EPS));
    }

    @Test
    @DisplayName("a pause ended with a new due date replaces the due and adds nothing")
    void pauseWithNewDue() {
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").workingDays(1).build(),
                ev("q", "d", SUPPLEMENT_REQUESTED, "2026-03-02T10:00").build(),
                ev("s", "d", SUPPLEMENT_RECEIVED, "2026-03-03T10:00").due(at("2026-03-05T12:00")).build());
        // as of Thu 11:00: due Thu 12:00 → due soon, not overdue; at 12:00:00.001 → overdue
        assertThat(v(kpisAsOf(e, at("2026-03-05T11:00")), "due_soon/province/SL/live")).isEqualTo(1.0);
        assertThat(v(kpisAsOf(e, at("2026-03-05T12:00")), "overdue_open/province/SL/live")).isEqualTo(0.0);
        Map<String, KpiValue> after = kpisAsOf(e, at("2026-03-05T12:00").plusMillis(1));
        assertThat(v(after, "overdue_open/province/SL/live")).isEqualTo(1.0);
        assertThat(v(after, "on_time_ratio/province/SL/30d")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("two supplement requests make an ended dossier LATE and an open one not on time")
    void twoRequests() {
        List<CaseEvent> open = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").workingDays(5).build(),
                ev("q1", "d", SUPPLEMENT_REQUESTED, "2026-03-02T10:00").build(),
                ev("s1", "d", SUPPLEMENT_RECEIVED, "2026-03-02T14:00").build(),
                ev("q2", "d", SUPPLEMENT_REQUESTED, "2026-03-03T09:00").build(),
                ev("s2", "d", SUPPLEMENT_RECEIVED, "2026-03-03T10:00").build());
        Map<String, KpiValue> k = kpisAsOf(open, at("2026-03-03T11:00"));
        assertThat(v(k, "on_time_ratio/province/SL/30d")).isEqualTo(0.0);
        assertThat(v(k, "overdue_open/province/SL/live")).isEqualTo(0.0); // live status follows time alone
        List<CaseEvent> ended = new java.util.ArrayList<>(open);
        ended.add(ev("x", "d", RESOLVED, "2026-03-03T11:00").build());
        Map<String, KpiValue> e = kpisAsOf(ended, at("2026-03-03T12:00"));
        assertThat(v(e, "late_ended/province/SL/24h")).isEqualTo(1.0);
        assertThat(v(e, "early_ratio/province/SL/30d")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("RESULT_RETURNED without RESOLVED ends the dossier; a later RESOLVED moves the end")
    void resultReturned() {
        // due Wed 4/3 17:00 (2 working days)
        List<CaseEvent> rr = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").workingDays(2).build(),
                ev("t", "d", RESULT_RETURNED, "2026-03-03T09:00").build());
        Map<String, KpiValue> k = kpisAsOf(rr, at("2026-03-03T12:00"));
        assertThat(v(k, "resolved/province/SL/today")).isEqualTo(1.0);
        assertThat(v(k, "early_ratio/province/SL/30d")).isEqualTo(1.0);
        List<CaseEvent> both = new java.util.ArrayList<>(rr);
        both.add(ev("z", "d", RESOLVED, "2026-03-05T09:00").build());
        // before the RESOLVED, the facts are those of the RESULT_RETURNED
        assertThat(v(kpisAsOf(both, at("2026-03-04T12:00")), "early_ratio/province/SL/30d")).isEqualTo(1.0);
        Map<String, KpiValue> later = kpisAsOf(both, at("2026-03-05T12:00"));
        assertThat(v(later, "late_ended/province/SL/24h")).isEqualTo(1.0);
        assertThat(v(later, "resolved/province/SL/7d")).isEqualTo(1.0);
        assertThat(v(later, "resolved/province/SL/today")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("WITHDRAWN ends with an outcome but is not resolved; REFUSED never counts as received")
    void withdrawnAndRefused() {
        List<CaseEvent> e = List.of(ev("r", "w", RECEIVED, "2026-03-02T09:00").workingDays(2).build(),
                ev("x", "w", WITHDRAWN, "2026-03-03T09:00").build(),
                ev("r2", "f", RECEIVED, "2026-03-02T10:00").workingDays(2).build(),
                ev("n", "f", REFUSED, "2026-03-02T11:00").build());
        Map<String, KpiValue> k = kpisAsOf(e, at("2026-03-03T12:00"));
        assertThat(v(k, "withdrawn_stopped/province/SL/30d")).isEqualTo(1.0);
        assertThat(v(k, "resolved/province/SL/7d")).isEqualTo(0.0);
        assertThat(v(k, "on_time_ratio/province/SL/7d")).isEqualTo(1.0);
        assertThat(den(k, "on_time_ratio/province/SL/7d")).isEqualTo(1.0);
        assertThat(v(k, "received/province/SL/7d")).isEqualTo(1.0);
        assertThat(v(k, "backlog/province/SL/live")).isEqualTo(0.0);
        // before the refusal (10:30) the refused one was still counted as received
        assertThat(v(kpisAsOf(e, at("2026-03-02T10:30")), "received/province/SL/today")).isEqualTo(2.0);
    }

    @Test
    @DisplayName("a receipt at 16:59 on the Friday before the Giỗ Tổ block is due Tuesday 28/4 17:00")
    void fridayBeforeHoliday() {
        // Fri 24/4/2026 16:59, 1 working day: Sat, Sun (Giỗ Tổ), Mon 27/4 (compensatory day off) → Tue 28/4 17:00
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-04-24T16:59").workingDays(1).build());
        assertThat(v(kpisAsOf(e, at("2026-04-27T16:59:59")), "due_soon/province/SL/live")).isEqualTo(0.0);
        assertThat(v(kpisAsOf(e, at("2026-04-27T17:00")), "due_soon/province/SL/live")).isEqualTo(1.0);
        assertThat(v(kpisAsOf(e, at("2026-04-28T17:00")), "overdue_open/province/SL/live")).isEqualTo(0.0);
        assertThat(v(kpisAsOf(e, at("2026-04-28T17:00").plusMillis(1)), "overdue_open/province/SL/live")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("dates compare in +07:00 whatever offset the input carried")
    void otherOffsets() {
        // received 02:00Z = Mon 09:00 +07, due Thu 5/3 17:00 +07; resolved 2026-03-04T23:30Z = Thu 5/3 06:30 +07:
        // same local day as the due → ON_TIME, not EARLY (in UTC it would look like an earlier day)
        List<CaseEvent> e = List.of(
                new RulesHarness.Ev("r", "d", RECEIVED, Instant.parse("2026-03-02T02:00:00Z")).workingDays(3).build(),
                new RulesHarness.Ev("x", "d", RESOLVED, Instant.parse("2026-03-04T23:30:00Z")).build());
        Map<String, KpiValue> k = kpisAsOf(e, at("2026-03-05T12:00"));
        assertThat(v(k, "early_ratio/province/SL/30d")).isEqualTo(0.0);
        assertThat(v(k, "on_time_ratio/province/SL/24h")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("an open dossier is DUE_SOON at its due instant and OVERDUE just after; paused after the due is not on time")
    void openStatuses() {
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").due(at("2026-03-02T17:00")).build());
        Map<String, KpiValue> atDue = kpisAsOf(e, at("2026-03-02T17:00"));
        assertThat(v(atDue, "due_soon/province/SL/live")).isEqualTo(1.0);
        assertThat(v(atDue, "overdue_open/province/SL/live")).isEqualTo(0.0);
        assertThat(v(atDue, "on_time_ratio/province/SL/24h")).isEqualTo(1.0);
        Map<String, KpiValue> after = kpisAsOf(e, at("2026-03-02T17:00").plusMillis(1));
        assertThat(v(after, "overdue_open/province/SL/live")).isEqualTo(1.0);
        assertThat(v(after, "due_soon/province/SL/live")).isEqualTo(0.0);
        assertThat(v(after, "on_time_ratio/province/SL/24h")).isEqualTo(0.0);
        List<CaseEvent> lateRequest = List.of(e.get(0), ev("q", "d", SUPPLEMENT_REQUESTED, "2026-03-02T18:00").build());
        Map<String, KpiValue> p = kpisAsOf(lateRequest, at("2026-03-03T09:00"));
        assertThat(v(p, "paused/province/SL/live")).isEqualTo(1.0);
        assertThat(v(p, "overdue_open/province/SL/live")).isEqualTo(0.0);
        assertThat(v(p, "on_time_ratio/province/SL/24h")).isEqualTo(0.0);
    }

    @Test
    @DisplayName("a DUE_DATE_CHANGED after the due turns an overdue dossier back to in time from that instant")
    void dueDateChanged() {
        List<CaseEvent> e = List.of(ev("r", "d", RECEIVED, "2026-03-02T09:00").due(at("2026-03-02T17:00")).build(),
                ev("c", "d", DUE_DATE_CHANGED, "2026-03-03T08:00").due(at("2026-03-06T17:00")).build());
        assertThat(v(kpisAsOf(e, at("2026-03-03T07:59")), "overdue_open/province/SL/live")).isEqualTo(1.0);
        Map<String, KpiValue> k = kpisAsOf(e, at("2026-03-03T08:00"));
        assertThat(v(k, "overdue_open/province/SL/live")).isEqualTo(0.0);
        assertThat(v(k, "due_soon/province/SL/live")).isEqualTo(0.0);
        assertThat(v(k, "on_time_ratio/province/SL/24h")).isEqualTo(1.0);
    }
}
