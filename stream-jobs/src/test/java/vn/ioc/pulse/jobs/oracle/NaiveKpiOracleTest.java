package vn.ioc.pulse.jobs.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.oracle.NaiveKpiOracle.Expected;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ValidationException;
import vn.ioc.pulse.model.WorkingCalendar;

/** Hand-computed scenarios checking the oracle itself, and the generator's output against the contract. */
class NaiveKpiOracleTest {

    private static WorkingCalendar cal;
    private static KpiCatalog catalog;

    @BeforeAll
    static void load() {
        cal = WorkingCalendar.load();
        catalog = KpiCatalog.load();
    }

    // 2026-03-02 is a Monday; March 2026 has no holiday.
    private static final String RECEIVED_STP =
            "\"procedure_code\":\"2.000815\",\"field_code\":\"CT\",\"agency_code\":\"STP\",\"commune_code\":\"03646\","
                    + "\"channel\":\"DIRECT\",\"regulated_duration\":{\"value\":2,\"unit\":\"WORKING_DAY\"}";

    private static String c(String id, String dossier, String type, String at, String extra) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"" + type + "\",\"occurred_at\":\"" + at + "\"" + (extra.isEmpty() ? "" : "," + extra)
                + "}";
    }

    private static String s(String id, String type, String at, String extra) {
        return "{\"schema\":\"ioc.service.v1\",\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"occurred_at\":\""
                + at + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static List<IocEvent> parse(String... lines) {
        return parse(List.of(lines));
    }

    private static List<IocEvent> parse(List<String> lines) {
        List<IocEvent> out = new ArrayList<>();
        for (String l : lines) {
            try {
                out.add(EventCodec.parse(l));
            } catch (ValidationException e) {
                throw new AssertionError("invalid event " + l + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Map<String, Expected> run(String asOf, String... lines) {
        return NaiveKpiOracle.compute(parse(lines), Instant.parse(asOf), cal, "SL", catalog);
    }

    private static void ratio(Map<String, Expected> m, String key, double num, double den) {
        assertThat(m).containsKey(key);
        Expected e = m.get(key);
        assertThat(e.numerator()).as(key + " numerator").isCloseTo(num, within(1e-9));
        assertThat(e.denominator()).as(key + " denominator").isNotNull();
        assertThat(e.denominator()).as(key + " denominator").isCloseTo(den, within(1e-9));
        if (den == 0) {
            assertThat(e.value()).as(key + " value").isNull();
        } else {
            assertThat(e.value()).as(key + " value").isCloseTo(num / den, within(1e-9));
        }
    }

    private static void count(Map<String, Expected> m, String key, double n) {
        assertThat(m).containsKey(key);
        Expected e = m.get(key);
        assertThat(e.numerator()).as(key).isEqualTo(n);
        assertThat(e.value()).as(key).isEqualTo(n);
        assertThat(e.denominator()).as(key).isNull();
    }

    // ------------------------------------------------------------------------------------------------ dossiers

    @Test
    void earlyResolvedDossier() {
        // received Mon 09:00, WORKING_DAY 2 → due Wed 17:00; resolved Tue 10:00 → EARLY (Tue < Wed)
        Map<String, Expected> m = run("2026-03-03T05:00:00Z", // Tue 12:00 local
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "RESOLVED", "2026-03-03T10:00:00+07:00", ""));
        count(m, "received/province/SL/24h", 0); // Mon 09:00 is 27 h before
        count(m, "received/province/SL/7d", 1);
        count(m, "received/agency/STP/mtd", 1);
        count(m, "received/procedure/2.000815/today", 0);
        count(m, "resolved/commune/03646/24h", 1);
        count(m, "resolved/channel/DIRECT/today", 1);
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);
        ratio(m, "early_ratio/province/SL/30d", 1, 1);
        ratio(m, "early_ratio/field/CT/mtd", 1, 1);
        // actual: Mon 09:00–11:30 (2.5) + 13:30–17:00 (3.5) + Tue 07:00–10:00 (3) = 9 h → 9/8 days
        ratio(m, "avg_processing_days/province/SL/mtd", 9.0 / 8, 1);
        ratio(m, "avg_processing_days/procedure/2.000815/ytd", 9.0 / 8, 1);
        // regulated: Mon 09:00 → Wed 17:00 = 6 + 8 + 8 = 22 h
        ratio(m, "time_saving_ratio/province/SL/qtd", 13, 22);
        count(m, "backlog/province/SL/live", 0);
        count(m, "late_ended/province/SL/24h", 0);
        ratio(m, "satisfaction_ratio/province/SL/30d", 1, 1);
        ratio(m, "fully_online_ratio/province/SL/mtd", 0, 1);
        ratio(m, "online_payment_ratio/province/SL/mtd", 0, 0);
        ratio(m, "payment_success_ratio/province/SL/1h", 0, 0);
        ratio(m, "feedback_on_time_ratio/agency/STP/mtd", 0, 0);
        assertThat(m).doesNotContainKey("early_ratio/procedure/2.000815/mtd");
        assertThat(m.keySet()).noneMatch(k -> k.startsWith("availability_ratio/"));
        assertThat(m.keySet()).noneMatch(k -> k.contains("/component/"));
    }

    @Test
    void resolvedOnTheDueDayIsOnTimeNotEarly() {
        // the brief's example "resolved Wednesday 10:00 → early 1/1" contradicts §7: the due is Wed 17:00, so the
        // end is on the due's local date: ON_TIME, not EARLY.
        Map<String, Expected> m = run("2026-03-04T05:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "RESOLVED", "2026-03-04T10:00:00+07:00", ""));
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);
        ratio(m, "early_ratio/province/SL/30d", 0, 1);
        // actual 6 + 8 + 3 = 17 h
        ratio(m, "avg_processing_days/province/SL/mtd", 17.0 / 8, 1);
    }

    @Test
    void endingExactlyAtTheDueIsOnTimeAndOneSecondLaterIsLate() {
        Map<String, Expected> m = run("2026-03-05T00:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "RESOLVED", "2026-03-04T10:00:00Z", ""), // = Wed 17:00 local
                c("b1", "D2", "RECEIVED", "2026-03-02T09:00:00+0700", RECEIVED_STP),
                c("b2", "D2", "RESOLVED", "2026-03-04T17:00:01+07:00", ""));
        ratio(m, "on_time_ratio/province/SL/24h", 1, 2);
        count(m, "late_ended/province/SL/24h", 1);
        ratio(m, "satisfaction_ratio/province/SL/30d", 1, 2);
    }

    @Test
    void pausedDossierMovesTheDueByThePausedWorkingTime() {
        String[] ev = {
            c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
            c("a2", "D1", "SUPPLEMENT_REQUESTED", "2026-03-02T14:00:00+07:00", ""),
            // paused Mon 14:00–17:00 (3) + Tue 07:00–11:30 (4.5) + 13:30–14:00 (0.5) = 8 h → due Thu 17:00
            c("a3", "D1", "SUPPLEMENT_RECEIVED", "2026-03-03T14:00:00+07:00", ""),
            c("a4", "D1", "RESOLVED", "2026-03-05T16:00:00+07:00", ""),
        };
        // Tue 10:00: paused, judged at the request (Mon 14:00 ≤ Wed 17:00) → on time
        Map<String, Expected> m = run("2026-03-03T03:00:00Z", ev);
        count(m, "paused/province/SL/live", 1);
        count(m, "backlog/agency/STP/live", 1);
        count(m, "overdue_open/province/SL/live", 0);
        count(m, "due_soon/province/SL/live", 0);
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);
        ratio(m, "supplement_ratio/province/SL/30d", 1, 1);

        // Thu 12:00: resumed, due Thu 17:00 within 24 h → DUE_SOON
        m = run("2026-03-05T05:00:00Z", java.util.Arrays.copyOf(ev, 3));
        count(m, "due_soon/province/SL/live", 1);
        count(m, "paused/province/SL/live", 0);
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);

        // Thu 17:00:01, still open → OVERDUE (a dossier without the pause would have been overdue since Wed 17:00)
        m = run("2026-03-05T10:00:01Z", java.util.Arrays.copyOf(ev, 3));
        count(m, "overdue_open/province/SL/live", 1);
        ratio(m, "on_time_ratio/province/SL/24h", 0, 1);
        // at exactly Thu 17:00 it is not overdue yet
        m = run("2026-03-05T10:00:00Z", java.util.Arrays.copyOf(ev, 3));
        count(m, "overdue_open/province/SL/live", 0);
        count(m, "due_soon/province/SL/live", 1);

        // resolved Thu 16:00: ON_TIME (same day as the due), actual = 29 h − 8 h paused = 21 h
        m = run("2026-03-05T11:00:00Z", ev);
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);
        ratio(m, "early_ratio/province/SL/30d", 0, 1);
        ratio(m, "avg_processing_days/province/SL/mtd", 21.0 / 8, 1);
        ratio(m, "time_saving_ratio/province/SL/mtd", 1, 22);
        count(m, "backlog/province/SL/live", 0);
    }

    @Test
    void supplementReceivedWithDueAtReplacesTheDue() {
        Map<String, Expected> m = run("2026-03-06T10:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "SUPPLEMENT_REQUESTED", "2026-03-02T14:00:00+07:00", ""),
                c("a3", "D1", "SUPPLEMENT_RECEIVED", "2026-03-03T14:00:00+07:00",
                        "\"due_at\":\"2026-03-09T17:00:00+07:00\""),
                c("a4", "D1", "RESOLVED", "2026-03-06T16:00:00+07:00", ""));
        ratio(m, "early_ratio/province/SL/30d", 1, 1); // Fri < Mon 9th
        // a due_at on PROCESSING is ignored, a DUE_DATE_CHANGED before the end counts
        m = run("2026-03-06T10:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "PROCESSING", "2026-03-02T10:00:00+07:00", "\"due_at\":\"2026-03-20T17:00:00+07:00\""),
                c("a3", "D1", "RESOLVED", "2026-03-05T09:00:00+07:00", ""),
                c("b1", "D2", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("b2", "D2", "DUE_DATE_CHANGED", "2026-03-02T10:00:00+07:00",
                        "\"due_at\":\"2026-03-20T17:00:00+07:00\""),
                c("b3", "D2", "RESOLVED", "2026-03-05T09:00:00+07:00", ""));
        count(m, "late_ended/province/SL/mtd", 1);
        ratio(m, "early_ratio/province/SL/mtd", 1, 2);
    }

    @Test
    void dossierEndedWhilePausedIsJudgedAtTheRequest() {
        Map<String, Expected> m = run("2026-03-06T05:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "SUPPLEMENT_REQUESTED", "2026-03-02T14:00:00+07:00", ""),
                c("a3", "D1", "WITHDRAWN", "2026-03-06T10:00:00+07:00", ""));
        count(m, "withdrawn_stopped/province/SL/30d", 1);
        count(m, "resolved/province/SL/30d", 0);
        ratio(m, "early_ratio/province/SL/30d", 1, 1); // Mon (request) < Wed (due)
        ratio(m, "on_time_ratio/province/SL/24h", 1, 1);
        ratio(m, "satisfaction_ratio/province/SL/30d", 1, 1);
        ratio(m, "avg_processing_days/province/SL/30d", 0, 0); // WITHDRAWN is not a resolved end
        count(m, "backlog/province/SL/live", 0);
    }

    @Test
    void twoSupplementRequestsMakeTheDossierLate() {
        String[] ev = {
            c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
            c("a2", "D1", "SUPPLEMENT_REQUESTED", "2026-03-02T10:00:00+07:00", ""),
            c("a3", "D1", "SUPPLEMENT_RECEIVED", "2026-03-02T11:00:00+07:00", ""),
            c("a4", "D1", "SUPPLEMENT_REQUESTED", "2026-03-02T14:00:00+07:00", ""),
            c("a5", "D1", "SUPPLEMENT_RECEIVED", "2026-03-02T15:00:00+07:00", ""),
            c("a6", "D1", "RESOLVED", "2026-03-03T09:00:00+07:00", ""),
        };
        Map<String, Expected> m = run("2026-03-03T03:00:00Z", ev);
        count(m, "late_ended/province/SL/24h", 1);
        ratio(m, "on_time_ratio/province/SL/24h", 0, 1);
        ratio(m, "early_ratio/province/SL/30d", 0, 1);
        ratio(m, "satisfaction_ratio/province/SL/30d", 0, 1);
        // open with two requests: not on time, but its live status follows time alone (IN_TIME here)
        m = run("2026-03-02T09:00:00Z", java.util.Arrays.copyOf(ev, 5));
        ratio(m, "on_time_ratio/province/SL/24h", 0, 1);
        count(m, "overdue_open/province/SL/live", 0);
        count(m, "due_soon/province/SL/live", 0);
        count(m, "backlog/province/SL/live", 1);
    }

    @Test
    void resolvedBeatsAnEarlierResultReturned() {
        Map<String, Expected> m = run("2026-03-06T10:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "RESULT_RETURNED", "2026-03-03T09:00:00+07:00", ""),
                c("a3", "D1", "RESOLVED", "2026-03-05T09:00:00+07:00", ""),
                // terminal event before RECEIVED is ignored
                c("b0", "D2", "RESOLVED", "2026-03-02T08:00:00+07:00", ""),
                c("b1", "D2", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                // same instant: the sequence decides, not the event_id: RESOLVED (seq 1) comes before the second
                // SUPPLEMENT_REQUESTED (seq 2), so there is only one request before the end → EARLY, not LATE
                c("c1", "D3", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("c2", "D3", "SUPPLEMENT_REQUESTED", "2026-03-02T10:00:00+07:00", ""),
                c("c3", "D3", "SUPPLEMENT_RECEIVED", "2026-03-02T11:00:00+07:00", ""),
                c("c9", "D3", "RESOLVED", "2026-03-03T09:00:00+07:00", "\"sequence\":1"),
                c("c8", "D3", "SUPPLEMENT_REQUESTED", "2026-03-03T09:00:00+07:00", "\"sequence\":2"));
        count(m, "resolved/province/SL/mtd", 2);
        count(m, "late_ended/province/SL/mtd", 1); // D1 ends Thu 09:00 > Wed 17:00
        count(m, "backlog/province/SL/live", 1); // D2
        count(m, "overdue_open/province/SL/live", 1);
        ratio(m, "on_time_ratio/province/SL/mtd", 1, 3);
        ratio(m, "early_ratio/province/SL/mtd", 1, 2);
        ratio(m, "supplement_ratio/province/SL/mtd", 1, 3);
    }

    @Test
    void refusedDossierNeverCountsAsReceived() {
        Map<String, Expected> m = run("2026-03-02T10:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "REFUSED", "2026-03-02T10:00:00+07:00", ""));
        count(m, "received/province/SL/24h", 0);
        count(m, "backlog/province/SL/live", 0);
        ratio(m, "on_time_ratio/province/SL/24h", 0, 0);
        assertThat(m.keySet()).noneMatch(k -> k.contains("/agency/"));
        // the same dossier as of before the refusal counts
        m = run("2026-03-02T02:30:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a2", "D1", "REFUSED", "2026-03-02T10:00:00+07:00", ""));
        count(m, "received/agency/STP/24h", 1);
        // a DISSATISFIED rating of a refused dossier counts nowhere: it never counts as received (§7)
        m = run("2026-03-02T10:00:00Z",
                c("a1", "D1", "REFUSED", "2026-03-02T09:00:00+07:00",
                        "\"agency_code\":\"SXD\",\"procedure_code\":\"1.001234\""),
                c("a2", "D1", "RATED", "2026-03-02T10:00:00+07:00", "\"rating\":\"DISSATISFIED\""));
        count(m, "dissatisfied/province/SL/24h", 0);
        assertThat(m.keySet()).noneMatch(k -> k.contains("/agency/") || k.contains("/procedure/"));
    }

    @Test
    void ratingOfANeverReceivedDossierCountsNowhereUntilItIsReceived() {
        String rated = c("r1", "X-9", "RATED", "2026-03-02T10:00:00+07:00",
                "\"agency_code\":\"SXD\",\"rating\":\"DISSATISFIED\"");
        Map<String, Expected> m = run("2026-03-02T04:00:00Z", rated);
        count(m, "dissatisfied/province/SL/24h", 0);
        assertThat(m.keySet()).noneMatch(k -> k.contains("/agency/"));
        // received later (the rating came first): from then on the rating counts, at the receipt's scopes
        String rcv = c("r0", "X-9", "RECEIVED", "2026-03-02T14:00:00+07:00", RECEIVED_STP);
        m = run("2026-03-02T08:00:00Z", rated, rcv);
        count(m, "dissatisfied/province/SL/24h", 1);
        count(m, "dissatisfied/agency/STP/24h", 1);
        // as of before the receipt it does not
        m = run("2026-03-02T06:00:00Z", rated, rcv);
        count(m, "dissatisfied/province/SL/24h", 0);
    }

    @Test
    void complaintLongBeforeTheReceiptStillMakesTheDossierUnsatisfied() {
        Map<String, Expected> m = run("2026-03-18T05:00:00Z",
                s("f1", "FEEDBACK_RECEIVED", "2026-02-10T09:00:00+07:00",
                        "\"feedback_id\":\"PAKN-1\",\"agency_code\":\"STP\",\"dossier_code\":\"X-1\""),
                c("x1", "X-1", "RECEIVED", "2026-03-17T09:00:00+07:00", RECEIVED_STP),
                c("x2", "X-1", "RESOLVED", "2026-03-18T08:00:00+07:00", ""));
        ratio(m, "satisfaction_ratio/province/SL/mtd", 0, 1);
        ratio(m, "satisfaction_ratio/agency/STP/mtd", 0, 1);
        ratio(m, "early_ratio/province/SL/mtd", 1, 1);
    }

    @Test
    void dedupFirstInListOrderWinsAndOnlyEventsUpToAsOfCount() {
        Map<String, Expected> m = run("2026-03-02T10:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP.replace("STP", "SXD")),
                c("a2", "D1", "RESOLVED", "2026-03-02T18:00:00+07:00", ""));
        count(m, "received/agency/STP/24h", 1);
        assertThat(m).doesNotContainKey("received/agency/SXD/24h");
        count(m, "resolved/province/SL/24h", 0); // 18:00 local is after asOf (17:00 local)
        count(m, "backlog/province/SL/live", 1);
        // one id namespace across case and service events
        m = run("2026-03-02T10:00:00Z",
                s("x", "PAYMENT_SUCCEEDED", "2026-03-02T09:00:00+07:00", "\"agency_code\":\"STP\""),
                c("x", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP));
        count(m, "received/province/SL/24h", 0);
        ratio(m, "payment_success_ratio/province/SL/24h", 1, 1);
    }

    @Test
    void scopeAttributesComeFromTheFirstReceivedElseTheEarliestEventCarryingThem() {
        Map<String, Expected> m = run("2026-03-02T10:00:00Z",
                c("a0", "D1", "SUBMITTED", "2026-03-02T08:00:00+07:00",
                        "\"procedure_code\":\"2.000815\",\"commune_code\":\"03670\",\"agency_code\":\"SNNMT\""),
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00",
                        "\"procedure_code\":\"2.000815\",\"agency_code\":\"STP\",\"channel\":\"ONLINE\","
                                + "\"regulated_duration\":{\"value\":2,\"unit\":\"WORKING_DAY\"}"),
                c("a2", "D1", "PROCESSING", "2026-03-02T10:00:00+07:00",
                        "\"agency_code\":\"SXD\",\"commune_code\":\"03694\",\"field_code\":\"XD\""));
        count(m, "received/agency/STP/24h", 1);
        count(m, "received/commune/03670/24h", 1);
        count(m, "received/field/XD/24h", 1);
        ratio(m, "online_ratio/channel/ONLINE/24h", 1, 1);
        assertThat(m).doesNotContainKey("received/agency/SXD/24h");
        assertThat(m).doesNotContainKey("received/agency/SNNMT/24h");
        assertThat(m).doesNotContainKey("received/commune/03694/24h");
    }

    @Test
    void feesPaymentsDigitisationRatingsAndComplaints() {
        String rec = "\"procedure_code\":\"2.000815\",\"agency_code\":\"STP\",\"channel\":\"ONLINE\","
                + "\"service_level\":\"FULL\",\"regulated_duration\":{\"value\":5,\"unit\":\"WORKING_DAY\"}";
        Map<String, Expected> m = run("2026-03-10T10:00:00Z",
                // D1: fee paid online after the end, inputs digitised + e-result → fully online, digitised
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00",
                        rec + ",\"fee_required\":true,\"digitisation\":{\"inputs_digitised\":true,\"reused_data\":true}"),
                c("a2", "D1", "RESOLVED", "2026-03-03T09:00:00+07:00", "\"digitisation\":{\"e_result\":true}"),
                c("a3", "D1", "PAYMENT_COMPLETED", "2026-03-04T09:00:00+07:00",
                        "\"payment\":{\"online\":true,\"gateway\":\"DVCQG\"}"),
                c("a4", "D1", "RATED", "2026-03-04T10:00:00+07:00", "\"rating\":\"DISSATISFIED\""),
                c("a5", "D1", "RATED", "2026-03-05T10:00:00+07:00", "\"rating\":\"SATISFIED\""),
                // D2: payment offline (has a fee through PAYMENT_COMPLETED alone), e-result later set false: stays
                c("b1", "D2", "RECEIVED", "2026-03-02T09:00:00+07:00", rec),
                c("b2", "D2", "PAYMENT_COMPLETED", "2026-03-02T10:00:00+07:00", "\"payment\":{\"online\":false}"),
                c("b3", "D2", "RESOLVED", "2026-03-03T09:00:00+07:00", "\"digitisation\":{\"e_result\":true}"),
                c("b4", "D2", "RESULT_RETURNED", "2026-03-03T10:00:00+07:00", "\"digitisation\":{\"e_result\":false}"),
                // D3: no fee, no e-result, latest rating DISSATISFIED, linked to a complaint
                c("c1", "D3", "RECEIVED", "2026-03-02T09:00:00+07:00", rec),
                c("c2", "D3", "RESOLVED", "2026-03-03T09:00:00+07:00", ""),
                c("c3", "D3", "RATED", "2026-03-04T10:00:00+07:00", "\"rating\":\"DISSATISFIED\""),
                s("f1", "FEEDBACK_REACTION", "2026-03-05T10:00:00+07:00",
                        "\"feedback_id\":\"P1\",\"reaction\":\"DISLIKE\",\"dossier_code\":\"D2\""));
        ratio(m, "online_payment_ratio/province/SL/mtd", 1, 2);
        ratio(m, "fully_online_ratio/province/SL/mtd", 1, 3);
        ratio(m, "e_result_ratio/province/SL/mtd", 2, 3);
        ratio(m, "digitisation_ratio/province/SL/mtd", 1, 3);
        ratio(m, "data_reuse_ratio/province/SL/mtd", 1, 3);
        ratio(m, "satisfaction_ratio/province/SL/mtd", 1, 3); // D2 complaint, D3 dissatisfied
        count(m, "dissatisfied/province/SL/30d", 2); // events, even when re-rated
        count(m, "dissatisfied/agency/STP/24h", 0);
    }

    // ------------------------------------------------------------------------------------------------ services

    @Test
    void availabilityHalfUpHalfDown() {
        Map<String, Expected> m = run("2026-03-02T04:00:00Z", // 11:00 local
                s("v1", "AVAILABILITY", "2026-03-02T10:00:00+07:00", "\"component\":\"PORTAL\",\"state\":\"UP\""),
                s("v2", "AVAILABILITY", "2026-03-02T10:30:00+07:00", "\"component\":\"PORTAL\",\"state\":\"DOWN\""),
                s("w1", "AVAILABILITY", "2026-03-02T09:00:00+07:00",
                        "\"component\":\"VNEID\",\"state\":\"DEGRADED\""),
                s("w2", "AVAILABILITY", "2026-03-02T10:45:00+07:00", "\"component\":\"VNEID\",\"state\":\"UP\""),
                // same instant: the larger event_id is the state
                s("w4", "AVAILABILITY", "2026-03-02T10:50:00+07:00", "\"component\":\"VNEID\",\"state\":\"DOWN\""),
                s("w3", "AVAILABILITY", "2026-03-02T10:50:00+07:00", "\"component\":\"VNEID\",\"state\":\"UP\""));
        ratio(m, "availability_ratio/component/PORTAL/1h", 1800, 3600);
        ratio(m, "availability_ratio/component/PORTAL/24h", 1800, 3600); // unknown before 10:00
        ratio(m, "availability_ratio/component/VNEID/1h", 300, 3600); // UP 10:45–10:50 only
        ratio(m, "availability_ratio/component/VNEID/24h", 300, 7200);
        assertThat(m).doesNotContainKey("availability_ratio/province/SL/1h");
        count(m, "received/province/SL/24h", 0); // the province exists once any event exists
        // only an event at asOf: nothing known yet
        m = run("2026-03-02T03:00:00Z",
                s("v1", "AVAILABILITY", "2026-03-02T10:00:00+07:00", "\"component\":\"PORTAL\",\"state\":\"UP\""));
        ratio(m, "availability_ratio/component/PORTAL/1h", 0, 0);
    }

    @Test
    void paymentSuccessFromTheServiceEventsOwnFields() {
        Map<String, Expected> m = run("2026-03-02T03:00:00Z",
                s("p1", "PAYMENT_INITIATED", "2026-03-02T09:10:00+07:00", "\"agency_code\":\"STP\""),
                s("p2", "PAYMENT_SUCCEEDED", "2026-03-02T09:11:00+07:00",
                        "\"agency_code\":\"STP\",\"commune_code\":\"03646\""),
                s("p3", "PAYMENT_FAILED", "2026-03-02T09:20:00+07:00", "\"agency_code\":\"STP\""),
                s("p4", "PAYMENT_SUCCEEDED", "2026-03-02T09:30:00+07:00", "\"agency_code\":\"STP\""),
                s("p5", "PAYMENT_FAILED", "2026-03-02T07:59:59+07:00", "\"agency_code\":\"SXD\""));
        ratio(m, "payment_success_ratio/province/SL/1h", 2, 3);
        ratio(m, "payment_success_ratio/province/SL/24h", 2, 4);
        ratio(m, "payment_success_ratio/agency/STP/1h", 2, 3);
        ratio(m, "payment_success_ratio/commune/03646/1h", 1, 1);
        ratio(m, "payment_success_ratio/agency/SXD/1h", 0, 0);
        ratio(m, "payment_success_ratio/agency/SXD/24h", 0, 1);
        // every KPI of the agency scope exists (completeness)
        count(m, "received/agency/SXD/24h", 0);
        ratio(m, "on_time_ratio/agency/SXD/mtd", 0, 0);
        assertThat(m).doesNotContainKey("received/procedure/2.000815/24h");
    }

    @Test
    void feedbackAnsweredWithinFifteenWorkingDays() {
        // received Mon 2026-03-02 09:00 → deadline 17:00 of the 15th working day after: Mon 2026-03-23
        assertThat(cal.due(Instant.parse("2026-03-02T02:00:00Z"), 15, CaseEvent.DurationUnit.WORKING_DAY))
                .isEqualTo(Instant.parse("2026-03-23T10:00:00Z"));
        Map<String, Expected> m = run("2026-03-25T03:00:00Z",
                s("f1", "FEEDBACK_RECEIVED", "2026-03-02T09:00:00+07:00",
                        "\"feedback_id\":\"P1\",\"agency_code\":\"SXD\""),
                s("f2", "FEEDBACK_ANSWERED", "2026-03-24T09:00:00+07:00", "\"feedback_id\":\"P1\""), // late
                s("g1", "FEEDBACK_RECEIVED", "2026-03-02T09:00:00+07:00", "\"feedback_id\":\"P2\""),
                s("g2", "FEEDBACK_ANSWERED", "2026-03-23T17:00:00+07:00",
                        "\"feedback_id\":\"P2\",\"agency_code\":\"SXD\",\"commune_code\":\"03664\""), // at deadline
                s("g3", "FEEDBACK_ANSWERED", "2026-03-24T17:00:00+07:00", "\"feedback_id\":\"P2\""),
                s("h1", "FEEDBACK_RECEIVED", "2026-03-20T09:00:00+07:00",
                        "\"feedback_id\":\"P3\",\"agency_code\":\"STP\""), // open, within its deadline
                s("k1", "FEEDBACK_RECEIVED", "2026-02-02T09:00:00+07:00",
                        "\"feedback_id\":\"P4\",\"agency_code\":\"STP\""), // open, past its deadline
                s("k0", "FEEDBACK_ANSWERED", "2026-02-01T09:00:00+07:00", "\"feedback_id\":\"P4\""), // before receipt
                s("z1", "FEEDBACK_ANSWERED", "2026-03-10T09:00:00+07:00",
                        "\"feedback_id\":\"STRAY\",\"agency_code\":\"SNNMT\""));
        ratio(m, "feedback_on_time_ratio/province/SL/mtd", 2, 4);
        ratio(m, "feedback_on_time_ratio/agency/SXD/mtd", 1, 2);
        ratio(m, "feedback_on_time_ratio/commune/03664/mtd", 1, 1);
        ratio(m, "feedback_on_time_ratio/agency/STP/mtd", 1, 2);
        assertThat(m).doesNotContainKey("feedback_on_time_ratio/agency/SNNMT/mtd");
    }

    @Test
    void windowsRollingAndCalendar() {
        // asOf Wed 2026-04-01 00:30 local: today/mtd/qtd start at 00:00 of 1 April; ytd keeps March
        Map<String, Expected> m = run("2026-03-31T17:30:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-31T23:59:59+07:00", RECEIVED_STP),
                c("b1", "D2", "RECEIVED", "2026-04-01T00:00:00+07:00", RECEIVED_STP),
                c("c1", "D3", "RECEIVED", "2026-03-31T23:30:00+07:00", RECEIVED_STP));
        count(m, "received/province/SL/1h", 2); // (23:30, 00:30]: 23:30 itself is excluded
        count(m, "received/province/SL/today", 1);
        count(m, "received/province/SL/mtd", 1);
        count(m, "received/province/SL/qtd", 1);
        count(m, "received/province/SL/ytd", 3);
        count(m, "received/province/SL/24h", 3);
    }

    @Test
    void noEventsNoValues() {
        assertThat(run("2026-03-02T10:00:00Z")).isEmpty();
        // events after asOf do not exist yet; a clock tick is not an event
        assertThat(run("2026-03-02T01:00:00Z",
                c("a1", "D1", "RECEIVED", "2026-03-02T09:00:00+07:00", RECEIVED_STP),
                "{\"schema\":\"ioc.clock.v1\",\"now\":\"2026-03-02T07:30:00+07:00\"}")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ generator

    @Test
    void everyGeneratedLineParsesAndTheOracleRunsOverAMonth() {
        Instant start = Instant.parse("2026-04-14T00:00:00Z");
        List<String> lines = EventGenerator.month(42, start, 400);
        assertThat(EventGenerator.month(42, start, 400)).isEqualTo(lines);
        List<IocEvent> events = parse(lines);
        assertThat(events).hasSize(lines.size()).noneMatch(e -> e instanceof vn.ioc.pulse.model.ClockTick);

        // sorted by occurred_at
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).eventTime()).isAfterOrEqualTo(events.get(i - 1).eventTime());
        }
        // rule-exercising: every case event type and every service type except none is present
        Set<CaseEventType> caseTypes = EnumSet.noneOf(CaseEventType.class);
        Set<ServiceEvent.Type> serviceTypes = EnumSet.noneOf(ServiceEvent.Type.class);
        Set<String> ids = new java.util.HashSet<>();
        int duplicates = 0;
        for (IocEvent e : events) {
            if (e instanceof CaseEvent ce) {
                caseTypes.add(ce.type());
                duplicates += ids.add(ce.eventId()) ? 0 : 1;
            } else if (e instanceof ServiceEvent se) {
                serviceTypes.add(se.type());
                duplicates += ids.add(se.eventId()) ? 0 : 1;
            }
        }
        assertThat(caseTypes).containsAll(EnumSet.allOf(CaseEventType.class));
        assertThat(serviceTypes).containsAll(EnumSet.allOf(ServiceEvent.Type.class));
        assertThat(duplicates).isPositive();
        assertThat(lines).anyMatch(l -> l.matches(".*\"occurred_at\":\"[^\"]+Z\".*"));
        assertThat(lines).anyMatch(l -> l.matches(".*\"occurred_at\":\"[^\"]+\\+0700\".*"));
        assertThat(lines).anyMatch(l -> l.contains("\"occurred_at\":\"2026-04-30T09:00:00"));

        for (String asOf : List.of("2026-04-20T03:00:00Z", "2026-05-01T12:00:00Z", "2026-05-14T10:00:01Z")) {
            Map<String, Expected> m = NaiveKpiOracle.compute(events, Instant.parse(asOf), cal, "SL", catalog);
            for (KpiCatalog.KpiDefinition def : catalog.all()) {
                if (def.id().equals("availability_ratio")) {
                    assertThat(m).containsKey(def.id() + "/component/PORTAL/1h");
                    continue;
                }
                for (String w : def.windows()) {
                    assertThat(m).containsKey(def.id() + "/province/SL/" + w);
                }
            }
            m.forEach((k, v) -> {
                assertThat(v.numerator()).as(k).isNotNaN();
                if (v.denominator() == null) {
                    assertThat(v.value()).as(k).isEqualTo(v.numerator());
                    assertThat(v.numerator()).as(k).isGreaterThanOrEqualTo(0);
                } else if (!k.startsWith("time_saving_ratio") && !k.startsWith("avg_processing_days")) {
                    assertThat(v.numerator()).as(k).isBetween(0.0, v.denominator());
                }
            });
            // the month is busy enough that the main ratios have data
            assertThat(m.get("on_time_ratio/province/SL/30d").denominator()).isGreaterThan(50);
            assertThat(m.get("received/province/SL/30d").numerator()).isGreaterThan(50);
        }
        Map<String, Expected> m = NaiveKpiOracle.compute(events, Instant.parse("2026-05-14T10:00:01Z"), cal, "SL",
                catalog);
        assertThat(m.get("late_ended/province/SL/30d").numerator()).isPositive();
        assertThat(m.get("withdrawn_stopped/province/SL/30d").numerator()).isPositive();
        assertThat(m.get("dissatisfied/province/SL/30d").numerator()).isPositive();
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("received/commune/03688/"));
    }
}
