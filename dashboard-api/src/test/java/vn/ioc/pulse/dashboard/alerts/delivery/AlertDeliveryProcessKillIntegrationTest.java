package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;

/**
 * The "dashboard-api killed mid-delivery and restarted → every alert delivered, none lost", with a real
 * process: the dashboard API runs as a child JVM ({@code DashboardMain}, configured from the environment as in
 * production), its receiver answers 503 while alerts keep coming, the process is killed with SIGKILL (no shutdown
 * hook, no flush, no commit), a new process starts with the same configuration and the receiver recovers. Every
 * (fingerprint, seq) must reach the receiver, and an alert delivered more than once always under the same
 * idempotency key.
 */
@DisplayName("Alert delivery survives kill -9 of the dashboard API mid-delivery: nothing lost, repeats keep their key")
class AlertDeliveryProcessKillIntegrationTest {
    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static FakeReceiver receiver;
    private static final AtomicBoolean ACCEPTING = new AtomicBoolean(false);

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 1, Topics.ALERTS, 1));
        vertx = Vertx.vertx();
        receiver = new FakeReceiver().script(i -> ACCEPTING.get() ? FakeReceiver.Reply.ok()
                : FakeReceiver.Reply.status(503));
        vertx.deployVerticle(receiver).await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Process api(String name) throws Exception {
        Path receivers = dir.resolve("receivers.json");
        Files.writeString(receivers, new JsonObject().put("receivers", new JsonArray().add(new JsonObject()
                .put("name", "ops").put("type", "webhook").put("url", receiver.url()).put("secret", "s")
                .put("group_by", new JsonArray().add("alertname").add("scope_id"))
                .put("group_wait", "0s").put("group_interval", "1s").put("retry_backoff", "200ms")
                .put("max_retry_backoff", "1s"))).encode());
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), "vn.ioc.pulse.dashboard.DashboardMain")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("IOC_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("IOC_DASHBOARD_PORT", "0");
        env.put("IOC_BIND_ADDRESS", "127.0.0.1");
        env.put("IOC_AUTH", "off");
        env.put("IOC_ALERT_RECEIVERS_FILE", receivers.toString());
        env.put("IOC_ALERT_INSTANCE_ID", "api-1"); // the same instance, restarted: fences its dead transaction
        return pb.start();
    }

    private static void send(KafkaProducer<String, String> p, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            AlertEvent a = AlertFixtures.alert(AlertFixtures.ON_TIME_LOW, "commune", String.format("%05d", i),
                    AlertEvent.Status.FIRING, 1);
            p.send(new ProducerRecord<>(Topics.ALERTS, a.fingerprint(), a.toJson())).get(10, TimeUnit.SECONDS);
        }
    }

    private static void await(String what, BooleanSupplier ok, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** (fingerprint/seq) → the idempotency keys it was delivered under (2xx answers only). */
    private static Map<String, Set<String>> delivered() {
        Map<String, Set<String>> out = new HashMap<>();
        for (FakeReceiver.Request r : receiver.accepted()) {
            for (Object o : r.json().getJsonArray("alerts")) {
                JsonObject a = (JsonObject) o;
                out.computeIfAbsent(a.getString("fingerprint") + "/" + a.getLong("seq"), k -> new HashSet<>())
                        .add(r.idempotencyKey());
            }
        }
        return out;
    }

    @Test
    @DisplayName("30 alerts, the API killed with SIGKILL while its receiver fails, restarted: all 30 delivered")
    void killedMidDelivery() throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            send(p, 0, 20);
            Process first = api("api-first");
            try {
                await("the first API's tries (answered 503)", () -> receiver.requests.size() >= 3, 90);
                send(p, 20, 30); // more alerts while it is failing
                int seen = receiver.requests.size();
                await("more tries", () -> receiver.requests.size() > seen + 2, 60);
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook runs
                first.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(receiver.accepted()).as("nothing was accepted before the kill").isEmpty();
            ACCEPTING.set(true);
            Process second = api("api-second");
            try {
                await("every alert delivered after the restart", () -> delivered().size() >= 30, 120);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Set<String>> delivered = delivered();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            expected.add(AlertEvent.fingerprint(AlertFixtures.ON_TIME_LOW, "commune", String.format("%05d", i)) + "/1");
        }
        assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(delivered.values()).as("an alert delivered again carries the same idempotency key")
                .allSatisfy(keys -> assertThat(keys).hasSize(1));
        List<String> keys = receiver.accepted().stream().map(FakeReceiver.Request::idempotencyKey).toList();
        assertThat(keys).as("no notification accepted twice").doesNotHaveDuplicates();
    }
}
