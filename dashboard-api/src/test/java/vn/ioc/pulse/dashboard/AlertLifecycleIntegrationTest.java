package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;
import vn.ioc.pulse.web.Metrics;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * The alert lifecycle on a real broker, as the KPI job's records arrive on {@code ioc.alerts.v1}: active and resolved
 * alerts over REST and pushed over the WebSocket; acknowledge and silence with role operator only, shown on every
 * screen; a repeated (fingerprint, seq) record is dropped; both actions survive a restart of the API (and a second
 * instance sees them) because they live in the compacted {@code ioc.alert-actions.v1}.
 */
@DisplayName("Alerts: REST + WebSocket, acknowledge and silence by operators, kept across an API restart")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertLifecycleIntegrationTest extends DashboardTestBase {
    private static final String SECRET = "alert-lifecycle-test";
    private static final BearerAuth.Config AUTH = BearerAuth.Config.sharedSecret(SECRET);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Instant START = Instant.parse("2026-03-02T02:00:00Z");
    /** Agency "STP" has overdue dossiers (FIRING); commune 03646's on-time ratio alert fires then resolves. */
    private static final String OVERDUE_FP = AlertEvent.fingerprint("overdue_dossiers", "agency", "STP");
    private static final String ONTIME_FP = AlertEvent.fingerprint("on_time_low", "commune", "03646");

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static WebSocketClient wsClient;
    private static KafkaProducer<String, String> producer;
    private static DashboardVerticle api;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 1, Topics.ALERTS, 1));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
        send(overdue(1, List.of("H-1"), null));
        vertx = Metrics.vertx();
        wsClient = vertx.createWebSocketClient();
        api = deploy();
        port = api.port();
    }

    private static DashboardVerticle deploy() throws Exception {
        DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000)
                .withAuth(AUTH);
        DashboardVerticle v = new DashboardVerticle(config, new InMemoryKpiHistoryStore(1000), true,
                KpiCatalog.load());
        // deployment completes once listening and both the KPI and the alert topics were read
        vertx.deployVerticle(v).await(60, TimeUnit.SECONDS);
        return v;
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (wsClient != null) {
            wsClient.close().await();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static AlertEvent overdue(long seq, List<String> dossiers, Instant endsAt) {
        return new AlertEvent(OVERDUE_FP, "overdue_dossiers", endsAt == null ? AlertEvent.Status.FIRING
                : AlertEvent.Status.RESOLVED, AlertEvent.Severity.WARNING, "agency", "STP", "overdue_open", "live",
                (double) dossiers.size(), 0.0, dossiers, dossiers.size(),
                Map.of("alertname", "overdue_dossiers", "severity", "warning", "scope_type", "agency", "scope_id", "STP"),
                Map.of("summary_en", dossiers.size() + " overdue dossiers", "summary_vi", dossiers.size() + " hồ sơ quá hạn"),
                START, endsAt, START.plusSeconds(60 * seq), Instant.now(), seq);
    }

    static AlertEvent onTime(long seq, Instant endsAt) {
        return new AlertEvent(ONTIME_FP, "on_time_low", endsAt == null ? AlertEvent.Status.FIRING
                : AlertEvent.Status.RESOLVED, AlertEvent.Severity.CRITICAL, "commune", "03646", "on_time_ratio", "30d",
                0.91, 0.95, List.of(), 0,
                Map.of("alertname", "on_time_low", "severity", "critical", "scope_type", "commune", "scope_id", "03646"),
                Map.of("summary_en", "on time 91 %"), START.plusSeconds(30), endsAt,
                endsAt == null ? START.plusSeconds(30) : endsAt, Instant.now(), seq);
    }

    private static void send(AlertEvent a) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, a.fingerprint(), a.toJson())).get(10, TimeUnit.SECONDS);
    }

    private static String token(String sub, List<String> roles, List<String> units) {
        JsonObject claims = new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + 300)
                .put("roles", new JsonArray(roles));
        if (units != null) {
            claims.put("units", new JsonArray(units));
        }
        return BearerAuth.provider(vertx, AUTH).generateToken(claims);
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ScreenClient alertScreen(String token) throws Exception {
        ScreenClient s = ScreenClient.connect(vertx, wsClient, port, "/ws/v1?access_token=" + token)
                .await(10, TimeUnit.SECONDS);
        s.send(new JsonObject().put("type", "subscribe").put("id", "a").put("alerts", true))
                .await(10, TimeUnit.SECONDS);
        return s;
    }

    /** The next message of {@code s} that passes {@code p} (others skipped), within the patience. */
    private static JsonObject next(ScreenClient s, Predicate<JsonObject> p) throws Exception {
        long deadline = System.currentTimeMillis() + ScreenClient.PATIENCE_MS;
        while (System.currentTimeMillis() < deadline) {
            JsonObject m = s.next().await(ScreenClient.PATIENCE_MS, TimeUnit.MILLISECONDS);
            if (p.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no matching message within " + ScreenClient.PATIENCE_MS + " ms");
    }

    private static Predicate<JsonObject> alertMessage(String fp, String state) {
        return m -> "alert".equals(m.getString("type")) && fp.equals(m.getJsonObject("alert").getString("fingerprint"))
                && state.equals(m.getJsonObject("alert").getString("state"));
    }

    @Test
    @Order(1)
    @DisplayName("a firing alert is listed over REST and in a screen's alert snapshot; new records are pushed; "
            + "a repeated seq is dropped; RESOLVED moves it to the resolved list")
    void listAndPush() throws Exception {
        String screen = token("wall-1", List.of("screen"), null);
        HttpResponse<String> r = call("GET", "/api/v1/alerts", screen, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray alerts = new JsonObject(r.body()).getJsonArray("alerts");
        assertThat(alerts).hasSize(1);
        JsonObject a = alerts.getJsonObject(0);
        assertThat(a.getString("fingerprint")).isEqualTo(OVERDUE_FP);
        assertThat(a.getString("state")).isEqualTo("firing");
        assertThat(a.getJsonArray("dossiers").getList()).containsExactly("H-1");
        assertThat(a.getValue("acknowledged")).isNull();

        ScreenClient s = alertScreen(screen);
        JsonObject snapshot = next(s, m -> "alerts".equals(m.getString("type")));
        assertThat(snapshot.getString("id")).isEqualTo("a");
        assertThat(snapshot.getJsonArray("alerts")).hasSize(1);

        send(overdue(2, List.of("H-1", "H-2"), null));
        send(overdue(2, List.of("H-1", "H-2"), null)); // the job re-sent it after a restore: same seq
        send(onTime(1, null));
        JsonObject grown = next(s, m -> "alert".equals(m.getString("type")));
        assertThat(grown.getJsonObject("alert").getLong("seq")).isEqualTo(2);
        assertThat(grown.getJsonObject("alert").getJsonArray("dossiers").getList()).containsExactly("H-1", "H-2");
        JsonObject nextOne = next(s, m -> "alert".equals(m.getString("type")));
        assertThat(nextOne.getJsonObject("alert").getString("fingerprint"))
                .as("the duplicate of seq 2 is not pushed again").isEqualTo(ONTIME_FP);

        // critical first, then warning
        JsonArray active = new JsonObject(call("GET", "/api/v1/alerts", screen, null).body()).getJsonArray("alerts");
        assertThat(active.stream().map(o -> ((JsonObject) o).getString("fingerprint")).toList())
                .containsExactly(ONTIME_FP, OVERDUE_FP);

        send(onTime(2, START.plusSeconds(3600)));
        next(s, alertMessage(ONTIME_FP, "resolved"));
        JsonArray resolved = new JsonObject(call("GET", "/api/v1/alerts?state=resolved", screen, null).body())
                .getJsonArray("alerts");
        assertThat(resolved).hasSize(1);
        assertThat(resolved.getJsonObject(0).getString("ends_at")).isEqualTo("2026-03-02T10:00:00+07:00");
        assertThat(new JsonObject(call("GET", "/api/v1/alerts", screen, null).body()).getJsonArray("alerts"))
                .hasSize(1);
        assertThat(call("GET", "/api/v1/alerts?state=soon", screen, null).statusCode()).isEqualTo(400);
        s.close();
    }

    @Test
    @Order(2)
    @DisplayName("an operator acknowledges (who, when, comment) and every screen sees it; a screen token may not (403)")
    void acknowledge() throws Exception {
        ScreenClient s = alertScreen(token("wall-2", List.of("screen"), null));
        next(s, m -> "alerts".equals(m.getString("type")));
        String screen = token("wall-2", List.of("screen"), null);
        HttpResponse<String> refused = call("POST", "/api/v1/alerts/" + OVERDUE_FP + "/ack", screen,
                "{\"comment\":\"x\"}");
        assertThat(refused.statusCode()).isEqualTo(403);

        String operator = token("op-lan", List.of("operator"), null);
        assertThat(call("POST", "/api/v1/alerts/" + OVERDUE_FP + "/ack", operator, "{\"comment\":5}").statusCode())
                .isEqualTo(400);
        assertThat(call("POST", "/api/v1/alerts/0000000000000000/ack", operator, "{}").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/v1/alerts/" + ONTIME_FP + "/ack", operator, "{}").statusCode())
                .as("resolved: nothing to acknowledge").isEqualTo(409);
        Instant before = Instant.now();
        HttpResponse<String> ok = call("POST", "/api/v1/alerts/" + OVERDUE_FP + "/ack", operator,
                "{\"comment\":\"Đã gọi sở Tư pháp\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonObject ack = new JsonObject(ok.body()).getJsonObject("acknowledged");
        assertThat(ack.getString("by")).isEqualTo("op-lan");
        assertThat(ack.getString("comment")).isEqualTo("Đã gọi sở Tư pháp");
        assertThat(java.time.OffsetDateTime.parse(ack.getString("at")).toInstant()).isAfterOrEqualTo(before.minusSeconds(1));
        JsonObject pushed = next(s, alertMessage(OVERDUE_FP, "acknowledged"));
        assertThat(pushed.getJsonObject("alert").getJsonObject("acknowledged").getString("by")).isEqualTo("op-lan");
        s.close();
    }

    @Test
    @Order(3)
    @DisplayName("a silence (matchers, until, reason) marks matching alerts silenced on every screen and for delivery; "
            + "ending it shows them firing again")
    void silence() throws Exception {
        ScreenClient s = alertScreen(token("wall-3", List.of("screen"), null));
        next(s, m -> "alerts".equals(m.getString("type")));
        String operator = token("op-minh", List.of("operator"), null);
        assertThat(call("POST", "/api/v1/silences", operator, "{\"matchers\":{\"scope_id\":\"STP\"},"
                + "\"duration\":\"2h\"}").statusCode()).as("reason is required").isEqualTo(400);
        assertThat(call("POST", "/api/v1/silences", operator, "{\"matchers\":[],\"duration\":\"2h\","
                + "\"reason\":\"x\"}").statusCode()).as("silence everything is refused").isEqualTo(400);
        assertThat(call("POST", "/api/v1/silences", token("wall", List.of("screen"), null), "{\"matchers\":"
                + "{\"scope_id\":\"STP\"},\"duration\":\"2h\",\"reason\":\"r\"}").statusCode()).isEqualTo(403);
        HttpResponse<String> created = call("POST", "/api/v1/silences", operator, "{\"matchers\":[{\"name\":"
                + "\"alertname\",\"value\":\"overdue_.*\",\"is_regex\":true},{\"name\":\"scope_id\",\"value\":\"STP\"}],"
                + "\"duration\":\"2h\",\"reason\":\"Bảo trì hệ thống một cửa\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject silence = new JsonObject(created.body());
        String id = silence.getString("id");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/silences/" + id);
        assertThat(silence.getString("created_by")).isEqualTo("op-minh");
        assertThat(silence.getString("state")).isEqualTo("active");

        JsonObject pushed = next(s, alertMessage(OVERDUE_FP, "silenced"));
        assertThat(pushed.getJsonObject("alert").getJsonArray("silenced_by").getList()).containsExactly(id);
        AlertEvent current = api.alerts().book().get(OVERDUE_FP).orElseThrow();
        assertThat(api.alerts().silenced(current)).as("delivery asks this").isTrue();
        assertThat(api.alerts().silenced(onTime(3, null))).as("another alert is not silenced").isFalse();

        JsonArray listed = new JsonObject(call("GET", "/api/v1/silences", operator, null).body())
                .getJsonArray("silences");
        assertThat(listed.stream().map(o -> ((JsonObject) o).getString("id")).toList()).contains(id);

        HttpResponse<String> ended = call("DELETE", "/api/v1/silences/" + id, operator, null);
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ended.body()).getString("state")).isEqualTo("expired");
        next(s, alertMessage(OVERDUE_FP, "acknowledged")); // the ack of test 2 shows again
        assertThat(api.alerts().silenced(current)).isFalse();

        // a silence that stays, to be found after the restart
        assertThat(call("POST", "/api/v1/silences", operator, "{\"matchers\":{\"scope_id\":\"STP\"},"
                + "\"duration\":\"1h\",\"reason\":\"kept\"}").statusCode()).isEqualTo(201);
        next(s, alertMessage(OVERDUE_FP, "silenced"));
        s.close();
    }

    @Test
    @Order(4)
    @DisplayName("after a restart of the API (a fresh instance reading the topics) the acknowledgement and the silence "
            + "are still there")
    void survivesRestart() throws Exception {
        vertx.undeploy(api.deploymentID()).await(30, TimeUnit.SECONDS);
        api = deploy();
        port = api.port();
        JsonObject a = new JsonObject(call("GET", "/api/v1/alerts/" + OVERDUE_FP,
                token("wall", List.of("screen"), null), null).body());
        assertThat(a.getString("state")).isEqualTo("silenced");
        assertThat(a.getJsonObject("acknowledged").getString("by")).isEqualTo("op-lan");
        assertThat(a.getLong("seq")).isEqualTo(2);
        JsonArray silences = new JsonObject(call("GET", "/api/v1/silences", token("op", List.of("operator"), null),
                null).body()).getJsonArray("silences");
        assertThat(silences.stream().map(o -> ((JsonObject) o).getString("state")).sorted().toList())
                .containsExactly("active", "expired");

        // a new episode (RESOLVED, then FIRING with another starts_at) is not acknowledged by the old ack
        send(overdue(3, List.of(), START.plusSeconds(7200)));
        AlertEvent again = new AlertEvent(OVERDUE_FP, "overdue_dossiers", AlertEvent.Status.FIRING,
                AlertEvent.Severity.WARNING, "agency", "STP", "overdue_open", "live", 1.0, 0.0, List.of("H-9"), 1,
                Map.of("alertname", "overdue_dossiers", "scope_id", "STP"), Map.of(), START.plusSeconds(9000), null,
                START.plusSeconds(9000), Instant.now(), 4);
        send(again);
        long deadline = System.currentTimeMillis() + ScreenClient.PATIENCE_MS;
        JsonObject now;
        do {
            now = new JsonObject(call("GET", "/api/v1/alerts/" + OVERDUE_FP, token("w", List.of("screen"), null), null)
                    .body());
        } while (now.getLong("seq") < 4 && System.currentTimeMillis() < deadline);
        assertThat(now.getLong("seq")).isEqualTo(4);
        assertThat(now.getValue("acknowledged")).isNull();
        assertThat(now.getString("state")).as("the silence still matches").isEqualTo("silenced");
    }

    @Test
    @Order(5)
    @DisplayName("a token limited to one commune sees only that commune's alerts")
    void unitScope() throws Exception {
        JsonArray all = new JsonObject(call("GET", "/api/v1/alerts?state=all",
                token("c", List.of("leader"), List.of("commune/03646")), null).body()).getJsonArray("alerts");
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("scope_id")).distinct().toList())
                .containsExactly("03646");
        assertThat(call("GET", "/api/v1/alerts/" + OVERDUE_FP, token("c", List.of("leader"),
                List.of("commune/03646")), null).statusCode()).isEqualTo(403);
    }
}
