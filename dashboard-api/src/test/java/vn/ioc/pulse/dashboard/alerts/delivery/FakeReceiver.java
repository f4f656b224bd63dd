package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver for tests: records every POST (arrival time, headers, exact body bytes) and answers as its
 * script says — 2xx, an error status with headers and body, or never (hangs).
 */
final class FakeReceiver extends VerticleBase {

    /** One request as it arrived. */
    record Request(long arrivedNanos, MultiMap headers, byte[] body, int answeredStatus) {
        String header(String name) {
            return headers.get(name);
        }

        String idempotencyKey() {
            return headers.get("Idempotency-Key");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonObject json() {
            return new JsonObject(text());
        }
    }

    /** How to answer request number {@code index} (0-based); {@code status} 0 means hang. */
    record Reply(int status, Map<String, String> headers, String body) {
        static Reply ok() {
            return new Reply(200, Map.of(), "{\"ok\":true}");
        }

        static Reply status(int status) {
            return new Reply(status, Map.of(), "");
        }

        static Reply hang() {
            return new Reply(0, Map.of(), "");
        }
    }

    interface Script {
        Reply answer(int index);
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Script script = i -> Reply.ok();
    private HttpServer server;

    FakeReceiver script(Script s) {
        this.script = s;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hook";
    }

    /** The requests answered 2xx. */
    List<Request> accepted() {
        return requests.stream().filter(r -> r.answeredStatus() >= 200 && r.answeredStatus() < 300).toList();
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer();
        server.requestHandler(req -> req.body().onSuccess(body -> {
            long at = System.nanoTime();
            Reply reply;
            synchronized (this) {
                reply = script.answer(requests.size());
                requests.add(new Request(at, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.getBytes(),
                        reply.status()));
            }
            if (reply.status() == 0) {
                return; // hang: never answer
            }
            reply.headers().forEach(req.response()::putHeader);
            req.response().setStatusCode(reply.status()).end(reply.body());
        }));
        return server.listen(0, "127.0.0.1");
    }
}
