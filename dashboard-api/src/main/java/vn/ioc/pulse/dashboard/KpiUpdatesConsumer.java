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
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;

/**
 * Reads {@code ioc.kpi-updates.v1} on its own thread with a plain KafkaConsumer (STACK.md gotcha 3) and hands
 * batches of values to {@code sink}. Every instance reads every partition from the beginning of the compacted
 * topic, so a restarted API is hydrated with the latest value of every key; no group, no committed offsets.
 * Delivery: at-least-once from Kafka; the cache ignores stale or repeated values.
 */
public final class KpiUpdatesConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KpiUpdatesConsumer.class);

    private final KafkaConsumer<String, String> consumer;
    private final Consumer<List<KpiValue>> sink;
    private final Runnable onHydrated;
    private final Thread thread;
    private volatile long lag;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile long lastPollMillis;

    public KpiUpdatesConsumer(String bootstrap, Consumer<List<KpiValue>> sink) {
        this(bootstrap, sink, () -> { });
    }

    /** {@code onHydrated} runs once, on the consumer's thread, when the topic was read up to its end offsets. */
    public KpiUpdatesConsumer(String bootstrap, Consumer<List<KpiValue>> sink, Runnable onHydrated) {
        this.onHydrated = onHydrated;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ioc-dashboard-api");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.sink = sink;
        this.thread = new Thread(this::run, "kpi-updates-consumer");
        this.thread.setDaemon(true);
    }

    public KpiUpdatesConsumer start() {
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

    /** KPI records on the topic not yet read (from the consumer's own fetch positions; 0 when unknown). */
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
                List<KpiValue> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<String, String> r : records) {
                    try {
                        batch.add(KpiValue.fromJson(r.value()));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("skipping unreadable KPI value at {}-{}@{} key {}: {}", r.topic(), r.partition(),
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
                    LOG.info("KPI cache hydrated from {} up to the end offsets {}", Topics.KPI_UPDATES, end);
                    onHydrated.run();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("KPI updates consumer stopped", e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> assignAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        while (running && partitions.isEmpty()) {
            List<PartitionInfo> infos = null;
            try {
                infos = consumer.partitionsFor(Topics.KPI_UPDATES, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("Kafka not reachable for topic {}: {}", Topics.KPI_UPDATES, e.getMessage());
            }
            if (infos != null) {
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            if (partitions.isEmpty()) {
                LOG.warn("topic {} not found yet at the broker; waiting", Topics.KPI_UPDATES);
            }
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
