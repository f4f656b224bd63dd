package vn.ioc.pulse.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-protection of one HTTP server ({@link ServerLimits}): it listens only on the configured address, holds at
 * most {@code maxConnections} connections (more are closed at once), closes connections idle for
 * {@code idleTimeoutSeconds}, closes a connection that has not delivered a complete request head within
 * {@code headerTimeoutMs} of opening (slow-header clients), and closes the connection of any request answered before
 * its body was read (401, 403, 413, 429 …) instead of reading that body to its end. Malformed requests (bad request
 * line, headers too large) get a problem document and a closed connection. Request bodies' minimum rate is enforced
 * by {@link BodyReader} / {@link RateWatch} where the bodies are read.
 *
 * <p>Use: {@code guard.options()} for the server, {@code guard.install(server)} before listening, and
 * {@code router.route().order(-1000).handler(guard::onRequest)} — or {@link #onRequest} first in the request path.
 * All per-connection work runs on the connection's event loop; nothing blocks.
 */
public final class HttpGuard {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    private static final long WARN_EVERY_MS = 10_000;

    private final Vertx vertx;
    private final String name;
    private final ServerLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Long> headTimers = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headTimeouts = new LongAdder();
    private final LongAdder unreadBodies = new LongAdder();
    private final AtomicLong lastWarn = new AtomicLong();

    public HttpGuard(Vertx vertx, String name, ServerLimits limits) {
        this.vertx = vertx;
        this.name = name;
        this.limits = limits;
        io.micrometer.core.instrument.MeterRegistry r = Metrics.registry();
        io.micrometer.core.instrument.Gauge.builder("ioc_http_connections_open", open, AtomicInteger::get)
                .tag("server", name).description("connections open now").register(r);
        io.micrometer.core.instrument.FunctionCounter.builder("ioc_http_connections_refused", refused, LongAdder::sum)
                .tag("server", name).description("connections closed at once: the cap was reached").register(r);
        io.micrometer.core.instrument.FunctionCounter.builder("ioc_http_head_timeouts", headTimeouts, LongAdder::sum)
                .tag("server", name).description("connections closed: no complete request head in time").register(r);
        io.micrometer.core.instrument.FunctionCounter.builder("ioc_http_unread_body_closes", unreadBodies,
                        LongAdder::sum).tag("server", name)
                .description("connections closed: request answered before its body was read").register(r);
    }

    public ServerLimits limits() {
        return limits;
    }

    /**
     * Server options: the bind address, the idle timeout, HTTP/1.1 only (no h2c upgrade: a streamed POST offering
     * one hung, and HTTP/2 belongs on the TLS front proxy). Expect: 100-continue is answered at once.
     */
    public HttpServerOptions options() {
        return new HttpServerOptions()
                .setHost(limits.bindAddress())
                .setIdleTimeout(limits.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true);
    }

    /** Installs the connection cap, the request-head deadline and the malformed-request answer on {@code server}. */
    public HttpServer install(HttpServer server) {
        return server.connectionHandler(this::onConnection).invalidRequestHandler(this::onInvalidRequest);
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** Connections closed at once because the cap was reached, since start. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Connections closed because no complete request head came in time, since start. */
    public long headTimeouts() {
        return headTimeouts.sum();
    }

    /** Connections closed because a request was answered before its body was read, since start. */
    public long unreadBodyCloses() {
        return unreadBodies.sum();
    }

    private void onConnection(HttpConnection conn) {
        int now = open.incrementAndGet();
        conn.closeHandler(v -> {
            open.decrementAndGet();
            cancelHeadTimer(conn);
        });
        if (now > limits.maxConnections()) {
            refused.increment();
            warn("{}: {} connections open, the limit is {} (IOC_HTTP_MAX_CONNECTIONS): closing new connections "
                    + "({} refused so far)", name, now, limits.maxConnections(), refused.sum());
            conn.close();
            return;
        }
        armHeadTimer(conn, limits.headerTimeoutMs());
    }

    private void armHeadTimer(HttpConnection conn, long delayMs) {
        long id = vertx.setTimer(delayMs, t -> {
            if (headTimers.remove(conn) != null) {
                headTimeouts.increment();
                LOG.debug("{}: closing {}: no complete request head within {} ms", name, conn.remoteAddress(),
                        delayMs);
                conn.close();
            }
        });
        Long previous = headTimers.put(conn, id);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void cancelHeadTimer(HttpConnection conn) {
        Long id = headTimers.remove(conn);
        if (id != null) {
            vertx.cancelTimer(id);
        }
    }

    /**
     * First handler of every request (a complete head has arrived): stops the head deadline; when the response
     * ends, closes the connection if the request's declared body was not read to its end, else gives the kept-alive
     * connection the idle timeout to deliver its next head. WebSocket upgrades keep their connection.
     */
    public void onRequest(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpConnection conn = request.connection();
        cancelHeadTimer(conn);
        if (!isUpgrade(request)) {
            boolean hasBody = hasBody(request);
            // an answer that goes out before the body was read (401, 403, 413, 429 …) says Connection: close, so the
            // client does not send its next request on a connection the server is about to close
            ctx.addHeadersEndHandler(v -> {
                if (hasBody && !request.isEnded()) {
                    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                }
            });
            ctx.addEndHandler(done -> {
                if (hasBody && !request.isEnded()) {
                    unreadBodies.increment();
                    LOG.debug("{}: {} {} answered {} before its body was read: closing the connection", name,
                            request.method(), request.path(), ctx.response().getStatusCode());
                    conn.close();
                } else if (!ctx.response().closed()) {
                    armHeadTimer(conn, limits.idleTimeoutSeconds() * 1000L);
                }
            });
        }
        ctx.next();
    }

    /** A handler for {@code router.route()} in front of everything: {@link #onRequest}. */
    public Handler<RoutingContext> handler() {
        return this::onRequest;
    }

    static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !"0".equals(length.trim());
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    private void onInvalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
                : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        Problems.send(request.response(), status, Problems.title(status), "malformed HTTP request"
                + (cause == null ? "" : ": " + cause.getMessage()));
        request.connection().close();
    }

    private void warn(String format, Object... args) {
        long now = System.currentTimeMillis();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_MS && lastWarn.compareAndSet(last, now)) {
            LOG.warn(format, args);
        }
    }
}
