package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;
import vn.ioc.pulse.web.Metrics;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * Dashboard API auth on a real broker: 401 without a valid token, 403 outside role or unit, over REST and at the
 * WebSocket handshake and subscribe; a commune leader reads only that commune's values; /health, /ready, /metrics
 * stay open; /metrics serves Vert.x's and our own meters.
 */
@DisplayName("The dashboard API checks bearer tokens, roles and unit claims over REST and WebSocket")
class DashboardAuthIntegrationTest extends DashboardTestBase {
    private static final String SECRET = "dashboard-auth-test";
    private static final BearerAuth.Config AUTH = BearerAuth.Config.sharedSecret(SECRET);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final List<KpiValue> VALUES = List.of(received("province", "SL", "today", T0, 10),
            received("commune", "03646", "today", T0, 4), received("commune", "03664", "today", T0, 6),
            received("agency", "STP", "today", T0, 10));

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static WebSocketClient wsClient;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 1));
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (KpiValue v : VALUES) {
                p.send(new ProducerRecord<>(Topics.KPI_UPDATES, v.key(), v.toJson())).get(10, TimeUnit.SECONDS);
            }
        }
        vertx = Metrics.vertx();
        wsClient = vertx.createWebSocketClient();
        DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000)
                .withAuth(AUTH);
        DashboardVerticle api = new DashboardVerticle(config, new InMemoryKpiHistoryStore(1000), true,
                KpiCatalog.load());
        // deployment completes once listening and hydrated: the values above are all served from here on
        vertx.deployVerticle(api).await(60, TimeUnit.SECONDS);
        port = api.port();
    }

    @AfterAll
    static void stop() {
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

    private static String token(List<String> roles, List<String> units) {
        return BearerAuth.mint(vertx, AUTH, "test", roles, units, 5);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> scopes(HttpResponse<String> r) {
        JsonArray values = new JsonObject(r.body()).getJsonArray("values");
        return values.stream().map(o -> ((JsonObject) o).getString("scope_type") + "/"
                + ((JsonObject) o).getString("scope_id")).sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/health", "/ready", "/metrics", "/api/v1/openapi.yaml", "/api/docs"})
    @DisplayName("/health, /ready, /metrics and the API description and docs need no token")
    void openEndpoints(String path) throws Exception {
        assertThat(get(path, null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("no token, a forged or an expired token is 401 with WWW-Authenticate; a token without a reading role 403")
    void restRefusals() throws Exception {
        HttpResponse<String> none = get("/api/v1/kpis/values", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        String forged = BearerAuth.mint(vertx, BearerAuth.Config.sharedSecret("other"), "x", List.of("screen"), 5);
        assertThat(get("/api/v1/kpis/values", forged).statusCode()).isEqualTo(401);
        String expired = BearerAuth.provider(vertx, AUTH).generateToken(new JsonObject().put("sub", "x")
                .put("exp", System.currentTimeMillis() / 1000 - 60).put("roles", new JsonArray().add("screen")));
        assertThat(get("/api/v1/kpis/values", expired).statusCode()).isEqualTo(401);
        HttpResponse<String> noRole = get("/api/v1/kpis/values", token(List.of("citizen"), null));
        assertThat(noRole.statusCode()).isEqualTo(403);
        assertThat(noRole.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/api/v1/kpis", null).statusCode()).as("the catalogue too").isEqualTo(401);
    }

    private static String tileValue(vn.ioc.pulse.web.Browser b, String kpi) {
        Object t = b.js("const e = document.querySelector(\"#tiles .tile[data-kpi='" + kpi + "'] .tile-value\");"
                + " return e ? e.textContent : null");
        return t == null ? "" : t.toString();
    }

    @Test
    @DisplayName("the wall page takes ?access_token= (kiosk) and drops it from the address bar; without a token it "
            + "asks for one; a commune leader's token shows only that commune")
    void wallPageWithTokens() throws Exception {
        vn.ioc.pulse.web.Browser.assumeInstalled();
        java.time.Duration patience = java.time.Duration.ofSeconds(30);
        String base = "http://127.0.0.1:" + port + "/";
        String screen = token(List.of("screen"), null);
        try (vn.ioc.pulse.web.Browser b = vn.ioc.pulse.web.Browser.start(1280, 720)) {
            b.driver().get(base + "?access_token=" + screen);
            b.await(patience, "received today = 10 read with the kiosk token", () -> tileValue(b, "received").equals("10"));
            assertThat(b.driver().getCurrentUrl()).doesNotContain("access_token");
        }
        try (vn.ioc.pulse.web.Browser b = vn.ioc.pulse.web.Browser.start(1280, 720)) {
            b.driver().get(base);
            b.await(patience, "the token dialog", () -> b.driver().findElement(org.openqa.selenium.By.id("token-dialog"))
                    .isDisplayed());
            assertThat(b.driver().findElement(org.openqa.selenium.By.id("conn-state")).getAttribute("data-state"))
                    .isEqualTo("auth");
            b.driver().findElement(org.openqa.selenium.By.id("token-input")).sendKeys(screen);
            b.driver().findElement(org.openqa.selenium.By.id("token-save")).click();
            b.await(patience, "received today = 10 after the token was entered", () -> tileValue(b, "received").equals("10"));
        }
        String communeLeader = token(List.of("leader"), List.of("commune/03646"));
        try (vn.ioc.pulse.web.Browser b = vn.ioc.pulse.web.Browser.start(1280, 720)) {
            b.driver().get(base + "?view=leader&access_token=" + communeLeader);
            b.await(patience, "the commune's own received today = 4", () -> tileValue(b, "received").equals("4"));
            assertThat(b.js("return [...document.querySelectorAll('#unit-select option')].map(o => o.value)"))
                    .isEqualTo(List.of("commune/03646"));
            assertThat(b.driver().findElement(org.openqa.selenium.By.id("unit-name")).getText()).isEqualTo("Phường Tô Hiệu");
            assertThat(b.js("return document.querySelectorAll('#map-table tr[data-value]:not([data-value=\"\"])').length"))
                    .as("no other commune's value reaches this token").isIn(0L, 1L);
        }
    }

    @ParameterizedTest(name = "role {0}")
    @ValueSource(strings = {"screen", "leader", "operator", "integration", "admin"})
    @DisplayName("every reading role without a units claim reads the whole province")
    void readingRoles(String role) throws Exception {
        HttpResponse<String> r = get("/api/v1/kpis/values?kpi=received", token(List.of(role), null));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(scopes(r)).containsExactly("agency/STP", "commune/03646", "commune/03664", "province/SL");
    }

    @Test
    @DisplayName("a commune leader's token reads only that commune's values and history")
    void communeLeader() throws Exception {
        String commune = token(List.of("leader"), List.of("commune/03646"));
        assertThat(scopes(get("/api/v1/kpis/values?kpi=received", commune))).containsExactly("commune/03646");
        assertThat(get("/api/v1/kpis/received/history?scope_type=province&scope_id=SL&window=today", commune)
                .statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/kpis/received/history?scope_type=commune&scope_id=03646&window=today", commune)
                .statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a commune token's ranking shows only its own row, with its rank among all communes")
    void communeRanking() throws Exception {
        String commune = token(List.of("leader"), List.of("commune/03646"));
        HttpResponse<String> r = get("/api/v1/kpis/received/ranking?scope_type=commune&window=today", commune);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray rows = new JsonObject(r.body()).getJsonArray("rows");
        assertThat(rows).hasSize(1);
        assertThat(rows.getJsonObject(0).getString("scope_id")).isEqualTo("03646");
        assertThat(rows.getJsonObject(0).getDouble("value")).isEqualTo(4.0);
        HttpResponse<String> all = get("/api/v1/kpis/received/ranking?scope_type=commune&window=today",
                token(List.of("leader"), null));
        assertThat(new JsonObject(all.body()).getJsonArray("rows").size()).isGreaterThanOrEqualTo(75);
    }

    @Test
    @DisplayName("a malformed units claim is 401")
    void malformedUnits() throws Exception {
        String bad = BearerAuth.provider(vertx, AUTH).generateToken(new JsonObject().put("sub", "x")
                .put("exp", System.currentTimeMillis() / 1000 + 600).put("roles", new JsonArray().add("leader"))
                .put("units", "commune/03646"));
        assertThat(get("/api/v1/kpis/values", bad).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("WebSocket: no token refused 401 at the handshake; ?access_token= accepted; a commune token gets an "
            + "error for another commune and only its own rows for \"*\"")
    void webSocket() throws Exception {
        Throwable refused = awaitFailure(ScreenClient.connect(vertx, wsClient, port, "/ws/v1"));
        assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
        assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(401);

        String commune = token(List.of("screen"), List.of("commune/03646"));
        ScreenClient screen = ScreenClient.connect(vertx, wsClient, port, "/ws/v1?access_token=" + commune)
                .await(10, TimeUnit.SECONDS);
        JsonObject error = screen.request(new JsonObject().put("type", "subscribe").put("id", "other")
                .put("select", new JsonObject().put("scope_id", new JsonArray().add("03664"))))
                .await(10, TimeUnit.SECONDS);
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("detail")).contains("forbidden");
        JsonObject snapshot = screen.request(new JsonObject().put("type", "subscribe").put("id", "all")
                .put("select", new JsonObject().put("kpi", new JsonArray().add("received"))))
                .await(10, TimeUnit.SECONDS);
        assertThat(snapshot.getString("type")).isEqualTo("snapshot");
        assertThat(snapshot.getJsonArray("values").stream().map(o -> ((JsonObject) o).getString("scope_id")))
                .containsExactly("03646");
    }

    private static Throwable awaitFailure(io.vertx.core.Future<?> f) {
        try {
            f.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        }
        throw new AssertionError("the handshake without a token was accepted");
    }

    @Test
    @DisplayName("/metrics serves Vert.x's HTTP meters and ours in Prometheus text")
    void metrics() throws Exception {
        get("/api/v1/kpis/values", token(List.of("screen"), null));
        HttpResponse<String> r = get("/metrics", null);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(r.body()).contains("ioc_ws_screens").contains("ioc_kpi_consumer_lag").contains("ioc_kpi_cache_keys")
                .contains("ioc_http_connections_open").contains("vertx_http_server_requests_total");
    }
}
