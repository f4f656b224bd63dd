package vn.ioc.pulse.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads compacted topics on its own thread with a plain KafkaConsumer (STACK.md gotcha 3) and hands batches of
 * parsed records to {@code sink}. Every instance reads every partition from the beginning, so a restarted API is
 * hydrated with the latest record of every key; no group, no committed offsets. Delivery: at-least-once from Kafka;
 * the sinks ignore stale or repeated records. An unreadable record is logged with its topic, partition, offset and
 * key and skipped.
 *
 * @param <T> what a record is parsed into ({@code parse} returns null to skip one)
 */
public class TopicReader<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

    private final KafkaConsumer<String, String> consumer;
    private final List<String> topics;
    private final String what;
    private final java.util.function.Function<ConsumerRecord<String, String>, T> parse;
    private final Consumer<List<T>> sink;
    private final Runnable onHydrated;
    private final Thread thread;
    private volatile long lag;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile long lastPollMillis;

    /**
     * @param what       what the records are, for logs ("KPI value", "alert")
     * @param onHydrated runs once, on the consumer's thread, when the topics were read up to their end offsets
     */
    public TopicReader(String bootstrap, String clientId, List<String> topics, String what,
                       java.util.function.Function<ConsumerRecord<String, String>, T> parse, Consumer<List<T>> sink,
                       Runnable onHydrated) {
        this.onHydrated = onHydrated;
        this.topics = List.copyOf(topics);
        this.what = what;
        this.parse = parse;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.sink = sink;
        this.thread = new Thread(this::run, clientId + "-reader");
        this.thread.setDaemon(true);
    }

    public TopicReader<T> start() {
        thread.start();
        return this;
    }

    /** True once every partition was read up to the end offsets seen at start. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** True while the consumer thread runs and polled Kafka successfully in the last 30 s. */
    public boolean healthy() {
        return thread.isAlive() && System.currentTimeMillis() - lastPollMillis < 30_000;
    }

    /** Records on the topics not yet read (from the consumer's own fetch positions; 0 when unknown). */
    public long lag() {
        return lag;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assignAll();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                lastPollMillis = System.currentTimeMillis();
                List<T> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<String, String> r : records) {
                    try {
                        T parsed = parse.apply(r);
                        if (parsed != null) {
                            batch.add(parsed);
                        }
                    } catch (IllegalArgumentException e) {
                        LOG.warn("skipping unreadable {} at {}-{}@{} key {}: {}", what, r.topic(), r.partition(),
                                r.offset(), r.key(), e.getMessage());
                    }
                }
                if (!batch.isEmpty()) {
                    sink.accept(batch);
                }
                long behind = 0;
                for (TopicPartition tp : partitions) {
                    behind += consumer.currentLag(tp).orElse(0);
                }
                lag = behind;
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    LOG.info("{}s read from {} up to the end offsets {}", what, topics, end);
                    onHydrated.run();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("reader of {} stopped", topics, e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> assignAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<TopicPartition> found = new ArrayList<>();
            while (running && found.isEmpty()) {
                List<PartitionInfo> infos = null;
                try {
                    infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warn("Kafka not reachable for topic {}: {}", topic, e.getMessage());
                }
                if (infos != null) {
                    infos.forEach(i -> found.add(new TopicPartition(i.topic(), i.partition())));
                }
                if (found.isEmpty()) {
                    LOG.warn("topic {} not found yet at the broker; waiting", topic);
                }
            }
            partitions.addAll(found);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
