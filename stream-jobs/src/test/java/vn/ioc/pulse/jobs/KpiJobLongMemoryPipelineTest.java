package vn.ioc.pulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import vn.ioc.pulse.model.KpiValue;

/**
 * The whole job (MiniCluster, retention 35 days as in production) on the facts that outlive the retention
 * (DOMAIN.md §7 "Events"): a complaint long before the receipt, a rating of a dossier never received, and a rating,
 * payment and complaint months after the end. Expectations computed by hand. The source runs at parallelism 1, so
 * the clock ticks reach the dossier operator before the events after them: the retention really passes in between.
 */
class KpiJobLongMemoryPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static String cas(String id, String dossier, String type, String local, String extra) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"" + type + "\",\"occurred_at\":\"" + local + "+07:00\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static String svc(String id, String type, String local, String extra) {
        return "{\"schema\":\"ioc.service.v1\",\"event_id\":\"" + id + "\",\"type\":\"" + type
                + "\",\"occurred_at\":\"" + local + "+07:00\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static String tick(String local) {
        return "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + local + "+07:00\"}";
    }

    /** RECEIVED at agency A, ONLINE, 3 working days. */
    static final String RECEIVED_A = "\"procedure_code\":\"1.001\",\"field_code\":\"F1\",\"agency_code\":\"A\","
            + "\"channel\":\"ONLINE\",\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"}";

    static KpiValue get(Map<String, KpiValue> kpis, String key) {
        assertThat(kpis).containsKey(key);
        return kpis.get(key);
    }

    static void ratio(Map<String, KpiValue> kpis, String key, double num, double den) {
        KpiValue v = get(kpis, key);
        assertThat(v.numerator()).as(key + " numerator").isEqualTo(num);
        assertThat(v.denominator()).as(key + " denominator").isEqualTo(den);
    }

    static void count(Map<String, KpiValue> kpis, String key, double n) {
        assertThat(get(kpis, key).value()).as(key).isEqualTo(n);
    }

    @Test
    @DisplayName("a complaint 35 days before the receipt: the dossier resolved early is still not satisfied (0/1)")
    void complaintBeforeReceiptOutlivesRetention() throws Exception {
        Map<String, KpiValue> kpis = KpiJobPipelineTest.run(List.of(
                svc("f1", "FEEDBACK_RECEIVED", "2026-02-10T09:00:00",
                        "\"feedback_id\":\"PAKN-1\",\"agency_code\":\"A\",\"dossier_code\":\"X-1\""),
                tick("2026-02-20T12:00:00"),
                tick("2026-03-01T12:00:00"),
                tick("2026-03-17T09:30:00"), // 10 Feb 09:00 + 35 days = 17 Mar 09:00 has passed
                cas("x1", "X-1", "RECEIVED", "2026-03-17T10:00:00", RECEIVED_A),
                cas("x2", "X-1", "RESOLVED", "2026-03-18T08:00:00", ""),
                tick("2026-03-18T12:00:00")));
        for (String scope : List.of("province/SL", "agency/A", "field/F1", "channel/ONLINE")) {
            ratio(kpis, "satisfaction_ratio/" + scope + "/mtd", 0, 1);
            ratio(kpis, "satisfaction_ratio/" + scope + "/30d", 0, 1);
            ratio(kpis, "satisfaction_ratio/" + scope + "/ytd", 0, 1);
            ratio(kpis, "early_ratio/" + scope + "/mtd", 1, 1);
        }
        count(kpis, "resolved/province/SL/today", 1);
    }

    @Test
    @DisplayName("a DISSATISFIED rating of a code never received counts nowhere; the province stays the sum of agencies")
    void ratingOfNeverReceivedCodeCountsNowhere() throws Exception {
        Map<String, KpiValue> kpis = KpiJobPipelineTest.run(List.of(
                cas("d1", "D-1", "RECEIVED", "2026-03-02T09:00:00", RECEIVED_A),
                cas("z1", "Z-1", "RATED", "2026-03-02T10:00:00", "\"rating\":\"DISSATISFIED\""),
                cas("z2", "Z-2", "RATED", "2026-03-02T10:30:00", "\"rating\":\"DISSATISFIED\",\"agency_code\":\"B\""),
                tick("2026-03-02T12:00:00")));
        for (String w : List.of("24h", "30d")) {
            count(kpis, "dissatisfied/province/SL/" + w, 0);
            count(kpis, "dissatisfied/agency/A/" + w, 0);
        }
        assertThat(kpis.keySet()).as("a rating never received makes no scope appear").noneMatch(k -> k.contains("/agency/B/"));
        count(kpis, "received/province/SL/today", 1);
    }

    @Test
    @DisplayName("a DISSATISFIED rating and an online payment 7 weeks after the end revise satisfaction and online payment")
    void lateRatingAndPaymentAfterRetention() throws Exception {
        Map<String, KpiValue> kpis = KpiJobPipelineTest.run(List.of(
                cas("p1", "P-1", "RECEIVED", "2026-03-02T09:00:00", RECEIVED_A + ",\"fee_required\":true"),
                cas("p2", "P-1", "RESOLVED", "2026-03-03T10:00:00", ""),
                cas("p3", "P-1", "RATED", "2026-03-03T15:00:00", "\"rating\":\"SATISFIED\""),
                tick("2026-03-03T16:00:00"),
                tick("2026-03-20T12:00:00"),
                tick("2026-04-10T12:00:00"), // 3 Mar 15:00 + 35 days = 7 Apr 15:00 has passed
                tick("2026-04-19T12:00:00"),
                cas("p4", "P-1", "RATED", "2026-04-20T09:00:00", "\"rating\":\"DISSATISFIED\""),
                cas("p5", "P-1", "PAYMENT_COMPLETED", "2026-04-21T09:00:00",
                        "\"payment\":{\"online\":true,\"gateway\":\"DVCQG\"}"),
                tick("2026-04-22T12:00:00")));
        for (String scope : List.of("province/SL", "agency/A", "channel/ONLINE")) {
            ratio(kpis, "satisfaction_ratio/" + scope + "/ytd", 0, 1);
            ratio(kpis, "online_payment_ratio/" + scope + "/ytd", 1, 1);
            count(kpis, "dissatisfied/" + scope + "/30d", 1);
            count(kpis, "dissatisfied/" + scope + "/24h", 0); // (21 Apr 12:00, 22 Apr 12:00]
        }
        ratio(kpis, "satisfaction_ratio/province/SL/mtd", 0, 0); // ended in March
    }

    @Test
    @DisplayName("a complaint 7 weeks after the end makes the dossier unsatisfied")
    void lateComplaintAfterRetention() throws Exception {
        Map<String, KpiValue> kpis = KpiJobPipelineTest.run(List.of(
                cas("q1", "Q-1", "RECEIVED", "2026-03-02T09:00:00", RECEIVED_A),
                cas("q2", "Q-1", "RESOLVED", "2026-03-03T10:00:00", ""),
                tick("2026-03-03T16:00:00"),
                tick("2026-04-19T12:00:00"),
                svc("f9", "FEEDBACK_RECEIVED", "2026-04-20T09:00:00",
                        "\"feedback_id\":\"PAKN-9\",\"agency_code\":\"A\",\"dossier_code\":\"Q-1\""),
                tick("2026-04-22T12:00:00")));
        ratio(kpis, "satisfaction_ratio/province/SL/ytd", 0, 1);
        ratio(kpis, "satisfaction_ratio/agency/A/ytd", 0, 1);
    }
}
