package vn.ioc.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.Topics;

/**
 * The ingest gateway (CONTRACT.md §2) on a real in-process Kafka broker: answers, keys and partitions on the event
 * topics (§3), the dead-letter topic, the size limits, and a broker outage. Every test uses its own event ids and
 * reads the topics from the beginning, picking out its own records, so tests do not depend on each other; the
 * outage test runs last because it stops the shared broker.
 */
@DisplayName("The ingest gateway writes events to Kafka and answers as CONTRACT.md §2 says")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestGatewayIntegrationTest extends IngestTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(IngestGatewayIntegrationTest.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_RECORDS = 100;
    private static final int KAFKA_TIMEOUT_MS = 3000;
    /** How long to wait for something that should happen (records on a topic, a broker back). */
    private static final Duration PATIENCE = GatewayFixture.PATIENCE;
    private static final String NDJSON = "application/x-ndjson";
    private static final String JSON = "application/json";

    private static GatewayFixture fixture;
    private static URI events;
    private static URI health;

    /** A prefix unique to the running test, so its event ids cannot collide with another test's or run's. */
    private String id;

    @BeforeAll
    static void startGateway() {
        fixture = GatewayFixture.start();
        URI gateway = fixture.gateway(bootstrap -> new IngestConfig(0, bootstrap, MAX_BODY_BYTES, MAX_RECORDS,
                KAFKA_TIMEOUT_MS));
        events = gateway.resolve("/api/v1/events");
        health = gateway.resolve("/health");
    }

    @AfterAll
    static void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void uniqueIds(TestInfo test) {
        id = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String id(String suffix) {
        return id + "-" + suffix;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accepted batches

    @Test
    @DisplayName("a valid array answers 202 and every event is on its topic, keyed as CONTRACT.md §3 says")
    void validBatch() throws Exception {
        JsonObject first = received(id("e1"), id("D1"));
        JsonObject second = received(id("e2"), id("D2"));
        JsonObject sameDossier = resolved(id("e3"), id("D1")).put("x_unknown_field", "kept");
        JsonObject feedback = feedbackReceived(id("e4"), id("FB4"));
        JsonObject availability = portalUp(id("e5"));

        HttpResponse<String> answer = post(array(first, second, sameDossier, feedback, availability), JSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
        assertThat(new JsonObject(answer.body()))
                .isEqualTo(new JsonObject().put("accepted", 5).put("rejected", new JsonArray()));

        List<ConsumerRecord<String, String>> cases = awaitRecords(Topics.CASE_EVENTS, mine(), 3);
        assertThat(cases).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(id("D1"), id("D2"), id("D1"));
        assertThat(cases).extracting(r -> new JsonObject(r.value()))
                .containsExactlyInAnyOrder(first, second, sameDossier);
        assertThat(cases).filteredOn(r -> r.key().equals(id("D1"))).extracting(ConsumerRecord::partition)
                .as("one dossier's events share a partition, in order").hasSize(2).containsOnly(
                        cases.stream().filter(r -> r.key().equals(id("D1"))).findFirst().orElseThrow().partition());
        assertThat(cases).filteredOn(r -> r.key().equals(id("D1"))).extracting(r -> eventId(r.value()))
                .containsExactly(id("e1"), id("e3"));

        List<ConsumerRecord<String, String>> services = awaitRecords(Topics.SERVICE_EVENTS, mine(), 2);
        assertThat(services).extracting(r -> eventId(r.value()) + " key " + r.key())
                .containsExactlyInAnyOrder(id("e4") + " key " + id("FB4"), id("e5") + " key " + id("e5"));
        assertThat(services).extracting(r -> new JsonObject(r.value())).containsExactlyInAnyOrder(feedback, availability);
    }

    @Test
    @DisplayName("a single event object answers 202 with accepted 1")
    void singleObject() throws Exception {
        JsonObject event = received(id("e1"), id("D1"));

        HttpResponse<String> answer = post(event.encode(), JSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()))
                .isEqualTo(new JsonObject().put("accepted", 1).put("rejected", new JsonArray()));
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 1)).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo(id("D1")));
    }

    @Test
    @DisplayName("a batch with one bad record answers 202, accepts the good ones and dead-letters the bad one")
    void mixedBatch() throws Exception {
        JsonObject good1 = received(id("e0"), id("D0"));
        JsonObject bad = receivedWithoutAgency(id("e1"), id("D1"));
        JsonObject good2 = resolved(id("e2"), id("D2"));

        HttpResponse<String> answer = post(array(good1, bad, good2), JSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isEqualTo(2);
        assertThat(body.getJsonArray("rejected")).hasSize(1);
        JsonObject rejection = body.getJsonArray("rejected").getJsonObject(0);
        assertThat(rejection.getInteger("index")).isEqualTo(1);
        assertThat(rejection.getString("field")).isEqualTo("agency_code");
        assertThat(rejection.getString("error")).contains("agency_code");

        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 2)).extracting(r -> new JsonObject(r.value()))
                .containsExactlyInAnyOrder(good1, good2);
        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 1)).singleElement().satisfies(r -> {
            JsonObject letter = new JsonObject(r.value());
            assertThat(new JsonObject(letter.getString("input"))).isEqualTo(bad);
            assertThat(letter.getInteger("index")).isEqualTo(1);
            assertThat(letter.getString("field")).isEqualTo("agency_code");
            assertThat(letter.getString("error")).contains("agency_code");
        });
    }

    @Test
    @DisplayName("NDJSON with its content type answers 202, blank lines skipped")
    void ndjson() throws Exception {
        JsonObject first = received(id("e0"), id("D0"));
        JsonObject second = portalUp(id("e2"));
        String body = first.encode() + "\n\n" + second.encode() + "\n";

        HttpResponse<String> answer = post(body, NDJSON + "; charset=utf-8");

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()))
                .isEqualTo(new JsonObject().put("accepted", 2).put("rejected", new JsonArray()));
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 1)).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo(id("D0")));
        assertThat(awaitRecords(Topics.SERVICE_EVENTS, mine(), 1)).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo(id("e2")));
    }

    @Test
    @DisplayName("NDJSON with a truncated last line accepts the earlier lines and rejects that line by its index")
    void ndjsonTruncatedLastLine() throws Exception {
        String truncated = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id("e3") + "\",\"dossier_co";
        String body = received(id("e0"), id("D0")).encode() + "\n" + resolved(id("e1"), id("D1")).encode()
                + "\n\n" + truncated;

        HttpResponse<String> answer = post(body, NDJSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isEqualTo(2);
        assertThat(result.getJsonArray("rejected")).singleElement().satisfies(o -> {
            JsonObject rejection = (JsonObject) o;
            assertThat(rejection.getInteger("index")).isEqualTo(3);
            assertThat(rejection.getString("error")).contains("malformed");
        });
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 2)).extracting(r -> eventId(r.value()))
                .containsExactlyInAnyOrder(id("e0"), id("e1"));
        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 1)).singleElement().satisfies(r -> {
            JsonObject letter = new JsonObject(r.value());
            assertThat(letter.getString("input")).isEqualTo(truncated);
            assertThat(letter.getInteger("index")).isEqualTo(3);
        });
    }

    @Test
    @DisplayName("a clock tick is written to every partition of both event topics")
    void clockTickOnEveryPartition() throws Exception {
        String now = "2026-03-02T09:15:" + String.format("%02d.%06d", (int) (Math.random() * 60),
                (int) (Math.random() * 1_000_000)) + "+07:00";
        Predicate<ConsumerRecord<String, String>> thisTick = r -> r.value().contains(now);

        HttpResponse<String> answer = post(clockTick(now).encode(), JSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()).getInteger("accepted")).isEqualTo(1);
        for (String topic : List.of(Topics.CASE_EVENTS, Topics.SERVICE_EVENTS)) {
            List<ConsumerRecord<String, String>> ticks = awaitRecords(topic, thisTick, 3);
            assertThat(ticks).as("ticks on %s", topic).extracting(ConsumerRecord::partition)
                    .containsExactlyInAnyOrder(0, 1, 2);
            assertThat(ticks).allSatisfy(r -> assertThat(new JsonObject(r.value())).isEqualTo(clockTick(now)));
        }
    }

    @Test
    @DisplayName("a batch of exactly the record limit is accepted")
    void batchAtRecordLimit() throws Exception {
        JsonObject[] batch = IntStream.range(0, MAX_RECORDS).mapToObj(i -> resolved(id("" + i), id("D")))
                .toArray(JsonObject[]::new);

        HttpResponse<String> answer = post(array(batch), JSON);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()).getInteger("accepted")).isEqualTo(MAX_RECORDS);
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), MAX_RECORDS)).extracting(r -> eventId(r.value()))
                .as("in order on the dossier's partition")
                .containsExactly(IntStream.range(0, MAX_RECORDS).mapToObj(i -> id("" + i)).toArray(String[]::new));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Refused batches

    @Test
    @DisplayName("a batch of only bad records answers 400 with the same shape, each rejection naming its field")
    void allBad() throws Exception {
        JsonObject noAgency = receivedWithoutAgency(id("e0"), id("D0"));
        JsonObject noOffset = receivedWithoutOffset(id("e1"), id("D1"));

        HttpResponse<String> answer = post(array(noAgency, noOffset), JSON);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isZero();
        assertThat(body.getJsonArray("rejected")).hasSize(2);
        JsonObject r0 = body.getJsonArray("rejected").getJsonObject(0);
        JsonObject r1 = body.getJsonArray("rejected").getJsonObject(1);
        assertThat(r0.getInteger("index")).isZero();
        assertThat(r0.getString("field")).isEqualTo("agency_code");
        assertThat(r0.getString("error")).contains("agency_code");
        assertThat(r1.getInteger("index")).isEqualTo(1);
        assertThat(r1.getString("field")).isEqualTo("occurred_at");
        assertThat(r1.getString("error")).contains("occurred_at");

        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 2)).extracting(r -> new JsonObject(r.value()))
                .extracting(l -> l.getInteger("index") + " " + l.getString("field"))
                .containsExactlyInAnyOrder("0 agency_code", "1 occurred_at");
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 0)).as("nothing of a refused batch is published").isEmpty();
    }

    @Test
    @DisplayName("an empty body answers 400 saying the body is empty")
    void emptyBody() throws Exception {
        HttpResponse<String> answer = post("", JSON);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isZero();
        assertThat(body.getJsonArray("rejected")).singleElement()
                .satisfies(o -> assertThat(((JsonObject) o).getString("error")).contains("empty"));
    }

    @Test
    @DisplayName("a body that is not UTF-8 answers 400 and is dead-lettered")
    void invalidUtf8() throws Exception {
        byte[] prefix = utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id("e0") + "\",\"source_system\":\"");
        byte[] body = new byte[prefix.length + 3];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        body[prefix.length + 1] = '"';
        body[prefix.length + 2] = '}';

        HttpResponse<String> answer = post(body, JSON);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isZero();
        assertThat(result.getJsonArray("rejected")).singleElement()
                .satisfies(o -> assertThat(((JsonObject) o).getString("error")).contains("UTF-8"));
        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 1)).singleElement()
                .satisfies(r -> assertThat(new JsonObject(r.value()).getString("error")).contains("UTF-8"));
    }

    @Test
    @DisplayName("malformed JSON answers 400 with an error saying malformed, and is dead-lettered")
    void malformedJson() throws Exception {
        String body = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id("e0") + "\",\"type\":RECEIVED}";

        HttpResponse<String> answer = post(body, JSON);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isZero();
        assertThat(result.getJsonArray("rejected")).singleElement().satisfies(o -> {
            assertThat(((JsonObject) o).getInteger("index")).isZero();
            assertThat(((JsonObject) o).getString("error")).contains("malformed");
        });
        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 1)).singleElement()
                .satisfies(r -> assertThat(new JsonObject(r.value()).getString("input")).isEqualTo(body));
    }

    @Test
    @DisplayName("JSON nested 10,000 deep inside a field answers 400 and is dead-lettered")
    void deeplyNested() throws Exception {
        String body = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id("e0") + "\",\"x\":" + nestedArrays(10_000)
                + "}";

        HttpResponse<String> answer = post(body, JSON);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isZero();
        assertThat(result.getJsonArray("rejected")).singleElement()
                .satisfies(o -> assertThat(((JsonObject) o).getInteger("index")).isZero());
        assertThat(awaitRecords(Topics.DEAD_LETTER, mine(), 1)).singleElement().satisfies(r -> {
            JsonObject letter = new JsonObject(r.value());
            assertThat(letter.getString("input")).startsWith(body.substring(0, 100));
            assertThat(letter.getString("error")).isNotBlank();
        });
    }

    @Test
    @DisplayName("a body over the size limit answers 413 as application/problem+json and publishes nothing")
    void bodyTooLarge() throws Exception {
        List<JsonObject> batch = new ArrayList<>();
        while (array(batch.toArray(JsonObject[]::new)).length() <= MAX_BODY_BYTES) {
            batch.add(received(id("" + batch.size()), id("D")));
        }

        HttpResponse<String> answer = post(array(batch.toArray(JsonObject[]::new)), JSON);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonObject problem = new JsonObject(answer.body());
        assertThat(problem.getInteger("status")).isEqualTo(413);
        assertThat(problem.getString("detail")).contains(String.valueOf(MAX_BODY_BYTES));
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();
    }

    @Test
    @DisplayName("more records than the record limit answers 413 as application/problem+json and publishes nothing")
    void tooManyRecords() throws Exception {
        JsonObject[] batch = IntStream.rangeClosed(0, MAX_RECORDS).mapToObj(i -> resolved(id("" + i), id("D")))
                .toArray(JsonObject[]::new);
        String body = array(batch);
        assertThat(body.length()).as("under the byte limit, so the record limit is what refuses it")
                .isLessThan(MAX_BODY_BYTES);

        HttpResponse<String> answer = post(body, JSON);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonObject problem = new JsonObject(answer.body());
        assertThat(problem.getInteger("status")).isEqualTo(413);
        assertThat(problem.getString("detail")).contains(String.valueOf(MAX_RECORDS));
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();
    }

    @Test
    @DisplayName("an event after a closing array bracket is not silently dropped")
    void trailingEventAfterArray() throws Exception {
        String body = array(received(id("e0"), id("D0"))) + "\n" + received(id("e1"), id("D1")).encode();

        HttpResponse<String> answer = post(body, JSON);

        JsonObject result = new JsonObject(answer.body());
        int published = awaitRecords(Topics.CASE_EVENTS, mine(), 0).size();
        assertThat(published + result.getJsonArray("rejected").size())
                .as("each of the two events is either published or rejected").isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("GET /health answers 200")
    void health() throws Exception {
        HttpResponse<String> answer = GatewayFixture.HTTP.send(HttpRequest.newBuilder(health).GET().timeout(PATIENCE).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kafka outage: stops the shared broker, so it runs last

    @Test
    @Order(Integer.MAX_VALUE - 1)
    @DisplayName("with the broker down a batch of several records answers 503 within about one Kafka timeout")
    void brokerDownAnswersWithinOneTimeout() throws Exception {
        JsonObject[] batch = IntStream.range(0, 5).mapToObj(i -> received(id("" + i), id("D" + i)))
                .toArray(JsonObject[]::new);
        fixture.kafka().stop();
        try {
            // A first refusal proves the gateway's producer has seen the outage (clients keep retrying in one).
            assertThat(post(received(id("first"), id("D")).encode(), JSON).statusCode()).isEqualTo(503);

            long start = System.nanoTime();
            HttpResponse<String> duringOutage = post(array(batch), JSON);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(duringOutage.statusCode()).isEqualTo(503);
            assertThat(elapsedMs).as("answered within the Kafka timeout (plus slack)")
                    .isLessThan(KAFKA_TIMEOUT_MS + 5_000L);
        } finally {
            fixture.kafka().start();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    @DisplayName("with the broker down a batch answers 503, never 202, and once the broker is back the same batch "
            + "answers 202 and is on the topics")
    void brokerDown() throws Exception {
        String batch = array(received(id("e0"), id("D0")), portalUp(id("e1")));
        fixture.kafka().stop();
        try {
            HttpResponse<String> duringOutage = post(batch, JSON);

            assertThat(duringOutage.statusCode()).as("never 202 while Kafka cannot acknowledge").isEqualTo(503);
            assertThat(duringOutage.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(new JsonObject(duringOutage.body()).getString("detail")).isNotBlank();
        } finally {
            fixture.kafka().start();
        }

        // A client retries on 503 (the answer says so); every answer until it is accepted must be 503.
        List<Integer> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        HttpResponse<String> afterRestart;
        do {
            afterRestart = post(batch, JSON);
            statuses.add(afterRestart.statusCode());
        } while (afterRestart.statusCode() == 503 && System.nanoTime() < deadline);
        LOG.info("after the broker restart the batch was answered {}", statuses);

        assertThat(statuses).as("answers after the restart").last().isEqualTo(202);
        assertThat(statuses).as("answers after the restart").allSatisfy(status -> assertThat(status).isIn(503, 202));
        assertThat(new JsonObject(afterRestart.body()))
                .isEqualTo(new JsonObject().put("accepted", 2).put("rejected", new JsonArray()));
        assertThat(awaitRecords(Topics.CASE_EVENTS, mine(), 1)).extracting(r -> eventId(r.value()))
                .contains(id("e0"));
        assertThat(awaitRecords(Topics.SERVICE_EVENTS, mine(), 1)).extracting(r -> eventId(r.value()))
                .contains(id("e1"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static HttpResponse<String> post(String body, String contentType) throws Exception {
        return post(utf8(body), contentType);
    }

    private static HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        return GatewayFixture.post(events, HttpRequest.BodyPublishers.ofByteArray(body), contentType);
    }

    /** Records of the running test: their value mentions its unique id prefix. */
    private Predicate<ConsumerRecord<String, String>> mine() {
        String prefix = id;
        return r -> r.value() != null && r.value().contains(prefix);
    }

    private static String eventId(String value) {
        return new JsonObject(value).getString("event_id");
    }

    private static List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> filter, int atLeast) {
        return fixture.awaitRecords(topic, filter, atLeast);
    }
}
