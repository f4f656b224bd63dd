package vn.ioc.pulse.dashboard;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;
import vn.ioc.pulse.store.KpiHistoryStore;

/**
 * The dashboard API (CONTRACT.md §5): latest KPI values over REST, KPI history from the history store, the KPI
 * catalogue, health and readiness, and the WebSocket {@code /ws/v1} where a screen subscribes to a selection and
 * gets a snapshot, then every update with its per-key sequence number.
 */
public final class DashboardVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final DashboardConfig config;
    private final KpiHistoryStore history;
    private final boolean historyFromTopic;
    private final KpiCatalog catalog;
    private final KpiCache cache = new KpiCache();
    private final Set<Screen> screens = ConcurrentHashMap.newKeySet();
    private KpiUpdatesConsumer consumer;
    private Admin admin;
    private HttpServer server;

    /**
     * @param historyFromTopic true when {@code history} is the in-memory store that this API fills from the KPI
     *                         topic (the demo); false when the KPI job writes it (InfluxDB)
     */
    public DashboardVerticle(DashboardConfig config, KpiHistoryStore history, boolean historyFromTopic,
                             KpiCatalog catalog) {
        this.config = config;
        this.history = history;
        this.historyFromTopic = historyFromTopic;
        this.catalog = catalog;
    }

    @Override
    public Future<?> start() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        router.get("/ready").handler(this::ready);
        router.get("/api/v1/kpis").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(catalog.toJson().toString()));
        router.get("/api/v1/kpis/values").handler(this::values);
        router.get("/api/v1/kpis/:kpi/history").handler(this::history);
        consumer = new KpiUpdatesConsumer(config.kafkaBootstrap(), batch -> context.runOnContext(v -> apply(batch)))
                .start();
        // No h2c upgrade: the JDK HttpClient (which offers one by default) failed on a large values answer with a
        // frame-size protocol error; such clients are served HTTP/1.1 (HTTP/2 belongs on the TLS front proxy).
        return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .webSocketHandler(this::screen)
                .requestHandler(router)
                .listen(config.port())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("dashboard API listening on port {} (Kafka {}, history {})", s.actualPort(),
                            config.kafkaBootstrap(), config.influxUrl() == null ? "in memory" : config.influxUrl());
                });
    }

    @Override
    public Future<?> stop() {
        consumer.close();
        admin.close(Duration.ofSeconds(2));
        return Future.succeededFuture();
    }

    public int port() {
        return server.actualPort();
    }

    /** Applies a batch of KPI values from the topic (event loop): cache, history, screens. */
    private void apply(List<KpiValue> batch) {
        if (historyFromTopic) {
            history.write(batch);
        }
        for (KpiValue v : batch) {
            KpiCache.Entry e = cache.apply(v);
            if (e != null) {
                for (Screen s : screens) {
                    s.update(e);
                }
            }
        }
    }

    static JsonObject toJson(KpiCache.Entry e) {
        return new JsonObject(e.value().toJsonNode().toString()).put("seq", e.seq());
    }

    private void values(RoutingContext ctx) {
        Selection selection = Selection.of(ctx.queryParam("kpi"), ctx.queryParam("scope_type"),
                ctx.queryParam("scope_id"), ctx.queryParam("window"));
        JsonArray values = new JsonArray();
        for (KpiCache.Entry e : cache.matching(selection)) {
            values.add(toJson(e));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("values", values).encode());
    }

    private void history(RoutingContext ctx) {
        String kpi = ctx.pathParam("kpi");
        try {
            if (catalog.get(kpi).isEmpty()) {
                problem(ctx, 404, "unknown KPI '" + kpi + "'; GET /api/v1/kpis lists them");
                return;
            }
            String scopeType = required(ctx, "scope_type");
            String scopeId = required(ctx, "scope_id");
            String window = required(ctx, "window");
            Instant to = time(ctx, "to", Instant.now());
            Instant from = time(ctx, "from", to.minus(Duration.ofHours(24)));
            Duration step = step(ctx.queryParams().get("step"));
            if (from.isAfter(to)) {
                throw new IllegalArgumentException("query parameter 'from' must not be after 'to'");
            }
            vertx.executeBlocking(() -> history.history(kpi, scopeType, scopeId, window, from, to, step))
                    .onSuccess(points -> {
                        JsonArray out = new JsonArray();
                        for (KpiHistoryStore.Point p : points) {
                            out.add(new JsonObject().put("time", KpiValue.formatTime(p.time())).put("value", p.value())
                                    .put("numerator", p.numerator()).put("denominator", p.denominator()));
                        }
                        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                                .put("kpi", kpi).put("scope_type", scopeType).put("scope_id", scopeId)
                                .put("window", window).put("points", out).encode());
                    })
                    .onFailure(e -> {
                        LOG.warn("history query {} {}/{}/{} failed: {}", kpi, scopeType, scopeId, window, e.toString());
                        problem(ctx, 503, "KPI history store unavailable: " + e.getMessage());
                    });
        } catch (IllegalArgumentException e) {
            problem(ctx, 400, e.getMessage());
        }
    }

    private static String required(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("query parameter '" + name + "' is required");
        }
        return v;
    }

    private static Instant time(RoutingContext ctx, String name, Instant dflt) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return EventCodec.parseTimestamp(name, v);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("query parameter " + e.getMessage());
        }
    }

    static Duration step(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        Matcher m = STEP.matcher(v);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("query parameter 'step' must be a positive duration like 30s, 5m, 1h, 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private void ready(RoutingContext ctx) {
        vertx.executeBlocking(() -> {
            Map<String, Object> checks = new HashMap<>();
            boolean kafka;
            try {
                admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
                kafka = true;
            } catch (Exception e) {
                kafka = false;
            }
            checks.put("kafka", kafka ? "UP" : "DOWN");
            checks.put("kpi_cache", consumer.caughtUp() ? "HYDRATED" : "LOADING");
            boolean store = history.ping();
            checks.put("history_store", store ? "UP" : "DOWN");
            checks.put("ready", kafka && store && consumer.caughtUp());
            return new JsonObject(checks);
        }).onSuccess(json -> ctx.response().setStatusCode(json.getBoolean("ready") ? 200 : 503)
                .putHeader("Content-Type", "application/json").end(json.encode()))
                .onFailure(e -> problem(ctx, 503, "readiness check failed: " + e));
    }

    private static void problem(RoutingContext ctx, int status, String detail) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "about:blank").put("status", status).put("detail", detail).encode());
    }

    private void screen(ServerWebSocket ws) {
        if (!"/ws/v1".equals(ws.path())) {
            ws.close((short) 1008, "unknown path " + ws.path() + "; use /ws/v1");
            return;
        }
        Screen screen = new Screen(ws);
        screens.add(screen);
        LOG.info("screen connected from {} ({} screens)", ws.remoteAddress(), screens.size());
        ws.closeHandler(v -> {
            screens.remove(screen);
            LOG.info("screen {} disconnected ({} screens)", ws.remoteAddress(), screens.size());
        });
        ws.textMessageHandler(text -> screen.onMessage(text));
    }

    /** One connected wall screen and its subscriptions (event loop only). */
    private final class Screen {
        private final ServerWebSocket ws;
        private final Map<String, Selection> subscriptions = new HashMap<>();

        Screen(ServerWebSocket ws) {
            this.ws = ws;
        }

        void onMessage(String text) {
            JsonObject msg;
            try {
                msg = new JsonObject(text);
            } catch (RuntimeException e) {
                error(null, "message is not a JSON object");
                return;
            }
            String type = msg.getValue("type") instanceof String s ? s : null;
            Object idValue = msg.getValue("id");
            String id = idValue instanceof String s ? s : null;
            if (type == null) {
                error(id, "field 'type' is required: subscribe, unsubscribe or ping");
                return;
            }
            switch (type) {
                case "ping" -> ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
                case "subscribe" -> subscribe(id, msg);
                case "unsubscribe" -> {
                    if (id == null || subscriptions.remove(id) == null) {
                        error(id, "field 'id': no subscription with this id");
                    }
                }
                default -> error(id, "field 'type': unknown message type '" + type + "'");
            }
        }

        private void subscribe(String id, JsonObject msg) {
            if (id == null) {
                error(null, "field 'id' is required on subscribe");
                return;
            }
            Selection selection;
            try {
                Object select = msg.getValue("select");
                if (select != null && !(select instanceof JsonObject)) {
                    throw new IllegalArgumentException("field 'select' must be an object");
                }
                selection = Selection.fromJson((JsonObject) select);
            } catch (IllegalArgumentException e) {
                error(id, e.getMessage());
                return;
            }
            subscriptions.put(id, selection);
            JsonArray values = new JsonArray();
            for (KpiCache.Entry e : cache.matching(selection)) {
                values.add(toJson(e));
            }
            ws.writeTextMessage(new JsonObject().put("type", "snapshot").put("id", id).put("values", values).encode());
        }

        void update(KpiCache.Entry e) {
            for (Map.Entry<String, Selection> s : subscriptions.entrySet()) {
                if (s.getValue().matches(e.value())) {
                    ws.writeTextMessage(new JsonObject().put("type", "update").put("id", s.getKey())
                            .put("value", toJson(e)).put("seq", e.seq()).encode());
                }
            }
        }

        private void error(String id, String detail) {
            ws.writeTextMessage(new JsonObject().put("type", "error").put("id", id).put("detail", detail).encode());
        }
    }
}
