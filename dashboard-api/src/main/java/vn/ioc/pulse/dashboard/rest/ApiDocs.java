package vn.ioc.pulse.dashboard.rest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import vn.ioc.pulse.web.Problems;

/**
 * The API description as built and its interactive docs, with no CDN:
 * <ul>
 *   <li>{@code GET /api/v1/openapi.yaml}: docs/openapi.yaml, copied into the jar by the build (classpath
 *       {@value #OPENAPI_RESOURCE}), as {@code application/yaml; charset=utf-8};</li>
 *   <li>{@code GET /api/docs}: a Swagger UI page pointed at {@code v1/openapi.yaml} (relative, so it also works under
 *       a reverse-proxy prefix), whose scripts and style come from</li>
 *   <li>{@code GET /api/docs/{file}}: the files of the {@code org.webjars:swagger-ui} WebJar (its version read from
 *       the WebJar's own pom.properties), kept in memory once read.</li>
 * </ul>
 * The page turns Swagger UI's online validator off ({@code validatorUrl: null}): nothing is fetched from outside.
 */
public final class ApiDocs {
    public static final String OPENAPI_RESOURCE = "ioc/api/openapi.yaml";
    static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8",
            "map", "application/json");

    static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="UTF-8">
              <title>IOC Pulse API</title>
              <link rel="stylesheet" type="text/css" href="docs/swagger-ui.css">
              <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="docs/swagger-ui-bundle.js" charset="UTF-8"></script>
              <script src="docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
              <script>
                window.ui = SwaggerUIBundle({
                  url: "v1/openapi.yaml",
                  dom_id: "#swagger-ui",
                  deepLinking: true,
                  validatorUrl: null,
                  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                  layout: "StandaloneLayout"
                });
              </script>
            </body>
            </html>
            """;

    private final Vertx vertx;
    private final Buffer openapi;
    private final String webjarDir;
    private final Map<String, Buffer> assets = new ConcurrentHashMap<>();

    /** Reads the OpenAPI file and finds the WebJar; fails when either is missing from the classpath. */
    public ApiDocs(Vertx vertx) {
        this.vertx = vertx;
        byte[] yaml = resource(OPENAPI_RESOURCE);
        if (yaml == null) {
            throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath (the build copies "
                    + "docs/openapi.yaml there)");
        }
        this.openapi = Buffer.buffer(yaml);
        byte[] pom = resource(WEBJAR_POM);
        if (pom == null) {
            throw new IllegalStateException("the swagger-ui WebJar is missing from the classpath (" + WEBJAR_POM + ")");
        }
        Properties p = new Properties();
        try {
            p.load(new java.io.ByteArrayInputStream(pom));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.webjarDir = "META-INF/resources/webjars/swagger-ui/" + p.getProperty("version") + "/";
    }

    public void openapi(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(openapi);
    }

    public void page(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(PAGE);
    }

    public void asset(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        if (file == null || !FILE.matcher(file).matches() || file.contains("..")) {
            notFound(ctx);
            return;
        }
        Buffer cached = assets.get(file);
        Future<Buffer> body = cached != null ? Future.succeededFuture(cached) : vertx.executeBlocking(() -> {
            byte[] bytes = resource(webjarDir + file);
            if (bytes == null) {
                return null;
            }
            Buffer b = Buffer.buffer(bytes);
            assets.put(file, b);
            return b;
        });
        body.onComplete(ar -> {
            if (ar.failed() || ar.result() == null) {
                notFound(ctx);
                return;
            }
            String ext = file.substring(file.lastIndexOf('.') + 1);
            ctx.response().putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
                    .putHeader("Cache-Control", "public, max-age=3600").end(ar.result());
        });
    }

    private static void notFound(RoutingContext ctx) {
        Problems.send(ctx, 404, "Not Found", "no resource at " + ctx.request().method() + " " + ctx.request().path());
    }

    private static byte[] resource(String name) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath:" + name, e);
        }
    }
}
