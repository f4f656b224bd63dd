package vn.ioc.pulse.dashboard.rest;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import vn.ioc.pulse.web.auth.UnitScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.dashboard.KpiCache;
import vn.ioc.pulse.dashboard.Selection;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiCatalog.KpiDefinition;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.store.KpiHistoryStore;
import vn.ioc.pulse.web.Problems;

/**
 * The dashboard API's REST resources besides the latest values (CONTRACT.md §5): units, rankings, history, the
 * OpenAPI document and the interactive docs. The handlers run on the verticle's event loop (the cache is read
 * there only); history queries run on a worker. Every error is a problem document naming the bad parameter.
 */
public final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    private final Vertx vertx;
    private final KpiCatalog catalog;
    private final KpiCache cache;
    private final KpiHistoryStore history;
    private final UnitRegistry units;
    private final ApiDocs docs;
    private final java.util.function.Function<RoutingContext, UnitScope> scopeOf;

    public RestApi(Vertx vertx, KpiCatalog catalog, KpiCache cache, KpiHistoryStore history, UnitRegistry units) {
        this(vertx, catalog, cache, history, units, ctx -> UnitScope.ALL);
    }

    /** With what each request's token may read ({@code scopeOf}): ranking rows are filtered, other history is 403. */
    public RestApi(Vertx vertx, KpiCatalog catalog, KpiCache cache, KpiHistoryStore history, UnitRegistry units,
                   java.util.function.Function<RoutingContext, UnitScope> scopeOf) {
        this.scopeOf = scopeOf;
        this.vertx = vertx;
        this.catalog = catalog;
        this.cache = cache;
        this.history = history;
        this.units = units;
        this.docs = new ApiDocs(vertx);
    }

    /** {@code GET /api/v1/units[?type=province|agency|commune]}. */
    public void units(RoutingContext ctx) {
        List<String> types = ctx.queryParam("type");
        List<UnitRegistry.Unit> out;
        if (types.isEmpty()) {
            out = units.all();
        } else {
            out = new ArrayList<>();
            for (String t : UnitRegistry.TYPES) {
                if (types.contains(t)) {
                    out.addAll(units.ofType(t));
                }
            }
            for (String t : types) {
                if (!UnitRegistry.TYPES.contains(t)) {
                    problem(ctx, 400, "query parameter 'type': unknown unit type '" + shorten(t) + "' (expected one of "
                            + UnitRegistry.TYPES + ")");
                    return;
                }
            }
        }
        json(ctx, new JsonObject().put("units", units.toJson(out)));
    }

    /** {@code GET /api/v1/kpis/{kpi}/ranking?scope_type=&window=}. */
    public void ranking(RoutingContext ctx) {
        String kpiId = ctx.pathParam("kpi");
        KpiDefinition kpi = catalog.get(kpiId).orElse(null);
        if (kpi == null) {
            problem(ctx, 404, "unknown KPI '" + shorten(kpiId) + "'; GET /api/v1/kpis lists them");
            return;
        }
        try {
            String scopeType = HistoryRequest.required(ctx.queryParams(), "scope_type");
            if (!KpiCatalog.SCOPES.contains(scopeType)) {
                throw new IllegalArgumentException("query parameter 'scope_type': unknown scope type '"
                        + shorten(scopeType) + "' (KPI '" + kpiId + "' has " + kpi.scopes() + ")");
            }
            if (!kpi.hasScope(scopeType)) {
                throw new IllegalArgumentException("query parameter 'scope_type': KPI '" + kpiId + "' has no scope '"
                        + scopeType + "' (it has " + kpi.scopes() + ")");
            }
            String window = HistoryRequest.required(ctx.queryParams(), "window");
            if (!kpi.hasWindow(window)) {
                throw new IllegalArgumentException("query parameter 'window': KPI '" + kpiId + "' has no window '"
                        + shorten(window) + "' (it has " + kpi.windows() + ")");
            }
            List<KpiCache.Entry> entries = cache.matching(new Selection(Set.of(kpiId), Set.of(scopeType), Set.of(),
                    Set.of(window)));
            JsonObject ranking = Ranking.rank(kpi, scopeType, window, entries, units.ofType(scopeType));
            UnitScope scope = scopeOf.apply(ctx);
            if (!scope.all()) {
                // ranks are computed over all units; a limited token sees only its own rows (with their true rank)
                JsonArray mine = new JsonArray();
                for (Object row : ranking.getJsonArray("rows")) {
                    if (scope.permits(scopeType, ((JsonObject) row).getString("scope_id"))) {
                        mine.add(row);
                    }
                }
                ranking.put("rows", mine);
            }
            json(ctx, ranking);
        } catch (IllegalArgumentException e) {
            problem(ctx, 400, e.getMessage());
        }
    }

    /**
     * {@code GET /api/v1/kpis/{kpi}/history?scope_type=&scope_id=&window=&from=&to=&step=&max_points=}: see
     * {@link HistoryRequest} for the parameters and the bound on points.
     */
    public void history(RoutingContext ctx) {
        String kpi = ctx.pathParam("kpi");
        if (catalog.get(kpi).isEmpty()) {
            problem(ctx, 404, "unknown KPI '" + shorten(kpi) + "'; GET /api/v1/kpis lists them");
            return;
        }
        HistoryRequest r;
        try {
            r = HistoryRequest.parse(ctx.queryParams(), Instant.now());
        } catch (IllegalArgumentException e) {
            problem(ctx, 400, e.getMessage());
            return;
        }
        UnitScope scope = scopeOf.apply(ctx);
        if (!scope.permits(r.scopeType(), r.scopeId())) {
            problem(ctx, 403, "the token may read " + scope + ", not " + r.scopeType() + "/" + r.scopeId());
            return;
        }
        vertx.executeBlocking(() -> history.history(kpi, r.scopeType(), r.scopeId(), r.window(), r.from(), r.to(),
                        r.step(), r.maxPoints() + 1))
                .onSuccess(points -> {
                    if (points.size() > r.maxPoints()) {
                        problem(ctx, 400, r.tooManyPoints("more than " + r.maxPoints() + " stored points").getMessage());
                        return;
                    }
                    JsonArray out = new JsonArray();
                    for (KpiHistoryStore.Point p : points) {
                        out.add(new JsonObject().put("time", KpiValue.formatTime(p.time())).put("value", p.value())
                                .put("numerator", p.numerator()).put("denominator", p.denominator()));
                    }
                    json(ctx, new JsonObject().put("kpi", kpi).put("scope_type", r.scopeType())
                            .put("scope_id", r.scopeId()).put("window", r.window()).put("points", out));
                })
                .onFailure(e -> {
                    LOG.warn("history query {} {}/{}/{} failed: {}", kpi, r.scopeType(), r.scopeId(), r.window(),
                            e.toString());
                    problem(ctx, 503, "KPI history store unavailable: " + e.getMessage());
                });
    }

    /** {@code GET /api/v1/openapi.yaml}. */
    public void openapi(RoutingContext ctx) {
        docs.openapi(ctx);
    }

    /** {@code GET /api/docs}. */
    public void docs(RoutingContext ctx) {
        docs.page(ctx);
    }

    /** {@code GET /api/docs/{file}}: a file of the swagger-ui WebJar. */
    public void docsAsset(RoutingContext ctx) {
        docs.asset(ctx);
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static void problem(RoutingContext ctx, int status, String detail) {
        Problems.send(ctx, status, Problems.title(status), detail);
    }

    private static String shorten(String v) {
        return v.length() > 60 ? v.substring(0, 60) + "…" : v;
    }
}
