package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.model.AlertEvent;

/**
 * Alerting through the whole demo system, with the shipped rules: events posted to the gateway → the KPI job's alert
 * evaluation on Flink → {@code ioc.alerts.v1} → the dashboard API's book (REST) and delivery to two receivers served
 * by this test (a generic webhook with a secret, an Alertmanager-compatible one). Expectations by hand: a dossier
 * of agency SNV received on Tue 1 Dec 2026 with 3 working days is overdue on Mon 7 Dec; a DISSATISFIED rating of a
 * dossier of agency STP fires the 24 h rule; resolving the overdue dossier resolves its alert.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Alerts end to end: gateway → Flink rules → alerts topic → API and signed webhooks")
class AlertEndToEndIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String SECRET = "e2e-secret";
    private static final String OVERDUE_FP = AlertEvent.fingerprint("dossiers_overdue", "agency", "SNV");
    private static final String RATING_FP = AlertEvent.fingerprint("dissatisfied_rating", "agency", "STP");

    record Received(String path, Map<String, String> headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @TempDir
    static Path dir;
    private static final Queue<Received> RECEIVED = new ConcurrentLinkedQueue<>();
    private static Vertx vertx;
    private static Standalone system;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            Map<String, String> h = new java.util.HashMap<>();
            req.headers().forEach(e -> h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
            RECEIVED.add(new Received(req.path(), h, b.toString(StandardCharsets.UTF_8)));
            req.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + receiver.actualPort();
        Path receivers = dir.resolve("receivers.json");
        Files.writeString(receivers, new JsonObject().put("receivers", new JsonArray()
                .add(new JsonObject().put("name", "hook").put("type", "webhook").put("url", base + "/hook")
                        .put("secret", SECRET).put("group_wait", "0s").put("group_interval", "1s"))
                .add(new JsonObject().put("name", "am").put("type", "alertmanager").put("url", base + "/am")
                        .put("group_wait", "0s").put("group_interval", "1s"))).encode());
        system = QuietSystem.start(Map.of("IOC_ALERT_RECEIVERS_FILE", receivers.toString()));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static void post(String... events) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.ingestPort()
                + "/api/v1/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", events) + "]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static String received(String dossier, String agency, String at) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-r\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RECEIVED\",\"occurred_at\":\"" + at + "\",\"procedure_code\":\"2.000815\","
                + "\"agency_code\":\"" + agency + "\",\"commune_code\":\"03646\",\"channel\":\"ONLINE\","
                + "\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"}}";
    }

    private static String event(String dossier, String type, String at, String extra) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-" + type + "\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"" + type + "\",\"occurred_at\":\"" + at + "\"" + extra + "}";
    }

    private static String tick(String at) {
        return "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + at + "\"}";
    }

    /** The alerts of the notifications one receiver got so far. */
    private static List<JsonObject> alertsAt(String path) {
        return RECEIVED.stream().filter(r -> r.path().equals(path))
                .flatMap(r -> r.json().getJsonArray("alerts").stream().map(o -> (JsonObject) o)).toList();
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.dashboardPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @Order(1)
    @DisplayName("an overdue dossier and a DISSATISFIED rating raise one alert each, listed by the API and delivered "
            + "signed to the webhook and as Alertmanager v4")
    void fireAndDeliver() throws Exception {
        post(received("E2", "SNV", "2026-12-01T09:00:00+07:00"),
                received("E1", "STP", "2026-12-07T09:00:00+07:00"),
                event("E1", "RESOLVED", "2026-12-07T09:30:00+07:00", ""),
                event("E1", "RATED", "2026-12-07T10:00:00+07:00", ",\"rating\":\"DISSATISFIED\""),
                tick("2026-12-07T10:05:00+07:00"));

        await().atMost(PATIENCE).until(() -> alertsAt("/hook").stream().map(a -> a.getString("fingerprint")).toList()
                .containsAll(List.of(OVERDUE_FP, RATING_FP)));
        JsonObject overdue = alertsAt("/hook").stream().filter(a -> a.getString("fingerprint").equals(OVERDUE_FP))
                .findFirst().orElseThrow();
        assertThat(overdue.getString("status")).isEqualTo("FIRING");
        assertThat(overdue.getJsonArray("dossiers").getList()).containsExactly("E2");
        assertThat(overdue.getInteger("dossier_count")).isEqualTo(1);
        assertThat(overdue.getLong("seq")).isEqualTo(1);
        JsonObject rating = alertsAt("/hook").stream().filter(a -> a.getString("fingerprint").equals(RATING_FP))
                .findFirst().orElseThrow();
        assertThat(rating.getString("severity")).isEqualTo("warning");
        assertThat(rating.getDouble("value")).isEqualTo(1.0);

        // every webhook request is signed over its exact body with the receiver's secret
        for (Received r : RECEIVED.stream().filter(r -> r.path().equals("/hook")).toList()) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(r.headers().get("x-ioc-signature")).isEqualTo("sha256="
                    + HexFormat.of().formatHex(mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8))));
            assertThat(r.headers().get("idempotency-key")).isNotBlank();
        }
        // the Alertmanager receiver gets version 4 with the labels
        await().atMost(PATIENCE).until(() -> alertsAt("/am").size() >= 2);
        Received am = RECEIVED.stream().filter(r -> r.path().equals("/am")).findFirst().orElseThrow();
        assertThat(am.json().getString("version")).isEqualTo("4");
        assertThat(alertsAt("/am").stream().map(a -> a.getJsonObject("labels").getString("alertname")).toList())
                .contains("dossiers_overdue", "dissatisfied_rating");
        assertThat(alertsAt("/am")).allSatisfy(a -> assertThat(a.getString("status")).isEqualTo("firing"));

        // the API lists both as active
        JsonArray active = new JsonObject(get("/api/v1/alerts")).getJsonArray("alerts");
        assertThat(active.stream().map(o -> ((JsonObject) o).getString("fingerprint")).toList())
                .contains(OVERDUE_FP, RATING_FP);
    }

    @Test
    @Order(2)
    @DisplayName("resolving the overdue dossier resolves its alert: RESOLVED delivered (seq 2), listed as resolved")
    void resolve() throws Exception {
        post(event("E2", "RESOLVED", "2026-12-07T10:10:00+07:00", ""), tick("2026-12-07T10:15:00+07:00"));
        await().atMost(PATIENCE).until(() -> alertsAt("/hook").stream()
                .anyMatch(a -> a.getString("fingerprint").equals(OVERDUE_FP) && a.getString("status").equals("RESOLVED")));
        JsonObject resolved = alertsAt("/hook").stream().filter(a -> a.getString("fingerprint").equals(OVERDUE_FP)
                && a.getString("status").equals("RESOLVED")).findFirst().orElseThrow();
        assertThat(resolved.getLong("seq")).isEqualTo(2);
        assertThat(resolved.getString("ends_at")).isEqualTo("2026-12-07T10:10:00+07:00");
        await().atMost(PATIENCE).until(() -> new JsonObject(get("/api/v1/alerts?state=resolved")).getJsonArray("alerts")
                .stream().anyMatch(o -> ((JsonObject) o).getString("fingerprint").equals(OVERDUE_FP)));
        assertThat(alertsAt("/hook").stream().filter(a -> a.getString("fingerprint").equals(OVERDUE_FP)).count())
                .as("FIRING once, RESOLVED once: nothing repeated").isEqualTo(2);
    }

    @Test
    @Order(3)
    @DisplayName("a silence made over REST keeps its alerts from the receivers (shown as silenced) while others are "
            + "delivered")
    void silenceStopsDelivery() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + system.dashboardPort() + "/api/v1/silences")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"matchers\":{\"scope_id\":\"SCT\"},\"duration\":\"1h\","
                        + "\"reason\":\"Sở Công Thương đang bảo trì\",\"by\":\"op\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        post(received("E3", "SCT", "2026-12-07T10:20:00+07:00"), received("E4", "SXD", "2026-12-07T10:20:00+07:00"),
                event("E3", "RESOLVED", "2026-12-07T10:25:00+07:00", ""),
                event("E4", "RESOLVED", "2026-12-07T10:25:00+07:00", ""),
                event("E3", "RATED", "2026-12-07T10:30:00+07:00", ",\"rating\":\"DISSATISFIED\""),
                event("E4", "RATED", "2026-12-07T10:30:00+07:00", ",\"rating\":\"DISSATISFIED\""),
                tick("2026-12-07T10:35:00+07:00"));
        String silencedFp = AlertEvent.fingerprint("dissatisfied_rating", "agency", "SCT");
        String deliveredFp = AlertEvent.fingerprint("dissatisfied_rating", "agency", "SXD");
        await().atMost(PATIENCE).until(() -> alertsAt("/hook").stream()
                .anyMatch(a -> a.getString("fingerprint").equals(deliveredFp)) && alertsAt("/am").stream()
                .anyMatch(a -> a.getString("fingerprint").equals(deliveredFp)));
        JsonObject shown = new JsonObject(get("/api/v1/alerts/" + silencedFp));
        assertThat(shown.getString("state")).isEqualTo("silenced");
        // both were evaluated in the same step and grouped alike: the delivered one arrived, the silenced one did not
        assertThat(alertsAt("/hook").stream().map(a -> a.getString("fingerprint")).toList()).doesNotContain(silencedFp);
        assertThat(alertsAt("/am").stream().map(a -> a.getString("fingerprint")).toList()).doesNotContain(silencedFp);
    }
}
