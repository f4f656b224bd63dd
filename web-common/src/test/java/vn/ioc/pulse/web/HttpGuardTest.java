package vn.ioc.pulse.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The servers' self-protection on a real Vert.x server on loopback, driven by raw sockets that behave like the
 * slow, idle and abusive clients seen in the field. Limits are small here so each case takes about a second.
 */
@DisplayName("HttpGuard sheds slow, idle and excess connections and never reads a refused body")
class HttpGuardTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Vertx vertx = Vertx.vertx();
    private HttpGuard guard;
    private int port;

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** A server with the guard: /ok answers at once, /refuse answers 401 without reading, /echo reads the body. */
    private void start(ServerLimits limits) {
        guard = new HttpGuard(vertx, "test server", limits);
        Router router = Router.router(vertx);
        router.route().handler(guard.handler());
        Problems.install(router);
        router.get("/ok").handler(ctx -> ctx.response().end("ok"));
        router.post("/refuse").handler(ctx -> Problems.send(ctx, 401, "Unauthorized", "no token"));
        router.post("/echo").handler(ctx -> BodyReader.read(vertx, ctx, 200_000, limits)
                .onSuccess(b -> ctx.response().end("read " + b.length())));
        port = guard.install(vertx.createHttpServer(guard.options())).requestHandler(router)
                .listen(0, limits.bindAddress()).await().actualPort();
    }

    private static ServerLimits quick() {
        // 2 s idle, 600 ms for a request head, bodies at >= 1000 B/s after 500 ms
        return ServerLimits.defaults(100).withBindAddress("127.0.0.1").withTimeouts(2, 600, 1000, 500);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @DisplayName("Timeouts")
    class Timeouts {
        @Test
        @DisplayName("a client sending its request head one byte at a time is closed at the head deadline")
        void slowHeaders() throws Exception {
            start(quick());
            long t0 = System.nanoTime();
            try (RawHttp c = RawHttp.connect(port)) {
                c.trickle("GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n", 100);
                String answer = c.readUntilClosed(5000);
                assertThat(answer).doesNotContain("200 OK");
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 4000L);
            assertThat(guard.headTimeouts()).isEqualTo(1);
        }

        @Test
        @DisplayName("a connection that never sends anything is closed at the head deadline")
        void silentConnection() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.readUntilClosed(5000)).isEmpty();
            }
        }

        @Test
        @DisplayName("a kept-alive connection idle after its answer is closed after the idle timeout")
        void idleKeepAlive() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readResponse(3000)).startsWith("HTTP/1.1 200").endsWith("ok");
                long t0 = System.nanoTime();
                c.readUntilClosed(6000);
                assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1500L);
            }
        }

        @Test
        @DisplayName("a kept-alive connection serves a second request in time")
        void keepAliveWorks() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readResponse(3000)).startsWith("HTTP/1.1 200");
                c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readResponse(3000)).startsWith("HTTP/1.1 200");
            }
        }

        @Test
        @DisplayName("a body trickling at 1 byte per 100 ms is answered 408 (problem+json) and the connection closed")
        void slowBody() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
                c.trickle("x".repeat(1000), 100);
                String answer = c.readUntilClosed(8000);
                assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json")
                        .contains("bytes/s");
            }
        }

        @Test
        @DisplayName("a body sent at full speed is read whole")
        void fastBody() throws Exception {
            start(quick());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(150_000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("read 150000");
        }
    }

    @Nested
    @DisplayName("Refused requests and limits")
    class Limits {
        @Test
        @DisplayName("a request answered 401 before its 1 GB body is read: the answer comes, then the connection closes")
        void refusedBodyNotRead() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" + "z".repeat(1000));
                String answer = c.readUntilClosed(3000);
                assertThat(answer).startsWith("HTTP/1.1 401").contains("application/problem+json")
                        .containsIgnoringCase("connection: close");
            }
            assertThat(guard.unreadBodyCloses()).isEqualTo(1);
        }

        @Test
        @DisplayName("a body over the limit is answered 413 and the connection closed, the rest never read")
        void bodyTooLarge() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" + "z".repeat(250_000));
                assertThat(c.readUntilClosed(3000)).startsWith("HTTP/1.1 413").contains("200000 bytes");
            }
        }

        @Test
        @DisplayName("beyond the connection cap new connections are closed at once; below it requests are served")
        void connectionCap() throws Exception {
            start(ServerLimits.defaults(3).withBindAddress("127.0.0.1").withTimeouts(30, 20_000, 1000, 500));
            List<RawHttp> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(RawHttp.connect(port));
            }
            long t0 = System.nanoTime();
            try (RawHttp extra = RawHttp.connect(port)) {
                extra.readUntilClosed(5000);
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000L);
            assertThat(guard.refusedConnections()).isEqualTo(1);
            for (RawHttp c : held) {
                c.close();
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (guard.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(get("/ok").statusCode()).isEqualTo(200);
        }

        @Test
        @DisplayName("request heads over 8 KiB are answered 431 as problem+json")
        void headersTooLarge() throws Exception {
            start(quick());
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n");
                assertThat(c.readUntilClosed(3000)).startsWith("HTTP/1.1 431").contains("application/problem+json");
            }
        }

        @ParameterizedTest(name = "{0} {1} → {2}")
        @CsvSource({"GET, /nowhere, 404", "DELETE, /ok, 405"})
        @DisplayName("unknown paths and methods are problem documents naming the method and path")
        void routerErrors(String method, String path, int status) throws Exception {
            start(quick());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(new JsonObject(r.body()).getString("detail")).contains(method).contains(path);
        }
    }

    @ParameterizedTest(name = "{0} bytes after {1} ms at >= {2} B/s after {3} ms grace: too slow = {4}")
    @CsvSource({"0, 500, 1000, 500, false", "0, 600, 1000, 500, true", "100, 600, 1000, 500, false",
            "99, 600, 1000, 500, true", "5000, 10000, 1000, 5000, false", "4999, 10000, 1000, 5000, true"})
    @DisplayName("the body-rate verdict: bytes >= rate × (reading time − grace)")
    void rateVerdict(long bytes, long ms, long rate, long grace, boolean tooSlow) {
        assertThat(RateWatch.tooSlow(bytes, ms, rate, grace)).isEqualTo(tooSlow);
    }
}
