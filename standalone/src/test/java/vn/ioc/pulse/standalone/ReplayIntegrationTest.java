package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.ingest.replay.ReplayMain;

/**
 * {@code ./ioc replay FILE --until T} into an empty system (no simulator, no live clock): the KPIs read afterwards
 * are those as of T — events after T are not sent — and a rejected line is reported with its line number.
 */
class ReplayIntegrationTest {
    private static Standalone system;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        system = Standalone.start(StandaloneConfig.fromEnv(Map.of("IOC_DASHBOARD_PORT", "0", "IOC_INGEST_PORT", "0",
                "IOC_SIMULATOR", "off", "IOC_LIVE_CLOCK", "off")));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    static String received(String id, String dossier, String at) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RECEIVED\",\"occurred_at\":\"" + at + "\",\"procedure_code\":\"2.000815\","
                + "\"agency_code\":\"STP\",\"commune_code\":\"03646\",\"channel\":\"ONLINE\","
                + "\"regulated_duration\":{\"value\":2,\"unit\":\"WORKING_DAY\"}}";
    }

    @Test
    @DisplayName("a replay up to T gives the KPIs as of T and names the rejected line")
    void replayUntil() throws Exception {
        Path file = dir.resolve("history.ndjson");
        Files.write(file, List.of(
                received("r1", "d1", "2026-03-02T09:00:00+07:00"),
                received("r2", "d2", "2026-03-02T10:00:00+07:00"),
                "",
                "{\"schema\":\"ioc.case.v1\",\"event_id\":\"bad\",\"dossier_code\":\"d3\",\"type\":\"RECEIVED\"}",
                "{\"schema\":\"ioc.case.v1\",\"event_id\":\"x1\",\"dossier_code\":\"d1\",\"type\":\"RESOLVED\","
                        + "\"occurred_at\":\"2026-03-02T11:00:00+07:00\"}",
                received("r4", "d4", "2026-03-03T09:00:00+07:00"))); // after --until: not sent
        boolean clean = ReplayMain.run(new ReplayMain.Options(List.of(file),
                Instant.parse("2026-03-02T05:00:00Z"), URI.create("http://localhost:" + system.ingestPort()), 2, 0));
        assertThat(clean).as("one line was rejected").isFalse();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Double> v = values();
            assertThat(v).containsEntry("received/province/SL/today", 2.0)
                    .containsEntry("resolved/province/SL/today", 1.0)
                    .containsEntry("backlog/province/SL/live", 1.0)
                    .containsEntry("early_ratio/province/SL/30d", 1.0);
        });
    }

    private static Map<String, Double> values() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + system.dashboardPort() + "/api/v1/kpis/values?scope_type=province")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> out = new HashMap<>();
        new JsonObject(r.body()).getJsonArray("values").forEach(o -> {
            JsonObject v = (JsonObject) o;
            out.put(v.getString("kpi") + "/" + v.getString("scope_type") + "/" + v.getString("scope_id") + "/"
                    + v.getString("window"), v.getDouble("value"));
        });
        return out;
    }
}
