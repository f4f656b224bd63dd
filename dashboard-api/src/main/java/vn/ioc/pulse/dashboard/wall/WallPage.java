package vn.ioc.pulse.dashboard.wall;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wall screen and leaders' view, served by the dashboard API with nothing fetched from outside
 * (docs/wall-screen.md):
 * <ul>
 *   <li>{@code GET /}: the page ({@code classpath:ioc/wall/index.html}); {@code GET /wall/{path}}: its scripts and
 *       styles (plain ES modules, no build step);</li>
 *   <li>{@code GET /wall/communes.geojson}: the communes/wards map, simplified once at start ({@link CommuneMap});</li>
 *   <li>{@code GET /webjars/{path}}: the front-end libraries from the classpath (WebJars: ECharts).</li>
 * </ul>
 * All open without a token, like /api/docs: the page holds no data; it asks for a token when the API answers 401.
 * Files are served by Vert.x's {@link StaticHandler} (ETag, Last-Modified, caching; compressed when the client
 * accepts it, as the server has compression on).
 */
public final class WallPage {
    private static final Logger LOG = LoggerFactory.getLogger(WallPage.class);
    public static final String ROOT = "ioc/wall";

    private final Future<CommuneMap> map;

    /** Starts simplifying the map on a worker thread (the first requests wait for it). */
    public WallPage(Vertx vertx, java.util.Map<String, String> env) {
        this.map = vertx.executeBlocking(() -> {
            long t0 = System.nanoTime();
            CommuneMap m = CommuneMap.fromEnv(env);
            LOG.info("wall map ready: {} in {} ms", m, (System.nanoTime() - t0) / 1_000_000);
            return m;
        });
    }

    /** Fails when the map could not be read (a bad IOC_MAP_FILE stops the API at start, naming the file). */
    public Future<CommuneMap> ready() {
        return map;
    }

    public void install(Router router) {
        router.get("/wall/communes.geojson").handler(this::communes);
        router.get("/wall/*").handler(StaticHandler.create(ROOT).setMaxAgeSeconds(300).setIndexPage("index.html"));
        // the libraries are versioned in their paths: cached for a day
        router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
        router.get("/").handler(ctx -> ctx.reroute("/wall/index.html"));
    }

    private void communes(RoutingContext ctx) {
        map.onComplete(ar -> {
            if (ar.failed()) {
                vn.ioc.pulse.web.Problems.send(ctx, 503, "Service Unavailable", "the communes map could not be read: "
                        + ar.cause().getMessage());
                return;
            }
            CommuneMap m = ar.result();
            if (m.etag().equals(ctx.request().getHeader("If-None-Match"))) {
                ctx.response().setStatusCode(304).putHeader("ETag", m.etag()).end();
                return;
            }
            ctx.response().putHeader("Content-Type", "application/geo+json")
                    .putHeader("ETag", m.etag())
                    .putHeader("Cache-Control", "public, max-age=3600")
                    .end(Buffer.buffer(m.geojson()));
        });
    }
}
