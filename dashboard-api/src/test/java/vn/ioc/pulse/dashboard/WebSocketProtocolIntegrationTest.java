package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;

/**
 * The WebSocket protocol of docs/websocket.md on a real broker and real clients: resume gives exactly the missed
 * updates (also from a second, freshly started API instance), resync when they are no longer held, limits on
 * subscriptions, a client that stops reading is closed with a reason while others keep getting updates, 1009 for an
 * oversized frame and 1007 for invalid UTF-8, Origin checked, stale values marked.
 */
@DisplayName("The WebSocket protocol resumes without gaps or duplicates and sheds clients that would hurt others")
class WebSocketProtocolIntegrationTest extends DashboardTestBase {
    private static final WsSettings SETTINGS = WsSettings.defaults()
            .withLimits(3, 64 * 1024, 2_000, 10_000).withTimings(1_000, 4_000, 3_600_000)
            .withOrigins(List.of("https://wall.ioc.sonla.gov.vn"));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger NEXT = new AtomicInteger();

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;
    private static Vertx vertx;
    private static WebSocketClient wsClient;
    private static DashboardVerticle api;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 2));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        vertx = Vertx.vertx();
        wsClient = vertx.createWebSocketClient();
        api = deployApi();
        port = api.port();
    }

    private static DashboardVerticle deployApi() throws Exception {
        DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000)
                .withWs(SETTINGS);
        DashboardVerticle v = new DashboardVerticle(config, new InMemoryKpiHistoryStore(1000), true, KpiCatalog.load());
        vertx.deployVerticle(v).await(60, TimeUnit.SECONDS);
        return v;
    }

    @AfterAll
    static void stop() {
        if (wsClient != null) {
            wsClient.close().await();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A fresh commune id per test, so tests never see each other's keys. */
    private static String commune() {
        return "C" + NEXT.incrementAndGet();
    }

    /** The next seq of a key, as the KPI job numbers its values (+1 per live value of that key). */
    private static final Map<String, java.util.concurrent.atomic.AtomicLong> SEQS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static KpiValue numbered(KpiValue v) {
        return v.withSeq(SEQS.computeIfAbsent(v.key(), k -> new java.util.concurrent.atomic.AtomicLong())
                .incrementAndGet());
    }

    /** Produces backlog = n for {@code commune} at as_of T0 + minute, computed now (held for resume). */
    private static void backlogAt(String commune, int minute, double n) throws Exception {
        KpiValue v = numbered(new KpiValue("backlog", "commune", commune, "live", n, n, null, KpiValue.Status.GREEN,
                T0.plusSeconds(60L * minute), Instant.now(), 0));
        producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, v.key(), v.toJson())).get(10, TimeUnit.SECONDS);
    }

    private static String key(String commune) {
        return "backlog/commune/" + commune + "/live";
    }

    /** Waits until the API at {@code p} serves {@code key} with {@code seq}; returns its value. */
    private static JsonObject awaitSeq(int p, String commune, long seq) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p
                    + "/api/v1/kpis/values?kpi=backlog&scope_id=" + commune)).build(), HttpResponse.BodyHandlers.ofString());
            JsonArray values = new JsonObject(r.body()).getJsonArray("values");
            if (!values.isEmpty() && values.getJsonObject(0).getLong("seq") >= seq) {
                return values.getJsonObject(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("seq " + seq + " of " + commune + " not served; got " + values);
            }
            Thread.onSpinWait();
        }
    }

    private static JsonObject subscribe(String id, String commune, JsonObject resume) {
        JsonObject m = new JsonObject().put("type", "subscribe").put("id", id)
                .put("select", new JsonObject().put("kpi", new JsonArray().add("backlog"))
                        .put("scope_id", new JsonArray().add(commune)));
        return resume == null ? m : m.put("resume", resume);
    }

    private static ScreenClient screen(int p) throws Exception {
        return ScreenClient.connect(vertx, wsClient, p, "/ws/v1").await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a screen that reconnects with its last seq gets exactly the updates it missed, in order, then resumed")
    void resumeExactlyTheMissedUpdates() throws Exception {
        String c = commune();
        backlogAt(c, 1, 1);
        awaitSeq(port, c, 1);
        ScreenClient first = screen(port);
        JsonObject snapshot = first.request(subscribe("s", c, null)).await(10, TimeUnit.SECONDS);
        assertThat(snapshot.getString("type")).isEqualTo("snapshot");
        long seq = snapshot.getJsonArray("values").getJsonObject(0).getLong("seq");
        first.close().await(10, TimeUnit.SECONDS);

        backlogAt(c, 2, 2);
        backlogAt(c, 3, 3);
        backlogAt(c, 4, 4);
        awaitSeq(port, c, seq + 3);

        ScreenClient again = screen(port);
        List<JsonObject> got = new ArrayList<>();
        got.add(again.request(subscribe("s", c, new JsonObject().put(key(c), seq))).await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 3; i++) {
            got.add(again.next().await(10, TimeUnit.SECONDS));
        }
        assertThat(got).extracting(m -> m.getString("type")).containsExactly("update", "update", "update", "resumed");
        assertThat(got.subList(0, 3)).extracting(m -> m.getLong("seq")).containsExactly(seq + 1, seq + 2, seq + 3);
        assertThat(got.subList(0, 3)).extracting(m -> m.getJsonObject("value").getDouble("value"))
                .containsExactly(2.0, 3.0, 4.0);
        assertThat(got.get(3).getInteger("replayed")).isEqualTo(3);
        assertThat(got.get(3).getInteger("resynced")).isZero();

        // up to date: nothing replayed, nothing resynced; and a later update still arrives exactly once
        ScreenClient third = screen(port);
        JsonObject resumed = third.request(subscribe("s", c, new JsonObject().put(key(c), seq + 3)))
                .await(10, TimeUnit.SECONDS);
        assertThat(resumed.getString("type")).isEqualTo("resumed");
        assertThat(resumed.getInteger("replayed")).isZero();
        backlogAt(c, 5, 5);
        JsonObject next = third.next().await(10, TimeUnit.SECONDS);
        assertThat(next.getLong("seq")).isEqualTo(seq + 4);
        again.close();
        third.close();
    }

    @Test
    @DisplayName("a second API instance started later resumes the same client from the same seqs")
    void resumeOnAnotherInstance() throws Exception {
        String c = commune();
        backlogAt(c, 1, 10);
        JsonObject v = awaitSeq(port, c, 1);
        long seq = v.getLong("seq");
        backlogAt(c, 2, 20);
        backlogAt(c, 3, 30);
        awaitSeq(port, c, seq + 2);

        DashboardVerticle second = deployApi();
        try {
            assertThat(awaitSeq(second.port(), c, seq + 2).getLong("seq")).as("same seq on both instances")
                    .isEqualTo(seq + 2);
            ScreenClient s = screen(second.port());
            List<JsonObject> got = new ArrayList<>();
            got.add(s.request(subscribe("s", c, new JsonObject().put(key(c), seq))).await(10, TimeUnit.SECONDS));
            got.add(s.next().await(10, TimeUnit.SECONDS));
            got.add(s.next().await(10, TimeUnit.SECONDS));
            assertThat(got).extracting(m -> m.getString("type")).containsExactly("update", "update", "resumed");
            assertThat(got.subList(0, 2)).extracting(m -> m.getLong("seq")).containsExactly(seq + 1, seq + 2);
            s.close();
        } finally {
            vertx.undeploy(second.deploymentID()).await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("/ready turns 503 naming kpi_cache once the instance's KPI consumer has stopped")
    void readinessAfterConsumerStops() throws Exception {
        DashboardVerticle second = deployApi();
        try {
            URI ready = URI.create("http://127.0.0.1:" + second.port() + "/ready");
            assertThat(HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            second.consumer().close();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(r.body()).getJsonObject("checks").getString("kpi_cache")).startsWith("DOWN");
        } finally {
            vertx.undeploy(second.deploymentID()).await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a seq whose following updates are no longer held, an unknown key or a seq from the future: resync")
    void resyncWhenNotHeld() throws Exception {
        String c = commune();
        for (int i = 1; i <= 700; i++) { // more than IOC_WS_RESUME_MAX_PER_KEY (600) updates of one key
            KpiValue val = numbered(new KpiValue("backlog", "commune", c, "live", (double) i, (double) i, null,
                    KpiValue.Status.GREEN, T0.plusSeconds(i), Instant.now(), 0));
            producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, val.key(), val.toJson()));
        }
        producer.flush();
        long last = awaitSeq(port, c, 700).getLong("seq");
        ScreenClient s = screen(port);
        JsonObject resync = s.request(subscribe("old", c, new JsonObject().put(key(c), 1))).await(10, TimeUnit.SECONDS);
        assertThat(resync.getString("type")).isEqualTo("resync");
        assertThat(resync.getJsonArray("values").getJsonObject(0).getLong("seq")).isEqualTo(last);
        assertThat(resync.getJsonArray("values").getJsonObject(0).getDouble("value")).isEqualTo(700.0);
        assertThat(s.next().await(10, TimeUnit.SECONDS).getInteger("resynced")).isEqualTo(1);

        JsonObject future = s.request(subscribe("ahead", c, new JsonObject().put(key(c), last + 5)))
                .await(10, TimeUnit.SECONDS);
        assertThat(future.getString("type")).isEqualTo("resync");
        s.next().await(10, TimeUnit.SECONDS);
        JsonObject unknown = s.request(subscribe("other", c, new JsonObject().put("backlog/commune/nope/live", 3)))
                .await(10, TimeUnit.SECONDS);
        assertThat(unknown.getString("type")).as("a key the client did not list comes whole").isEqualTo("resync");
        s.close();
    }

    @Test
    @DisplayName("a 4th subscription on one connection is refused with an error; bad resume is an error naming it")
    void subscriptionLimit() throws Exception {
        ScreenClient s = screen(port);
        for (int i = 0; i < 3; i++) {
            assertThat(s.request(subscribe("s" + i, "nothing", null)).await(10, TimeUnit.SECONDS).getString("type"))
                    .isEqualTo("snapshot");
        }
        JsonObject error = s.request(subscribe("s3", "nothing", null)).await(10, TimeUnit.SECONDS);
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("detail")).contains("too many subscriptions");
        JsonObject replaced = s.request(subscribe("s0", "nothing", null)).await(10, TimeUnit.SECONDS);
        assertThat(replaced.getString("type")).as("re-subscribing an existing id is allowed").isEqualTo("snapshot");
        JsonObject badResume = s.request(subscribe("s1", "nothing", new JsonObject().put("k", "x")))
                .await(10, TimeUnit.SECONDS);
        assertThat(badResume.getString("detail")).contains("resume");
        s.close();
    }

    @Test
    @DisplayName("a client that stops reading is closed with a reason while another screen keeps getting updates")
    void slowClientClosedOthersServed() throws Exception {
        String c = commune();
        backlogAt(c, 1, 1);
        awaitSeq(port, c, 1);
        // the slow one: subscribes to everything many times over, then reads nothing
        ClientWebSocket slow = wsClient.webSocket();
        AtomicInteger closeCode = new AtomicInteger();
        slow.closeHandler(v -> closeCode.set(slow.closeStatusCode() == null ? -1 : slow.closeStatusCode()));
        slow.textMessageHandler(t -> { });
        slow.connect(port, "localhost", "/ws/v1").await(10, TimeUnit.SECONDS);
        slow.pause();
        for (int i = 0; i < 200; i++) {
            slow.writeTextMessage(new JsonObject().put("type", "subscribe").put("id", "all" + (i % 3)).encode());
        }
        ScreenClient good = screen(port);
        good.request(subscribe("g", c, null)).await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 300; i++) { // a stream of updates to every key the slow one selected
            backlogAt("flood-" + (i % 50), i, i);
        }
        backlogAt(c, 2, 2);
        JsonObject update = good.next().await(10, TimeUnit.SECONDS);
        assertThat(update.getString("type")).isEqualTo("update");
        assertThat(update.getJsonObject("value").getDouble("value")).isEqualTo(2.0);
        // the slow screen is gone from the server within the slow-close (2 s) or dead (4 s) bound
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (ScreenSession.SLOW_CLOSED.count() + ScreenSession.DEAD_CLOSED.count() < 1
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(ScreenSession.SLOW_CLOSED.count() + ScreenSession.DEAD_CLOSED.count()).isGreaterThanOrEqualTo(1);
        slow.resume();
        long until = System.nanoTime() + 10_000_000_000L;
        while (closeCode.get() == 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(closeCode.get()).as("closed with a reason: 1008 too slow or 1001 dead").isIn(1008, 1001);
        good.close();
    }

    @Test
    @DisplayName("a message over the size limit is closed with 1009, invalid UTF-8 with 1007")
    void frameErrors() throws Exception {
        assertThat(closeCodeAfterFrame(0x1, "x".repeat(70_000).getBytes(StandardCharsets.UTF_8))).isEqualTo(1009);
        assertThat(closeCodeAfterFrame(0x1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'})).isEqualTo(1007);
    }

    /** Opens a WebSocket by hand, sends one masked frame with {@code opcode}, returns the server's close code. */
    private static int closeCodeAfterFrame(int opcode, byte[] payload) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /ws/v1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
            byte[] mask = {1, 2, 3, 4};
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            frame.write(0x80 | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) {
                    frame.write((int) ((long) payload.length >>> (8 * i)) & 0xFF);
                }
            }
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
            while (true) { // skip frames until the close frame
                int b0 = in.read();
                if (b0 < 0) {
                    return -1;
                }
                int len = in.read() & 0x7F;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                byte[] body = in.readNBytes(len);
                if ((b0 & 0x0F) == 0x8) {
                    return body.length >= 2 ? ((body[0] & 0xFF) << 8) | (body[1] & 0xFF) : 1005;
                }
            }
        }
    }

    @Test
    @DisplayName("a browser handshake from a foreign origin is refused (403); the API's own and configured origins pass")
    void origins() throws Exception {
        Throwable refused = null;
        try {
            wsClient.connect(new WebSocketConnectOptions().setPort(port).setHost("localhost").setURI("/ws/v1")
                    .addHeader("Origin", "https://evil.example")).await(10, TimeUnit.SECONDS);
        } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
            refused = e;
        }
        assertThat(refused).isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class);
        assertThat(((io.vertx.core.http.UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
        wsClient.connect(new WebSocketConnectOptions().setPort(port).setHost("localhost").setURI("/ws/v1")
                .addHeader("Origin", "https://wall.ioc.sonla.gov.vn")).await(10, TimeUnit.SECONDS).close();
        wsClient.connect(new WebSocketConnectOptions().setPort(port).setHost("localhost").setURI("/ws/v1")
                .addHeader("Origin", "http://localhost:" + port)).await(10, TimeUnit.SECONDS).close();
    }

    @Test
    @DisplayName("a value whose as_of is older than the staleness bound is marked stale; a fresh one is not")
    void staleValues() throws Exception {
        String c = commune();
        KpiValue old = numbered(new KpiValue("backlog", "commune", c, "live", 1.0, 1.0, null, KpiValue.Status.GREEN,
                Instant.now().minusSeconds(7200), Instant.now(), 0));
        producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, old.key(), old.toJson())).get();
        assertThat(awaitSeq(port, c, 1).getBoolean("stale")).isTrue();
        KpiValue fresh = numbered(new KpiValue("backlog", "commune", c, "live", 2.0, 2.0, null,
                KpiValue.Status.GREEN, Instant.now(), Instant.now(), 0));
        producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, fresh.key(), fresh.toJson())).get();
        assertThat(awaitSeq(port, c, 2).getBoolean("stale")).isFalse();
    }
}
