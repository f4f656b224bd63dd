package vn.ioc.pulse.web;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors as RFC 9457 {@code application/problem+json} with a human-readable {@code detail}, on every 4xx/5xx of
 * both servers: the handlers' own answers, and the router's 404 / 405 / 500 that would otherwise be plain text.
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** Answers {@code status} with a problem document (nothing if the response has already ended). */
    public static void send(HttpServerResponse response, int status, String title, String detail) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset(); // too late for a status: cut the answer instead of sending a misleading one
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).encode());
    }

    public static void send(RoutingContext ctx, int status, String title, String detail) {
        send(ctx.response(), status, title, detail);
    }

    /** The standard title of an HTTP status. */
    public static String title(int status) {
        return io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
    }

    /**
     * Router-level answers for what no route handles: 404 (no such path), 405 (path exists, not this method), 400,
     * 413 and 500 — as problem documents naming the method and path. A 500 is logged with its cause.
     */
    public static void install(Router router) {
        router.errorHandler(404, ctx -> send(ctx, 404, "Not Found", "no resource at " + ctx.request().method() + " "
                + ctx.request().path()));
        router.errorHandler(405, ctx -> send(ctx, 405, "Method Not Allowed", ctx.request().method()
                + " is not allowed on " + ctx.request().path()));
        router.errorHandler(400, ctx -> send(ctx, 400, "Bad Request", ctx.failure() == null ? "bad request"
                : String.valueOf(ctx.failure().getMessage())));
        router.errorHandler(500, ctx -> {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            send(ctx, 500, "Internal Server Error", "the server failed on " + ctx.request().method() + " "
                    + ctx.request().path() + "; it has been logged");
        });
    }
}
