package vn.ioc.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vn.ioc.pulse.web.auth.BearerAuth;
import vn.ioc.pulse.model.Topics;

/**
 * Gateway hardening on a real broker: streamed NDJSON bodies larger than one in-memory chunk, limits met
 * mid-stream, bearer tokens (401/403), and backpressure (429 with Retry-After) both from the buffer gauge and from
 * a real Kafka producer whose buffer fills faster than the broker acknowledges.
 */
@DisplayName("The ingest gateway streams NDJSON, checks bearer tokens and pushes back when Kafka is slow")
class IngestHardeningIntegrationTest extends IngestTestBase {
    private static final String NDJSON = "application/x-ndjson";
    private static final String SECRET = "test-secret-" + UUID.randomUUID();
    private static final int STREAM_MAX_BODY = 2 << 20;

    private static GatewayFixture fixture;
    private static URI streaming;
    private static URI secured;
    private static URI pressured;
    private static URI smallBuffer;
    private static final AtomicReference<Double> FREE_BUFFER = new AtomicReference<>(1.0);

    private String id;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start();
        streaming = fixture.gateway(b -> new IngestConfig(0, b, STREAM_MAX_BODY, 20_000, 5000))
                .resolve("/api/v1/events");
        secured = fixture.gateway(b -> new IngestConfig(0, b, STREAM_MAX_BODY, 20_000, 5000)
                .withAuth(BearerAuth.Config.sharedSecret(SECRET))).resolve("/api/v1/events");
        pressured = fixture.gateway(b -> new IngestConfig(0, b, 64 * 1024, 100, 5000), FREE_BUFFER::get)
                .resolve("/api/v1/events");
        // a 32 KiB producer buffer and no waiting for room in it: a large batch outruns the broker's acknowledgements
        smallBuffer = fixture.gateway(b -> new IngestConfig(0, b, STREAM_MAX_BODY, 20_000, 30_000)
                .withBuffer(32 * 1024, 0.0).withKafkaMaxBlock(0)).resolve("/api/v1/events");
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void uniqueIds(TestInfo test) {
        id = test.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @DisplayName("a streamed NDJSON body of several chunks: every good line accepted, a bad field and a non-UTF-8 "
            + "line rejected by line number and dead-lettered")
    void streamedBody() throws Exception {
        int lines = 6000;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            if (i == 2500) {
                body.write(utf8(receivedWithoutAgency(id + "-bad", id + "-Dbad").encode()));
            } else if (i == 4100) {
                body.write(utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "-utf\",\"x\":\""));
                body.write(new byte[] {(byte) 0xC3, '"', '}'});
            } else {
                body.write(utf8(received(id + "-" + i, id + "-D" + i).encode()));
            }
            body.write(i % 2 == 0 ? "\n".getBytes() : "\r\n".getBytes());
        }
        assertThat(body.size()).as("several 256 KiB chunks").isGreaterThan(3 * 256 * 1024);

        HttpResponse<String> answer = postStream(streaming, body.toByteArray());

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isEqualTo(lines - 2);
        JsonArray rejected = result.getJsonArray("rejected");
        assertThat(rejected).hasSize(2);
        assertThat(rejected.getJsonObject(0).getInteger("index")).isEqualTo(2500);
        assertThat(rejected.getJsonObject(0).getString("field")).isEqualTo("agency_code");
        assertThat(rejected.getJsonObject(1).getInteger("index")).isEqualTo(4100);
        assertThat(rejected.getJsonObject(1).getString("error")).contains("UTF-8");
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), lines - 2)).hasSize(lines - 2);
        assertThat(fixture.awaitRecords(Topics.DEAD_LETTER, mine(), 2))
                .extracting(r -> new JsonObject(r.value()).getInteger("index")).containsExactly(2500, 4100);
    }

    @Test
    @DisplayName("one streamed batch with every per-record bad-input class between good lines: each rejected by its "
            + "line with its named error and dead-lettered, every good line accepted")
    void everyBadInputClassInOneBatch() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> expected = List.of(
                "malformed JSON",                   // 1 malformed JSON
                "agency_code",                      // 3 missing required field
                "sequence",                         // 5 wrong type
                "occurred_at",                      // 7 timestamp without offset
                "channel",                          // 9 unknown enum
                "UTF-8",                            // 11 invalid UTF-8
                "nesting depth",                    // 13 deeply nested JSON
                "the limit is",                     // 15 line over the per-line limit
                "malformed JSON");                  // 17 truncated last line
        byte[][] bad = {
            utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "-b1\",\"type\":RECEIVED}"),
            utf8(receivedWithoutAgency(id + "-b3", id + "-D").encode()),
            utf8(received(id + "-b5", id + "-D").put("sequence", "two").encode()),
            utf8(receivedWithoutOffset(id + "-b7", id + "-D").encode()),
            utf8(received(id + "-b9", id + "-D").put("channel", "QUAY").encode()),
            null, // invalid UTF-8, written below
            utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "-b13\",\"x\":" + nestedArrays(5000) + "}"),
            utf8(received(id + "-b15", id + "-D").put("source_system", "z".repeat(1_000_000)).encode()),
            utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "-b17\",\"dossier_co")};
        for (int i = 0; i < bad.length; i++) {
            body.write(utf8(received(id + "-g" + (2 * i), id + "-G" + i).encode() + "\n"));
            if (bad[i] == null) {
                body.write(utf8("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "-b11\",\"x\":\""));
                body.write(new byte[] {(byte) 0xC3, '"', '}'});
            } else {
                body.write(bad[i]);
            }
            if (i < bad.length - 1) {
                body.write('\n');
            }
        }

        HttpResponse<String> answer = postStream(streaming, body.toByteArray());

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isEqualTo(bad.length);
        JsonArray rejected = result.getJsonArray("rejected");
        assertThat(rejected).hasSize(bad.length);
        for (int i = 0; i < bad.length; i++) {
            JsonObject r = rejected.getJsonObject(i);
            assertThat(r.getInteger("index")).isEqualTo(2 * i + 1);
            assertThat(r.getString("error") + " " + r.getString("field")).as("line %d", 2 * i + 1)
                    .contains(expected.get(i));
        }
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, r -> r.value().contains(id + "-g"), bad.length))
                .hasSize(bad.length);
        assertThat(fixture.awaitRecords(Topics.DEAD_LETTER, mine(), bad.length))
                .extracting(r -> new JsonObject(r.value()).getInteger("index"))
                .containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17);
    }

    @Test
    @DisplayName("a streamed line over the per-line limit is rejected by its line number and dead-lettered cut, with "
            + "the good lines around it accepted")
    void lineOverLimit() throws Exception {
        String huge = received(id + "-huge", id + "-Dh").put("source_system", "x".repeat(1_000_000)).encode();
        String body = received(id + "-0", id + "-D0").encode() + "\n" + huge + "\n"
                + received(id + "-2", id + "-D2").encode() + "\n";

        HttpResponse<String> answer = postStream(streaming, utf8(body));

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isEqualTo(2);
        assertThat(result.getJsonArray("rejected").getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(result.getJsonArray("rejected").getJsonObject(0).getString("error")).contains("the limit is");
        assertThat(fixture.awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains("Dh"), 1)).singleElement()
                .satisfies(r -> assertThat(new JsonObject(r.value()).getString("input")).contains("…[cut at"));
    }

    @Test
    @DisplayName("a JSON record larger than Kafka accepts is rejected (not a 503 that no retry can fix), the other "
            + "records of the batch accepted")
    void recordLargerThanKafkaAccepts() throws Exception {
        String body = "[" + received(id + "-0", id + "-D0").encode() + ","
                + received(id + "-big", id + "-Dbig").put("x_note", "y".repeat(1_100_000)).encode() + "]";

        HttpResponse<String> answer = GatewayFixture.post(streaming, HttpRequest.BodyPublishers.ofString(body),
                "application/json");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonObject result = new JsonObject(answer.body());
        assertThat(result.getInteger("accepted")).isEqualTo(1);
        assertThat(result.getJsonArray("rejected").getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(result.getJsonArray("rejected").getJsonObject(0).getString("error")).contains("larger than Kafka");
    }

    @Test
    @DisplayName("a client that offers an h2c upgrade (the JDK HttpClient's default) gets its large body answered")
    void h2cUpgradeOffered() throws Exception {
        int lines = 3000;
        StringBuilder body = receivedLines(lines);
        HttpClient defaultClient = HttpClient.newHttpClient();

        HttpResponse<String> answer = defaultClient.send(HttpRequest.newBuilder(streaming)
                .timeout(GatewayFixture.PATIENCE).header("Content-Type", NDJSON)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()).getInteger("accepted")).isEqualTo(lines);
    }

    @Test
    @DisplayName("a streamed body without Content-Length that grows past the size limit answers 413")
    void streamedBodyOverLimit() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() <= STREAM_MAX_BODY; i++) {
            body.append(received(id + "-" + i, id + "-D" + i).encode()).append('\n');
        }

        HttpResponse<String> answer = postStream(streaming, utf8(body.toString()));

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(answer.body()).getString("detail")).contains("larger than " + STREAM_MAX_BODY);
    }

    @Test
    @DisplayName("an empty NDJSON body answers 400 saying the body is empty")
    void emptyStreamedBody() throws Exception {
        HttpResponse<String> answer = postStream(streaming, utf8("\n  \n"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(answer.body()).getJsonArray("rejected").getJsonObject(0).getString("error"))
                .contains("empty");
    }

    @Test
    @DisplayName("with auth on: no token 401, a token signed with another key 401, a token without the role 403, "
            + "nothing written; a token with role integration 202")
    void bearerToken() throws Exception {
        String body = received(id + "-0", id + "-D0").encode() + "\n" + resolved(id + "-1", id + "-D0").encode();
        String good = BearerAuth.mint(fixture.vertx(), BearerAuth.Config.sharedSecret(SECRET), "test",
                List.of("integration"), 5);
        String noRole = BearerAuth.mint(fixture.vertx(), BearerAuth.Config.sharedSecret(SECRET), "test",
                List.of("leader"), 5);
        String otherKey = BearerAuth.mint(fixture.vertx(), BearerAuth.Config.sharedSecret("another-secret"), "test",
                List.of("integration"), 5);

        HttpResponse<String> none = post(secured, body);
        HttpResponse<String> forged = post(secured, body, "Authorization", "Bearer " + otherKey);
        HttpResponse<String> forbidden = post(secured, body, "Authorization", "Bearer " + noRole);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(none.body()).getString("detail")).contains("Bearer");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forbidden.body()).getString("detail")).contains("integration");
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();

        HttpResponse<String> allowed = post(secured, body, "Authorization", "Bearer " + good);

        assertThat(allowed.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(allowed.body()).getInteger("accepted")).isEqualTo(2);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 2)).hasSize(2);
    }

    @Test
    @DisplayName("with auth on, a streamed body of several chunks after the token check loses no line")
    void bearerTokenStreamed() throws Exception {
        int lines = 4000;
        StringBuilder body = receivedLines(lines);
        String good = BearerAuth.mint(fixture.vertx(), BearerAuth.Config.sharedSecret(SECRET), "test",
                List.of("integration"), 5);

        HttpResponse<String> answer = GatewayFixture.post(secured,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(utf8(body.toString()))),
                NDJSON, "Authorization", "Bearer " + good);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(answer.body()).getInteger("accepted")).isEqualTo(lines);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), lines)).hasSize(lines);
    }

    @Test
    @DisplayName("while the producer buffer is nearly full a request answers 429 with Retry-After and writes "
            + "nothing; once it drains the same request is accepted")
    void backpressure() throws Exception {
        String body = received(id + "-0", id + "-D0").encode();
        FREE_BUFFER.set(0.1);
        HttpResponse<String> full;
        try {
            full = post(pressured, body);
        } finally {
            FREE_BUFFER.set(1.0);
        }

        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new JsonObject(full.body()).getString("detail")).contains("10% free");
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();

        HttpResponse<String> drained = post(pressured, body);

        assertThat(drained.statusCode()).isEqualTo(202);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 1)).hasSize(1);
    }

    @Test
    @DisplayName("a real producer buffer that fills faster than Kafka acknowledges answers 429 (not an unbounded "
            + "queue), and the request can be resent once it drained")
    void realBufferExhausted() throws Exception {
        // warm the producer's metadata, so the sends below need only buffer space (with no waiting allowed, the
        // first requests answer 503 until the metadata the first one asked for has arrived)
        String warm = received(id + "-warm", id + "-Dw").encode();
        long deadline = System.nanoTime() + GatewayFixture.PATIENCE.toNanos();
        int status;
        do {
            status = post(smallBuffer, warm).statusCode();
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(202);
        StringBuilder body = new StringBuilder();
        int lines = 0;
        while (body.length() < 32 * 32 * 1024) {
            body.append(received(id + "-" + lines, id + "-D" + lines).encode()).append('\n');
            lines++;
        }

        HttpResponse<String> answer = post(smallBuffer, body.toString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(new JsonObject(answer.body()).getString("detail")).contains("buffer");
    }

    /** {@code n} NDJSON lines, each a valid RECEIVED of its own dossier with this test's ids. */
    private StringBuilder receivedLines(int n) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append(received(id + "-" + i, id + "-D" + i).encode()).append('\n');
        }
        return body;
    }

    private Predicate<ConsumerRecord<String, String>> mine() {
        String prefix = id;
        return r -> r.value().contains(prefix);
    }

    private static HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
        return GatewayFixture.post(uri, HttpRequest.BodyPublishers.ofByteArray(utf8(body)), NDJSON, headers);
    }

    /** Sends with chunked transfer encoding (no Content-Length), as a streaming client would. */
    private static HttpResponse<String> postStream(URI uri, byte[] body) throws Exception {
        return GatewayFixture.post(uri, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)),
                NDJSON);
    }
}
