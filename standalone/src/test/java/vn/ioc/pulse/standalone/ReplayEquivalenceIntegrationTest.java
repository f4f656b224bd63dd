package vn.ioc.pulse.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.ingest.replay.ReplayMain;
import vn.ioc.pulse.ingest.sim.ReferenceData;
import vn.ioc.pulse.ingest.sim.SimulatorParams;
import vn.ioc.pulse.ingest.sim.SonLaSimulator;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Issue "Ingest", Tests: a replay of a generated file gives the same KPIs as posting the same events through the
 * gateway. Four simulated Sơn La days go (A) into one empty system with {@code ./ioc replay FILE.gz --kafka …
 * --until T} — straight to Kafka — and (B) into another empty system as JSON arrays of random sizes posted to
 * {@code POST /api/v1/events}, then a clock tick at T. Every KPI value of every scope and window, as of T, must be
 * equal.
 */
class ReplayEquivalenceIntegrationTest {
    private static final Instant START = Instant.parse("2026-03-01T17:00:00Z"); // Monday 2 March 00:00 +07:00
    private static final Instant UNTIL = START.plus(Duration.ofDays(4));

    /** The JDK's default client, which offers an h2c upgrade: the servers must answer it (as HTTP/1.1). */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    @Test
    @DisplayName("replaying a generated file straight to Kafka and posting it through the gateway give equal KPIs")
    void replayEqualsGateway() throws Exception {
        List<String> events = new ArrayList<>();
        new SonLaSimulator(ReferenceData.load(), WorkingCalendar.load(),
                SimulatorParams.defaults().withSeed(42).withScale(0.3), START).advanceTo(UNTIL, events::add);
        assertThat(events).as("a few thousand simulated events").hasSizeGreaterThan(2000);
        Path file = dir.resolve("sonla-4-days.ndjson.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            for (String e : events) {
                w.write(e);
                w.write('\n');
            }
        }

        Map<String, String> replayed;
        try (Standalone a = emptySystem()) {
            ReplayMain.Summary summary = ReplayMain.replay(new ReplayMain.Options(List.of(file), UNTIL, null, 500, 0,
                    0, a.kafkaBootstrap(), null));
            assertThat(summary.rejected()).isZero();
            assertThat(summary.accepted()).isEqualTo(events.size() + 1); // + the tick at --until
            replayed = settledValues(a, receivedDossiers(events));
        }

        try (Standalone b = emptySystem()) {
            URI gateway = URI.create("http://localhost:" + b.ingestPort() + "/api/v1/events");
            Random random = new Random(7);
            for (int i = 0; i < events.size(); ) {
                int n = Math.min(events.size() - i, 1 + random.nextInt(400));
                assertThat(post(gateway, "[" + String.join(",", events.subList(i, i + n)) + "]")).isEqualTo(202);
                i += n;
            }
            assertThat(post(gateway, "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + UNTIL + "\"}")).isEqualTo(202);
            assertThat(replayed).as("KPI values after the replay").hasSizeGreaterThan(1000);
            // the gateway run converges to exactly the replay's values (fails with the difference after 120 s)
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(values(b)).isEqualTo(replayed));
        }
    }

    /** Dossiers with a RECEIVED event and no REFUSED one: the province's received count over the whole file. */
    private static long receivedDossiers(List<String> events) {
        Set<String> received = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (String e : events) {
            JsonObject o = new JsonObject(e);
            if ("RECEIVED".equals(o.getString("type"))) {
                received.add(o.getString("dossier_code"));
            } else if ("REFUSED".equals(o.getString("type"))) {
                refused.add(o.getString("dossier_code"));
            }
        }
        received.removeAll(refused);
        return received.size();
    }

    private static Standalone emptySystem() throws Exception {
        return Standalone.start(StandaloneConfig.fromEnv(Map.of("IOC_DASHBOARD_PORT", "0", "IOC_INGEST_PORT", "0",
                "IOC_SIMULATOR", "off", "IOC_LIVE_CLOCK", "off")));
    }

    private static int post(URI uri, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Every KPI value: key → value, numerator, denominator, status (as_of and seq depend on publication timing). */
    private static Map<String, String> values(Standalone system) throws Exception {
        URI uri = URI.create("http://localhost:" + system.dashboardPort() + "/api/v1/kpis/values");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, String> out = new TreeMap<>();
        for (Object o : new JsonObject(r.body()).getJsonArray("values")) {
            JsonObject v = (JsonObject) o;
            out.put(v.getString("kpi") + "/" + v.getString("scope_type") + "/" + v.getString("scope_id") + "/"
                    + v.getString("window"), v.getValue("value") + " " + v.getValue("numerator") + "/"
                    + v.getValue("denominator") + " " + v.getString("status"));
        }
        return out;
    }

    /**
     * The values once the province has received every dossier of the file and nothing changed for 3 s — three
     * times the job's catch-up publication interval (IOC_CATCHUP_PUBLISH_MS, 1 s), after which every scope has
     * published its latest state.
     */
    private static Map<String, String> settledValues(Standalone system, long receivedDossiers) {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
        AtomicLong unchangedSince = new AtomicLong(System.nanoTime());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, String> now = values(system);
            if (!now.equals(last.get())) {
                last.set(now);
                unchangedSince.set(System.nanoTime());
            }
            String received = now.get("received/province/SL/7d");
            return received != null && Double.parseDouble(received.split(" ")[0]) == receivedDossiers
                    && System.nanoTime() - unchangedSince.get() > 3_000_000_000L;
        });
        return last.get();
    }
}
