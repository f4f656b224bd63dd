package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.ioc.pulse.dashboard.rest.ApiDocs;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;

/**
 * The REST resources of the dashboard API on a real Kafka broker: units, rankings (from KPI values produced to
 * {@code ioc.kpi-updates.v1} before the API starts), the history bound, the OpenAPI document and the Swagger UI
 * docs, and the OpenAPI document listing exactly the routes the router serves. Expectations are computed by hand
 * from the produced values and the shipped units list (shared/data/sonla-units-2025.csv).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The dashboard API's REST resources: units, rankings, bounded history, OpenAPI and docs")
class RestResourcesIntegrationTest extends DashboardTestBase {

    // on_time_ratio (higher is better) of communes over 30d
    private static final List<KpiValue> ON_TIME = List.of(
            onTimeRatio("commune", "03646", "30d", ONE_MINUTE_LATER, 9, 10),  // 0.9  Phường Tô Hiệu
            onTimeRatio("commune", "03664", "30d", ONE_MINUTE_LATER, 1, 2),   // 0.5  Phường Chiềng An
            onTimeRatio("commune", "03670", "30d", ONE_MINUTE_LATER, 5, 10),  // 0.5  Phường Chiềng Cơi
            onTimeRatio("commune", "03688", "30d", ONE_MINUTE_LATER, 4, 4),   // 1.0  Xã Mường Chiên
            onTimeRatio("commune", "03694", "30d", ONE_MINUTE_LATER, 0, 0),   // null Xã Mường Giôn
            onTimeRatio("commune", "03646", "7d", ONE_MINUTE_LATER, 0, 10));  // another window: not ranked
    // overdue_open (a count, lower is better) of communes, live
    private static final List<KpiValue> OVERDUE = List.of(
            count("overdue_open", "commune", "03646", "live", T0, 7, 0),   // Phường Tô Hiệu
            count("overdue_open", "commune", "03664", "live", T0, 0, 0),   // Phường Chiềng An
            count("overdue_open", "commune", "03670", "live", T0, 7, 0),   // Phường Chiềng Cơi
            count("overdue_open", "commune", "03703", "live", T0, 2, 0));  // Xã Quỳnh Nhai
    // backlog (a count without thresholds: largest first) of agencies, live
    private static final List<KpiValue> BACKLOG = List.of(
            count("backlog", "agency", "STP", "live", T0, 10, 0),         // Sở Tư pháp tỉnh Sơn La
            count("backlog", "agency", "UBND-03646", "live", T0, 10, 0),  // Ủy ban nhân dân phường Tô Hiệu
            count("backlog", "agency", "SXD", "live", T0, 3, 0),          // Sở Xây dựng tỉnh Sơn La
            count("backlog", "agency", "X-NEW", "live", T0, 1, 0));       // not in the units list
    // five points of one history series, a minute apart
    private static final List<KpiValue> HISTORY = List.of(
            received("province", "H", "today", T0, 1), received("province", "H", "today", ONE_MINUTE_LATER, 2),
            received("province", "H", "today", TWO_MINUTES_LATER, 3),
            received("province", "H", "today", T0.plusSeconds(180), 4),
            received("province", "H", "today", T0.plusSeconds(240), 5));

    private static final long READY_WITHIN_MS = 60_000;

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static HttpClientAgent http;
    private static DashboardVerticle api;
    private static int port;

    @BeforeAll
    static void startKafkaThenApi() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 2));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            // numbered per key as the KPI job numbers its values (seq 1, 2, … per key)
            Map<String, Long> seqs = new java.util.HashMap<>();
            for (List<KpiValue> values : List.of(ON_TIME, OVERDUE, BACKLOG, HISTORY)) {
                for (KpiValue v : values) {
                    KpiValue numbered = v.withSeq(seqs.merge(v.key(), 1L, Long::sum));
                    producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, v.key(), numbered.toJson()))
                            .get(10, TimeUnit.SECONDS);
                }
            }
        }
        vertx = Vertx.vertx();
        http = vertx.createHttpClient();
        DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000);
        api = new DashboardVerticle(config, new InMemoryKpiHistoryStore(1000), true, KpiCatalog.load());
        vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
        port = api.port();
        until("/ready", a -> a.status() == 200, System.currentTimeMillis() + READY_WITHIN_MS)
                .await(READY_WITHIN_MS + 5_000, TimeUnit.MILLISECONDS);
        // every produced value is in the cache (the history series' key with its fifth value): wait on it, not on time
        int keys = ON_TIME.size() + OVERDUE.size() + BACKLOG.size() + 1;
        until("/api/v1/kpis/values?kpi=on_time_ratio&kpi=overdue_open&kpi=backlog&kpi=received",
                a -> a.json().getJsonArray("values").size() == keys && objects(a.json().getJsonArray("values"))
                        .stream().anyMatch(v -> v.getString("scope_id").equals("H") && v.getLong("seq") == 5),
                System.currentTimeMillis() + READY_WITHIN_MS)
                .await(READY_WITHIN_MS + 5_000, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopApiThenKafka() {
        if (http != null) {
            http.close().await();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ units

    @Test
    @DisplayName("GET /api/v1/units lists the province, 81 agencies and 75 communes/wards with codes, names, types")
    void units(VertxTestContext ctx) {
        get("/api/v1/units").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            List<JsonObject> units = objects(a.json().getJsonArray("units"));
            assertThat(units).hasSize(1 + 81 + 75);
            assertThat(units.get(0)).isEqualTo(unit("SL", "Tỉnh Sơn La", "province", null));
            assertThat(units).contains(unit("03646", "Phường Tô Hiệu", "commune", "phuong"),
                    unit("03688", "Xã Mường Chiên", "commune", "xa"),
                    unit("STP", "Sở Tư pháp tỉnh Sơn La", "agency", "department"),
                    unit("UBND-03646", "Ủy ban nhân dân phường Tô Hiệu", "agency", "people_committee"));
            assertThat(units).extracting(u -> u.getString("type")).containsOnly("province", "agency", "commune");
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /api/v1/units?type=commune lists the 75 communes: 67 xã and 8 phường")
    void unitsOfOneType(VertxTestContext ctx) {
        get("/api/v1/units?type=commune").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            List<JsonObject> units = objects(a.json().getJsonArray("units"));
            assertThat(units).hasSize(75).allSatisfy(u -> assertThat(u.getString("type")).isEqualTo("commune"));
            assertThat(units).filteredOn(u -> u.getString("subtype").equals("xa")).hasSize(67);
            assertThat(units).filteredOn(u -> u.getString("subtype").equals("phuong")).hasSize(8);
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /api/v1/units?type=district answers 400 naming 'type'")
    void unitsUnknownType(VertxTestContext ctx) {
        get("/api/v1/units?type=district").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.contentType()).isEqualTo("application/problem+json");
            assertThat(a.json().getString("detail")).contains("'type'").contains("district");
            ctx.completeNow();
        })));
    }

    // ------------------------------------------------------------------------------------------------ rankings

    @Test
    @DisplayName("a higher-is-better ratio ranks the lowest first, ties share a rank by name, nulls and units "
            + "without values last")
    void rankingHigherIsBetter(VertxTestContext ctx) {
        get("/api/v1/kpis/on_time_ratio/ranking?scope_type=commune&window=30d")
                .onComplete(ctx.succeeding(a -> ctx.verify(() -> {
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.contentType()).isEqualTo("application/json");
                    JsonObject body = a.json();
                    assertThat(body.getString("direction")).isEqualTo("higher_is_better");
                    assertThat(body.getString("direction_from")).isEqualTo("thresholds");
                    List<JsonObject> rows = objects(body.getJsonArray("rows"));
                    assertThat(rows).hasSize(75);
                    assertThat(rows.subList(0, 4)).extracting(r -> r.getString("scope_id") + " " + r.getValue("rank"))
                            .containsExactly("03664 1", "03670 1", "03646 3", "03688 4");
                    assertThat(rows.get(0)).isEqualTo(new JsonObject().put("rank", 1).put("scope_id", "03664")
                            .put("name", "Phường Chiềng An").put("value", 0.5).put("numerator", 1.0)
                            .put("denominator", 2.0).put("status", "YELLOW")
                            .put("as_of", "2026-03-02T09:01:00+07:00").put("seq", 1));
                    List<JsonObject> unranked = rows.subList(4, 75);
                    assertThat(unranked).allSatisfy(r -> {
                        assertThat(r.getValue("rank")).isNull();
                        assertThat(r.getValue("value")).isNull();
                        assertThat(r.getString("status")).isEqualTo("GREY");
                    });
                    assertThat(unranked).extracting(r -> r.getString("name")).as("ordered by name")
                            .startsWith("Phường Chiềng Sinh", "Phường Mộc Châu", "Phường Mộc Sơn");
                    // Mường Giôn has a value that is null (0 of 0): listed among the unranked with its seq
                    assertThat(unranked).filteredOn(r -> r.getString("scope_id").equals("03694")).singleElement()
                            .satisfies(r -> {
                                assertThat(r.getLong("seq")).isEqualTo(1);
                                assertThat(r.getDouble("denominator")).isEqualTo(0.0);
                            });
                    assertThat(unranked).filteredOn(r -> r.getString("scope_id").equals("03703")).singleElement()
                            .satisfies(r -> {
                                assertThat(r.getValue("seq")).isNull();
                                assertThat(r.getValue("as_of")).isNull();
                            });
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a lower-is-better count ranks the highest first, ties by name")
    void rankingLowerIsBetter(VertxTestContext ctx) {
        get("/api/v1/kpis/overdue_open/ranking?scope_type=commune&window=live")
                .onComplete(ctx.succeeding(a -> ctx.verify(() -> {
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.json().getString("direction")).isEqualTo("lower_is_better");
                    List<JsonObject> rows = objects(a.json().getJsonArray("rows"));
                    assertThat(rows).hasSize(75);
                    assertThat(rows.subList(0, 5))
                            .extracting(r -> r.getString("name") + " " + r.getValue("value") + " " + r.getValue("rank"))
                            .containsExactly("Phường Chiềng Cơi 7.0 1", "Phường Tô Hiệu 7.0 1", "Xã Quỳnh Nhai 2.0 3",
                                    "Phường Chiềng An 0.0 4", "Phường Chiềng Sinh null null");
                    ctx.completeNow();
                })));
    }

    @Test
    @DisplayName("a count without thresholds ranks the largest first; an agency missing from the list has no name")
    void rankingWithoutThresholds(VertxTestContext ctx) {
        get("/api/v1/kpis/backlog/ranking?scope_type=agency&window=live")
                .onComplete(ctx.succeeding(a -> ctx.verify(() -> {
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.json().getString("direction")).isEqualTo("lower_is_better");
                    assertThat(a.json().getString("direction_from")).isEqualTo("default");
                    List<JsonObject> rows = objects(a.json().getJsonArray("rows"));
                    assertThat(rows).hasSize(81 + 1);
                    assertThat(rows.subList(0, 4)).extracting(r -> r.getString("scope_id") + " " + r.getValue("rank"))
                            .containsExactly("STP 1", "UBND-03646 1", "SXD 3", "X-NEW 4");
                    assertThat(rows.get(3).getValue("name")).isNull();
                    assertThat(rows.subList(4, 82)).allSatisfy(r -> assertThat(r.getValue("rank")).isNull());
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            window=30d                                | scope_type
            scope_type=&window=30d                    | scope_type
            scope_type=district&window=30d            | scope_type
            scope_type=component&window=30d           | scope_type
            scope_type=commune                        | window
            scope_type=commune&window=live            | window
            scope_type=commune&window=1y              | window
            """)
    @DisplayName("a ranking with a missing or bad parameter answers 400 problem+json naming it")
    void rankingBadRequest(String query, String parameter, VertxTestContext ctx) {
        get("/api/v1/kpis/on_time_ratio/ranking?" + query).onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.contentType()).isEqualTo("application/problem+json");
            assertThat(a.json().getString("detail")).contains("'" + parameter + "'");
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("the ranking of an unknown KPI answers 404 problem+json")
    void rankingUnknownKpi(VertxTestContext ctx) {
        get("/api/v1/kpis/no_such_kpi/ranking?scope_type=commune&window=30d")
                .onComplete(ctx.succeeding(a -> ctx.verify(() -> {
                    assertThat(a.status()).isEqualTo(404);
                    assertThat(a.contentType()).isEqualTo("application/problem+json");
                    assertThat(a.json().getString("detail")).contains("no_such_kpi");
                    ctx.completeNow();
                })));
    }

    // ------------------------------------------------------------------------------------------------ history

    @Test
    @DisplayName("history answers at most max_points points: 5 stored points fit max_points=5, not 4 (400 naming step)")
    void historyMaxPoints(VertxTestContext ctx) {
        String series = "/api/v1/kpis/received/history?scope_type=province&scope_id=H&window=today"
                + "&from=2026-03-01T17:00:00Z&to=2026-03-02T16:59:59Z";
        Future.all(get(series + "&max_points=5"), get(series + "&max_points=4"), get(series + "&step=1m"),
                        get(series + "&step=2m"), get(series + "&max_points=10001"))
                .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
                    Answer fits = all.resultAt(0);
                    assertThat(fits.status()).isEqualTo(200);
                    assertThat(fits.json().getJsonArray("points")).hasSize(5);
                    Answer over = all.resultAt(1);
                    assertThat(over.status()).isEqualTo(400);
                    assertThat(over.contentType()).isEqualTo("application/problem+json");
                    assertThat(over.json().getString("detail")).startsWith("query parameter 'step'")
                            .contains("max_points=4").contains("use step=12h or longer");
                    Answer minutes = all.resultAt(2);
                    assertThat(minutes.status()).as("1440 one-minute buckets > 1000").isEqualTo(400);
                    assertThat(minutes.json().getString("detail")).contains("1440 buckets of 1m")
                            .contains("use step=2m or longer");
                    Answer twoMinutes = all.resultAt(3);
                    assertThat(twoMinutes.status()).isEqualTo(200);
                    // 09:00, 09:01 | 09:02, 09:03 | 09:04 (+07:00): the last of each two-minute bucket
                    assertThat(objects(twoMinutes.json().getJsonArray("points")))
                            .extracting(p -> p.getString("time") + " " + p.getValue("value"))
                            .containsExactly("2026-03-02T09:00:00+07:00 2.0", "2026-03-02T09:02:00+07:00 4.0",
                                    "2026-03-02T09:04:00+07:00 5.0");
                    Answer tooLarge = all.resultAt(4);
                    assertThat(tooLarge.status()).isEqualTo(400);
                    assertThat(tooLarge.json().getString("detail")).contains("'max_points'");
                    ctx.completeNow();
                })));
    }

    // ------------------------------------------------------------------------------------------------ OpenAPI, docs

    @Test
    @DisplayName("GET /api/v1/openapi.yaml serves docs/openapi.yaml as built")
    void openapiServed(VertxTestContext ctx) throws Exception {
        byte[] file = Files.readAllBytes(Path.of("../docs/openapi.yaml"));
        getBytes("/api/v1/openapi.yaml").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/yaml; charset=utf-8");
            assertThat(a.body().getBytes()).isEqualTo(file);
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /api/docs serves a Swagger UI page whose scripts and style come from the WebJar and answer 200")
    void docsServed(VertxTestContext ctx) {
        get("/api/docs").compose(page -> {
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(page.body()).contains("url: \"v1/openapi.yaml\"").doesNotContain("https://");
            Matcher m = Pattern.compile("(?:src|href)=\"(docs/[^\"]+)\"").matcher(page.body());
            List<String> assets = new ArrayList<>();
            while (m.find()) {
                assets.add("/api/" + m.group(1));
            }
            assertThat(assets).containsExactlyInAnyOrder("/api/docs/swagger-ui.css", "/api/docs/favicon-32x32.png",
                    "/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui-standalone-preset.js");
            List<Future<Answer>> answers = new ArrayList<>();
            for (String asset : assets) {
                answers.add(getBytes(asset).map(b -> new Answer(b.status(), b.contentType(), asset + " "
                        + b.body().length())));
            }
            answers.add(get("/api/docs/no-such-file.js"));
            answers.add(get("/api/docs/..%2Fpom.properties"));
            return Future.all(answers).map(all -> {
                for (int i = 0; i < assets.size(); i++) {
                    Answer asset = all.resultAt(i);
                    assertThat(asset.status()).as(asset.body()).isEqualTo(200);
                    assertThat(Long.parseLong(asset.body().substring(asset.body().indexOf(' ') + 1)))
                            .as(asset.body()).isPositive();
                    String type = assets.get(i).endsWith(".js") ? "text/javascript; charset=utf-8"
                            : assets.get(i).endsWith(".css") ? "text/css; charset=utf-8" : "image/png";
                    assertThat(asset.contentType()).as(asset.body()).isEqualTo(type);
                }
                assertThat(((Answer) all.resultAt(assets.size())).status()).isEqualTo(404);
                assertThat(((Answer) all.resultAt(assets.size() + 1)).status()).isEqualTo(404);
                return all;
            });
        }).onComplete(ctx.succeedingThenComplete());
    }

    @Test
    @DisplayName("docs/openapi.yaml lists exactly the dashboard API's routes (path and method) the router serves")
    void openapiListsExactlyTheRoutes() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ApiDocs.OPENAPI_RESOURCE)) {
            doc = new YAMLMapper().readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        Set<String> methods = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!methods.contains(op.getKey())) {
                    continue; // servers, parameters, summary …
                }
                List<String> tags = new ArrayList<>();
                op.getValue().path("tags").forEach(t -> tags.add(t.asText()));
                if (tags.contains("dashboard API")) {
                    documented.add(op.getKey().toUpperCase() + " " + path.getKey());
                }
            }
        }
        // the WebSocket handshake is a GET; it is described in x-websocket, not under paths
        documented.add("GET " + doc.path("x-websocket").path("path").asText());

        Set<String> served = new TreeSet<>();
        for (Route r : api.router().getRoutes()) {
            String path;
            if (r.getPath() != null) {
                // a prefix route (static files under /wall/, /webjars/) is documented as "{path}" below its prefix
                path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}") + (r.isExactPath() ? "" : "{path}");
            } else if (r.isRegexPath()) {
                path = "REGEX " + r; // a route by regular expression: must be documented by hand, so it fails here
            } else {
                continue; // handlers for every request (guard, auth …): not resources
            }
            if (r.methods() == null || r.methods().isEmpty()) {
                served.add("ANY " + path);
            } else {
                for (HttpMethod m : r.methods()) {
                    served.add(m.name() + " " + path);
                }
            }
        }

        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> notServed = new TreeSet<>(documented);
        notServed.removeAll(served);
        assertThat(undocumented).as("routes the router serves but docs/openapi.yaml does not list").isEmpty();
        assertThat(notServed).as("operations docs/openapi.yaml lists but the router does not serve").isEmpty();
        assertThat(served).contains("GET /api/v1/units", "GET /api/v1/kpis/{kpi}/ranking", "GET /api/docs");
    }

    @Test
    @DisplayName("the wall page is served at / with its files, the map with ETag/304 and gzip, and nothing from outside")
    void wallPageAndAssets() throws Exception {
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpRequest.Builder> req = path ->
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path));
        var page = jdk.send(req.apply("/").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("wall/js/app.js").contains("wall/wall.css");
        var map = jdk.send(req.apply("/wall/communes.geojson").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(map.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(map.body()).getJsonArray("features")).hasSize(75);
        String etag = map.headers().firstValue("ETag").orElseThrow();
        var again = jdk.send(req.apply("/wall/communes.geojson").header("If-None-Match", etag).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        var gz = jdk.send(req.apply("/wall/communes.geojson").header("Accept-Encoding", "gzip").build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gz.body().length).as("compressed on the wire").isLessThan(map.body().length() / 3);
        // every file of the page, and the library it imports, is served from the jar
        for (String file : List.of("/wall/js/app.js", "/wall/js/live.js", "/wall/js/api.js", "/wall/js/format.js",
                "/wall/js/i18n.js", "/wall/wall.css", "/webjars/echarts/5.3.1/dist/echarts.esm.min.js")) {
            var r = jdk.send(req.apply(file).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            if (file.startsWith("/wall/")) {
                // no CDN, no map tiles, no fonts from outside: an IOC network is often closed
                assertThat(r.body()).as(file).doesNotContainPattern("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/");
            }
        }
        assertThat(page.body()).doesNotContainPattern("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/");
        assertThat(jdk.send(req.apply("/wall/nothing.js").build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static JsonObject unit(String code, String name, String type, String subtype) {
        return new JsonObject().put("code", code).put("name", name).put("type", type).put("subtype", subtype);
    }

    record Answer(int status, String contentType, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    record Bytes(int status, String contentType, Buffer body) {
    }

    /** GETs {@code uri} and reads the whole answer (body asked for inside the send callback, see DashboardIntegrationTest). */
    private static Future<Answer> get(String uri) {
        return getBytes(uri).map(b -> new Answer(b.status(), b.contentType(), b.body().toString()));
    }

    private static Future<Bytes> getBytes(String uri) {
        return http.request(HttpMethod.GET, port, "localhost", uri)
                .compose(req -> req.send()
                        .compose(resp -> resp.body().map(body -> new Bytes(resp.statusCode(),
                                resp.getHeader("Content-Type"), body))));
    }

    /** Polls {@code uri} until the answer satisfies {@code done}; fails with the last answer at the deadline. */
    private static Future<Answer> until(String uri, java.util.function.Predicate<Answer> done, long deadline) {
        return get(uri).compose(a -> {
            if (a.status() == 200 && done.test(a)) {
                return Future.succeededFuture(a);
            }
            if (System.currentTimeMillis() > deadline) {
                return Future.failedFuture(new AssertionError("GET " + uri + " still answers " + a.status() + " "
                        + a.body()));
            }
            return vertx.timer(50).compose(t -> until(uri, done, deadline));
        });
    }

    private static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> out = new ArrayList<>();
        array.forEach(o -> out.add((JsonObject) o));
        return out;
    }

}
