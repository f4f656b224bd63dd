package vn.ioc.pulse.dashboard.alerts.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;

/**
 * Reads {@code ioc.alerts.v1} in consumer group {@value #GROUP} (so of several API instances exactly one groups a
 * partition) on its own thread, groups with {@link AlertGrouper}, and writes due notifications to the outbox.
 *
 * <p>Delivery guarantee: every flush is one Kafka transaction holding the notifications <em>and</em> the alerts-topic
 * offsets up to the lowest offset still waiting in a group (acks=all, idempotent, transactional producer). So a
 * notification is in the outbox exactly when the records it carries are committed: a crash before the commit
 * re-groups them from Kafka, a crash after it never builds them again — nothing is lost and nothing is notified
 * twice with a different idempotency key. Stopping does not flush waiting groups (they are re-grouped on restart).
 * After an assignment the last {@code seq} of each fingerprint is rebuilt by reading the compacted topic up to the
 * committed offsets, so a record the KPI job repeats after a restore is dropped across API restarts too.
 */
final class AlertNotifier implements AutoCloseable {
    static final String GROUP = "ioc-alert-notifier";
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final long OFFSETS_ONLY_COMMIT_MILLIS = 2_000;

    private final String bootstrap;
    private final AlertGrouper grouper;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final DeliveryMetrics metrics;
    private volatile boolean running = true;
    private volatile long lastPollMillis = System.currentTimeMillis();
    private long lastOffsetsCommit;

    AlertNotifier(String bootstrap, DeliveryConfig config, Predicate<AlertEvent> silenced, DeliveryMetrics metrics) {
        this.bootstrap = bootstrap;
        this.metrics = metrics;
        this.grouper = new AlertGrouper(config, silenced);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ioc-alert-notifier-" + config.instanceId());
        // static membership: this instance restarted (even after kill -9) takes its partitions back at once instead
        // of waiting for the dead member's session to expire; a dead instance's partitions move after 15 s
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "ioc-alert-notifier-" + config.instanceId());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // eager protocol: a rebalance revokes every partition, so pending groups are simply dropped and re-read
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ioc-alert-notifier-" + config.instanceId());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ioc-alert-notifier-" + config.instanceId());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.thread = new Thread(this::run, "alert-notifier");
        this.thread.setDaemon(true);
    }

    AlertNotifier start() {
        thread.start();
        return this;
    }

    boolean healthy() {
        return thread.isAlive() && System.currentTimeMillis() - lastPollMillis < 30_000;
    }

    private void run() {
        try {
            initTransactions();
            consumer.subscribe(List.of(Topics.ALERTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    grouper.reset();
                    committed.clear();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    try {
                        rebuildLastSeq(partitions);
                    } catch (WakeupException e) {
                        throw e;
                    } catch (KafkaException e) {
                        LOG.warn("could not rebuild the last seq per alert for {} ({}): a record repeated from "
                                + "before the last commit may be notified again", partitions, e.toString());
                    }
                }
            });
            while (running) {
                long now = System.currentTimeMillis();
                long wait = Math.max(10, Math.min(500, grouper.nextDueAt() - now));
                var records = consumer.poll(Duration.ofMillis(wait));
                lastPollMillis = System.currentTimeMillis();
                for (ConsumerRecord<String, String> r : records) {
                    offer(r);
                }
                flush();
            }
        } catch (WakeupException e) {
            // closing
        } catch (ProducerFencedException e) {
            LOG.error("alert notifier stopped: another instance with IOC_ALERT_INSTANCE_ID's transactional id took "
                    + "over the outbox producer (give every API instance its own id)", e);
        } catch (RuntimeException e) {
            LOG.error("alert notifier stopped; alerts are no longer grouped into notifications", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ZERO);
        }
    }

    /** Fences this instance's previous incarnation (aborting its open transaction); waits for Kafka if needed. */
    private void initTransactions() {
        while (running) {
            try {
                producer.initTransactions();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("Kafka not reachable for the alert outbox producer; retrying: {}", e.getMessage());
            }
        }
    }

    private void offer(ConsumerRecord<String, String> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.value() == null) {
            return; // a tombstone of the compacted topic
        }
        AlertEvent alert;
        try {
            alert = AlertEvent.fromJson(r.value());
        } catch (IllegalArgumentException e) {
            metrics.unreadable();
            LOG.warn("skipping unreadable alert at {}-{}@{} key {}: {}", r.topic(), r.partition(), r.offset(),
                    r.key(), e.getMessage());
            return;
        }
        if (!grouper.offer(alert, tp, r.offset(), System.currentTimeMillis())) {
            metrics.duplicate();
            LOG.debug("dropping repeated alert record {} seq {} at {}-{}@{}", alert.fingerprint(), alert.seq(),
                    r.topic(), r.partition(), r.offset());
        }
    }

    /** One transaction: the due notifications and the offsets below which nothing waits any more. */
    private void flush() {
        long now = System.currentTimeMillis();
        List<Notification> due = grouper.flushDue(now, Instant.now());
        Map<TopicPartition, OffsetAndMetadata> offsets = offsetsToCommit();
        if (due.isEmpty() && (offsets.isEmpty() || now - lastOffsetsCommit < OFFSETS_ONLY_COMMIT_MILLIS)) {
            return;
        }
        try {
            producer.beginTransaction();
            for (Notification n : due) {
                producer.send(new ProducerRecord<>(Topics.ALERT_OUTBOX, n.receiver(), n.toJson().encode()));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e; // fatal for this producer
        } catch (KafkaException e) {
            LOG.warn("outbox transaction failed ({}); re-grouping from the committed offsets", e.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                throw e;
            }
            rewind();
            return;
        }
        lastOffsetsCommit = now;
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        for (Notification n : due) {
            metrics.queued(n.receiver());
            LOG.debug("notification {} for receiver {} ({} alerts, key {}) in the outbox", n.id(), n.receiver(),
                    n.alerts().size(), n.idempotencyKey());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
        Map<TopicPartition, Long> pending = grouper.lowestPendingOffsets();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            long upTo = pending.containsKey(tp) ? pending.get(tp) : consumer.position(tp);
            Long done = committed.get(tp);
            if (done == null || upTo > done) {
                out.put(tp, new OffsetAndMetadata(upTo));
            }
        }
        return out;
    }

    /** After an aborted transaction: forget the groups and read again from the committed offsets. */
    private void rewind() {
        grouper.reset();
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> c = consumer.committed(assigned, Duration.ofSeconds(30));
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata o = c.get(tp);
            if (o == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, o.offset());
            }
        }
        rebuildLastSeq(assigned);
    }

    /** Reads the partitions up to their committed offsets (a compacted topic: bounded) to learn each last seq. */
    private void rebuildLastSeq(Collection<TopicPartition> partitions) {
        committed.clear();
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> c = consumer.committed(new HashSet<>(partitions),
                Duration.ofSeconds(30));
        Map<TopicPartition, Long> upTo = new HashMap<>();
        c.forEach((tp, o) -> {
            if (o != null && o.offset() > 0) {
                upTo.put(tp, o.offset());
            }
            if (o != null) {
                committed.put(tp, o.offset());
            }
        });
        if (upTo.isEmpty()) {
            return;
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int seen = 0;
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            reader.assign(upTo.keySet());
            reader.seekToBeginning(upTo.keySet());
            Set<TopicPartition> open = new HashSet<>(upTo.keySet());
            long deadline = System.currentTimeMillis() + 60_000;
            while (!open.isEmpty() && running && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < upTo.get(tp) && r.value() != null) {
                        try {
                            AlertEvent a = AlertEvent.fromJson(r.value());
                            grouper.seen(a);
                            seen++;
                        } catch (IllegalArgumentException ignored) {
                            // counted when first read
                        }
                    }
                }
                open.removeIf(tp -> reader.position(tp) >= upTo.get(tp));
            }
            if (!open.isEmpty() && running) {
                LOG.warn("could not read {} up to the committed offsets within 60 s: repeated alert records "
                        + "from before the restart may be notified again (same alert, new notification)", open);
            }
        }
        LOG.debug("alert notifier assigned {}; last seq rebuilt from {} records", partitions, seen);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
