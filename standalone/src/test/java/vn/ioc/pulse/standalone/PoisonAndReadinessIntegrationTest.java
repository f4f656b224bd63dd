package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
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
import vn.ioc.pulse.model.Topics;

/**
 * The hardening issue's "done when", on the whole demo system: the poison event written straight onto the case
 * topic (as another producer could) lands in the dead-letter topic while the KPI job keeps running and counting
 * other dossiers; both servers' {@code /ready} turn 503 once the job is no longer running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("A poison event on the topic is dead-lettered while the job runs on; /ready tells when the job stops")
class PoisonAndReadinessIntegrationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String POISON = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"poison-1\",\"dossier_code\":\"P1\","
            + "\"type\":\"RECEIVED\",\"occurred_at\":\"2026-12-07T10:00:00+07:00\",\"procedure_code\":\"2.000815\","
            + "\"agency_code\":\"X\",\"channel\":\"ONLINE\","
            + "\"regulated_duration\":{\"value\":9223372036854775807,\"unit\":\"HOUR\"}}";

    private static Standalone system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = QuietSystem.start();
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the poison event forced onto ioc.case-events.v1 is dead-lettered naming the field; the job stays "
            + "RUNNING and counts the next dossier")
    void poisonOnTheTopic() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.CASE_EVENTS, "P1", POISON)).get();
        }
        String good = "[{\"schema\":\"ioc.case.v1\",\"event_id\":\"good-1\",\"dossier_code\":\"G1\",\"type\":\"RECEIVED\","
                + "\"occurred_at\":\"2026-12-07T10:00:00+07:00\",\"procedure_code\":\"2.000815\",\"agency_code\":\"STP\","
                + "\"channel\":\"ONLINE\",\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"}},"
                + "{\"schema\":\"ioc.clock.v1\",\"now\":\"2026-12-07T12:00:00+07:00\"}]";
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + system.ingestPort() + "/api/v1/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(good)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(value("received", "agency", "STP", "today"))
                .isEqualTo(1.0));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deadLetters()).anySatisfy(r -> {
            JsonObject dl = new JsonObject(r);
            assertThat(dl.getString("source")).isEqualTo("kpi-job");
            assertThat(dl.getString("error")).contains("regulated_duration.value");
            assertThat(dl.getString("input")).contains("poison-1");
        }));
        assertThat(system.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        assertThat(value("received", "agency", "X", "today")).as("the poison dossier counts nowhere").isNull();
        assertThat(value("received", "province", "SL", "today")).isEqualTo(1.0);
        assertThat(status("/ready", system.ingestPort())).isEqualTo(200);
        assertThat(status("/ready", system.dashboardPort())).isEqualTo(200);
    }

    @Test
    @Order(2)
    @DisplayName("once the KPI job is cancelled, /ready answers 503 naming kpi_job on the gateway and the API")
    void readinessFollowsTheJob() throws Exception {
        system.job().cancel().get();
        await().atMost(PATIENCE).until(() -> status("/ready", system.ingestPort()) == 503
                && status("/ready", system.dashboardPort()) == 503);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + system.dashboardPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getBoolean("ready")).isFalse();
        assertThat(body.getJsonObject("checks").getString("kpi_job")).startsWith("DOWN");
        assertThat(body.getJsonObject("checks").getString("kafka")).isEqualTo("UP");
    }

    private static int status(String path, int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static Double value(String kpi, String scopeType, String scopeId, String window) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + system.dashboardPort() + "/api/v1/kpis/values?kpi=" + kpi + "&scope_type=" + scopeType
                + "&scope_id=" + scopeId + "&window=" + window)).build(), HttpResponse.BodyHandlers.ofString());
        var values = new JsonObject(r.body()).getJsonArray("values");
        return values.isEmpty() ? null : values.getJsonObject(0).getDouble("value");
    }

    private static List<String> deadLetters() {
        return TopicReader.values(system.kafkaBootstrap(), Topics.DEAD_LETTER);
    }
}
