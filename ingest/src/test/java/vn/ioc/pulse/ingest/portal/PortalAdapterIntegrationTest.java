package vn.ioc.pulse.ingest.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.ingest.IngestVerticle;
import vn.ioc.pulse.model.Topics;

/** {@code POST /api/v1/portal/dongbohoso} on a real in-process Kafka broker. */
@DisplayName("The gateway accepts the national portal's DongBoHoSoMC sync payload")
class PortalAdapterIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static EventPublisher publisher;
    private static URI portal;

    @BeforeAll
    static void startGateway() {
        kafka = EmbeddedKafka.onFreePort().start();
        kafka.createTopics(Map.of(Topics.CASE_EVENTS, 3, Topics.SERVICE_EVENTS, 3, Topics.DEAD_LETTER, 1));
        IngestConfig config = new IngestConfig(0, kafka.bootstrapServers(), 64 * 1024, 100, 3000);
        vertx = Vertx.vertx();
        publisher = new EventPublisher(config);
        IngestVerticle gateway = new IngestVerticle(config, publisher);
        vertx.deployVerticle(gateway).await();
        portal = URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/portal/dongbohoso");
    }

    @AfterAll
    static void stopGateway() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("one good and one bad snapshot: 202, the good one's events keyed by MaHoSo, the bad one dead-lettered")
    void goodAndBadSnapshot() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String good = "000.00.10.H45-" + run + "-0001";
        String bad = "000.00.10.H45-" + run + "-0002";
        JsonObject goodSnapshot = new JsonObject().put("MaHoSo", good).put("MaTTHC", "2.000815")
                .put("MaLinhVuc", "G09-TP03").put("KenhThucHien", 2).put("MucDo", 4).put("MaCoQuan", "H45.10")
                .put("MaXa", "04060").put("NgayTiepNhan", "20260302091500").put("NgayHenTra", "20260309170000")
                .put("TrangThaiHoSo", "9").put("NgayKetThucXuLy", "20260306160000")
                .put("DanhSachLePhi", new JsonArray()).put("DanhSachHoSoBoSung", new JsonArray());
        JsonObject badSnapshot = goodSnapshot.copy().put("MaHoSo", bad).put("NgayHenTra", "09/03/2026");
        String payload = new JsonObject().put("service", "DongBoHoSoMC").put("isUpdating", true)
                .put("data", new JsonArray().add(goodSnapshot).add(badSnapshot)).encode();

        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(portal).timeout(PATIENCE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isEqualTo(1);
        assertThat(body.getInteger("events")).isEqualTo(2);
        assertThat(body.getJsonArray("rejected")).hasSize(1);
        JsonObject rejection = body.getJsonArray("rejected").getJsonObject(0);
        assertThat(rejection.getInteger("index")).isEqualTo(1);
        assertThat(rejection.getString("field")).isEqualTo("NgayHenTra");
        assertThat(rejection.getString("error")).startsWith("field 'NgayHenTra': ");

        List<ConsumerRecord<String, String>> cases = awaitRecords(Topics.CASE_EVENTS, r -> r.value().contains(run), 2);
        assertThat(cases).extracting(ConsumerRecord::key).containsOnly(good);
        assertThat(cases).extracting(r -> new JsonObject(r.value()).getString("event_id")).containsExactly(
                "dvcqg:" + good + ":RECEIVED:20260302091500", "dvcqg:" + good + ":RESOLVED:20260306160000");

        assertThat(awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains(run), 1)).singleElement().satisfies(r -> {
            JsonObject letter = new JsonObject(r.value());
            assertThat(letter.getString("source")).isEqualTo("portal");
            assertThat(letter.getInteger("index")).isEqualTo(1);
            assertThat(letter.getString("field")).isEqualTo("NgayHenTra");
            assertThat(new JsonObject(letter.getString("input"))).isEqualTo(badSnapshot);
        });
    }

    /** Reads {@code topic} from the beginning and returns the matching records once at least {@code atLeast} are. */
    private static List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> filter, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, PATIENCE).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, PATIENCE);
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && filter.test(r)) {
                        found.add(r);
                    }
                }
                boolean readToEnd = true;
                for (TopicPartition tp : partitions) {
                    readToEnd &= consumer.position(tp) >= end.get(tp);
                }
                if ((readToEnd && found.size() >= atLeast) || System.nanoTime() > deadline) {
                    return found;
                }
                if (readToEnd) {
                    end = consumer.endOffsets(partitions, PATIENCE);
                }
            }
        }
    }
}
