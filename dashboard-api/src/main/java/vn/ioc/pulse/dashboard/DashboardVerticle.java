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
import vn.ioc.pulse.web.Metrics;
import vn.ioc.pulse.web.auth.BearerAuth;
import vn.ioc.pulse.web.auth.UnitScope;
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
    /** Roles that may read KPIs (REST and WebSocket). */
    static final Set<String> READ_ROLES = Set.of("screen", "leader", "operator", "integration", "admin");
    /** KPI records this instance may be behind the topic before /ready says so. */
    static final long MAX_LAG = 50_000;
    private static final io.micrometer.core.instrument.Counter MESSAGES_OUT = io.micrometer.core.instrument.Counter
            .builder("ioc_ws_messages_out_total").description("WebSocket messages sent to screens")
            .register(Metrics.registry());
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
    private final io.vertx.core.Promise<Void> hydrated = io.vertx.core.Promise.promise();
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
                    if (!consumer.healthy()) {
                        throw new IllegalStateException("the KPI topic consumer stopped or has not polled for 30 s");
                    }
                    if (!consumer.caughtUp()) {
                        throw new IllegalStateException("LOADING: still reading the KPI topic");
                    }
                    if (consumer.lag() > MAX_LAG) {
                        throw new IllegalStateException("lagging " + consumer.lag() + " KPI records behind the topic");
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
        Metrics.route(vertx, router);
        // Auth (IOC_AUTH): every read needs a token with a reading role; /health, /ready, /metrics stay open. The
        // WebSocket handshake is checked like a REST call (a browser may send ?access_token=).
        BearerAuth.protect(vertx, router.route("/api/v1/*"), config.auth(), READ_ROLES, false);
        BearerAuth.protect(vertx, router.get("/ws/v1"), config.auth(), READ_ROLES, true);
        router.get("/ws/v1").handler(ctx -> {
            UnitScope scope = BearerAuth.scope(ctx, config.auth());
            ctx.request().toWebSocket()
                    .onSuccess(ws -> screen(ws, scope))
                    .onFailure(e -> LOG.debug("WebSocket handshake from {} failed: {}", ctx.request().remoteAddress(),
                            e.toString()));
        });
        router.get("/api/v1/kpis").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(catalog.toJson().toString()));
        router.get("/api/v1/kpis/values").handler(this::values);
        router.get("/api/v1/kpis/:kpi/history").handler(this::history);
        consumer = new KpiUpdatesConsumer(config.kafkaBootstrap(), batch -> context.runOnContext(v -> apply(batch)),
                () -> context.runOnContext(v -> hydrated.tryComplete())).start();
        // Screens' WebSockets see traffic at least every PING_MS, so the idle timeout closes only dead connections.
        pinger = vertx.setPeriodic(PING_MS, id -> {
            for (Screen s : screens) {
                s.ping();
            }
        });
        // HTTP/1.1 only (no h2c: the JDK HttpClient's upgrade failed on a large answer), timeouts and the connection
        // cap: HttpGuard (docs/reliability.md).
        registerMeters();
        Future<HttpServer> listening = guard.install(vertx.createHttpServer(guard.options()))
                .requestHandler(router)
                .listen(config.port(), config.limits().bindAddress())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("dashboard API listening on {}:{} (Kafka {}, history {}, auth {})",
                            config.limits().bindAddress(), s.actualPort(), config.kafkaBootstrap(),
                            config.influxUrl() == null ? "in memory" : config.influxUrl(),
                            config.auth().enabled() ? "on" : "OFF");
                });
        // started = listening and hydrated: a deployed API never serves a blank or partial cache
        return Future.all(listening, hydrated.future());
    }

    private void registerMeters() {
        var r = Metrics.registry();
        io.micrometer.core.instrument.Gauge.builder("ioc_ws_screens", screens, Set::size)
                .description("WebSocket screens connected").register(r);
        io.micrometer.core.instrument.Gauge.builder("ioc_kpi_cache_keys", cache, KpiCache::size)
                .description("KPI keys held (latest value each)").register(r);
        io.micrometer.core.instrument.Gauge.builder("ioc_kpi_consumer_lag", consumer, KpiUpdatesConsumer::lag)
                .description("KPI records on the topic not yet read by this instance").register(r);
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
        UnitScope scope = BearerAuth.scope(ctx, config.auth());
        JsonArray values = new JsonArray();
        for (KpiCache.Entry e : cache.matching(selection)) {
            if (scope.permits(e.value().scopeType(), e.value().scopeId())) {
                values.add(toJson(e));
            }
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
            UnitScope scope = BearerAuth.scope(ctx, config.auth());
            if (!scope.permits(scopeType, scopeId)) {
                problem(ctx, 403, "the token may read " + scope + ", not " + scopeType + "/" + scopeId);
                return;
            }
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

    /** Largest history step: one year (a larger one is a typo; it would also overflow). */
    static final Duration MAX_STEP = Duration.ofDays(366);

    static Duration step(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        Matcher m = STEP.matcher(v);
        String usage = "query parameter 'step' must be a positive duration up to 366d like 30s, 5m, 1h, 1d, got '"
                + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "'";
        if (!m.matches() || m.group(1).length() > 9 || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(usage);
        }
        long n = Long.parseLong(m.group(1));
        long millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
        if (millis > MAX_STEP.toMillis()) {
            throw new IllegalArgumentException(usage);
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static void problem(RoutingContext ctx, int status, String detail) {
        Problems.send(ctx, status, Problems.title(status), detail);
    }

    private void screen(ServerWebSocket ws, UnitScope scope) {
        Screen screen = new Screen(ws, scope);
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
        private final UnitScope scope;
        private final Map<String, Selection> subscriptions = new HashMap<>();

        Screen(ServerWebSocket ws, UnitScope scope) {
            this.ws = ws;
            this.scope = scope;
        }

        /** A value this screen's token may read. */
        private boolean permitted(KpiValue v) {
            return scope.permits(v.scopeType(), v.scopeId());
        }

        private void send(String text) {
            MESSAGES_OUT.increment();
            ws.writeTextMessage(text);
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
                case "ping" -> send(new JsonObject().put("type", "pong").encode());
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
            if (!scope.all() && !selection.scopeId().isEmpty() && !selection.scopeId().contains("*")
                    && selection.scopeId().stream().noneMatch(sid -> scope.units().stream()
                    .anyMatch(u -> u.endsWith("/" + sid)))) {
                error(id, "forbidden: the token may read " + scope + ", not scope_id " + selection.scopeId());
                return;
            }
            subscriptions.put(id, selection);
            JsonArray values = new JsonArray();
            for (KpiCache.Entry e : cache.matching(selection)) {
                if (permitted(e.value())) {
                    values.add(toJson(e));
                }
            }
            send(new JsonObject().put("type", "snapshot").put("id", id).put("values", values).encode());
        }

        void ping() {
            if (!ws.isClosed()) {
                ws.writePing(io.vertx.core.buffer.Buffer.buffer("hb"));
            }
        }

        void update(KpiCache.Entry e) {
            if (!permitted(e.value())) {
                return;
            }
            for (Map.Entry<String, Selection> s : subscriptions.entrySet()) {
                if (s.getValue().matches(e.value())) {
                    send(new JsonObject().put("type", "update").put("id", s.getKey())
                            .put("value", toJson(e)).put("seq", e.seq()).encode());
                }
            }
        }

        private void error(String id, String detail) {
            send(new JsonObject().put("type", "error").put("id", id).put("detail", detail).encode());
        }
    }
}
