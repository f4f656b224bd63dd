package vn.ioc.pulse.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code GET /ready}: named checks, each a blocking call run on a worker thread (never the event loop) that returns
 * a status word ("UP", "RUNNING", …) when healthy and throws when not. 200 with every check's status when all pass,
 * 503 (a problem document with the same {@code checks}) when any fails — what a load balancer or orchestrator
 * needs to stop sending traffic to an instance that cannot serve it.
 */
public final class Readiness {
    /** One check: a name and a blocking probe that returns the healthy status or throws with the reason. */
    public record Check(String name, Callable<String> probe) {
    }

    private final List<Check> checks = new ArrayList<>();

    public Readiness add(String name, Callable<String> probe) {
        checks.add(new Check(name, probe));
        return this;
    }

    public Readiness addAll(List<Check> more) {
        checks.addAll(more);
        return this;
    }

    /** Runs every check (in parallel, on worker threads) and answers. */
    public void handle(Vertx vertx, RoutingContext ctx) {
        List<Future<String>> results = new ArrayList<>();
        for (Check c : checks) {
            results.add(vertx.executeBlocking(c.probe(), false));
        }
        Future.join(results).onComplete(done -> {
            Map<String, Object> status = new LinkedHashMap<>();
            List<String> failing = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Future<String> r = results.get(i);
                if (r.succeeded() && r.result() != null) {
                    status.put(checks.get(i).name(), r.result());
                } else {
                    String why = r.cause() == null ? "not ready" : r.cause().getMessage() == null
                            ? r.cause().getClass().getSimpleName() : r.cause().getMessage();
                    status.put(checks.get(i).name(), "DOWN: " + why);
                    failing.add(checks.get(i).name());
                }
            }
            JsonObject checksJson = new JsonObject(status);
            if (failing.isEmpty()) {
                ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("ready", true).put("checks", checksJson).encode());
            } else if (!ctx.response().ended()) {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                        .end(new JsonObject().put("type", "about:blank").put("title", "Not ready").put("status", 503)
                                .put("detail", "not ready: " + String.join(", ", failing)).put("ready", false)
                                .put("checks", checksJson).encode());
            }
        });
    }
}
