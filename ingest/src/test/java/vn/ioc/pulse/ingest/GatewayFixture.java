package vn.ioc.pulse.ingest;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.Topics;

/**
 * A real in-process Kafka broker with the contract's topics, Vert.x, and ingest gateways deployed on free ports —
 * the set-up every gateway integration test shares — plus reading a topic back from the beginning.
 */
public final class GatewayFixture implements AutoCloseable {
    /** How long to wait for something that should happen (records on a topic, a broker back). */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final EmbeddedKafka kafka;
    private final Vertx vertx = Vertx.vertx();
    private final List<EventPublisher> publishers = new ArrayList<>();

    private GatewayFixture(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    /** Starts a broker on a free port with the event topics (3 partitions each) and the dead-letter topic. */
    public static GatewayFixture start() {
        EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start();
        kafka.createTopics(Map.of(Topics.CASE_EVENTS, 3, Topics.SERVICE_EVENTS, 3, Topics.KPI_UPDATES, 1,
                Topics.ALERTS, 1, Topics.DEAD_LETTER, 1));
        return new GatewayFixture(kafka);
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Deploys a gateway (config's port ignored: a free one) and returns its base URI, e.g. http://127.0.0.1:p. */
    public URI gateway(Function<String, IngestConfig> configForBootstrap) {
        return gateway(configForBootstrap, null);
    }

    /** As {@link #gateway(Function)}, with the producer-buffer gauge replaced by {@code freeBuffer} when not null. */
    public URI gateway(Function<String, IngestConfig> configForBootstrap, DoubleSupplier freeBuffer) {
        IngestConfig config = configForBootstrap.apply(kafka.bootstrapServers()).withPort(0);
        EventPublisher publisher = new EventPublisher(config);
        publishers.add(publisher);
        IngestVerticle gateway = freeBuffer == null ? new IngestVerticle(config, publisher)
                : new IngestVerticle(config, publisher, freeBuffer);
        vertx.deployVerticle(gateway).await();
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    /** POSTs {@code body} with {@code contentType} and optional extra header name/value pairs. */
    public static HttpResponse<String> post(URI uri, HttpRequest.BodyPublisher body, String contentType,
                                            String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PATIENCE).header("Content-Type", contentType)
                .POST(body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Reads {@code topic} from the beginning (no consumer group) and returns the records matching {@code filter},
     * once at least {@code atLeast} match and the whole topic as it was up to then has been read, or when
     * {@link #PATIENCE} runs out (the caller's assertion then says what is missing). With {@code atLeast} 0 it
     * returns what is on the topic now: after a refusal, the gateway has finished with the request, so that is
     * final.
     */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> filter, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, PATIENCE).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, PATIENCE);
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && filter.test(r)) {
                        found.add(r);
                    }
                }
                boolean readToEnd = true;
                for (TopicPartition tp : partitions) {
                    readToEnd &= consumer.position(tp) >= end.get(tp);
                }
                if ((readToEnd && found.size() >= atLeast) || System.nanoTime() > deadline) {
                    return found;
                }
                if (readToEnd) {
                    end = consumer.endOffsets(partitions, PATIENCE);
                }
            }
        }
    }

    @Override
    public void close() {
        vertx.close().await();
        publishers.forEach(EventPublisher::close);
        kafka.close();
    }
}
