package vn.ioc.pulse.standalone.bench;

import io.vertx.core.Vertx;
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
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.ingest.IngestVerticle;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.Topics;

/**
 * Ingest gateway benchmark (issue "Ingest", Measure): the same events sent (1) by a plain Kafka producer with the
 * gateway's delivery settings (idempotent, acks=all, same linger and batch size) — the baseline — and (2) through
 * the gateway as NDJSON batches of {@code batch} events over {@code connections} concurrent HTTP connections,
 * each answered only once Kafka acknowledged it. Same in-process broker, same JVM, same run. Prints key=value
 * lines: events/s of both per round (the two alternate) and their medians, the ratio of the medians, p50/p99
 * latency per batch over all rounds, heap after the run.
 * Usage: IngestBench [events=500000] [batch=1000] [connections=4] [rounds=3]
 */
public final class IngestBench {
    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.printf("cores=%d max_heap_mb=%d events=%d batch=%d connections=%d%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, events, batch,
                connections);
        List<String> lines = BenchEvents.generate(events);
        List<String> keys = new ArrayList<>(lines.size());
        for (String l : lines) {
            keys.add(EventCodec.mapper().readTree(l).path("dossier_code").asText(null));
        }
        long bytes = lines.stream().mapToLong(String::length).sum();
        System.out.printf("event_bytes_avg=%d%n", bytes / events);
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            kafka.createTopics(Map.of(Topics.CASE_EVENTS, 4, Topics.SERVICE_EVENTS, 4, Topics.DEAD_LETTER, 1));
            IngestConfig config = new IngestConfig(0, kafka.bootstrapServers(), 64L << 20, 100_000, 30_000)
                    .withBuffer(64L << 20, 0.25);
            // warm-up of both paths (JIT, metadata), not measured
            producerRun(lines.subList(0, Math.min(50_000, events)), keys, config);
            Vertx vertx = Vertx.vertx();
            EventPublisher publisher = new EventPublisher(config);
            IngestVerticle gateway = new IngestVerticle(config, publisher);
            vertx.deployVerticle(gateway).await();
            URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/api/v1/events");
            gatewayRun(uri, lines.subList(0, Math.min(50_000, events)), batch, connections);

            // alternate the two, several rounds, and report medians: on a small machine one run of either is noisy
            double[] producerRates = new double[rounds];
            double[] gatewayRates = new double[rounds];
            long[] latencies = new long[rounds * ((events + batch - 1) / batch)];
            int perRound = (events + batch - 1) / batch;
            for (int r = 0; r < rounds; r++) {
                producerRates[r] = producerRun(lines, keys, config);
                long[] roundLatencies = new long[perRound];
                gatewayRates[r] = gatewayRun(uri, lines, batch, connections, roundLatencies);
                System.arraycopy(roundLatencies, 0, latencies, r * perRound, perRound);
                System.out.printf("round=%d producer_events_per_s=%.0f gateway_events_per_s=%.0f%n", r + 1,
                        producerRates[r], gatewayRates[r]);
            }
            double producer = median(producerRates);
            double viaGateway = median(gatewayRates);
            Arrays.sort(latencies);
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("producer_events_per_s_median=%.0f%n", producer);
            System.out.printf("gateway_events_per_s_median=%.0f%n", viaGateway);
            System.out.printf("gateway_vs_producer=%.2f%n", viaGateway / producer);
            System.out.printf("batch_latency_p50_ms=%.1f%n", latencies[latencies.length / 2] / 1e6);
            System.out.printf("batch_latency_p99_ms=%.1f%n", latencies[(int) (latencies.length * 0.99)] / 1e6);
            System.out.printf("heap_used_after_mb=%d%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
            vertx.close().await();
            publisher.close();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * Events/s of a plain producer — the gateway's own producer settings — sending every line keyed like the gateway
     * and waiting for every ack.
     */
    private static double producerRun(List<String> lines, List<String> keys, IngestConfig config)
            throws Exception {
        Properties p = EventPublisher.producerProperties(config);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-baseline");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int i = 0; i < lines.size(); i++) {
                producer.send(new ProducerRecord<>(Topics.CASE_EVENTS, keys.get(i), lines.get(i)), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            if (failure.get() != null) {
                throw failure.get();
            }
        }
        return lines.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double gatewayRun(URI uri, List<String> lines, int batch, int connections) throws Exception {
        return gatewayRun(uri, lines, batch, connections, new long[(lines.size() + batch - 1) / batch]);
    }

    /** Events/s through the gateway: NDJSON batches over {@code connections} concurrent requests. */
    private static double gatewayRun(URI uri, List<String> lines, int batch, int connections, long[] latencies)
            throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += batch) {
            bodies.add((String.join("\n", lines.subList(i, Math.min(lines.size(), i + batch))) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        Semaphore window = new Semaphore(connections);
        List<Future<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int b = 0; b < bodies.size(); b++) {
            window.acquire();
            int index = b;
            sent.add(pool.submit(() -> {
                try {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/x-ndjson").timeout(Duration.ofMinutes(1))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(index))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies[index] = System.nanoTime() - t0;
                    if (r.statusCode() != 202 || !r.body().contains("\"rejected\":[]")) {
                        throw new IllegalStateException("batch " + index + " answered " + r.statusCode() + " "
                                + r.body().substring(0, Math.min(300, r.body().length())));
                    }
                    return null;
                } finally {
                    window.release();
                }
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        double rate = lines.size() / ((System.nanoTime() - start) / 1e9);
        pool.shutdown();
        return rate;
    }
}
