package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.Problems;

/**
 * Alert delivery end to end on a real in-process broker (a fresh one per test) and fake receivers: retries with a
 * stable idempotency key, Retry-After, isolation from a hanging receiver, dead letters and replay through the API,
 * a crash mid-delivery, grouping of a burst, silences, the signature and the Alertmanager v4 shape, repeated records.
 */
@DisplayName("Alert delivery reaches every receiver once per notification key, whatever the receivers and restarts do")
class AlertDeliveryIntegrationTest extends AlertFixtures {
    private static final Duration WAIT = Duration.ofMillis(300);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Pattern RFC3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    @TempDir
    Path kafkaLogDir;
    private EmbeddedKafka kafka;
    private KafkaProducer<String, String> producer;
    private Vertx vertx;
    private final List<AlertDelivery> deliveries = new ArrayList<>();
    private final Set<String> silencedFingerprints = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startKafka() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.ALERTS, 2));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AlertDelivery d : deliveries) {
            d.stop().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(30, TimeUnit.SECONDS);
        producer.close();
        kafka.close();
    }

    @Test
    @DisplayName("a receiver failing 3 times with 503 then answering 200 gets the notification 4 times under one "
            + "Idempotency-Key and the same bytes, and not a 5th time")
    void retriesUntilDelivered() throws Exception {
        FakeReceiver fake = receiver(i -> i < 3 ? FakeReceiver.Reply.status(503) : FakeReceiver.Reply.ok());
        start(config(webhook("flaky", fake)));
        publish(firing(ON_TIME_LOW, "03646", 1));
        until("4 tries", () -> fake.requests.size() >= 4);
        publish(firing(OVERDUE, "03646", 1)); // a later notification: once it arrives, the first is done
        until("the later notification", () -> fake.requests.size() >= 5);
        List<FakeReceiver.Request> first = fake.requests.subList(0, 4);
        assertThat(first).extracting(FakeReceiver.Request::answeredStatus).containsExactly(503, 503, 503, 200);
        assertThat(first).extracting(FakeReceiver.Request::idempotencyKey).containsOnly(first.get(0).idempotencyKey());
        assertThat(first).extracting(FakeReceiver.Request::text).containsOnly(first.get(0).text());
        assertThat(first).extracting(r -> r.header("X-IOC-Attempt")).containsExactly("1", "2", "3", "4");
        assertThat(first.get(0).header("X-IOC-Signature")).isNull(); // no secret configured
        assertThat(first.get(0).header("User-Agent")).isEqualTo("ioc-pulse");
        assertThat(first.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(fake.requests.get(4).idempotencyKey()).isNotEqualTo(first.get(0).idempotencyKey());
        assertThat(alertsOf(fake.requests.get(4))).containsExactly(ref(OVERDUE, "03646", 1));
        assertThat(fake.requests).hasSize(5);
    }

    @Test
    @DisplayName("after a 429 with Retry-After: 2 the next try comes at least 2 s later (back-off base is 100 ms)")
    void honoursRetryAfter() throws Exception {
        FakeReceiver fake = receiver(i -> i == 0 ? new FakeReceiver.Reply(429, Map.of("Retry-After", "2"), "slow down")
                : FakeReceiver.Reply.ok());
        start(config(webhook("limited", fake)));
        publish(firing(ON_TIME_LOW, "03646", 1));
        until("the retry", () -> fake.requests.size() >= 2);
        long gap = fake.requests.get(1).arrivedNanos() - fake.requests.get(0).arrivedNanos();
        assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(fake.requests.get(1).answeredStatus()).isEqualTo(200);
        assertThat(fake.requests.get(1).idempotencyKey()).isEqualTo(fake.requests.get(0).idempotencyKey());
    }

    @Test
    @DisplayName("a receiver that never answers does not delay another: the healthy one gets both notifications "
            + "while the first request to the hanging one is still open")
    void hangingReceiverIsolated() throws Exception {
        FakeReceiver stuck = receiver(i -> FakeReceiver.Reply.hang());
        FakeReceiver healthy = receiver(i -> FakeReceiver.Reply.ok());
        start(config(webhook("stuck", stuck).withTimeouts(Duration.ofSeconds(60), Duration.ofMillis(100),
                Duration.ofSeconds(1)), webhook("healthy", healthy)));
        long t0 = System.nanoTime();
        publish(firing(ON_TIME_LOW, "03646", 1));
        until("the hanging receiver got its request", () -> stuck.requests.size() == 1);
        until("the healthy receiver got the notification", () -> healthy.requests.size() == 1);
        assertThat(Duration.ofNanos(healthy.requests.get(0).arrivedNanos() - t0)).isLessThan(Duration.ofSeconds(5));
        long t1 = System.nanoTime();
        publish(firing(OVERDUE, "03646", 1));
        until("the healthy receiver got the second notification", () -> healthy.requests.size() == 2);
        assertThat(Duration.ofNanos(healthy.requests.get(1).arrivedNanos() - t1)).isLessThan(Duration.ofSeconds(5));
        assertThat(stuck.requests).hasSize(1); // still hanging on the first
    }

    @Test
    @DisplayName("a 400 goes to the dead letters with status and answer; replay through the API delivers it with the "
            + "same idempotency key; the routes need the operator hook and answer problem+json")
    void deadLetterAndReplay() throws Exception {
        FakeReceiver fake = receiver(i -> i == 0 ? new FakeReceiver.Reply(400, Map.of(), "{\"error\":\"unknown field\"}")
                : FakeReceiver.Reply.ok());
        AlertDelivery delivery = start(config(webhook("strict", fake)));
        publish(firing(ON_TIME_LOW, "03646", 1));
        until("a dead letter", () -> !deadLetters(delivery).isEmpty());
        JsonObject letter = delivery.deadLetters().await(30, TimeUnit.SECONDS).get(0);
        assertThat(letter.getString("receiver")).isEqualTo("strict");
        assertThat(letter.getInteger("status")).isEqualTo(400);
        assertThat(letter.getString("answer")).isEqualTo("{\"error\":\"unknown field\"}");
        assertThat(letter.getString("idempotency_key")).isEqualTo(fake.requests.get(0).idempotencyKey());
        assertThat(OffsetDateTime.parse(letter.getString("when")).toInstant())
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
        String id = letter.getString("id");

        Router router = Router.router(vertx);
        Problems.install(router);
        new DeliveryRoutes(delivery, ctx -> {
            if ("yes".equals(ctx.request().getHeader("X-Test-Operator"))) {
                ctx.next();
            } else {
                Problems.send(ctx, 403, "Forbidden", "operator role required");
            }
        }).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + server.actualPort() + DeliveryRoutes.BASE;
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> forbidden = http.send(HttpRequest.newBuilder(URI.create(base + "/dead-letters/" + id
                + "/replay")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forbidden.statusCode()).isEqualTo(403);
        HttpResponse<String> list = http.send(operator(base + "/dead-letters").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(list.body()).getJsonArray("dead_letters")).singleElement()
                .satisfies(o -> assertThat(((JsonObject) o).getString("id")).isEqualTo(id));
        HttpResponse<String> unknown = http.send(operator(base + "/dead-letters/nope/replay")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(unknown.body()).getString("detail")).contains("nope");

        HttpResponse<String> replay = http.send(operator(base + "/dead-letters/" + id + "/replay")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(202);
        until("the replayed notification", () -> fake.requests.size() == 2);
        FakeReceiver.Request again = fake.requests.get(1);
        assertThat(again.answeredStatus()).isEqualTo(200);
        assertThat(again.idempotencyKey()).isEqualTo(fake.requests.get(0).idempotencyKey());
        assertThat(again.text()).isEqualTo(fake.requests.get(0).text());
        assertThat(delivery.deadLetters().await(30, TimeUnit.SECONDS)).isEmpty();

        until("the receivers route shows the delivery", () -> {
            JsonObject r = receiversRoute(http, base).getJsonObject(0);
            return r.getLong("delivered") == 1;
        });
        JsonObject r = receiversRoute(http, base).getJsonObject(0);
        assertThat(r.getString("name")).isEqualTo("strict");
        assertThat(r.getString("type")).isEqualTo("webhook");
        assertThat(r.getString("host")).isEqualTo("127.0.0.1");
        assertThat(r.getString("last_status")).isEqualTo("200");
        assertThat(r.getInteger("consecutive_failures")).isZero();
        assertThat(r.getLong("dead_lettered")).isEqualTo(1);
        assertThat(r.getInteger("queued")).isZero();
    }

    @Test
    @DisplayName("stopped abruptly while the receiver fails and restarted: every alert is delivered, repeats only "
            + "under the same idempotency key")
    void crashLosesNothing() throws Exception {
        FakeReceiver fake = receiver(i -> FakeReceiver.Reply.status(503));
        DeliveryConfig config = config(webhook("ops", fake).withGrouping(List.of("alertname"), Duration.ofSeconds(1),
                INTERVAL));
        AlertDelivery first = start(config);
        List<AlertEvent> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(firing(ON_TIME_LOW, "036" + (40 + i), 1));
        }
        publish(sent.toArray(AlertEvent[]::new));
        until("the receiver failing on the first notification", () -> fake.requests.size() >= 2);
        List<AlertEvent> late = List.of(firing(OVERDUE, "03640", 1), firing(OVERDUE, "03641", 1),
                resolved(ON_TIME_LOW, "03640", 2));
        publish(late.toArray(AlertEvent[]::new)); // read but still waiting in its group (group_wait 1 s) at the crash
        first.stop().await(30, TimeUnit.SECONDS);
        deliveries.remove(first);
        sent.addAll(late);

        fake.script(i -> FakeReceiver.Reply.ok());
        start(config);
        Set<Notification.AlertRef> expected = new HashSet<>();
        sent.forEach(a -> expected.add(new Notification.AlertRef(a.fingerprint(), a.seq())));
        until("every alert delivered", () -> delivered(fake).containsAll(expected));
        Map<Notification.AlertRef, String> keyOf = new HashMap<>();
        Map<String, String> bodyOf = new HashMap<>();
        for (FakeReceiver.Request r : fake.requests) {
            assertThat(bodyOf.putIfAbsent(r.idempotencyKey(), r.text())).isIn(null, r.text());
            for (Notification.AlertRef a : alertsOf(r)) {
                assertThat(keyOf.putIfAbsent(a, r.idempotencyKey())).as("key of %s", a).isIn(null, r.idempotencyKey());
            }
        }
        assertThat(delivered(fake)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a burst of 50 alerts in one group is one notification with 50 alerts; a silenced alert is not sent")
    void burstAndSilence() throws Exception {
        FakeReceiver fake = receiver(i -> FakeReceiver.Reply.ok());
        start(config(webhook("ops", fake).withGrouping(List.of("alertname"), Duration.ofSeconds(2), INTERVAL)));
        AlertEvent muted = firing(ON_TIME_LOW, "03999", 1);
        silencedFingerprints.add(muted.fingerprint());
        List<AlertEvent> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(firing(ON_TIME_LOW, "036" + (10 + i), 1));
        }
        burst.add(25, muted);
        publish(burst.toArray(AlertEvent[]::new));
        until("one notification", () -> fake.requests.size() == 1);
        publish(firing(OVERDUE, "03646", 1)); // later: once it arrives, nothing else came for the burst
        until("the later notification", () -> fake.requests.size() == 2);
        List<Notification.AlertRef> got = alertsOf(fake.requests.get(0));
        assertThat(got).hasSize(50).doesNotContain(new Notification.AlertRef(muted.fingerprint(), 1));
        assertThat(fake.requests.get(0).json().getString("status")).isEqualTo("firing");
        assertThat(alertsOf(fake.requests.get(1))).containsExactly(ref(OVERDUE, "03646", 1));
    }

    @Test
    @DisplayName("X-IOC-Signature is the HMAC-SHA256 of the exact body with the shared secret; the Alertmanager "
            + "payload is version 4 with every documented field and type")
    void signatureAndAlertmanagerShape() throws Exception {
        FakeReceiver fake = receiver(i -> FakeReceiver.Reply.ok());
        DeliveryConfig.Receiver am = DeliveryConfig.Receiver.of("oncall", DeliveryConfig.Type.ALERTMANAGER, fake.url(),
                "s3cr3t-shared").withGrouping(List.of("alertname"), WAIT, INTERVAL);
        start(config(am).withExternalUrl("https://ioc.sonla.example/"));
        AlertEvent fires = firing(ON_TIME_LOW, "03646", 1);
        AlertEvent ends = resolved(ON_TIME_LOW, "03647", 2);
        publish(fires, ends);
        until("the notification", () -> fake.requests.size() == 1);
        FakeReceiver.Request r = fake.requests.get(0);

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cr3t-shared".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(r.header("X-IOC-Signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body())));
        assertThat(Long.parseLong(r.header("X-IOC-Timestamp")))
                .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
        assertThat(r.idempotencyKey()).matches("[0-9a-f]{64}");

        JsonObject m = r.json();
        assertThat(m.fieldNames()).containsExactlyInAnyOrder("version", "groupKey", "truncatedAlerts", "status",
                "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
        assertThat(m.getValue("version")).isEqualTo("4");
        assertThat(m.getValue("groupKey")).isEqualTo("oncall:{alertname=\"on_time_ratio_low\"}");
        assertThat(m.getValue("truncatedAlerts")).isEqualTo(0);
        assertThat(m.getValue("status")).isEqualTo("firing");
        assertThat(m.getValue("receiver")).isEqualTo("oncall");
        assertThat(m.getValue("externalURL")).isEqualTo("https://ioc.sonla.example");
        assertStrings(m.getValue("groupLabels"));
        assertThat(m.getJsonObject("groupLabels")).isEqualTo(new JsonObject().put("alertname", ON_TIME_LOW));
        assertStrings(m.getValue("commonLabels"));
        assertThat(m.getJsonObject("commonLabels").getString("scope_type")).isEqualTo("commune");
        assertThat(m.getJsonObject("commonLabels").containsKey("scope_id")).isFalse(); // differs between the two
        assertStrings(m.getValue("commonAnnotations"));
        assertThat(m.getValue("alerts")).isInstanceOf(JsonArray.class);
        assertThat(m.getJsonArray("alerts")).hasSize(2);
        Map<String, JsonObject> byFingerprint = new HashMap<>();
        for (Object o : m.getJsonArray("alerts")) {
            JsonObject a = (JsonObject) o;
            assertThat(a.fieldNames()).containsExactlyInAnyOrder("status", "labels", "annotations", "startsAt",
                    "endsAt", "generatorURL", "fingerprint");
            assertStrings(a.getValue("labels"));
            assertStrings(a.getValue("annotations"));
            assertThat(a.getValue("startsAt")).isInstanceOf(String.class);
            assertThat(a.getString("startsAt")).matches(RFC3339);
            assertThat(a.getString("endsAt")).matches(RFC3339);
            OffsetDateTime.parse(a.getString("startsAt"));
            OffsetDateTime.parse(a.getString("endsAt"));
            assertThat(a.getValue("generatorURL")).isInstanceOf(String.class);
            assertThat(a.getString("generatorURL")).startsWith("https://ioc.sonla.example/api/v1/alerts?fingerprint=");
            byFingerprint.put(a.getString("fingerprint"), a);
        }
        JsonObject f = byFingerprint.get(fires.fingerprint());
        assertThat(f.getString("status")).isEqualTo("firing");
        assertThat(f.getString("startsAt")).isEqualTo("2026-03-02T02:00:00Z");
        assertThat(f.getString("endsAt")).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(f.getJsonObject("labels").getString("alertname")).isEqualTo(ON_TIME_LOW);
        assertThat(f.getJsonObject("labels").getString("scope_id")).isEqualTo("03646");
        assertThat(f.getJsonObject("annotations").getString("summary")).isEqualTo("Low on-time ratio: 03646");
        assertThat(f.getJsonObject("annotations").getString("description")).isEqualTo("62% is below 80%");
        assertThat(f.getJsonObject("annotations").getString("summary_vi")).isEqualTo("Tỷ lệ đúng hạn thấp: 03646");
        JsonObject e = byFingerprint.get(ends.fingerprint());
        assertThat(e.getString("status")).isEqualTo("resolved");
        assertThat(e.getString("endsAt")).isEqualTo("2026-03-02T02:10:00Z");
    }

    @Test
    @DisplayName("a repeated (fingerprint, seq) record is delivered once, also when it repeats after a restart")
    void repeatedRecordsDeliveredOnce() throws Exception {
        FakeReceiver fake = receiver(i -> FakeReceiver.Reply.ok());
        DeliveryConfig config = config(webhook("ops", fake));
        AlertDelivery first = start(config);
        AlertEvent a = firing(ON_TIME_LOW, "03646", 1);
        publish(a, a);
        until("the alert", () -> fake.requests.size() == 1);
        publish(a, firing(OVERDUE, "03646", 1));
        until("the later alert", () -> delivered(fake).contains(ref(OVERDUE, "03646", 1)));
        first.stop().await(30, TimeUnit.SECONDS);
        deliveries.remove(first);

        start(config);
        publish(a, firing(OVERDUE, "03647", 1));
        until("the alert after the restart", () -> delivered(fake).contains(ref(OVERDUE, "03647", 1)));
        long times = fake.requests.stream().flatMap(r -> alertsOf(r).stream())
                .filter(x -> x.equals(ref(ON_TIME_LOW, "03646", 1))).count();
        assertThat(times).isEqualTo(1);
        assertThat(fake.requests).hasSize(3);
    }

    // ---- fixtures ----

    private FakeReceiver receiver(FakeReceiver.Script script) throws Exception {
        FakeReceiver f = new FakeReceiver().script(script);
        vertx.deployVerticle(f).await(10, TimeUnit.SECONDS);
        return f;
    }

    /** A webhook receiver with test timings: group_wait 300 ms, interval 1 s, timeout 2 s, back-off 100 ms–1 s. */
    private static DeliveryConfig.Receiver webhook(String name, FakeReceiver fake) {
        return DeliveryConfig.Receiver.webhook(name, fake.url(), null)
                .withGrouping(List.of("alertname"), WAIT, INTERVAL)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    private static DeliveryConfig config(DeliveryConfig.Receiver... receivers) {
        return new DeliveryConfig(List.of(receivers), "", "test");
    }

    private AlertDelivery start(DeliveryConfig config) throws Exception {
        AlertDelivery d = new AlertDelivery(vertx, config, kafka.bootstrapServers(),
                a -> silencedFingerprints.contains(a.fingerprint()));
        deliveries.add(d);
        d.start().await(60, TimeUnit.SECONDS);
        return d;
    }

    private void publish(AlertEvent... alerts) throws Exception {
        for (AlertEvent a : alerts) {
            producer.send(new ProducerRecord<>(Topics.ALERTS, a.fingerprint(), a.toJson()));
        }
        producer.flush();
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 30 s: " + what);
            }
            Thread.sleep(20); // polling a condition with a deadline, not waiting for time to pass
        }
    }

    private static List<JsonObject> deadLetters(AlertDelivery delivery) {
        try {
            return delivery.deadLetters().await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder operator(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-Test-Operator", "yes");
    }

    private static JsonArray receiversRoute(HttpClient http, String base) {
        try {
            HttpResponse<String> resp = http.send(operator(base + "/receivers").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200);
            return new JsonObject(resp.body()).getJsonArray("receivers");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The (fingerprint, seq) of the alerts in a generic webhook body. */
    private static List<Notification.AlertRef> alertsOf(FakeReceiver.Request r) {
        List<Notification.AlertRef> out = new ArrayList<>();
        for (Object o : r.json().getJsonArray("alerts")) {
            JsonObject a = (JsonObject) o;
            out.add(new Notification.AlertRef(a.getString("fingerprint"), a.getLong("seq")));
        }
        return out;
    }

    /** Every (fingerprint, seq) the receiver accepted with a 2xx. */
    private static Set<Notification.AlertRef> delivered(FakeReceiver fake) {
        Set<Notification.AlertRef> out = new HashSet<>();
        fake.accepted().forEach(r -> out.addAll(alertsOf(r)));
        return out;
    }

    private static Notification.AlertRef ref(String rule, String communeId, long seq) {
        return new Notification.AlertRef(AlertEvent.fingerprint(rule, "commune", communeId), seq);
    }

    private static void assertStrings(Object map) {
        assertThat(map).isInstanceOf(JsonObject.class);
        ((JsonObject) map).forEach(e -> assertThat(e.getValue()).as(e.getKey()).isInstanceOf(String.class));
    }
}
