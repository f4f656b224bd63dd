package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.AlertEvent;

@DisplayName("Both payloads have the documented shape, field by field")
class PayloadsTest extends AlertFixtures {
    private static final Map<String, String> GROUP = new LinkedHashMap<>(Map.of("alertname", ON_TIME_LOW));
    private static final String GROUP_KEY = "am:{alertname=\"on_time_ratio_low\"}";

    @Test
    @DisplayName("Alertmanager v4: every field of the documented message, endsAt zero while firing, English summary")
    void alertmanager() {
        AlertEvent fires = firing(ON_TIME_LOW, "03646", 1);
        AlertEvent ends = resolved(ON_TIME_LOW, "03647", 2);
        JsonObject got = Payloads.alertmanager("am", GROUP_KEY, GROUP, List.of(fires, ends), "https://ioc.example");
        JsonObject expected = new JsonObject()
                .put("version", "4")
                .put("groupKey", GROUP_KEY)
                .put("truncatedAlerts", 0)
                .put("status", "firing")
                .put("receiver", "am")
                .put("groupLabels", new JsonObject().put("alertname", ON_TIME_LOW))
                .put("commonLabels", new JsonObject().put("alertname", ON_TIME_LOW).put("kpi", "on_time_ratio")
                        .put("scope_type", "commune").put("severity", "warning").put("window", "day"))
                .put("commonAnnotations", new JsonObject().put("description", "62% is below 80%")
                        .put("description_en", "62% is below 80%")
                        .put("description_vi", "Tỷ lệ 62% dưới ngưỡng 80%"))
                .put("externalURL", "https://ioc.example")
                .put("alerts", new JsonArray()
                        .add(amAlert("firing", "03646", "0001-01-01T00:00:00Z", fires.fingerprint()))
                        .add(amAlert("resolved", "03647", "2026-03-02T02:10:00Z", ends.fingerprint())));
        assertThat(got).isEqualTo(expected);
        assertThat(Payloads.alertmanager("am", GROUP_KEY, GROUP, List.of(ends), "").getString("status"))
                .isEqualTo("resolved");
    }

    private static JsonObject amAlert(String status, String commune, String endsAt, String fingerprint) {
        return new JsonObject().put("status", status)
                .put("labels", new JsonObject().put("alertname", ON_TIME_LOW).put("kpi", "on_time_ratio")
                        .put("scope_id", commune).put("scope_type", "commune").put("severity", "warning")
                        .put("window", "day"))
                .put("annotations", new JsonObject()
                        .put("summary", "Low on-time ratio: " + commune)
                        .put("summary_en", "Low on-time ratio: " + commune)
                        .put("summary_vi", "Tỷ lệ đúng hạn thấp: " + commune)
                        .put("description", "62% is below 80%")
                        .put("description_en", "62% is below 80%")
                        .put("description_vi", "Tỷ lệ 62% dưới ngưỡng 80%"))
                .put("startsAt", "2026-03-02T02:00:00Z")
                .put("endsAt", endsAt)
                .put("generatorURL", "https://ioc.example/api/v1/alerts?fingerprint=" + fingerprint)
                .put("fingerprint", fingerprint);
    }

    @Test
    @DisplayName("generic webhook: version ioc-alerts/1, receiver, status, group, key and the alert records as JSON")
    void webhook() {
        AlertEvent fires = firing(ON_TIME_LOW, "03646", 1);
        JsonObject got = Payloads.webhook("hook", "hook:{alertname=\"on_time_ratio_low\"}", GROUP, List.of(fires),
                "k1");
        assertThat(got.fieldNames()).containsExactlyInAnyOrder("version", "receiver", "status", "group_key",
                "group_labels", "idempotency_key", "alerts");
        assertThat(got.getString("version")).isEqualTo("ioc-alerts/1");
        assertThat(got.getString("receiver")).isEqualTo("hook");
        assertThat(got.getString("status")).isEqualTo("firing");
        assertThat(got.getString("group_key")).isEqualTo("hook:{alertname=\"on_time_ratio_low\"}");
        assertThat(got.getJsonObject("group_labels")).isEqualTo(new JsonObject().put("alertname", ON_TIME_LOW));
        assertThat(got.getString("idempotency_key")).isEqualTo("k1");
        JsonObject alert = got.getJsonArray("alerts").getJsonObject(0);
        assertThat(alert.getString("fingerprint")).isEqualTo(fires.fingerprint());
        assertThat(alert.getString("status")).isEqualTo("FIRING");
        assertThat(alert.getString("severity")).isEqualTo("warning");
        assertThat(alert.getString("scope_id")).isEqualTo("03646");
        assertThat(alert.getLong("seq")).isEqualTo(1L);
        assertThat(alert.getString("starts_at")).isEqualTo("2026-03-02T09:00:00+07:00");
        assertThat(alert.getJsonObject("annotations").getString("summary_vi")).isEqualTo("Tỷ lệ đúng hạn thấp: 03646");
        assertThat(AlertEvent.fromJson(alert.encode())).isEqualTo(fires);
    }
}
