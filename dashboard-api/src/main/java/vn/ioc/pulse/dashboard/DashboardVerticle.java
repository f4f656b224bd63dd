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
import vn.ioc.pulse.web.HttpGuard;
import vn.ioc.pulse.web.Problems;
import vn.ioc.pulse.web.Readiness;

/**
 * The dashboard API (CONTRACT.md §5): latest KPI values over REST, KPI history from the history store, the KPI
 * catalogue, health and readiness, and the WebSocket {@code /ws/v1} where a screen subscribes to a selection and
 * gets a snapshot, then every update with its per-key sequence number.
 */
public final class DashboardVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** Interval of the WebSocket ping frames the server sends to every screen. */
    static final long PING_MS = 20_000;

    private final DashboardConfig config;
    private final KpiHistoryStore history;
    private final boolean historyFromTopic;
    private final KpiCatalog catalog;
    private final KpiCache cache = new KpiCache();
    private final Set<Screen> screens = ConcurrentHashMap.newKeySet();
    private final List<Readiness.Check> extraChecks;
    private HttpGuard guard;
    private long pinger = -1;
    private KpiUpdatesConsumer consumer;
    private Admin admin;
    private HttpServer server;

    /**
     * @param historyFromTopic true when {@code history} is the in-memory store that this API fills from the KPI
     *                         topic (the demo); false when the KPI job writes it (InfluxDB)
     */
    public DashboardVerticle(DashboardConfig config, KpiHistoryStore history, boolean historyFromTopic,
                             KpiCatalog catalog) {
        this(config, history, historyFromTopic, catalog, List.of());
    }

    /** With more readiness checks (the demo adds the KPI job's state). */
    public DashboardVerticle(DashboardConfig config, KpiHistoryStore history, boolean historyFromTopic,
                             KpiCatalog catalog, List<Readiness.Check> extraChecks) {
        this.extraChecks = List.copyOf(extraChecks);
        this.config = config;
        this.history = history;
        this.historyFromTopic = historyFromTopic;
        this.catalog = catalog;
    }

    @Override
    public Future<?> start() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        guard = new HttpGuard(vertx, "dashboard API", config.limits());
        Router router = Router.router(vertx);
        router.route().handler(guard.handler());
        Problems.install(router);
        router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        Readiness readiness = new Readiness()
                .add("kafka", this::checkKafka)
                .add("kpi_cache", () -> {
                    if (!consumer.caughtUp()) {
                        throw new IllegalStateException("LOADING: still reading the KPI topic");
                    }
                    return "HYDRATED";
                })
                .add("history_store", () -> {
                    if (!history.ping()) {
                        throw new IllegalStateException("history store does not answer");
                    }
                    return "UP";
                })
                .addAll(extraChecks);
        router.get("/ready").handler(ctx -> readiness.handle(vertx, ctx));
        router.get("/ws/v1").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(this::screen)
                .onFailure(e -> LOG.debug("WebSocket handshake from {} failed: {}", ctx.request().remoteAddress(),
                        e.toString())));
        router.get("/api/v1/kpis").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(catalog.toJson().toString()));
        router.get("/api/v1/kpis/values").handler(this::values);
        // ---- REST resources (units, ranking, history, OpenAPI, docs): logic in the rest package ----
        vn.ioc.pulse.dashboard.rest.RestApi rest = new vn.ioc.pulse.dashboard.rest.RestApi(vertx, catalog, cache,
                history, vn.ioc.pulse.dashboard.rest.UnitRegistry.fromEnv(System.getenv()));
        router.get("/api/v1/units").handler(rest::units);
        router.get("/api/v1/kpis/:kpi/ranking").handler(rest::ranking);
        router.get("/api/v1/kpis/:kpi/history").handler(rest::history);
        router.get("/api/v1/openapi.yaml").handler(rest::openapi);
        router.get("/api/docs").handler(rest::docs);
        router.get("/api/docs/:file").handler(rest::docsAsset);
        this.router = router;
        // ---- end of REST resources ----
        consumer = new KpiUpdatesConsumer(config.kafkaBootstrap(), batch -> context.runOnContext(v -> apply(batch)))
                .start();
        // Screens' WebSockets see traffic at least every PING_MS, so the idle timeout closes only dead connections.
        pinger = vertx.setPeriodic(PING_MS, id -> {
            for (Screen s : screens) {
                s.ping();
            }
        });
        // HTTP/1.1 only (no h2c: the JDK HttpClient's upgrade failed on a large answer), timeouts and the connection
        // cap: HttpGuard (docs/reliability.md).
        return guard.install(vertx.createHttpServer(guard.options()))
                .requestHandler(router)
                .listen(config.port(), config.limits().bindAddress())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("dashboard API listening on {}:{} (Kafka {}, history {})", config.limits().bindAddress(),
                            s.actualPort(), config.kafkaBootstrap(),
                            config.influxUrl() == null ? "in memory" : config.influxUrl());
                });
    }

    /** Closes the Kafka consumer and admin client on a worker thread: closing blocks, the event loop must not. */
    @Override
    public Future<?> stop() {
        vertx.cancelTimer(pinger);
        return vertx.executeBlocking(() -> {
            consumer.close();
            admin.close(Duration.ofSeconds(2));
            return null;
        });
    }

    private String checkKafka() throws Exception {
        try {
            admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
            return "UP";
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka " + config.kafkaBootstrap() + " did not answer within 3 s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Kafka " + config.kafkaBootstrap() + ": " + e.getCause().getMessage());
        }
    }

    public int port() {
        return server.actualPort();
    }

    // ---- REST resources: the router, for the test comparing its routes with docs/openapi.yaml ----
    private Router router;

    Router router() {
        return router;
    }
    // ---- end of REST resources ----

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

    private static void problem(RoutingContext ctx, int status, String detail) {
        Problems.send(ctx, status, Problems.title(status), detail);
    }

    private void screen(ServerWebSocket ws) {
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

        void ping() {
            if (!ws.isClosed()) {
                ws.writePing(io.vertx.core.buffer.Buffer.buffer("hb"));
            }
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
