package vn.ioc.pulse.standalone.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.standalone.Standalone;
import vn.ioc.pulse.standalone.StandaloneConfig;

/**
 * {@code ./ioc bench alerts [events_per_s] [seconds] [triggers_per_s]}: alert latency from an event accepted by the
 * ingest gateway (its 202) to the webhook receiving the alert, under a steady background load.
 *
 * <p>The whole system runs in this JVM as in the demo (embedded Kafka, the KPI job on a Flink MiniCluster with the
 * shipped alert rules, the dashboard API delivering to a webhook receiver served here), simulator off, live clock
 * on. Background: {@code events_per_s} case events per second (RECEIVED/RESOLVED of new dossiers at now) in NDJSON
 * batches every 100 ms. Triggers: for each of N fresh agencies one dossier received and resolved at the start; then,
 * {@code triggers_per_s} times a second, a DISSATISFIED rating of the next one, posted alone — the shipped rule
 * {@code dissatisfied_rating} (dissatisfied, 24 h, above 0, no {@code for}) fires one alert per agency. Latency =
 * webhook arrival − the gateway's 202 for that rating. The receiver's {@code group_wait} is 0 (one group per agency)
 * so the figure is the pipeline's own; a receiver's configured {@code group_wait} adds itself on top.
 */
public final class AlertLatencyBench {
    private static final Random RANDOM = new Random(766);

    private AlertLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int triggersPerSecond = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int triggers = seconds * triggersPerSecond;
        System.out.printf("alert latency bench: %d background events/s for %d s, %d triggers (%d/s)%n", rate, seconds,
                triggers, triggersPerSecond);

        // ---- the webhook receiver: first FIRING arrival per agency
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        AtomicLong notifications = new AtomicLong();
        Vertx vertx = Vertx.vertx();
        HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(ar -> {
            long now = System.nanoTime();
            try {
                if (ar.failed()) {
                    System.err.println("receiver: body failed: " + ar.cause());
                    return;
                }
                notifications.incrementAndGet();
                JsonObject n = ar.result().toJsonObject();
                for (Object o : n.getJsonArray("alerts")) {
                    JsonObject a = (JsonObject) o;
                    if ("dissatisfied_rating".equals(a.getString("rule")) && "FIRING".equals(a.getString("status"))) {
                        arrived.putIfAbsent(a.getString("scope_id"), now);
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("receiver: unreadable notification (" + e + "): " + ar.result());
            } finally {
                req.response().setStatusCode(200).end();
            }
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

        Path dir = Files.createTempDirectory("ioc-bench-alerts-");
        Path receivers = dir.resolve("receivers.json");
        Files.writeString(receivers, new JsonObject().put("receivers", new io.vertx.core.json.JsonArray().add(
                new JsonObject().put("name", "bench").put("type", "webhook")
                        .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook").put("secret", "bench")
                        .put("group_by", new io.vertx.core.json.JsonArray().add("alertname").add("scope_id"))
                        .put("group_wait", "0s").put("group_interval", "1s"))).encodePrettily());

        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("IOC_SIMULATOR", "off");
        env.put("IOC_LIVE_CLOCK", "on");
        env.put("IOC_AUTH", "off");
        env.put("IOC_DASHBOARD_PORT", String.valueOf(freePort()));
        env.put("IOC_INGEST_PORT", String.valueOf(freePort()));
        env.put("IOC_ALERT_RECEIVERS_FILE", receivers.toString());
        env.remove("IOC_ALERT_WEBHOOK_URL");
        env.remove("IOC_DATA_DIR");
        long t0 = System.nanoTime();
        Standalone system = Standalone.start(StandaloneConfig.fromEnv(env));
        String gateway = "http://127.0.0.1:" + env.get("IOC_INGEST_PORT") + "/api/v1/events";
        String api = "http://127.0.0.1:" + env.get("IOC_DASHBOARD_PORT");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        awaitReady(http, api + "/ready");
        System.out.printf("system up in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // ---- preamble: one received-and-resolved dossier per trigger agency
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> preamble = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < triggers; i++) {
            preamble.add(received("T" + run + "-" + i, "BENCH-AG-" + run + "-" + i, now));
            preamble.add(resolved("T" + run + "-" + i, now.plusMillis(1)));
        }
        for (int i = 0; i < preamble.size(); i += 1000) {
            post(http, gateway, preamble.subList(i, Math.min(preamble.size(), i + 1000)));
        }

        // ---- load + triggers
        long[] accepted = new long[triggers];
        long start = System.nanoTime();
        long backgroundSent = 0;
        int triggered = 0;
        long nextProgress = start + 5_000_000_000L;
        long bg = 0;
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
            long tick = System.nanoTime();
            long due = (tick - start) * rate / 1_000_000_000L;
            List<String> batch = new ArrayList<>();
            while (backgroundSent < due) {
                String code = "B" + run + "-" + bg++;
                batch.add(received(code, "BENCH-BG-" + RANDOM.nextInt(50), Instant.now()));
                backgroundSent++;
                if (backgroundSent < due && RANDOM.nextBoolean()) {
                    batch.add(resolved(code, Instant.now()));
                    backgroundSent++;
                }
            }
            if (!batch.isEmpty()) {
                postAsync(http, gateway, batch);
            }
            long triggersDue = Math.min(triggers, (tick - start) * triggersPerSecond / 1_000_000_000L + 1);
            while (triggered < triggersDue) {
                post(http, gateway, List.of(rated("T" + run + "-" + triggered, Instant.now())));
                accepted[triggered] = System.nanoTime();
                triggered++;
            }
            if (tick > nextProgress) {
                System.out.printf("  %3d s: %,d background events, %d triggers, %d alerts received%n",
                        (tick - start) / 1_000_000_000L, backgroundSent, triggered, arrived.size());
                nextProgress += 5_000_000_000L;
            }
            long sleep = 100_000_000L - (System.nanoTime() - tick);
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        double achieved = backgroundSent / ((System.nanoTime() - start) / 1e9);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (arrived.size() < triggered && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }

        List<Double> latencies = new ArrayList<>();
        List<Double> steady = new ArrayList<>(); // triggers after the first 15 s (JIT, first checkpoints, topic creation)
        for (int i = 0; i < triggered; i++) {
            Long at = arrived.get("BENCH-AG-" + run + "-" + i);
            if (at != null) {
                latencies.add((at - accepted[i]) / 1e6);
                if (accepted[i] - start > 15_000_000_000L) {
                    steady.add((at - accepted[i]) / 1e6);
                }
            }
        }
        Collections.sort(latencies);
        Collections.sort(steady);
        System.out.printf("background_events_per_s=%.0f%n", achieved);
        System.out.printf("alerts_expected=%d%nalerts_received=%d%nalerts_lost=%d%nnotifications=%d%n", triggered,
                latencies.size(), triggered - latencies.size(), notifications.get());
        if (!latencies.isEmpty()) {
            System.out.printf("alert_latency_ms_p50=%.0f%nalert_latency_ms_p99=%.0f%nalert_latency_ms_max=%.0f%n",
                    pct(latencies, 0.50), pct(latencies, 0.99), latencies.get(latencies.size() - 1));
        }
        if (!steady.isEmpty()) {
            System.out.printf("alert_latency_ms_after_15s_p50=%.0f%nalert_latency_ms_after_15s_p99=%.0f%n"
                    + "alert_latency_ms_after_15s_max=%.0f%n", pct(steady, 0.50), pct(steady, 0.99),
                    steady.get(steady.size() - 1));
        }
        system.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        System.exit(latencies.size() == triggered ? 0 : 1);
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String received(String dossier, String agency, Instant at) {
        String commune = String.format("%05d", 3646 + RANDOM.nextInt(75) * 3);
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-rcv\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RECEIVED\",\"occurred_at\":\"" + KpiValue.formatTime(at) + "\","
                + "\"procedure_code\":\"2.000815\",\"field_code\":\"chung-thuc\",\"agency_code\":\"" + agency
                + "\",\"commune_code\":\"" + commune + "\",\"channel\":\"ONLINE\",\"service_level\":\"FULL\","
                + "\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"},\"fee_required\":false,"
                + "\"source_system\":\"bench\"}";
    }

    private static String resolved(String dossier, Instant at) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-res\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RESOLVED\",\"occurred_at\":\"" + KpiValue.formatTime(at) + "\",\"source_system\":\"bench\"}";
    }

    private static String rated(String dossier, Instant at) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-rat\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RATED\",\"occurred_at\":\"" + KpiValue.formatTime(at) + "\",\"rating\":\"DISSATISFIED\","
                + "\"source_system\":\"bench\"}";
    }

    private static void post(HttpClient http, String url, List<String> lines) throws Exception {
        HttpResponse<String> r = http.send(request(url, lines), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("gateway answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static void postAsync(HttpClient http, String url, List<String> lines) {
        http.sendAsync(request(url, lines), HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
            if (r.statusCode() != 202) {
                System.err.println("gateway answered " + r.statusCode() + ": " + r.body());
            }
        });
    }

    private static HttpRequest request(String url, List<String> lines) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build();
    }

    private static void awaitReady(HttpClient http, String url) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("the system was not ready within 120 s: " + url);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
