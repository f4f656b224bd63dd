package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;
import vn.ioc.pulse.web.Browser;

/**
 * The wall screen in a real browser (Debian chromium, headless) against a real API on a real broker, with KPI values
 * written to {@code ioc.kpi-updates.v1} as the job would. Every expectation is written by hand from the fixture below
 * (values, statuses, Vietnamese and English number formats) or read from the REST API the page must agree with.
 * Screenshots at 1920×1080 and 3840×2160 go to {@code target/screenshots/}.
 */
@DisplayName("The wall screen shows the API's values, map, ranking and states in a real browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WallPageBrowserIntegrationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "screenshots");
    /** Status colours of the page (format.js STATUS), as ECharts writes them into the SVG. */
    private static final Map<String, String> FILL = Map.of("GREEN", "#2e7d32", "YELLOW", "#f9a825", "RED", "#c62828",
            "GREY", "#8a8f98");

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;
    private static Vertx vertx;
    private static int port;
    private static String deployment;
    private static final Instant AS_OF = Instant.now().minusSeconds(30);
    private static final Map<String, Long> SEQ = new LinkedHashMap<>();
    /** The 75 commune codes in the shipped units file's order. */
    private static List<String> communes;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 2));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // fixed, so the restarted API is found at the same address
        }
        vertx = Vertx.vertx();
        deployment = deploy();
        communes = new ArrayList<>();
        for (Object u : new JsonObject(get("/api/v1/units?type=commune")).getJsonArray("units")) {
            communes.add(((JsonObject) u).getString("code"));
        }
        assertThat(communes).hasSize(75);
        publishFixture();
    }

    private static String deploy() throws Exception {
        DashboardConfig config = new DashboardConfig(port, kafka.bootstrapServers(), null, "ioc", null, 1000);
        return vertx.deployVerticle(new DashboardVerticle(config, new InMemoryKpiHistoryStore(10_000), true,
                KpiCatalog.load())).await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ fixture

    /**
     * Province SL: on-time 49/50 (GREEN), received today 1,234 (after 1,000 and 1,100 earlier: three history points),
     * backlog 321, overdue 7 (RED), online 45/100 (YELLOW), time saving 0/0 (no data), satisfaction absent,
     * payment success 99/100 (GREEN). Communes, on-time 30d, in file order: 10 RED, 20 YELLOW, 30 GREEN, 5 with 0/0
     * (GREY) and 10 with no value at all. Agencies: STP overdue 3 / due soon 2. Components: PORTAL 100 % GREEN,
     * PAYMENT_GATEWAY 95 % RED.
     */
    private static void publishFixture() throws Exception {
        publish(count("received", "province", "SL", "today", 1000, AS_OF.minusSeconds(3 * 3600)));
        publish(count("received", "province", "SL", "today", 1100, AS_OF.minusSeconds(2 * 3600)));
        publish(count("received", "province", "SL", "today", 1234, AS_OF));
        publish(ratio("on_time_ratio", "province", "SL", "30d", 49, 50, "GREEN"));
        publish(count("backlog", "province", "SL", "live", 321, AS_OF));
        publish(new KpiValue("overdue_open", "province", "SL", "live", 7.0, 7.0, null, KpiValue.Status.RED, AS_OF,
                AS_OF, 0));
        publish(ratio("online_ratio", "province", "SL", "30d", 45, 100, "YELLOW"));
        publish(ratio("time_saving_ratio", "province", "SL", "30d", 0, 0, "GREY"));
        publish(ratio("payment_success_ratio", "province", "SL", "24h", 99, 100, "GREEN"));
        for (int i = 0; i < 65; i++) {
            String code = communes.get(i);
            if (i < 10) {
                publish(ratio("on_time_ratio", "commune", code, "30d", 50 + i, 100, "RED"));
            } else if (i < 30) {
                publish(ratio("on_time_ratio", "commune", code, "30d", 96, 100, "YELLOW"));
            } else if (i < 60) {
                publish(ratio("on_time_ratio", "commune", code, "30d", 99, 100, "GREEN"));
            } else {
                publish(ratio("on_time_ratio", "commune", code, "30d", 0, 0, "GREY"));
            }
        }
        publish(count("overdue_open", "agency", "STP", "live", 3, AS_OF));
        publish(count("due_soon", "agency", "STP", "live", 2, AS_OF));
        publish(ratio("availability_ratio", "component", "PORTAL", "1h", 60, 60, "GREEN"));
        publish(ratio("availability_ratio", "component", "PAYMENT_GATEWAY", "1h", 57, 60, "RED"));
        // wait until the API serves the last one: the page then finds every value
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!get("/api/v1/kpis/values?kpi=availability_ratio&scope_id=PAYMENT_GATEWAY").contains("PAYMENT_GATEWAY")) {
            assertThat(System.nanoTime()).as("fixture served by the API").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static KpiValue count(String kpi, String type, String id, String window, double n, Instant asOf) {
        return new KpiValue(kpi, type, id, window, n, n, null, KpiValue.Status.GREEN, asOf, asOf, 0);
    }

    private static KpiValue ratio(String kpi, String type, String id, String window, double num, double den,
                                  String status) {
        return new KpiValue(kpi, type, id, window, den == 0 ? null : num / den, num, den,
                KpiValue.Status.valueOf(status), AS_OF, AS_OF, 0);
    }

    /** Publishes {@code v} with the next seq of its key, as the KPI job numbers them. */
    private static long publish(KpiValue v) throws Exception {
        long seq = SEQ.merge(v.key(), 1L, Long::sum);
        KpiValue numbered = v.withSeq(seq);
        producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, numbered.key(), numbered.toJson())).get(10, TimeUnit.SECONDS);
        return seq;
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    // ------------------------------------------------------------------------------------------------ page helpers

    /** Opens the page and waits until it started and the province's payment tile got its value (the snapshot). */
    private static Browser open(String query, int width, int height) {
        return open(query, width, height, "document.querySelector(\"#tiles .tile[data-kpi='payment_success_ratio']\")"
                + "?.dataset.seq");
    }

    private static Browser open(String query, int width, int height, String readyWhen) {
        Browser b = Browser.start(width, height);
        b.driver().get("http://127.0.0.1:" + port + "/" + query);
        b.await(PATIENCE, "the page to start and receive its snapshot (" + readyWhen + ")", () -> Boolean.TRUE.equals(
                b.js("return document.body.dataset.ready === 'true' && !!(" + readyWhen + ")")));
        return b;
    }

    /** One attribute of every element matching {@code css}, read in one script (the page may re-render between calls). */
    @SuppressWarnings("unchecked")
    private static List<String> attrs(Browser b, String css, String attr) {
        return (List<String>) b.js("return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css, attr);
    }

    private static WebElement tile(Browser b, String kpi) {
        return b.driver().findElement(By.cssSelector("#tiles .tile[data-kpi='" + kpi + "']"));
    }

    private static String text(WebElement e, String css) {
        return e.findElement(By.cssSelector(css)).getText();
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    @DisplayName("tiles show the REST API's values with status, threshold and as_of; no data is 'no data', not 0")
    void tilesEqualTheApi() throws Exception {
        try (Browser b = open("", 1920, 1080)) {
            // every tile against /api/v1/kpis/values for its key
            JsonArray rest = new JsonObject(get("/api/v1/kpis/values?scope_type=province&scope_id=SL")).getJsonArray("values");
            Map<String, JsonObject> byKey = new LinkedHashMap<>();
            rest.forEach(o -> {
                JsonObject v = (JsonObject) o;
                byKey.put(v.getString("kpi") + "/" + v.getString("window"), v);
            });
            List<WebElement> tiles = b.driver().findElements(By.cssSelector("#tiles .tile"));
            assertThat(tiles).hasSize(8);
            for (WebElement t : tiles) {
                JsonObject v = byKey.get(t.getAttribute("data-kpi") + "/" + t.getAttribute("data-window"));
                String shown = t.getAttribute("data-value");
                if (v == null || v.getValue("value") == null) {
                    assertThat(shown).as(t.getAttribute("data-kpi")).isEmpty();
                } else {
                    assertThat(Double.parseDouble(shown)).as(t.getAttribute("data-kpi")).isEqualTo(v.getDouble("value"));
                    assertThat(t.getAttribute("data-seq")).isEqualTo(String.valueOf(v.getLong("seq")));
                }
            }
            // hand-written expectations: Vietnamese number formats, statuses, cues, thresholds
            WebElement onTime = tile(b, "on_time_ratio");
            assertThat(text(onTime, ".tile-value")).isEqualTo("98,0%");
            assertThat(onTime.getAttribute("data-status")).isEqualTo("GREEN");
            assertThat(text(onTime, ".tile-cue")).isEqualTo("✔");
            assertThat(text(onTime, ".tile-fraction")).isEqualTo("49 / 50");
            assertThat(text(onTime, ".tile-threshold")).contains("≥ 98%").contains("≥ 95%");
            assertThat(text(tile(b, "received"), ".tile-value")).isEqualTo("1.234");
            assertThat(text(tile(b, "backlog"), ".tile-value")).isEqualTo("321");
            WebElement overdue = tile(b, "overdue_open");
            assertThat(overdue.getAttribute("data-status")).isEqualTo("RED");
            assertThat(text(overdue, ".tile-cue")).isEqualTo("✖");
            assertThat(text(tile(b, "online_ratio"), ".tile-value")).isEqualTo("45,0%");
            assertThat(tile(b, "online_ratio").getAttribute("data-status")).isEqualTo("YELLOW");
            for (String none : List.of("time_saving_ratio", "satisfaction_ratio")) {
                WebElement t = tile(b, none);
                assertThat(t.getAttribute("data-status")).as(none).isEqualTo("GREY");
                assertThat(text(t, ".tile-value")).as(none).isEqualTo("Chưa có dữ liệu").doesNotContain("0");
            }
            // as_of shown with every number: 08/12 hh:mm:ss in Vietnam time
            String asOf = java.time.format.DateTimeFormatter.ofPattern("dd/MM HH:mm:ss")
                    .format(AS_OF.atZone(java.time.ZoneId.of("Asia/Ho_Chi_Minh")));
            assertThat(text(onTime, ".tile-age")).contains(asOf);
            assertThat(tile(b, "on_time_ratio").getAttribute("data-stale")).isEqualTo("false");
            // the sparkline holds the three history points of received today
            b.await(PATIENCE, "the received sparkline", () -> "3".equals(tile(b, "received")
                    .findElement(By.cssSelector(".tile-spark")).getAttribute("data-points")));
            // agencies and components
            b.await(PATIENCE, "the agencies table", () -> !b.driver().findElements(By.cssSelector("#agencies tr[data-agency='STP']")).isEmpty());
            WebElement stp = b.driver().findElement(By.cssSelector("#agencies tr[data-agency='STP']"));
            assertThat(stp.getAttribute("data-overdue")).isEqualTo("3");
            assertThat(stp.getAttribute("data-due-soon")).isEqualTo("2");
            WebElement pay = b.driver().findElement(By.cssSelector("#components-list [data-component='PAYMENT_GATEWAY']"));
            assertThat(pay.getAttribute("data-status")).isEqualTo("RED");
            assertThat(pay.getText()).contains("95,0%").contains("✖");
            assertThat(b.driver().findElement(By.cssSelector("#components-list [data-component='VNEID']"))
                    .getAttribute("data-status")).isEqualTo("GREY");
            assertThat(b.driver().findElement(By.id("alerts-list")).getText()).isEqualTo("Không có cảnh báo");
            assertThat(b.driver().findElement(By.id("conn-banner")).isDisplayed()).isFalse();
            b.screenshot(SHOTS.resolve("wall-1920x1080.png"));
        }
    }

    @Test
    @Order(2)
    @DisplayName("the map draws 75 communes coloured as their statuses say, with a legend; the ranking is the endpoint's order")
    void mapAndRanking() throws Exception {
        try (Browser b = open("", 1920, 1080)) {
            b.await(PATIENCE, "the map table with 75 communes, 10 of them RED", () -> attrs(b, "#map-table tr", "data-status")
                    .stream().filter("RED"::equals).count() == 10);
            Map<String, Long> expected = Map.of("GREEN", 30L, "YELLOW", 20L, "RED", 10L, "GREY", 15L);
            Map<String, Long> byStatus = new LinkedHashMap<>();
            List<String> statuses = attrs(b, "#map-table tr", "data-status");
            List<String> codes = attrs(b, "#map-table tr", "data-code");
            statuses.forEach(st -> byStatus.merge(st, 1L, Long::sum));
            assertThat(byStatus).isEqualTo(expected);
            assertThat(codes).isEqualTo(communes);
            assertThat(statuses.get(0)).isEqualTo("RED");
            assertThat(statuses.get(70)).isEqualTo("GREY");
            // what is drawn: the SVG's region shapes by fill colour (one shape per commune)
            @SuppressWarnings("unchecked")
            Map<String, Long> fills = (Map<String, Long>) b.js("""
                    const out = {};
                    for (const p of document.querySelectorAll('#map svg path')) {
                      const f = (p.getAttribute('fill') || '').toLowerCase();
                      out[f] = (out[f] || 0) + 1;
                    }
                    return out;""");
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                assertThat(fills.getOrDefault(FILL.get(e.getKey()), 0L)).as("map shapes filled " + e.getKey() + " in " + fills)
                        .isEqualTo(e.getValue());
            }
            assertThat(b.driver().findElement(By.cssSelector("#map-legend [data-status='RED']")).getText())
                    .contains("✖").contains("(10)");
            // ranking: the page's order is the endpoint's
            JsonArray rows = new JsonObject(get("/api/v1/kpis/on_time_ratio/ranking?scope_type=commune&window=30d"))
                    .getJsonArray("rows");
            List<String> apiOrder = new ArrayList<>();
            rows.forEach(r -> apiOrder.add(((JsonObject) r).getString("scope_id")));
            b.await(PATIENCE, "the ranking list", () -> attrs(b, "#ranking-list li", "data-scope-id").size() == 75);
            List<String> pageOrder = attrs(b, "#ranking-list li", "data-scope-id");
            assertThat(pageOrder).isEqualTo(apiOrder);
            assertThat(pageOrder.get(0)).as("worst first: 50/100").isEqualTo(communes.get(0));
            b.screenshot(SHOTS.resolve("wall-map-1920x1080.png"));
        }
    }

    @Test
    @Order(3)
    @DisplayName("?lang=en shows English labels and formats; a 3840×2160 wall shows the same page")
    void englishAnd4k() throws Exception {
        try (Browser b = open("?lang=en", 3840, 2160)) {
            assertThat(b.driver().findElement(By.id("title")).getText()).contains("Intelligent Operations Centre");
            assertThat(text(tile(b, "on_time_ratio"), ".tile-label")).isEqualTo("On-time ratio");
            assertThat(text(tile(b, "on_time_ratio"), ".tile-value")).isEqualTo("98.0%");
            assertThat(text(tile(b, "received"), ".tile-value")).isEqualTo("1,234");
            assertThat(text(tile(b, "satisfaction_ratio"), ".tile-value")).isEqualTo("No data");
            assertThat(b.driver().findElement(By.id("alerts-list")).getText()).isEqualTo("No alerts");
            assertThat(b.js("return document.documentElement.lang")).isEqualTo("en");
            assertThat(b.js("return innerWidth + 'x' + innerHeight")).isEqualTo("3840x2160");
            b.await(PATIENCE, "the map", () -> attrs(b, "#map-table tr", "data-code").size() == 75);
            b.screenshot(SHOTS.resolve("wall-en-3840x2160.png"));
        }
    }

    @Test
    @Order(3)
    @DisplayName("kiosk mode: ?rotate= turns the map and ranking through the KPIs listed, with no interaction")
    void kioskRotation() throws Exception {
        try (Browser b = open("?rotate=on_time_ratio:30d,online_ratio:30d&rotate_s=5", 1920, 1080)) {
            b.await(PATIENCE, "the first KPI", () -> b.driver().findElement(By.id("map-title")).getText()
                    .contains("Tỷ lệ hồ sơ giải quyết đúng hạn"));
            b.await(PATIENCE, "the rotation to the online ratio", () -> b.driver().findElement(By.id("map-title")).getText()
                    .contains("Tỷ lệ hồ sơ tiếp nhận trực tuyến"));
            b.await(PATIENCE, "the ranking to follow", () -> "online_ratio".equals(
                    b.js("return document.getElementById('ranking-list').dataset.kpi")));
            b.await(PATIENCE, "and back", () -> b.driver().findElement(By.id("map-title")).getText()
                    .contains("Tỷ lệ hồ sơ giải quyết đúng hạn"));
        }
    }

    @Test
    @Order(4)
    @DisplayName("the leaders' view picks a commune: its tiles, its rank from the ranking endpoint and a history chart")
    void leadersView() throws Exception {
        String commune = communes.get(3); // 53/100: rank 7 of 65 ranked (ranks 1-4: 50..53 … see fixture)
        try (Browser b = open("?view=leader&unit=commune/" + commune, 1920, 1080,
                "document.getElementById('leader-value').dataset.value")) {
            assertThat(b.js("return document.body.dataset.view")).isEqualTo("leader");
            b.await(PATIENCE, "the rank card", () -> !b.driver().findElement(By.id("rank-card")).getAttribute("data-rank").isEmpty());
            JsonArray rows = new JsonObject(get("/api/v1/kpis/on_time_ratio/ranking?scope_type=commune&window=30d"))
                    .getJsonArray("rows");
            JsonObject mine = rows.stream().map(JsonObject.class::cast).filter(r -> commune.equals(r.getString("scope_id")))
                    .findFirst().orElseThrow();
            assertThat(mine.getInteger("rank")).as("hand-computed: 50,51,52,53 → 4th worst").isEqualTo(4);
            assertThat(b.driver().findElement(By.id("rank-card")).getAttribute("data-rank")).isEqualTo("4");
            assertThat(b.driver().findElement(By.id("rank-card")).getAttribute("data-of")).isEqualTo("60");
            WebElement value = b.driver().findElement(By.id("leader-value"));
            assertThat(value.getAttribute("data-value")).isEqualTo("0.53");
            assertThat(value.getText()).contains("53,0%");
            assertThat(b.driver().findElement(By.id("unit-select")).getAttribute("value")).isEqualTo("commune/" + commune);
            b.await(PATIENCE, "the map with the 60 communes that have a value", () -> attrs(b, "#map-table tr", "data-value")
                    .stream().filter(v -> !v.isEmpty()).count() == 60);
            b.await(PATIENCE, "the history chart", () -> "1".equals(b.js("return document.getElementById('history-chart').dataset.points")));
            b.screenshot(SHOTS.resolve("leader-1920x1080.png"));
        }
    }

    @Test
    @Order(5)
    @DisplayName("a new value reaches the tile live; a stalled pipeline is marked stale; an API restart shows the "
            + "reconnecting banner, then resumes with the values published meanwhile, without a page reload")
    void liveStaleAndRestart() throws Exception {
        try (Browser b = open("", 1920, 1080)) {
            publish(count("received", "province", "SL", "today", 1240, Instant.now()));
            b.await(PATIENCE, "the live update", () -> text(tile(b, "received"), ".tile-value").equals("1.240"));
            b.js("window.__sameDocument = 42");

            vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
            b.await(PATIENCE, "the reconnecting banner", () -> b.driver().findElement(By.id("conn-banner")).isDisplayed()
                    && "reconnecting".equals(b.driver().findElement(By.id("conn-banner")).getAttribute("data-state")));
            assertThat(b.driver().findElement(By.id("conn-banner")).getText()).contains("Mất kết nối");
            b.screenshot(SHOTS.resolve("wall-reconnecting-1920x1080.png"));
            long seq = publish(count("received", "province", "SL", "today", 1250, Instant.now()));
            deployment = deploy();
            b.await(PATIENCE, "the resumed value", () -> text(tile(b, "received"), ".tile-value").equals("1.250"));
            b.await(PATIENCE, "the banner to go", () -> !b.driver().findElement(By.id("conn-banner")).isDisplayed());
            assertThat(tile(b, "received").getAttribute("data-seq")).isEqualTo(String.valueOf(seq));
            assertThat(b.js("return window.__sameDocument")).as("no page reload").isEqualTo(42L);
        }
        // stale: the newest value anywhere is older than ?stale_s
        try (Browser b = open("?stale_s=10", 1920, 1080)) {
            b.await(PATIENCE, "the stale banner", () -> b.driver().findElement(By.id("stale-banner")).isDisplayed());
            assertThat(tile(b, "on_time_ratio").getAttribute("data-stale")).isEqualTo("true");
            assertThat(text(tile(b, "on_time_ratio"), ".tile-age")).contains("Dữ liệu cũ");
        }
    }

    @Test
    @Order(6)
    @DisplayName("the alert strip shows firing alerts live — most severe first, with shape, summary in the page's "
            + "language and who acknowledged — and 'no alerts' once they resolve")
    void alertStrip() throws Exception {
        String critical = vn.ioc.pulse.model.AlertEvent.fingerprint("component_down", "component", "PORTAL");
        String warning = vn.ioc.pulse.model.AlertEvent.fingerprint("overdue_dossiers", "agency", "STP");
        try (Browser b = open("?lang=en", 1920, 1080)) {
            b.await(PATIENCE, "no alerts", () -> "No alerts".equals(b.js("return document.getElementById('alerts-list').innerText")));
            sendAlert(alert(warning, "overdue_dossiers", "warning", "agency", "STP", 1, true,
                    "3 overdue dossiers", "3 hồ sơ quá hạn"));
            sendAlert(alert(critical, "component_down", "critical", "component", "PORTAL", 1, true,
                    "Provincial portal down for 10 min", "Cổng DVC tỉnh ngừng 10 phút"));
            b.await(PATIENCE, "two alerts", () -> b.driver().findElements(By.cssSelector("#alerts-list .alert-item")).size() == 2);
            // read in one script: the strip is re-rendered as alerts change (an element found first may be replaced)
            Object items = b.js("return [...document.querySelectorAll('#alerts-list .alert-item')].map(e => "
                    + "[e.dataset.fingerprint, e.dataset.severity, e.innerText])");
            @SuppressWarnings("unchecked")
            List<List<String>> shown = (List<List<String>>) items;
            assertThat(shown.get(0).get(0)).as("critical first").isEqualTo(critical);
            assertThat(shown.get(0).get(2)).startsWith("✖").contains("Provincial portal down for 10 min");
            assertThat(shown.get(1).get(1)).isEqualTo("warning");
            assertThat(shown.get(1).get(2)).startsWith("▲").contains("3 overdue dossiers");
            assertThat(b.js("return document.getElementById('alerts').dataset.worst")).isEqualTo("critical");
            assertThat(b.js("return document.getElementById('alerts').dataset.count")).isEqualTo("2");
            b.screenshot(SHOTS.resolve("wall-alerts-1920x1080.png"));

            // acknowledged by an operator over REST (auth off here: the body names who)
            java.net.http.HttpResponse<String> ack = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/alerts/"
                            + critical + "/ack")).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"by\":\"op-lan\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            String item = "#alerts-list .alert-item[data-fingerprint='" + critical + "']";
            b.await(PATIENCE, "the acknowledgement", () -> "acknowledged".equals(b.js("const e = document.querySelector(\""
                    + item + "\"); return e ? e.dataset.state : null")));
            assertThat(b.js("return document.querySelector(\"" + item + " .ack\").innerText")).isEqualTo("✔ op-lan");

            sendAlert(alert(critical, "component_down", "critical", "component", "PORTAL", 2, false, "", ""));
            sendAlert(alert(warning, "overdue_dossiers", "warning", "agency", "STP", 2, false, "", ""));
            b.await(PATIENCE, "no alerts again", () -> "No alerts".equals(b.js("return document.getElementById('alerts-list').innerText")));
        }
    }

    private static vn.ioc.pulse.model.AlertEvent alert(String fp, String rule, String severity, String scopeType,
                                                       String scopeId, long seq, boolean firing, String en, String vi) {
        Instant start = Instant.now().minusSeconds(600);
        return new vn.ioc.pulse.model.AlertEvent(fp, rule, firing ? vn.ioc.pulse.model.AlertEvent.Status.FIRING
                : vn.ioc.pulse.model.AlertEvent.Status.RESOLVED, vn.ioc.pulse.model.AlertEvent.Severity.fromJson(severity),
                scopeType, scopeId, null, null, null, null, List.of(), 0, Map.of("alertname", rule),
                Map.of("summary_en", en, "summary_vi", vi), start, firing ? null : Instant.now(), Instant.now(),
                Instant.now(), seq);
    }

    private static void sendAlert(vn.ioc.pulse.model.AlertEvent a) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, a.fingerprint(), a.toJson())).get(10, TimeUnit.SECONDS);
    }
}
