package vn.ioc.pulse.dashboard.alerts.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.Metrics;

/**
 * Alert delivery (docs/alert-delivery.md): groups the records of {@code ioc.alerts.v1} into notifications per
 * receiver ({@link AlertNotifier}, a durable outbox topic), then delivers each receiver's notifications on its own
 * ({@link ReceiverWorker}), with retries, dead letters and replay. Every blocking Kafka call runs on the workers' own
 * threads or in {@code executeBlocking}; HTTP goes through Vert.x.
 *
 * <p>Delivery guarantee: at-least-once end to end, with a stable {@code Idempotency-Key} per notification (the same on
 * every try, after a restart and on replay), so a receiver that remembers keys sees each notification once.
 *
 * <p>{@code silenced} is asked at flush time on the notifier's thread (not an event loop): it must be thread-safe and
 * quick. With no receivers configured nothing is started.
 */
public final class AlertDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);
    /** How long outbox records are kept: a receiver down for longer loses its oldest notifications. */
    static final Duration OUTBOX_RETENTION = Duration.ofDays(30);

    private final Vertx vertx;
    private final DeliveryConfig config;
    private final String bootstrap;
    private final Predicate<AlertEvent> silenced;
    private final DeliveryMetrics metrics;
    private final List<ReceiverWorker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private AlertNotifier notifier;
    private KafkaProducer<String, String> producer;
    private volatile boolean started;

    public AlertDelivery(Vertx vertx, DeliveryConfig config, String bootstrapServers,
                         Predicate<AlertEvent> silenced) {
        this(vertx, config, bootstrapServers, silenced, Metrics.registry());
    }

    public AlertDelivery(Vertx vertx, DeliveryConfig config, String bootstrapServers, Predicate<AlertEvent> silenced,
                         MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.bootstrap = bootstrapServers;
        this.silenced = silenced;
        this.metrics = new DeliveryMetrics(registry);
    }

    public DeliveryConfig config() {
        return config;
    }

    /**
     * Creates the outbox and dead-letter topics if missing and starts the notifier and one worker per receiver;
     * completes once they run (they then wait for Kafka on their own). With no receivers: logs it once, starts
     * nothing.
     */
    public Future<Void> start() {
        if (!config.enabled()) {
            LOG.info("alert delivery off: no receivers configured (IOC_ALERT_RECEIVERS_FILE and "
                    + "IOC_ALERT_WEBHOOK_URL unset)");
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            synchronized (this) {
                if (started) {
                    return null;
                }
                ensureTopics();
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                p.put(ProducerConfig.CLIENT_ID_CONFIG, "ioc-alert-delivery-" + config.instanceId());
                producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
                notifier = new AlertNotifier(bootstrap, config, silenced, metrics).start();
                for (DeliveryConfig.Receiver r : config.receivers()) {
                    workers.add(new ReceiverWorker(vertx, bootstrap, config.instanceId(), r, producer, metrics).start());
                }
                started = true;
                LOG.info("alert delivery started for {} receiver(s): {}", config.receivers().size(),
                        config.receivers().stream().map(r -> r.name() + " (" + r.type().json() + " → " + r.host() + ")")
                                .toList());
                return null;
            }
        }, false);
    }

    /**
     * Stops at once, without flushing groups still waiting or finishing a delivery in progress: they were not
     * committed, so the next start groups and sends them again (same idempotency keys for notifications already in
     * the outbox).
     */
    public Future<Void> stop() {
        if (!config.enabled()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            synchronized (this) {
                if (!started) {
                    return null;
                }
                started = false;
                List<Thread> closing = new ArrayList<>();
                if (notifier != null) {
                    closing.add(new Thread(notifier::close, "alert-notifier-stop"));
                }
                workers.forEach(w -> closing.add(new Thread(w::close, "alert-delivery-stop")));
                closing.forEach(Thread::start);
                for (Thread t : closing) {
                    t.join();
                }
                workers.clear();
                notifier = null;
                producer.close(Duration.ofSeconds(5));
                producer = null;
                return null;
            }
        }, false);
    }

    /** True when delivery is off, or the notifier and every worker run and reach Kafka. */
    public boolean healthy() {
        return !config.enabled() || (started && notifier != null && notifier.healthy()
                && workers.stream().allMatch(w -> w.status().getBoolean("healthy")));
    }

    /** Per receiver: name, type, host, queued, outbox_lag, last_status, last_attempt_at, consecutive_failures … */
    public List<JsonObject> receivers() {
        if (!workers.isEmpty()) { // never waits for start/stop: called on the event loop
            return workers.stream().map(ReceiverWorker::status).toList();
        }
        return config.receivers().stream().map(r -> new JsonObject().put("name", r.name())
                .put("type", r.type().json()).put("host", r.host()).put("healthy", false)).toList();
    }

    /**
     * The notifications receivers refused and not yet replayed, oldest first: id, receiver, status, answer (first
     * 2 KB), when, idempotency_key, group_key, alerts (count).
     */
    public Future<List<JsonObject>> deadLetters() {
        if (!config.enabled()) {
            return Future.succeededFuture(List.of());
        }
        return vertx.executeBlocking(() -> readDeadLetters().values().stream()
                .sorted(Comparator.comparing((JsonObject o) -> o.getString("when", "")))
                .map(AlertDelivery::summary).toList(), false);
    }

    /**
     * Puts dead letter {@code id} back in the outbox with its idempotency key and body, and removes it from the dead
     * letters. Fails with {@link NoSuchElementException} when no such dead letter exists, {@link IllegalStateException}
     * when its receiver is no longer configured or delivery is not running.
     */
    public Future<Void> replay(String id) {
        if (!started) {
            return Future.failedFuture(new IllegalStateException("alert delivery is not running"));
        }
        return vertx.executeBlocking(() -> {
            JsonObject letter = readDeadLetters().get(id);
            if (letter == null) {
                throw new NoSuchElementException("no dead letter with id '" + id + "'");
            }
            Notification n = Notification.fromJson(letter.getJsonObject("notification"));
            if (config.receiver(n.receiver()) == null) {
                throw new IllegalStateException("receiver '" + n.receiver() + "' of dead letter " + id
                        + " is no longer configured");
            }
            KafkaProducer<String, String> p = producer;
            if (p == null) {
                throw new IllegalStateException("alert delivery is not running");
            }
            p.send(new ProducerRecord<>(Topics.ALERT_OUTBOX, n.receiver(), n.replayed(Instant.now()).toJson().encode()))
                    .get(30, TimeUnit.SECONDS);
            p.send(new ProducerRecord<>(Topics.ALERT_DEAD_LETTER, id, null)).get(30, TimeUnit.SECONDS);
            metrics.replayed(n.receiver());
            LOG.info("dead letter {} replayed to receiver {} (idempotency key {})", id, n.receiver(),
                    n.idempotencyKey());
            return null;
        }, false);
    }

    private static JsonObject summary(JsonObject letter) {
        JsonObject n = letter.getJsonObject("notification", new JsonObject());
        return new JsonObject().put("id", letter.getString("id")).put("receiver", letter.getString("receiver"))
                .put("status", letter.getValue("status")).put("answer", letter.getString("answer"))
                .put("when", letter.getString("when")).put("idempotency_key", letter.getString("idempotency_key"))
                .put("group_key", n.getString("group_key"))
                .put("alerts", n.getJsonArray("alerts") == null ? 0 : n.getJsonArray("alerts").size());
    }

    /** The dead-letter topic read to its end: latest record per id, tombstoned (replayed) ids left out. */
    private Map<String, JsonObject> readDeadLetters() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, JsonObject> out = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            List<PartitionInfo> infos = c.partitionsFor(Topics.ALERT_DEAD_LETTER, Duration.ofSeconds(10));
            if (infos != null) {
                infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
            long deadline = System.currentTimeMillis() + 30_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "the dead-letter topic could not be read to its end in 30 s");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        out.remove(r.key());
                    } else {
                        try {
                            out.put(r.key(), new JsonObject(r.value()));
                        } catch (RuntimeException e) {
                            LOG.warn("unreadable dead letter {} at offset {}: {}", r.key(), r.offset(),
                                    e.getMessage());
                        }
                    }
                }
            }
        }
        return out;
    }

    private void ensureTopics() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            NewTopic outbox = new NewTopic(Topics.ALERT_OUTBOX, Optional.of(1), Optional.empty())
                    .configs(Map.of("retention.ms", Long.toString(OUTBOX_RETENTION.toMillis())));
            NewTopic dead = new NewTopic(Topics.ALERT_DEAD_LETTER, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"));
            for (var e : admin.createTopics(List.of(outbox, dead)).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                                + ex.getCause().getMessage(), ex.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException ex) {
                    throw new IllegalStateException("Kafka at " + bootstrap + " did not create topic " + e.getKey()
                            + " within 30 s", ex);
                }
            }
        }
    }
}
