package vn.ioc.pulse.dashboard;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
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
    /** Roles that may read KPIs (REST and WebSocket). */
    static final Set<String> READ_ROLES = Set.of("screen", "leader", "operator", "integration", "admin");
    /** KPI records this instance may be behind the topic before /ready says so. */
    static final long MAX_LAG = 50_000;

    private final DashboardConfig config;
    private final KpiHistoryStore history;
    private final boolean historyFromTopic;
    private final KpiCatalog catalog;
    private final KpiCache cache = new KpiCache();
    private final Set<ScreenSession> screens = ConcurrentHashMap.newKeySet();
    private final List<Readiness.Check> extraChecks;
    private HttpGuard guard;
    private final io.vertx.core.Promise<Void> hydrated = io.vertx.core.Promise.promise();
    private long pinger = -1;
    private long checker = -1;
    private UpdateLog log;
    private final ScreenSession.Hub hub = new ScreenSession.Hub() {
        @Override
        public List<KpiCache.Entry> matching(Selection selection) {
            return cache.matching(selection);
        }

        @Override
        public UpdateLog log() {
            return log;
        }

        @Override
        public ObjectNode encode(KpiCache.Entry e, long nowMs) {
            return served(e, nowMs);
        }

        @Override
        public void reindex(ScreenSession session) {
            index(session);
        }

        @Override
        public ArrayNode alerts(UnitScope scope) {
            java.time.Instant now = java.time.Instant.now();
            ArrayNode out = EventCodec.mapper().createArrayNode();
            for (List<vn.ioc.pulse.model.AlertEvent> list : List.of(alerts.book().active(), alerts.book().recent())) {
                for (vn.ioc.pulse.model.AlertEvent a : list) {
                    if (scope.permits(a.scopeType(), a.scopeId())) {
                        out.add(alerts.book().view(a, now));
                    }
                }
            }
            return out;
        }
    };
    private vn.ioc.pulse.dashboard.alerts.AlertService alerts;
    private vn.ioc.pulse.dashboard.alerts.delivery.AlertDelivery delivery;
    /** Sessions to offer each key: key → sessions whose subscriptions name it explicitly. */
    private final Map<String, Set<ScreenSession>> byKey = new java.util.HashMap<>();
    /** Keys each indexed session is filed under (to unfile it). */
    private final Map<ScreenSession, Set<String>> filedUnder = new java.util.HashMap<>();
    /** Sessions with a wildcard subscription: offered every value. */
    private final Set<ScreenSession> scanAll = new java.util.HashSet<>();
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
        log = new UpdateLog(ws().resumeWindowMs(), ws().resumeMaxPerKey(), ws().resumeMaxEntries());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        guard = new HttpGuard(vertx, "dashboard API", config.limits());
        Router router = Router.router(vertx);
        router.route().handler(guard.handler());
        Problems.install(router);
        // CORS for REST: only the origins configured (IOC_ALLOWED_ORIGINS); never "*"
        if (!ws().allowedOrigins().isEmpty()) {
            router.route("/api/*").handler(io.vertx.ext.web.handler.CorsHandler.create()
                    .addOrigins(ws().allowedOrigins()).allowedMethod(io.vertx.core.http.HttpMethod.GET)
                    .allowedHeader("Authorization"));
        }
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
        vn.ioc.pulse.dashboard.rest.UnitRegistry units = vn.ioc.pulse.dashboard.rest.UnitRegistry.fromEnv(System.getenv());
        vn.ioc.pulse.dashboard.rest.RestApi rest = new vn.ioc.pulse.dashboard.rest.RestApi(vertx, catalog, cache,
                history, units, ctx -> BearerAuth.scope(ctx, config.auth()));
        // ---- alerts: lifecycle (docs/alerting.md) ----
        alerts = new vn.ioc.pulse.dashboard.alerts.AlertService(vertx, config.kafkaBootstrap(), config.auth(),
                vn.ioc.pulse.dashboard.alerts.AlertService.RECENT_MAX, a -> units.get(a.scopeType(), a.scopeId())
                .map(vn.ioc.pulse.dashboard.rest.UnitRegistry.Unit::name).orElse(null), this::alertChanged);
        delivery = new vn.ioc.pulse.dashboard.alerts.delivery.AlertDelivery(vertx, config.delivery(),
                config.kafkaBootstrap(), alerts::silenced);
        if (config.delivery().enabled()) {
            readiness.add("alert_delivery", () -> {
                if (!delivery.healthy()) {
                    throw new IllegalStateException("alert delivery stopped (see the log): nothing is lost, "
                            + "notifications wait in the outbox");
                }
                return "UP";
            });
        }
        readiness.add("alerts", () -> {
            if (!alerts.healthy()) {
                throw new IllegalStateException("the alert topics' reader stopped or has not polled for 30 s");
            }
            if (!alerts.caughtUp()) {
                throw new IllegalStateException("LOADING: still reading the alert topics");
            }
            return "UP";
        });
        // the API description is documentation, open like /api/docs (registered before the token check)
        router.get("/api/v1/openapi.yaml").handler(rest::openapi);
        // Auth (IOC_AUTH): every read needs a token with a reading role; /health, /ready, /metrics stay open. The
        // WebSocket handshake is checked like a REST call (a browser may send ?access_token=).
        BearerAuth.protect(vertx, router.route("/api/v1/*"), config.auth(), READ_ROLES, false);
        BearerAuth.protect(vertx, router.get("/ws/v1"), config.auth(), READ_ROLES, true);
        router.get("/ws/v1").handler(ctx -> {
            if (!originAllowed(ctx.request().getHeader("Origin"), ctx.request().getHeader("Host"),
                    ws().allowedOrigins())) {
                problem(ctx, 403, "WebSocket from origin " + ctx.request().getHeader("Origin")
                        + " refused: not this API's origin nor in IOC_ALLOWED_ORIGINS");
                return;
            }
            UnitScope scope = BearerAuth.scope(ctx, config.auth());
            ctx.request().toWebSocket()
                    .onSuccess(ws -> screen(ws, scope))
                    .onFailure(e -> LOG.debug("WebSocket handshake from {} failed: {}", ctx.request().remoteAddress(),
                            e.toString()));
        });
        alerts.install(router);
        io.vertx.core.Handler<RoutingContext> requireOperator;
        if (config.auth().enabled()) {
            io.vertx.ext.auth.jwt.JWTAuth provider = BearerAuth.provider(vertx, config.auth());
            requireOperator = ctx -> BearerAuth.authenticate(ctx, provider, config.auth(),
                    vn.ioc.pulse.dashboard.alerts.AlertService.ACT_ROLES);
        } else {
            requireOperator = RoutingContext::next;
        }
        new vn.ioc.pulse.dashboard.alerts.delivery.DeliveryRoutes(delivery, requireOperator).mount(router);
        router.get("/api/v1/kpis").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(catalog.toJson().toString()));
        router.get("/api/v1/kpis/values").handler(this::values);
        // ---- REST resources (units, ranking, history, OpenAPI, docs): logic in the rest package ----
        router.get("/api/v1/units").handler(rest::units);
        router.get("/api/v1/kpis/:kpi/ranking").handler(rest::ranking);
        router.get("/api/v1/kpis/:kpi/history").handler(rest::history);
        router.get("/api/docs").handler(rest::docs);
        router.get("/api/docs/:file").handler(rest::docsAsset);
        // ---- the wall screen and leaders' view (static files in the jar, docs/wall-screen.md) ----
        vn.ioc.pulse.dashboard.wall.WallPage wall = new vn.ioc.pulse.dashboard.wall.WallPage(vertx, System.getenv());
        wall.install(router);
        this.router = router;
        // ---- end of REST resources ----
        consumer = new KpiUpdatesConsumer(config.kafkaBootstrap(), batch -> context.runOnContext(v -> apply(batch)),
                () -> context.runOnContext(v -> hydrated.tryComplete())).start();
        // Screens' WebSockets see a ping frame every IOC_WS_PING_S (so the idle timeout closes only dead
        // connections, and a client can tell a dead server); once a second each screen is checked for a dead or a
        // too-slow client and gets what was held back for it.
        pinger = vertx.setPeriodic(ws().pingMs(), id -> screens.forEach(ScreenSession::ping));
        checker = vertx.setPeriodic(1000, id -> {
            long now = System.currentTimeMillis();
            for (ScreenSession s : List.copyOf(screens)) {
                s.check(now);
            }
        });
        // HTTP/1.1 only (no h2c: the JDK HttpClient's upgrade failed on a large answer), timeouts and the connection
        // cap: HttpGuard (docs/reliability.md).
        registerMeters();
        Future<HttpServer> listening = guard.install(vertx.createHttpServer(guard.options()
                        .setMaxWebSocketFrameSize(ws().maxMessageBytes())
                        .setMaxWebSocketMessageSize(ws().maxMessageBytes())
                        // the page's scripts and JSON answers shrink 3-5× for clients that accept gzip
                        .setCompressionSupported(true)))
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
        return Future.all(listening, hydrated.future(), wall.ready(), alerts.hydrated(), delivery.start());
    }

    private void registerMeters() {
        var r = Metrics.registry();
        io.micrometer.core.instrument.Gauge.builder("ioc_ws_screens", screens, Set::size)
                .description("WebSocket screens connected").register(r);
        io.micrometer.core.instrument.Gauge.builder("ioc_ws_resume_log_entries", this, v -> v.log.size())
                .description("recent updates held for resume").register(r);
        io.micrometer.core.instrument.Gauge.builder("ioc_kpi_cache_keys", cache, KpiCache::size)
                .description("KPI keys held (latest value each)").register(r);
        io.micrometer.core.instrument.Gauge.builder("ioc_kpi_consumer_lag", consumer, KpiUpdatesConsumer::lag)
                .description("KPI records on the topic not yet read by this instance").register(r);
    }

    /** Closes the Kafka consumer and admin client on a worker thread: closing blocks, the event loop must not. */
    @Override
    public Future<?> stop() {
        vertx.cancelTimer(pinger);
        vertx.cancelTimer(checker);
        return delivery.stop().transform(ar -> vertx.executeBlocking(() -> {
            alerts.close();
            consumer.close();
            admin.close(Duration.ofSeconds(2));
            return null;
        }));
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

    /** The KPI topic consumer (tests stop it to check readiness). */
    KpiUpdatesConsumer consumer() {
        return consumer;
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
        long now = System.currentTimeMillis();
        for (KpiValue v : batch) {
            KpiCache.Entry e = cache.apply(v);
            if (e != null) {
                log.append(e, now);
                Set<ScreenSession> named = byKey.get(v.key());
                if (named == null && scanAll.isEmpty()) {
                    continue;
                }
                // the value's JSON is encoded once for every screen that takes it
                String[] encoded = new String[1];
                java.util.function.Supplier<String> json = () -> encoded[0] != null ? encoded[0]
                        : (encoded[0] = served(e, now).toString());
                for (Set<ScreenSession> group : named == null ? List.of(scanAll) : List.of(named, scanAll)) {
                    for (ScreenSession s : List.copyOf(group)) {
                        try {
                            s.update(e, json);
                        } catch (RuntimeException ex) {
                            // one screen's failure must not cost the others (or the rest of the batch) this update
                            LOG.debug("screen {}: update {} failed: {}", s.remote(), e.value().key(), ex.toString());
                        }
                    }
                }
            }
        }
    }

    /** An alert's view changed: to every screen with an alert subscription (the JSON encoded once). */
    private void alertChanged(vn.ioc.pulse.model.AlertEvent a) {
        if (screens.isEmpty()) {
            return;
        }
        String view = alerts.book().view(a, java.time.Instant.now()).toString();
        for (ScreenSession s : List.copyOf(screens)) {
            try {
                s.alert(a.scopeType(), a.scopeId(), view);
            } catch (RuntimeException ex) {
                LOG.debug("screen {}: alert {} failed: {}", s.remote(), a.fingerprint(), ex.toString());
            }
        }
    }

    /** The alert lifecycle (tests). */
    vn.ioc.pulse.dashboard.alerts.AlertService alerts() {
        return alerts;
    }

    /**
     * A value as served: the contract JSON, its {@code seq}, and {@code stale: true} when its as_of is older than
     * {@code IOC_STALE_AFTER_S} in wall-clock time (the pipeline has stalled; screens must show it).
     */
    ObjectNode served(KpiCache.Entry e, long nowMs) {
        ObjectNode o = e.value().toJsonNode(); // carries seq (the entry's value has the entry's seq)
        o.put("stale", nowMs - e.value().asOf().toEpochMilli() > ws().staleAfterMs());
        return o;
    }

    private void values(RoutingContext ctx) {
        Selection selection = Selection.of(ctx.queryParam("kpi"), ctx.queryParam("scope_type"),
                ctx.queryParam("scope_id"), ctx.queryParam("window"));
        UnitScope scope = BearerAuth.scope(ctx, config.auth());
        long now = System.currentTimeMillis();
        ObjectNode answer = EventCodec.mapper().createObjectNode();
        ArrayNode values = answer.putArray("values");
        for (KpiCache.Entry e : cache.matching(selection)) {
            if (scope.permits(e.value().scopeType(), e.value().scopeId())) {
                values.add(served(e, now));
            }
        }
        ctx.response().putHeader("Content-Type", "application/json").end(answer.toString());
    }

    private static void problem(RoutingContext ctx, int status, String detail) {
        Problems.send(ctx, status, Problems.title(status), detail);
    }

    private void screen(ServerWebSocket ws, UnitScope scope) {
        ScreenSession screen = new ScreenSession(vertx, ws, scope, ws(), hub);
        screens.add(screen);
        index(screen);
        LOG.debug("screen connected from {} ({} screens, reads {})", ws.remoteAddress(), screens.size(), scope);
        ws.closeHandler(v -> {
            screens.remove(screen);
            screen.closed();
            LOG.debug("screen {} disconnected ({} screens)", ws.remoteAddress(), screens.size());
        });
    }

    /**
     * Files a session under the keys its subscriptions name, or among those offered every value (a wildcard
     * subscription), so an update is offered only to the screens that may want it instead of to every screen.
     */
    private void index(ScreenSession session) {
        Set<String> old = filedUnder.remove(session);
        if (old != null) {
            for (String k : old) {
                Set<ScreenSession> set = byKey.get(k);
                if (set != null) {
                    set.remove(session);
                    if (set.isEmpty()) {
                        byKey.remove(k);
                    }
                }
            }
        }
        scanAll.remove(session);
        if (!screens.contains(session)) {
            return; // closed
        }
        Set<String> keys = session.indexedKeys();
        if (keys == null) {
            scanAll.add(session);
            return;
        }
        for (String k : keys) {
            byKey.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(session);
        }
        filedUnder.put(session, keys);
    }

    private WsSettings ws() {
        return config.ws();
    }

    /**
     * A browser's WebSocket handshake (it carries {@code Origin}) is accepted only from the API's own origin or one
     * of {@code IOC_ALLOWED_ORIGINS}: another site's page cannot open a screen with the operator's browser.
     * Non-browser clients send no Origin and are judged by their token alone.
     */
    static boolean originAllowed(String origin, String host, List<String> allowed) {
        if (origin == null) {
            return true;
        }
        if (allowed.contains(origin)) {
            return true;
        }
        try {
            java.net.URI o = java.net.URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && o.getHost() != null && (authority.equalsIgnoreCase(host)
                    || (o.getPort() < 0 && host.equalsIgnoreCase(o.getHost() + ":" + ("https".equals(o.getScheme())
                    ? 443 : 80))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
