package vn.ioc.pulse.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a whole request body into memory, up to {@code maxBytes} (413 beyond it, without reading further) and no
 * slower than the server's minimum body rate (408 below it): the replacement for Vert.x's BodyHandler on routes
 * that must not be held by a slow client. On 408/413 the answer carries {@code Connection: close} and the
 * connection is closed after it (the rest of the body is never read).
 */
public final class BodyReader {
    private BodyReader() {
    }

    /** Thrown (as the future's failure) when the body is larger than allowed. */
    public static final class TooLarge extends RuntimeException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /** Thrown (as the future's failure) when the body arrives too slowly. */
    public static final class TooSlow extends RuntimeException {
        public TooSlow(String message) {
            super(message);
        }
    }

    /** Reads {@code ctx}'s body; on TooLarge / TooSlow the answer (413 / 408) is already sent. */
    public static Future<Buffer> read(Vertx vertx, RoutingContext ctx, long maxBytes, ServerLimits limits) {
        var request = ctx.request();
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        RateWatch[] watch = new RateWatch[1];
        Runnable tooSlow = () -> {
            if (promise.tryFail(new TooSlow(watch[0].detail()))) {
                reject(ctx, 408, "Request Timeout", watch[0].detail());
            }
        };
        watch[0] = new RateWatch(vertx, limits, tooSlow);
        request.handler(chunk -> {
            watch[0].received(chunk.length());
            if (body.length() + chunk.length() > maxBytes) {
                watch[0].stop();
                String detail = "request body is larger than " + maxBytes + " bytes: split it into several requests";
                if (promise.tryFail(new TooLarge(detail))) {
                    reject(ctx, 413, "Payload too large", detail);
                }
                return;
            }
            if (!promise.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            watch[0].stop();
            promise.tryComplete(body);
        });
        request.exceptionHandler(e -> {
            watch[0].stop();
            promise.tryFail(e);
        });
        request.resume();
        return promise.future();
    }

    /**
     * Answers {@code status} while the body is still arriving: HttpGuard's request handler (in front of every route)
     * adds Connection: close to such an answer and closes the connection once it is written.
     */
    public static void reject(RoutingContext ctx, int status, String title, String detail) {
        Problems.send(ctx, status, title, detail);
    }
}
