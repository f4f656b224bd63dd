package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.web.Browser;

/**
 * The whole system (gateway → Kafka → Flink job → API → browser): events posted to the ingest gateway change the wall
 * screen's tiles within seconds, and the numbers shown equal the API's. Expected counts are the events posted here.
 */
@DisplayName("Events posted to the gateway reach the wall screen's tiles within seconds")
class WallLiveBrowserIntegrationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static Standalone system;

    @BeforeAll
    static void startSystem() throws Exception {
        Browser.assumeInstalled();
        system = QuietSystem.start();
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    /** One dossier received now at Sở Tư pháp in Phường Tô Hiệu, then a clock tick at now (event time moves on). */
    private static void postReceived(String code) throws Exception {
        String now = OffsetDateTime.now(VN).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String body = "[{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + code + "-r\",\"dossier_code\":\"" + code + "\","
                + "\"type\":\"RECEIVED\",\"occurred_at\":\"" + now + "\",\"procedure_code\":\"2.000815\","
                + "\"agency_code\":\"STP\",\"commune_code\":\"03646\",\"channel\":\"ONLINE\","
                + "\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"}},"
                + "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + now + "\"}]";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.ingestPort()
                        + "/api/v1/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static JsonObject restValue(String kpi, String window) throws Exception {
        JsonArray values = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + system.dashboardPort() + "/api/v1/kpis/values?kpi=" + kpi + "&scope_type=province&window=" + window))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("values");
        return values.isEmpty() ? null : values.getJsonObject(0);
    }

    private static String tileText(Browser b, String kpi) {
        Object t = b.js("const e = document.querySelector(\"#tiles .tile[data-kpi='" + kpi + "'] .tile-value\");"
                + " return e ? e.textContent : null");
        return t == null ? "" : t.toString();
    }

    @Test
    @DisplayName("received today and backlog go 1 → 2 on the page as dossiers are posted, equal to the API")
    void postedEventsChangeTheTiles() throws Exception {
        try (Browser b = Browser.start(1920, 1080)) {
            b.driver().get("http://127.0.0.1:" + system.dashboardPort() + "/");
            b.await(Duration.ofSeconds(30), "the page to connect", () -> "live".equals(
                    b.js("return document.getElementById('conn-state').dataset.state")));
            postReceived("WALL-1");
            b.await(Duration.ofSeconds(10), "received today = 1 on the tile", () -> tileText(b, "received").equals("1"));
            b.await(Duration.ofSeconds(10), "backlog = 1 on the tile", () -> tileText(b, "backlog").equals("1"));
            long t0 = System.nanoTime();
            postReceived("WALL-2");
            b.await(Duration.ofSeconds(10), "received today = 2 on the tile", () -> tileText(b, "received").equals("2"));
            System.out.printf("wall screen: posted event shown on the tile after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            b.await(Duration.ofSeconds(10), "backlog = 2 on the tile", () -> tileText(b, "backlog").equals("2"));
            JsonObject received = restValue("received", "today");
            assertThat(received.getDouble("value")).isEqualTo(2.0);
            assertThat(b.js("return document.querySelector(\"#tiles .tile[data-kpi='received']\").dataset.seq"))
                    .isEqualTo(String.valueOf(received.getLong("seq")));
            // the map shows Phường Tô Hiệu's received … for on_time_ratio: 2 open, none overdue → 100 %, GREEN
            b.await(Duration.ofSeconds(10), "Tô Hiệu on the map", () -> "GREEN".equals(
                    b.js("return document.querySelector(\"#map-table tr[data-code='03646']\")?.dataset.status")));
            b.screenshot(Path.of("target", "screenshots", "wall-live-1920x1080.png"));
        }
    }
}
