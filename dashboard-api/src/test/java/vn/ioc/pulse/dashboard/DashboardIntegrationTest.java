package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;

/**
 * The dashboard API (CONTRACT.md §5) on a real Kafka broker: KPI values produced to {@code ioc.kpi-updates.v1}
 * (2 partitions) before the API starts hydrate it; values produced while it runs reach REST and WebSocket screens.
 *
 * <p>Each test owns its KPI keys so the tests do not depend on each other's order: the REST tests read the
 * {@code received} and {@code on_time_ratio} values of scopes {@code agency} and {@code province}; the WebSocket
 * tests use {@code backlog}/{@code paused} of scopes {@code commune} and {@code field} with their own scope ids.
 * Asynchronous steps are Vert.x future chains; an assertion failing inside a step fails the chain, which fails the
 * {@link VertxTestContext}.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The dashboard API serves KPI values from the KPI topic over REST and WebSocket")
class DashboardIntegrationTest extends DashboardTestBase {

    // ---- produced before the API starts (REST and hydration), each with the seq the KPI job gave it
    private static final KpiValue SL_TODAY_AT_T0 = received("province", "SL", "today", T0, 1, 11);
    private static final KpiValue SL_TODAY = received("province", "SL", "today", ONE_MINUTE_LATER, 2, 12);
    private static final KpiValue SL_24H = received("province", "SL", "24h", ONE_MINUTE_LATER, 5, 5);
    private static final KpiValue A_TODAY = received("agency", "A", "today", ONE_MINUTE_LATER, 2, 2);
    private static final KpiValue A_24H = received("agency", "A", "24h", ONE_MINUTE_LATER, 3, 3);
    private static final KpiValue B_TODAY = received("agency", "B", "today", ONE_MINUTE_LATER, 1, 1);
    private static final KpiValue SL_ON_TIME_30D = onTimeRatio("province", "SL", "30d", ONE_MINUTE_LATER, 8, 10)
            .withSeq(9);
    private static final KpiValue A_ON_TIME_30D = onTimeRatio("agency", "A", "30d", ONE_MINUTE_LATER, 0, 0).withSeq(1);

    // ---- produced before the API starts (WebSocket snapshot)
    private static final KpiValue S1_LIVE_AT_T0 = backlog("commune", "S-1", "live", T0, 4, 4);
    private static final KpiValue S1_LIVE = backlog("commune", "S-1", "live", ONE_MINUTE_LATER, 5, 5);
    private static final KpiValue S1_1H = backlog("commune", "S-1", "1h", T0, 2, 2);
    private static final KpiValue S2_LIVE = backlog("commune", "S-2", "live", T0, 1, 1);
    private static final KpiValue S3_LIVE = backlog("commune", "S-3", "live", T0, 6, 6);
    private static final KpiValue S1_PAUSED = count("paused", "commune", "S-1", "live", T0, 1, 0).withSeq(1);
    private static final KpiValue S1_FIELD = backlog("field", "S-1", "live", T0, 3, 3);

    private static final List<KpiValue> BEFORE_START = List.of(SL_TODAY_AT_T0, SL_TODAY, SL_24H, A_TODAY, A_24H,
            B_TODAY, SL_ON_TIME_30D, A_ON_TIME_30D, S1_LIVE_AT_T0, S1_LIVE, S1_1H, S2_LIVE, S3_LIVE, S1_PAUSED,
            S1_FIELD,
            SL_TODAY_AT_T0); // re-delivered late (seq 11 after 12): older than what the API holds by then

    private static final List<String> CONTRACT_FIELDS = List.of("kpi", "scope_type", "scope_id", "window", "value",
            "numerator", "denominator", "status", "as_of", "computed_at", "revision");

    private static final long READY_WITHIN_MS = 60_000;
    /** The partitions the values of {@link #BEFORE_START} went to. */
    private static final Set<Integer> partitionsBeforeStart = new TreeSet<>();

    @TempDir
    static Path kafkaLogDir;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;
    private static Vertx vertx;
    private static HttpClientAgent http;
    /** Kept in a field: an unreferenced Vert.x 5 WebSocketClient is closed by GC (STACK.md gotcha 2). */
    private static WebSocketClient wsClient;
    private static int port;

    @BeforeAll
    static void startKafkaThenApi() throws Exception {
        kafka = new EmbeddedKafka(kafkaLogDir, 0).start();
        kafka.createTopics(Map.of(Topics.KPI_UPDATES, 2));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        for (KpiValue v : BEFORE_START) {
            partitionsBeforeStart.add(producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, v.key(), v.toJson()))
                    .get(10, TimeUnit.SECONDS).partition());
        }

        vertx = Vertx.vertx();
        http = vertx.createHttpClient();
        wsClient = vertx.createWebSocketClient();
        DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000);
        DashboardVerticle api = new DashboardVerticle(config, new InMemoryKpiHistoryStore(1000), true,
                KpiCatalog.load());
        vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
        port = api.port();
        untilReady(System.currentTimeMillis() + READY_WITHIN_MS).await(READY_WITHIN_MS + 5_000, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopApiThenKafka() {
        if (wsClient != null) {
            wsClient.close().await();
        }
        if (http != null) {
            http.close().await();
        }
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

    // ------------------------------------------------------------------------------------------------ health

    @Test
    @DisplayName("GET /health answers 200 UP")
    void health(VertxTestContext ctx) {
        get("/health").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json()).isEqualTo(new JsonObject().put("status", "UP"));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /ready answers 200 once Kafka is up and the cache is hydrated from the topic")
    void readyOnceHydrated(VertxTestContext ctx) {
        get("/ready").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json()).isEqualTo(new JsonObject().put("ready", true).put("checks", new JsonObject()
                    .put("kafka", "UP").put("kpi_cache", "HYDRATED").put("history_store", "UP")
                    .put("alerts", "UP")));
            ctx.completeNow();
        })));
    }

    // ------------------------------------------------------------------------------------------------ REST values

    @Test
    @DisplayName("values produced before the API started are served with the job's seq, stale re-deliveries ignored")
    void hydratedFromTheBeginningOfTheTopic(VertxTestContext ctx) {
        get("/api/v1/kpis/values?kpi=received&kpi=on_time_ratio").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(partitionsBeforeStart).as("the values were spread over both partitions").containsExactly(0, 1);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            assertThat(a.json().getJsonArray("values")).containsExactly(
                    withSeq(A_ON_TIME_30D, 1), withSeq(SL_ON_TIME_30D, 9),
                    withSeq(A_24H, 3), withSeq(A_TODAY, 2), withSeq(B_TODAY, 1),
                    withSeq(SL_24H, 5), withSeq(SL_TODAY, 12));
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /api/v1/kpis/values answers {\"values\":[…]} of the contract fields plus seq")
    void valuesHaveTheContractShape(VertxTestContext ctx) {
        get("/api/v1/kpis/values").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            JsonObject body = a.json();
            assertThat(body.fieldNames()).containsExactly("values");
            List<JsonObject> values = objects(body.getJsonArray("values"));
            assertThat(values).extracting(DashboardIntegrationTest::keyOf)
                    .containsAll(BEFORE_START.stream().map(KpiValue::key).toList())
                    .isSorted()
                    .doesNotHaveDuplicates();
            List<String> expectedFields = new ArrayList<>(CONTRACT_FIELDS);
            expectedFields.add("seq");
            expectedFields.add("stale");
            assertThat(values).allSatisfy(v -> {
                assertThat(v.fieldNames()).containsExactlyInAnyOrderElementsOf(expectedFields);
                assertThat(v.getLong("seq")).isPositive();
                assertThat(v.getString("as_of")).endsWith("+07:00");
                assertThat(v.getString("status")).isIn("GREEN", "YELLOW", "RED", "GREY");
            });
            assertThat(values).filteredOn(v -> keyOf(v).equals(A_ON_TIME_30D.key())).singleElement()
                    .satisfies(v -> {
                        assertThat(v.getValue("value")).as("a ratio over 0 cases has no value").isNull();
                        assertThat(v.getString("status")).isEqualTo("GREY");
                    });
            ctx.completeNow();
        })));
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                arguments("kpi=received", List.of(A_24H, A_TODAY, B_TODAY, SL_24H, SL_TODAY)),
                arguments("kpi=on_time_ratio", List.of(A_ON_TIME_30D, SL_ON_TIME_30D)),
                arguments("scope_type=agency", List.of(A_ON_TIME_30D, A_24H, A_TODAY, B_TODAY)),
                arguments("scope_id=A", List.of(A_ON_TIME_30D, A_24H, A_TODAY)),
                arguments("scope_id=A&scope_id=B", List.of(A_ON_TIME_30D, A_24H, A_TODAY, B_TODAY)),
                arguments("window=30d", List.of(A_ON_TIME_30D, SL_ON_TIME_30D)),
                arguments("window=today&window=24h", List.of(A_24H, A_TODAY, B_TODAY, SL_24H, SL_TODAY)),
                arguments("kpi=received&scope_type=province&window=today", List.of(SL_TODAY)),
                arguments("kpi=received&scope_id=B&scope_id=SL&window=24h", List.of(SL_24H)),
                arguments("kpi=*&scope_type=agency&window=today", List.of(A_TODAY, B_TODAY)),
                arguments("kpi=received&scope_type=commune", List.of()),
                arguments("kpi=no_such_kpi", List.of()));
    }

    @ParameterizedTest(name = "?{0}")
    @MethodSource("filters")
    @DisplayName("GET /api/v1/kpis/values filters by kpi, scope_type, scope_id and window, each repeatable")
    void valuesFilters(String query, List<KpiValue> expected, VertxTestContext ctx) {
        get("/api/v1/kpis/values?" + query).onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(objects(a.json().getJsonArray("values"))).extracting(DashboardIntegrationTest::keyOf)
                    .containsExactlyElementsOf(expected.stream().map(KpiValue::key).toList());
            ctx.completeNow();
        })));
    }

    // ---------------------------------------------------------------------------------------------- catalogue, history

    @Test
    @DisplayName("GET /api/v1/kpis answers the catalogue, on_time_ratio included")
    void catalogue(VertxTestContext ctx) {
        get("/api/v1/kpis").onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            List<JsonObject> kpis = objects(new JsonArray(a.body()));
            assertThat(kpis).hasSize(KpiCatalog.load().all().size());
            assertThat(kpis).filteredOn(k -> "on_time_ratio".equals(k.getString("id"))).singleElement()
                    .satisfies(k -> {
                        assertThat(k.getString("kind")).isEqualTo("ratio");
                        assertThat(k.getString("name_vi")).isNotBlank();
                        assertThat(k.getString("name_en")).isNotBlank();
                        assertThat(k.getString("unit")).isNotBlank();
                        assertThat(k.getJsonArray("windows")).contains("30d");
                        assertThat(k.getJsonObject("thresholds").fieldNames())
                                .containsExactlyInAnyOrder("direction", "green", "yellow");
                    });
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("GET /api/v1/kpis/{kpi}/history answers the points written from the topic, oldest first")
    void historyFromTheTopic(VertxTestContext ctx) {
        String series = "/api/v1/kpis/received/history?scope_type=province&scope_id=SL&window=today"
                + "&from=2026-03-01T17:00:00Z&to=2026-03-02T16:59:59Z";
        Future.all(get(series), get(series + "&step=1d")).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
            Answer raw = all.resultAt(0);
            assertThat(raw.status()).isEqualTo(200);
            assertThat(raw.contentType()).isEqualTo("application/json");
            assertThat(raw.json()).isEqualTo(new JsonObject().put("kpi", "received").put("scope_type", "province")
                    .put("scope_id", "SL").put("window", "today").put("points", new JsonArray()
                            .add(point(T0, 1.0)).add(point(ONE_MINUTE_LATER, 2.0))));
            Answer daily = all.resultAt(1);
            assertThat(daily.status()).isEqualTo(200);
            assertThat(daily.json().getJsonArray("points")).as("one point per UTC day, the last value")
                    .containsExactly(point(Instant.parse("2026-03-02T00:00:00Z"), 2.0));
            ctx.completeNow();
        })));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            scope_id=SL&window=today                                | scope_type
            scope_type=province&window=today                        | scope_id
            scope_type=province&scope_id=SL                         | window
            scope_type=province&scope_id=SL&window=today&step=5x    | step
            scope_type=province&scope_id=SL&window=today&step=0m    | step
            scope_type=province&scope_id=SL&window=today&step=-1h   | step
            scope_type=province&scope_id=SL&window=today&step=9999999999999999d | step
            scope_type=province&scope_id=SL&window=today&step=367d  | step
            scope_type=province&scope_id=SL&window=today&step=99999999999999999999999ms | step
            scope_type=province&scope_id=SL&window=today&from=yesterday | from
            """)
    @DisplayName("a history query with a missing or bad parameter answers 400 problem+json naming the parameter")
    void historyBadRequest(String query, String parameter, VertxTestContext ctx) {
        get("/api/v1/kpis/received/history?" + query).onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.contentType()).isEqualTo("application/problem+json");
            assertThat(a.json().getInteger("status")).isEqualTo(400);
            assertThat(a.json().getString("detail")).contains(parameter);
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("a history query with from after to answers 400 problem+json, not a store outage")
    void historyFromAfterTo(VertxTestContext ctx) {
        String query = "scope_type=province&scope_id=SL&window=today&from=2026-03-02T16:59:59Z&to=2026-03-01T17:00:00Z";
        get("/api/v1/kpis/received/history?" + query).onComplete(ctx.succeeding(a -> ctx.verify(() -> {
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.contentType()).isEqualTo("application/problem+json");
            assertThat(a.json().getString("detail")).contains("from").contains("to");
            ctx.completeNow();
        })));
    }

    @Test
    @DisplayName("the history of an unknown KPI answers 404 problem+json")
    void historyUnknownKpi(VertxTestContext ctx) {
        get("/api/v1/kpis/no_such_kpi/history?scope_type=province&scope_id=SL&window=today")
                .onComplete(ctx.succeeding(a -> ctx.verify(() -> {
                    assertThat(a.status()).isEqualTo(404);
                    assertThat(a.contentType()).isEqualTo("application/problem+json");
                    assertThat(a.json().getString("detail")).contains("no_such_kpi");
                    ctx.completeNow();
                })));
    }

    // ------------------------------------------------------------------------------------------------ WebSocket

    @Nested
    @DisplayName("a screen on /ws/v1")
    class WebSocketScreens {

        @Test
        @DisplayName("gets a snapshot of only the matching values, then a new value as an update with the next seq")
        void snapshotThenUpdate(VertxTestContext ctx) {
            KpiValue newer = backlog("commune", "S-1", "live", TWO_MINUTES_LATER, 6, 6);
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject()
                            .put("kpi", list("backlog")).put("scope_type", list("commune"))
                            .put("scope_id", list("S-1", "S-2")).put("window", list("*"))))
                    .map(snapshot -> {
                        assertThat(snapshot).isEqualTo(json(new JsonObject().put("type", "snapshot").put("id", "s1")
                                .put("values", new JsonArray()
                                        .add(withSeq(S1_1H, 2)).add(withSeq(S1_LIVE, 5)).add(withSeq(S2_LIVE, 1)))));
                        return snapshot;
                    })
                    .compose(snapshot -> produceInOrder(newer))
                    .compose(v -> screen.next())
                    .map(update -> {
                        assertThat(update).isEqualTo(update("s1", newer, 6));
                        return update;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("is not sent a value its selection does not match")
        void nonMatchingValuesAreNotSent(VertxTestContext ctx) {
            KpiValue matching = backlog("commune", "N-1", "live", T0, 1, 1);
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject()
                            .put("kpi", list("backlog")).put("scope_type", list("commune"))
                            .put("scope_id", list("N-1")).put("window", list("live"))))
                    .map(snapshot -> {
                        assertThat(snapshot.getJsonArray("values")).isEmpty();
                        return snapshot;
                    })
                    // one partition, so the API reads them in this order: any non-matching one sent would come first
                    .compose(snapshot -> produceInOrder(
                            count("paused", "commune", "N-1", "live", T0, 1, 0).withSeq(1),
                            backlog("field", "N-1", "live", T0, 1, 1),
                            backlog("commune", "N-2", "live", T0, 1, 1),
                            backlog("commune", "N-1", "1h", T0, 1, 1),
                            matching))
                    .compose(v -> screen.next())
                    .map(next -> {
                        assertThat(next).isEqualTo(update("s1", matching, 1));
                        return next;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("gets no more updates of a subscription after unsubscribing it")
        void unsubscribeStopsUpdates(VertxTestContext ctx) {
            KpiValue u1 = backlog("commune", "U-1", "live", T0, 1, 1);
            KpiValue u1Later = backlog("commune", "U-1", "live", ONE_MINUTE_LATER, 2, 2);
            KpiValue u2 = backlog("commune", "U-2", "live", T0, 1, 1);
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject().put("scope_id", list("U-1"))))
                    .compose(snapshot -> screen.request(subscribe("s2", new JsonObject().put("scope_id", list("U-2")))))
                    .compose(snapshot -> produceInOrder(u1))
                    .compose(v -> screen.next())
                    .map(update -> {
                        assertThat(update).as("s1 works before unsubscribing").isEqualTo(update("s1", u1, 1));
                        return update;
                    })
                    .compose(v -> screen.send(new JsonObject().put("type", "unsubscribe").put("id", "s1")))
                    // the pong proves the unsubscribe was handled: the server answers a screen's messages in order
                    .compose(v -> screen.request(new JsonObject().put("type", "ping")))
                    .map(pong -> {
                        assertThat(pong).isEqualTo(new JsonObject().put("type", "pong"));
                        return pong;
                    })
                    .compose(pong -> produceInOrder(u1Later, u2))
                    .compose(v -> screen.next())
                    .map(next -> {
                        assertThat(next).as("the U-1 update is not sent any more").isEqualTo(update("s2", u2, 1));
                        return next;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("still gets the valid values read in the same poll as a value without as_of")
        void valueWithoutAsOfDoesNotDropItsBatch(VertxTestContext ctx) {
            KpiValue valid = backlog("commune", "Z-2", "live", T0, 1, 1);
            String noAsOf = new JsonObject(backlog("commune", "Z-1", "live", T0, 1, 1).toJson()).putNull("as_of").encode();
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject().put("scope_id", list("Z-2"))))
                    .compose(snapshot -> produceInOneBatch(
                            Map.entry(KpiValue.key("backlog", "commune", "Z-1", "live"), noAsOf),
                            Map.entry(valid.key(), valid.toJson())))
                    .compose(v -> screen.next())
                    .map(next -> {
                        assertThat(next).isEqualTo(update("s1", valid, 1));
                        return next;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("gets each seq of a key once: a re-delivered seq (a KPI job restore) is not sent again")
        void redeliveredSeqIsNotSentAgain(VertxTestContext ctx) {
            KpiValue r1 = backlog("commune", "R-1", "live", T0, 1, 1);
            KpiValue r2 = backlog("commune", "R-1", "live", ONE_MINUTE_LATER, 2, 2);
            KpiValue r3 = backlog("commune", "R-1", "live", TWO_MINUTES_LATER, 3, 3);
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject().put("scope_id", list("R-1"))))
                    // one partition, in this order: the job published 1 and 2, failed, restored from a checkpoint
                    // taken before them, published 1 and 2 again (same content), then 3
                    .compose(snapshot -> produceInOrder(r1, r2, r1, r2, r3))
                    .compose(v -> screen.next())
                    .map(first -> {
                        assertThat(first).isEqualTo(update("s1", r1, 1));
                        return first;
                    })
                    .compose(v -> screen.next())
                    .map(second -> {
                        assertThat(second).isEqualTo(update("s1", r2, 2));
                        return second;
                    })
                    .compose(v -> screen.next())
                    .map(third -> {
                        assertThat(third).as("the re-delivered 1 and 2 were not sent").isEqualTo(update("s1", r3, 3));
                        return third;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("gets a record without seq (written before the job assigned seqs) with seq 0, then the job's seqs")
        void legacyRecordHasSeqZero(VertxTestContext ctx) {
            KpiValue legacy = backlog("commune", "L-1", "live", T0, 1);
            KpiValue sequenced = backlog("commune", "L-1", "live", ONE_MINUTE_LATER, 2, 1);
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject().put("scope_id", list("L-1"))))
                    .compose(snapshot -> produceInOneBatch(
                            Map.entry(legacy.key(), withoutSeq(legacy)), Map.entry(sequenced.key(), sequenced.toJson())))
                    .compose(v -> screen.next())
                    .map(first -> {
                        assertThat(first).isEqualTo(update("s1", legacy, 0));
                        return first;
                    })
                    .compose(v -> screen.next())
                    .map(second -> {
                        assertThat(second).isEqualTo(update("s1", sequenced, 1));
                        return second;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("answers ping with pong")
        void pingPong(VertxTestContext ctx) {
            withScreen(screen -> screen.request(new JsonObject().put("type", "ping"))
                    .map(pong -> {
                        assertThat(pong).isEqualTo(new JsonObject().put("type", "pong"));
                        return pong;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("answers a message that is not JSON with an error and stays open")
        void badJsonIsAnError(VertxTestContext ctx) {
            withScreen(screen -> screen.sendText("{not json")
                    .compose(v -> screen.next())
                    .map(error -> {
                        assertThat(error.getString("type")).isEqualTo("error");
                        assertThat(error.getString("detail")).isNotBlank();
                        return error;
                    })
                    .compose(error -> screen.request(new JsonObject().put("type", "ping")))
                    .map(pong -> {
                        assertThat(pong.getString("type")).isEqualTo("pong");
                        return pong;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("answers an unknown message type with an error naming 'type'")
        void unknownTypeIsAnError(VertxTestContext ctx) {
            withScreen(screen -> screen.request(new JsonObject().put("type", "publish").put("id", "p1"))
                    .map(error -> {
                        assertThat(error.getString("type")).isEqualTo("error");
                        assertThat(error.getString("id")).isEqualTo("p1");
                        assertThat(error.getString("detail")).contains("'type'").contains("publish");
                        return error;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("answers a subscription with a bad select member with an error naming it")
        void badSelectIsAnError(VertxTestContext ctx) {
            withScreen(screen -> screen.request(subscribe("s1", new JsonObject().put("kpi", 5)))
                    .map(error -> {
                        assertThat(error.getString("type")).isEqualTo("error");
                        assertThat(error.getString("id")).isEqualTo("s1");
                        assertThat(error.getString("detail")).contains("select.kpi");
                        return error;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }

        @Test
        @DisplayName("answers unsubscribing an unknown subscription with an error naming 'id'")
        void unsubscribeUnknownIsAnError(VertxTestContext ctx) {
            withScreen(screen -> screen.request(new JsonObject().put("type", "unsubscribe").put("id", "nope"))
                    .map(error -> {
                        assertThat(error.getString("type")).isEqualTo("error");
                        assertThat(error.getString("id")).isEqualTo("nope");
                        assertThat(error.getString("detail")).contains("'id'");
                        return error;
                    }))
                    .onComplete(ctx.succeedingThenComplete());
        }
    }

    @Test
    @DisplayName("a WebSocket handshake on another path than /ws/v1 is refused with 404")
    void wrongWebSocketPathIsRefused(VertxTestContext ctx) {
        ScreenClient.connect(vertx, wsClient, port, "/ws/v2")
                .onComplete(ctx.failing(e -> ctx.verify(() -> {
                    assertThat(e).isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class);
                    assertThat(((io.vertx.core.http.UpgradeRejectedException) e).getStatus()).isEqualTo(404);
                    ctx.completeNow();
                })));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static KpiValue backlog(String scopeType, String scopeId, String window, Instant asOf, double n) {
        return count("backlog", scopeType, scopeId, window, asOf, n, 0);
    }

    private static KpiValue backlog(String scopeType, String scopeId, String window, Instant asOf, double n,
                                    long seq) {
        return backlog(scopeType, scopeId, window, asOf, n).withSeq(seq);
    }

    /** The KPI value JSON as written before the job assigned seqs: no "seq" key. */
    private static String withoutSeq(KpiValue v) {
        JsonObject o = new JsonObject(v.toJson());
        o.remove("seq");
        return o.encode();
    }

    /** An HTTP answer. */
    record Answer(int status, String contentType, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    /**
     * GETs {@code uri} and reads the whole answer.
     *
     * <p>The body is asked for inside the callback that sends the request, not further down a chain built by the
     * caller: a Vert.x HttpClientResponse is not paused, its chunks and end are handed over as soon as they are read,
     * and {@code body()} asked for after that waits forever. The tests call this from the JUnit thread, which attaches
     * a flat {@code .compose(req -> req.send()).compose(resp -> resp.body())} chain while the event loop already
     * runs it; over a pooled keep-alive connection the whole exchange can finish before the second compose is
     * attached (vert.x PR #4705 "non racy methods when called outside event-loop").
     */
    private static Future<Answer> get(String uri) {
        return http.request(HttpMethod.GET, port, "localhost", uri)
                .compose(req -> req.send()
                        .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(),
                                resp.getHeader("Content-Type"), body.toString()))));
    }

    /** Polls GET /ready until it answers 200; fails with the last answer at the deadline. */
    private static Future<Answer> untilReady(long deadline) {
        return get("/ready").compose(a -> {
            if (a.status() == 200) {
                return Future.succeededFuture(a);
            }
            if (System.currentTimeMillis() > deadline) {
                return Future.failedFuture(new AssertionError("GET /ready still answers " + a.status() + " "
                        + a.body() + " after " + READY_WITHIN_MS + " ms"));
            }
            return vertx.timer(100).compose(t -> untilReady(deadline));
        });
    }

    /**
     * Produces the values one after the other to one partition (the partition of the first value's key), so the API
     * reads them in this order.
     */
    private static Future<Void> produceInOrder(KpiValue... values) {
        return vertx.executeBlocking(() -> {
            Integer partition = null;
            for (KpiValue v : values) {
                RecordMetadata written = producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, partition, v.key(),
                        v.toJson())).get(10, TimeUnit.SECONDS);
                partition = written.partition();
            }
            return null;
        });
    }

    /**
     * Produces the records (key → value, in argument order) as one producer batch on one partition, so the broker
     * stores them as one record batch and the API reads them in one poll.
     */
    @SafeVarargs
    private static Future<Void> produceInOneBatch(Map.Entry<String, String>... records) {
        return vertx.executeBlocking(() -> {
            Map<String, Object> lingering = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 60_000);
            try (KafkaProducer<String, String> batching = new KafkaProducer<>(lingering, new StringSerializer(),
                    new StringSerializer())) {
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                for (Map.Entry<String, String> r : records) {
                    sent.add(batching.send(new ProducerRecord<>(Topics.KPI_UPDATES, 0, r.getKey(), r.getValue())));
                }
                batching.flush();
                for (java.util.concurrent.Future<RecordMetadata> s : sent) {
                    s.get(10, TimeUnit.SECONDS);
                }
            }
            return null;
        });
    }

    /** Runs a script on a fresh screen connected to /ws/v1, then closes the screen. */
    private static Future<Void> withScreen(Function<ScreenClient, Future<?>> script) {
        return ScreenClient.connect(vertx, wsClient, port, "/ws/v1")
                .compose(screen -> script.apply(screen).eventually(screen::close))
                .mapEmpty();
    }

    private static JsonObject subscribe(String id, JsonObject select) {
        return new JsonObject().put("type", "subscribe").put("id", id).put("select", select);
    }

    private static JsonArray list(String... values) {
        return new JsonArray(List.of((Object[]) values));
    }

    /**
     * The value's contract JSON plus its seq and stale flag, as the API sends it (the fixtures' as_of is in March
     * 2026, long past the 5-minute staleness bound).
     */
    private static JsonObject withSeq(KpiValue v, long seq) {
        return json(new JsonObject(v.toJson()).put("seq", seq).put("stale", true));
    }

    private static JsonObject update(String id, KpiValue v, long seq) {
        return json(new JsonObject().put("type", "update").put("id", id).put("value", withSeq(v, seq))
                .put("seq", seq));
    }

    private static JsonObject point(Instant time, double count) {
        return json(new JsonObject().put("time", KpiValue.formatTime(time)).put("value", count).put("numerator", count)
                .putNull("denominator"));
    }

    /** The object as it reads after a trip through JSON text (number types as parsed). */
    private static JsonObject json(JsonObject o) {
        return new JsonObject(o.encode());
    }

    private static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> out = new ArrayList<>();
        array.forEach(o -> out.add((JsonObject) o));
        return out;
    }

    private static String keyOf(JsonObject v) {
        return KpiValue.key(v.getString("kpi"), v.getString("scope_type"), v.getString("scope_id"),
                v.getString("window"));
    }
}
