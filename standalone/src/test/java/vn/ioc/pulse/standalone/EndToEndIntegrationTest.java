package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.embedded.InfluxdProcess;
import vn.ioc.pulse.model.Topics;

/**
 * The walking skeleton end to end on real parts: a batch (with one invalid record) and a clock tick posted to the
 * ingest gateway become exact {@code received} values (a) over REST, (b) on a real WebSocket client and (c) in
 * InfluxDB via InfluxQL, and the invalid record is in the answer and on the dead-letter topic.
 */
class EndToEndIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static InfluxdProcess influxd;
    private static Standalone system;
    private static Vertx vertx;
    /** Kept in a field: an unreferenced Vert.x 5 WebSocketClient is closed by GC (STACK.md gotcha 2). */
    private static WebSocketClient wsClient;

    @BeforeAll
    static void startSystem() throws Exception {
        influxd = InfluxdProcess.start();
        system = Standalone.start(StandaloneConfig.fromEnv(Map.of(
                "IOC_DASHBOARD_PORT", "0", "IOC_INGEST_PORT", "0",
                "IOC_SIMULATOR", "off", "IOC_LIVE_CLOCK", "off",
                "IOC_INFLUX_URL", influxd.url(), "IOC_CHECKPOINT_INTERVAL_MS", "1000")));
        vertx = Vertx.vertx();
        wsClient = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stopSystem() {
        if (wsClient != null) {
            wsClient.close().await();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (system != null) {
            system.close();
        }
        if (influxd != null) {
            influxd.close();
        }
    }

    static String received(String eventId, String dossier, String at, String agency, String commune) {
        JsonObject o = new JsonObject().put("schema", "ioc.case.v1").put("event_id", eventId)
                .put("dossier_code", dossier).put("type", "RECEIVED").put("occurred_at", at)
                .put("procedure_code", "2.000815").put("agency_code", agency).put("channel", "ONLINE")
                .put("regulated_duration", new JsonObject().put("value", 3).put("unit", "WORKING_DAY"));
        if (commune != null) {
            o.put("commune_code", commune);
        }
        return o.encode();
    }

    @Test
    @DisplayName("a posted batch and clock tick give the exact received values over REST, WebSocket and InfluxDB")
    void batchToScreens() throws Exception {
        Map<String, Double> screen = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<JsonObject> messages = new ConcurrentLinkedQueue<>();
        WebSocket ws = wsClient.connect(system.dashboardPort(), "localhost", "/ws/v1").await();
        ws.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            messages.add(m);
            List<JsonObject> values = new ArrayList<>();
            if ("snapshot".equals(m.getString("type"))) {
                m.getJsonArray("values").forEach(v -> values.add((JsonObject) v));
            } else if ("update".equals(m.getString("type"))) {
                values.add(m.getJsonObject("value"));
            }
            values.forEach(v -> screen.put(v.getString("scope_type") + "/" + v.getString("scope_id") + "/"
                    + v.getString("window"), v.getDouble("value")));
        });
        ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("id", "s1").put("select", new JsonObject()
                .put("kpi", new JsonArray().add("received"))
                .put("scope_type", new JsonArray().add("province").add("agency"))).encode()).await();
        await().atMost(PATIENCE).until(() -> messages.stream().anyMatch(m -> "snapshot".equals(m.getString("type"))));

        String batch = "[" + String.join(",",
                received("e1", "d1", "2026-03-02T09:00:00+07:00", "A", "14107"),
                received("e2", "d2", "2026-03-02T03:00:00Z", "B", null),
                // invalid: RECEIVED without agency_code
                "{\"schema\":\"ioc.case.v1\",\"event_id\":\"bad1\",\"dossier_code\":\"d9\",\"type\":\"RECEIVED\","
                        + "\"occurred_at\":\"2026-03-02T10:00:00+07:00\",\"procedure_code\":\"2.000815\","
                        + "\"channel\":\"ONLINE\",\"due_at\":\"2026-03-05T17:00:00+07:00\"}",
                received("e1", "d1", "2026-03-02T09:00:00+07:00", "B", "14107"), // duplicate event_id: ignored
                received("e4", "d4", "2026-03-01T20:00:00+07:00", "A", "14110"),
                "{\"schema\":\"ioc.clock.v1\",\"now\":\"2026-03-02T12:00:00+07:00\"}") + "]";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + system.ingestPort() + "/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isEqualTo(5);
        assertThat(body.getJsonArray("rejected")).hasSize(1);
        JsonObject rejected = body.getJsonArray("rejected").getJsonObject(0);
        assertThat(rejected.getInteger("index")).isEqualTo(2);
        assertThat(rejected.getString("field")).isEqualTo("agency_code");
        assertThat(rejected.getString("error")).contains("agency_code");

        Map<String, Double> expected = Map.of(
                "province/SL/today", 2.0, "province/SL/24h", 3.0,
                "agency/A/today", 1.0, "agency/A/24h", 2.0, "agency/B/today", 1.0, "agency/B/24h", 1.0);

        // (a) REST
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(restValues()).containsAllEntriesOf(Map.of(
                "province/SL/today", 2.0, "province/SL/24h", 3.0, "agency/A/today", 1.0, "agency/A/24h", 2.0,
                "agency/B/today", 1.0, "commune/14107/today", 1.0, "commune/14110/today", 0.0,
                "commune/14110/24h", 1.0)));
        // (b) WebSocket: the screen's latest values
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(screen).containsAllEntriesOf(expected));
        assertThat(messages).filteredOn(m -> "update".equals(m.getString("type")))
                .allSatisfy(m -> assertThat(m.getLong("seq")).isPositive());
        // (c) InfluxDB, through its own query language
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(influxLast("province", "SL", "today")).isEqualTo(2.0);
            assertThat(influxLast("province", "SL", "24h")).isEqualTo(3.0);
            assertThat(influxLast("agency", "A", "24h")).isEqualTo(2.0);
        });
        // the invalid record is on the dead-letter topic with its reason
        assertThat(deadLetters()).anySatisfy(r -> {
            JsonObject dl = new JsonObject(r);
            assertThat(dl.getString("field")).isEqualTo("agency_code");
            assertThat(dl.getString("input")).contains("\"bad1\"");
        });
        ws.close().await();
    }

    private static Map<String, Double> restValues() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + system.dashboardPort() + "/api/v1/kpis/values?kpi=received")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new ConcurrentHashMap<>();
        new JsonObject(r.body()).getJsonArray("values").forEach(o -> {
            JsonObject v = (JsonObject) o;
            out.put(v.getString("scope_type") + "/" + v.getString("scope_id") + "/" + v.getString("window"),
                    v.getDouble("value"));
        });
        return out;
    }

    private static Double influxLast(String scopeType, String scopeId, String window) {
        String json = influxd.query("SELECT last(value) FROM \"ioc\".\"autogen\".\"kpi\" WHERE kpi = 'received' AND "
                + "scope_type = '" + scopeType + "' AND scope_id = '" + scopeId + "' AND \"window\" = '" + window + "'");
        JsonObject result = new JsonObject(json).getJsonArray("results").getJsonObject(0);
        JsonArray series = result.getJsonArray("series");
        if (series == null) {
            return null;
        }
        return series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getDouble(1);
    }

    private static List<String> deadLetters() {
        return TopicReader.values(system.kafkaBootstrap(), Topics.DEAD_LETTER);
    }
}
