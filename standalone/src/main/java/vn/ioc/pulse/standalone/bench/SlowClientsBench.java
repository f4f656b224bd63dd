package vn.ioc.pulse.standalone.bench;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.ingest.IngestVerticle;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.ServerLimits;

/**
 * Slow-client benchmark (issue "Hardening", item 4): the latency of normal requests to the ingest gateway (one
 * valid event per POST, answered after Kafka's acknowledgement) without and then while {@code held} hostile
 * connections are open — a third idle, a third sending their request head a byte a second, a third sending a
 * body a byte a second — and how many of those the server has shed after the timeouts. Gateway with its default
 * limits (on loopback), in-process Kafka, same JVM, same run. Prints key=value lines.
 * Usage: SlowClientsBench [held=1000] [requests=400]
 */
public final class SlowClientsBench {
    private SlowClientsBench() {
    }

    public static void main(String[] args) throws Exception {
        int held = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        System.out.printf("cores=%d held=%d requests=%d%n", Runtime.getRuntime().availableProcessors(), held, requests);
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            kafka.createTopics(Map.of(Topics.CASE_EVENTS, 4, Topics.SERVICE_EVENTS, 4, Topics.DEAD_LETTER, 1));
            IngestConfig config = new IngestConfig(0, kafka.bootstrapServers(), 16L << 20, 100_000, 10_000)
                    .withLimits(ServerLimits.defaults(IngestConfig.DEFAULT_MAX_CONNECTIONS + held)
                            .withBindAddress("127.0.0.1"));
            Vertx vertx = Vertx.vertx();
            try (EventPublisher publisher = new EventPublisher(config)) {
                IngestVerticle gateway = new IngestVerticle(config, publisher);
                vertx.deployVerticle(gateway).await();
                URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/events");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                measure(http, uri, requests / 4, "warmup");
                long[] base = measure(http, uri, requests, "baseline");
                report("baseline", base);

                ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
                List<Socket> sockets = new ArrayList<>();
                for (int i = 0; i < held; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
                    sockets.add(s);
                    OutputStream out = s.getOutputStream();
                    String head = "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100000\r\n\r\n";
                    if (i % 3 == 1) { // slow head: one byte a second
                        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
                        int[] next = {0};
                        trickle.scheduleAtFixedRate(() -> write(out, b[next[0]++ % b.length]), 0, 1, TimeUnit.SECONDS);
                    } else if (i % 3 == 2) { // whole head, then a body byte a second
                        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                        trickle.scheduleAtFixedRate(() -> write(out, 'x'), 0, 1, TimeUnit.SECONDS);
                    }
                }
                System.out.printf("held_open=%d server_connections=%d%n", held, gateway.guard().openConnections());
                long[] loaded = measure(http, uri, requests, "with held connections");
                report("with_" + held + "_slow_or_idle", loaded);
                System.out.printf("p99_ratio_loaded_vs_baseline=%.2f%n", (double) pct(loaded, 99) / pct(base, 99));
                long t0 = System.nanoTime();
                while (gateway.guard().openConnections() > 1 && System.nanoTime() - t0 < 40_000_000_000L) {
                    Thread.sleep(250); // progress polling of a server-side counter in a benchmark, not a test race
                }
                System.out.printf("shed_after_s=%.1f still_open=%d head_timeouts=%d%n",
                        (System.nanoTime() - t0) / 1e9, gateway.guard().openConnections(), gateway.guard().headTimeouts());
                trickle.shutdownNow();
                for (Socket s : sockets) {
                    s.close();
                }
            } finally {
                vertx.close().await();
            }
        }
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
            out.flush();
        } catch (IOException closedByServer) {
            // shed: what we measure
        }
    }

    private static long[] measure(HttpClient http, URI uri, int n, String what) throws Exception {
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            String body = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"slow-bench-" + what.hashCode() + "-" + i
                    + "\",\"dossier_code\":\"SB-" + i + "\",\"type\":\"PROCESSING\",\"occurred_at\":\"2026-03-02T09:15:00+07:00\"}";
            long t = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            micros[i] = (System.nanoTime() - t) / 1000;
            if (r.statusCode() != 202) {
                throw new IllegalStateException(what + ": answer " + r.statusCode() + " " + r.body());
            }
        }
        return micros;
    }

    private static long pct(long[] micros, int p) {
        long[] s = micros.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static void report(String label, long[] micros) {
        System.out.printf("%s_p50_ms=%.2f %s_p99_ms=%.2f %s_max_ms=%.2f%n", label, pct(micros, 50) / 1000.0, label,
                pct(micros, 99) / 1000.0, label, pct(micros, 100) / 1000.0);
    }
}
