package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.web.Problems;

/**
 * The operator's view of alert delivery, every route behind {@code requireOperator} (the caller's auth handler: it
 * calls {@code ctx.next()} or answers 401/403 itself):
 * <ul>
 *   <li>{@code GET /api/v1/alert-deliveries/receivers} → {@code {"receivers": [{name, type, host, queued, outbox_lag,
 *       last_status, last_attempt_at, consecutive_failures, delivered, dead_lettered, healthy}]}}</li>
 *   <li>{@code GET /api/v1/alert-deliveries/dead-letters} → {@code {"dead_letters": [{id, receiver, status, answer,
 *       when, idempotency_key, group_key, alerts}]}}</li>
 *   <li>{@code POST /api/v1/alert-deliveries/dead-letters/{id}/replay} → 202 {@code {"replayed": id}}; 404 unknown id,
 *       409 receiver no longer configured or delivery off, 503 Kafka unavailable — as problem+json.</li>
 * </ul>
 */
public final class DeliveryRoutes {
    public static final String BASE = "/api/v1/alert-deliveries";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRoutes.class);

    private final AlertDelivery delivery;
    private final Handler<RoutingContext> requireOperator;

    public DeliveryRoutes(AlertDelivery delivery, Handler<RoutingContext> requireOperator) {
        this.delivery = delivery;
        this.requireOperator = requireOperator;
    }

    public void mount(Router router) {
        router.get(BASE + "/receivers").handler(requireOperator).handler(this::receivers);
        router.get(BASE + "/dead-letters").handler(requireOperator).handler(this::deadLetters);
        router.post(BASE + "/dead-letters/:id/replay").handler(requireOperator).handler(this::replay);
    }

    private void receivers(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("receivers", new JsonArray(delivery.receivers())));
    }

    private void deadLetters(RoutingContext ctx) {
        delivery.deadLetters()
                .onSuccess(list -> json(ctx, 200, new JsonObject().put("dead_letters", new JsonArray(list))))
                .onFailure(e -> {
                    LOG.warn("dead letters not readable: {}", e.toString());
                    Problems.send(ctx, 503, "Service Unavailable", "the dead letters could not be read from Kafka: "
                            + e.getMessage());
                });
    }

    private void replay(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        delivery.replay(id)
                .onSuccess(v -> json(ctx, 202, new JsonObject().put("replayed", id)))
                .onFailure(e -> {
                    if (e instanceof NoSuchElementException) {
                        Problems.send(ctx, 404, "Not Found", e.getMessage());
                    } else if (e instanceof IllegalStateException) {
                        Problems.send(ctx, 409, "Conflict", e.getMessage());
                    } else {
                        LOG.warn("replay of dead letter {} failed: {}", id, e.toString());
                        Problems.send(ctx, 503, "Service Unavailable", "the replay could not be written to Kafka: "
                                + e.getMessage());
                    }
                });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
