package vn.ioc.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.RawHttp;
import vn.ioc.pulse.web.ServerLimits;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * The hardening issue's probes against the real gateway on a real broker: the poison event, batch accounting, a
 * byte-order mark, refused requests that must not be read, slow streamed bodies, readiness.
 */
@DisplayName("The ingest gateway refuses poison, counts every element, and sheds clients it must not serve")
class GatewaySecurityIntegrationTest extends IngestTestBase {
    private static final String NDJSON = "application/x-ndjson";
    private static final String SECRET = "sec-" + UUID.randomUUID();
    /** The hardening issue's poison event: contract-shaped, a Long.MAX_VALUE HOUR duration. */
    private static final String POISON = """
            {"schema":"ioc.case.v1","event_id":"%s","dossier_code":"P1","type":"RECEIVED",\
            "occurred_at":"2026-12-07T10:00:00+07:00","procedure_code":"2.000815","agency_code":"X",\
            "channel":"ONLINE","regulated_duration":{"value":9223372036854775807,"unit":"HOUR"}}""";

    private static GatewayFixture fixture;
    private static URI open;
    private static URI secured;
    private static URI pressured;
    private static final AtomicReference<Double> FREE_BUFFER = new AtomicReference<>(1.0);
    private String id;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start();
        ServerLimits quick = ServerLimits.defaults(100).withBindAddress("127.0.0.1").withTimeouts(5, 2000, 1000, 500);
        open = fixture.gateway(b -> new IngestConfig(0, b, 4 << 20, 10_000, 5000).withLimits(quick));
        secured = fixture.gateway(b -> new IngestConfig(0, b, 4 << 20, 10_000, 5000).withLimits(quick)
                .withAuth(BearerAuth.Config.sharedSecret(SECRET)));
        pressured = fixture.gateway(b -> new IngestConfig(0, b, 4 << 20, 10_000, 5000).withLimits(quick),
                FREE_BUFFER::get);
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

    private java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> mine() {
        return r -> r.value().contains(id);
    }

    private static HttpResponse<String> post(URI base, String body, String type) throws Exception {
        return GatewayFixture.post(base.resolve("/api/v1/events"), HttpRequest.BodyPublishers.ofString(body), type);
    }

    @Test
    @DisplayName("the poison event is answered 400 naming regulated_duration.value and dead-lettered, never in Kafka")
    void poisonEvent() throws Exception {
        HttpResponse<String> r = post(open, POISON.formatted(id), "application/json");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getInteger("accepted")).isZero();
        assertThat(answer.getJsonArray("rejected").getJsonObject(0).getString("field"))
                .isEqualTo("regulated_duration.value");
        assertThat(fixture.awaitRecords(Topics.DEAD_LETTER, mine(), 1)).hasSize(1);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();
    }

    @Test
    @DisplayName("[good,{bad},good,good] is answered 400 with accepted 0 and the reason; nothing reaches Kafka")
    void syntaxErrorInArray() throws Exception {
        String body = "[" + received(id + "-0", id + "-D").encode() + ",{bad}," + received(id + "-2", id + "-D2")
                .encode() + "," + received(id + "-3", id + "-D3").encode() + "]";

        HttpResponse<String> r = post(open, body, "application/json");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getInteger("accepted")).isZero();
        assertThat(answer.getJsonArray("rejected").getJsonObject(0).getString("error"))
                .contains("element 1").contains("nothing in this request was accepted");
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 0)).isEmpty();
    }

    @Test
    @DisplayName("[good,bad,good,good] with a contract error counts each element: 3 accepted, index 1 rejected")
    void everyElementCounted() throws Exception {
        String body = array(received(id + "-0", id + "-D0"), receivedWithoutAgency(id + "-1", id + "-D1"),
                received(id + "-2", id + "-D2"), received(id + "-3", id + "-D3"));

        HttpResponse<String> r = post(open, body, "application/json");

        assertThat(r.statusCode()).isEqualTo(202);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getInteger("accepted")).isEqualTo(3);
        assertThat(answer.getJsonArray("rejected")).hasSize(1);
        assertThat(answer.getJsonArray("rejected").getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 3)).hasSize(3);
    }

    @Test
    @DisplayName("a UTF-8 byte-order mark before a JSON object or streamed NDJSON is ignored")
    void byteOrderMark() throws Exception {
        HttpResponse<String> one = post(open, "\uFEFF" + received(id + "-0", id + "-D0").encode(), "application/json");
        HttpResponse<String> lines = post(open, "\uFEFF" + received(id + "-1", id + "-D1").encode() + "\n"
                + received(id + "-2", id + "-D2").encode(), NDJSON);

        assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
        assertThat(new JsonObject(lines.body()).getInteger("accepted")).as(lines.body()).isEqualTo(2);
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, mine(), 3)).hasSize(3);
    }

    @Test
    @DisplayName("401 to a request declaring a 1 GB body: answered with WWW-Authenticate, then closed unread")
    void unauthenticatedBodyNotRead() throws Exception {
        try (RawHttp c = RawHttp.connect(secured.getPort())) {
            c.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000000\r\n\r\n" + "[".repeat(4096));
            String answer = c.readUntilClosed(5000);
            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer")
                    .contains("application/problem+json");
        }
    }

    @Test
    @DisplayName("429 under backpressure closes the connection instead of reading the body")
    void tooManyRequestsNotRead() throws Exception {
        FREE_BUFFER.set(0.0);
        try (RawHttp c = RawHttp.connect(pressured.getPort())) {
            c.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                    + "Content-Length: 500000000\r\n\r\n" + "{}\n".repeat(1000));
            assertThat(c.readUntilClosed(5000)).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after");
        } finally {
            FREE_BUFFER.set(1.0);
        }
    }

    @Test
    @DisplayName("a streamed NDJSON body trickling a byte per 100 ms is answered 408 and closed")
    void slowStreamedBody() throws Exception {
        try (RawHttp c = RawHttp.connect(open.getPort())) {
            c.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            c.trickle("5\r\nhello\r\n".repeat(200), 100);
            assertThat(c.readUntilClosed(10_000)).startsWith("HTTP/1.1 408").contains("bytes/s");
        }
    }

    @Test
    @DisplayName("/ready answers 200 with kafka UP on a gateway whose broker runs")
    void ready() throws Exception {
        HttpResponse<String> r = GatewayFixture.HTTP.send(HttpRequest.newBuilder(open.resolve("/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.body()).getJsonObject("checks").getString("kafka")).isEqualTo("UP");
    }

    @Test
    @DisplayName("every 4xx of the gateway is a problem document: unknown path 404, wrong method 405")
    void problemsEverywhere() throws Exception {
        for (var req : List.of(HttpRequest.newBuilder(open.resolve("/nope")).build(),
                HttpRequest.newBuilder(open.resolve("/api/v1/events")).GET().build())) {
            HttpResponse<String> r = GatewayFixture.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isIn(404, 405);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }
}
