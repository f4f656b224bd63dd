package vn.ioc.pulse.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.Topics;

/**
 * Writes validated events to their Kafka topics, keyed as CONTRACT.md §3 says, and rejected input to the
 * dead-letter topic. Delivery: idempotent producer with acks=all; a returned future completes only once Kafka
 * acknowledged the record durably, or fails (then the caller answers 503 and the client resends; duplicates are
 * harmless because consumers dedup by event_id). Clock ticks go to every partition of both event topics.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    private final KafkaProducer<String, String> producer;
    private final long bufferBytes;
    private final String bootstrap;
    private volatile Metric bufferAvailable;
    private org.apache.kafka.clients.admin.Admin admin;

    public EventPublisher(IngestConfig config) {
        this.bufferBytes = config.producerBufferBytes();
        this.bootstrap = config.kafkaBootstrap();
        this.producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(), new StringSerializer());
    }

    /**
     * The gateway's producer settings: idempotent, acks=all, batching, buffer and timeouts from {@code config}
     * (public so a benchmark baseline sends with exactly the same delivery settings).
     */
    public static Properties producerProperties(IngestConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a batch must fit the buffer several times over, or one slow partition would hold all of it
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, (int) Math.min(256 * 1024, config.producerBufferBytes() / 8));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.kafkaMaxBlockMs());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, config.kafkaTimeoutMs() / 2));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, config.kafkaTimeoutMs());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, config.producerBufferBytes());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ioc-ingest");
        return p;
    }

    /**
     * The share of the producer's record buffer ({@code buffer.memory}) that is free now, from the producer's own
     * {@code buffer-available-bytes} metric: records wait there until Kafka acknowledges them, so a low value means
     * Kafka is slower than the input (the gateway then answers 429 instead of queueing without bound).
     */
    public double freeBufferRatio() {
        Metric m = bufferAvailable;
        if (m == null) {
            for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
                if (e.getKey().name().equals("buffer-available-bytes") && e.getKey().group().equals("producer-metrics")) {
                    m = e.getValue();
                    bufferAvailable = m;
                }
            }
            if (m == null) {
                return 1.0;
            }
        }
        return ((Number) m.metricValue()).doubleValue() / bufferBytes;
    }

    /** Sends one valid event (its original JSON text, unknown fields kept); may block up to the Kafka timeout. */
    public List<CompletableFuture<Void>> publish(IocEvent event, String json) {
        if (event instanceof CaseEvent c) {
            return List.of(send(new ProducerRecord<>(Topics.CASE_EVENTS, c.dossierCode(), json)));
        }
        if (event instanceof ServiceEvent s) {
            return List.of(send(new ProducerRecord<>(Topics.SERVICE_EVENTS, s.kafkaKey(), json)));
        }
        return publishTick((ClockTick) event, json);
    }

    private List<CompletableFuture<Void>> publishTick(ClockTick tick, String json) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (String topic : List.of(Topics.CASE_EVENTS, Topics.SERVICE_EVENTS)) {
            for (PartitionInfo partition : producer.partitionsFor(topic)) {
                acks.add(send(new ProducerRecord<>(topic, partition.partition(), null, json)));
            }
        }
        return acks;
    }

    /**
     * Longest input kept in a dead letter, in chars; longer input is cut (the letter says so) so that even escaped
     * (a control char becomes 6) it stays under Kafka's 1 MiB default request size — a letter Kafka refused would
     * fail its request over and over.
     */
    static final int MAX_DEAD_LETTER_INPUT = 128 * 1024;

    /** Sends a rejected input with the reason to the dead-letter topic (input cut at {@value #MAX_DEAD_LETTER_INPUT}). */
    public CompletableFuture<Void> deadLetter(String source, String input, Integer index, String field, String error) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("source", source);
        if (index != null) {
            o.put("index", index);
        }
        o.put("field", field);
        o.put("error", error);
        o.put("rejected_at", KpiValue.formatTime(Instant.now()));
        o.put("input", cut(input));
        LOG.info("dead-letter from {} record {}: {}", source, index, error);
        return send(new ProducerRecord<>(Topics.DEAD_LETTER, null, o.toString()));
    }

    private static String cut(String input) {
        if (input.length() <= MAX_DEAD_LETTER_INPUT) {
            return input;
        }
        int cut = Character.isHighSurrogate(input.charAt(MAX_DEAD_LETTER_INPUT - 1)) ? MAX_DEAD_LETTER_INPUT - 1
                : MAX_DEAD_LETTER_INPUT;
        return input.substring(0, cut) + "…[cut at " + cut + " of " + input.length() + " chars]";
    }

    private CompletableFuture<Void> send(ProducerRecord<String, String> record) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    ack.complete(null);
                } else {
                    LOG.warn("Kafka did not acknowledge topic {} key {}: {}", record.topic(), record.key(), error.toString());
                    ack.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Kafka send failed for topic {} key {}: {}", record.topic(), record.key(), e.toString());
            ack.completeExceptionally(e);
        }
        return ack;
    }

    /**
     * Readiness probe (blocking, up to 3 s): "UP" when the Kafka cluster answers, else throws with the reason. Uses
     * a small admin client of its own, made on first use.
     */
    public String checkKafka() throws Exception {
        org.apache.kafka.clients.admin.Admin a;
        synchronized (this) {
            if (admin == null) {
                admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                        org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                        org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                        org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG, "ioc-ingest-ready"));
            }
            a = admin;
        }
        try {
            a.describeCluster().clusterId().get(3, java.util.concurrent.TimeUnit.SECONDS);
            return "UP";
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka " + bootstrap + " did not answer within 3 s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Kafka " + bootstrap + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close(java.time.Duration.ofSeconds(1));
            }
        }
        producer.close(java.time.Duration.ofSeconds(3));
    }
}
