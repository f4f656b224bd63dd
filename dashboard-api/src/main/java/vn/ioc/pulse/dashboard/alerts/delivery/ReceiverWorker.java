package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.Topics;

/**
 * Delivers one receiver's notifications from the outbox, isolated from every other receiver: its own consumer (group
 * {@code ioc-alert-delivery.<receiver>}) on its own thread, its own HTTP client and connection pool, its own
 * timeouts. Notifications go one at a time, in outbox order.
 *
 * <p>Delivery guarantee: at-least-once. The outbox offset is committed only after a 2xx answer, or after a refused
 * notification (a 4xx other than 408/429, or another non-2xx answer that is not retried) is durably in the
 * dead-letter topic. 408, 429, 5xx, connection errors and timeouts are retried without end, with back-off and full
 * jitter, {@code Retry-After} as a minimum. A crash or rebalance mid-delivery sends the notification again, with the
 * same body and {@code Idempotency-Key}. While it waits, the consumer keeps polling (partitions paused) so it stays in
 * its group.
 */
final class ReceiverWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverWorker.class);
    static final int ANSWER_LIMIT = 2048;

    private final DeliveryConfig.Receiver receiver;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> deadLetters;
    private final HttpClientAgent client;
    private final Backoff backoff;
    private final DeliveryMetrics metrics;
    private final Thread thread;
    private final Map<TopicPartition, Long> skipped = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean revoked;
    private volatile boolean delivering;
    // status for GET /api/v1/alert-deliveries/receivers (written by the worker thread only)
    private volatile String lastStatus;
    private volatile Instant lastAttemptAt;
    private volatile int consecutiveFailures;
    private volatile long delivered;
    private volatile long deadLettered;
    private volatile int queued;
    private volatile long outboxLag;
    private volatile long lastPollMillis = System.currentTimeMillis();

    /** A receiver's answer, or the failure to get one ({@code status} 0). */
    record Answer(int status, String retryAfter, String body, String error) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean retriable() {
            return status == 0 || status == 408 || status == 429 || status >= 500;
        }

        String describe() {
            return status == 0 ? error : Integer.toString(status);
        }
    }

    private enum Outcome { DELIVERED, DEAD_LETTERED, ABANDONED }

    private final io.vertx.core.Context context;

    ReceiverWorker(Vertx vertx, String bootstrap, String instanceId, DeliveryConfig.Receiver receiver,
                   KafkaProducer<String, String> deadLetters, DeliveryMetrics metrics) {
        this.receiver = receiver;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.backoff = new Backoff(receiver.retryBackoff(), receiver.maxRetryBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        int timeout = (int) Math.min(Integer.MAX_VALUE, receiver.timeout().toMillis());
        // every request runs on this one event-loop context: a request made from the worker thread would have its
        // response handed over asynchronously, and a small body could arrive before the handler reading it was set
        // (seen under load as tries that failed with IllegalStateException, or hung until the timeout)
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setName("alert-receiver-" + receiver.name())
                        .setConnectTimeout(timeout).setKeepAlive(true).setIdleTimeout(timeout)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
                new PoolOptions().setHttp1MaxSize(2));
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(receiver.name()));
        // static membership, as the notifier's: a restarted instance resumes delivery at once
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId(receiver.name()) + "-" + instanceId);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId(receiver.name()));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "alert-delivery-" + receiver.name());
        this.thread.setDaemon(true);
    }

    static String groupId(String receiverName) {
        return "ioc-alert-delivery." + receiverName;
    }

    ReceiverWorker start() {
        thread.start();
        return this;
    }

    DeliveryConfig.Receiver receiver() {
        return receiver;
    }

    /** The receiver's state: name, type, url host, queue, lag, last status, consecutive failures, counts. */
    JsonObject status() {
        return new JsonObject().put("name", receiver.name()).put("type", receiver.type().json())
                .put("host", receiver.host()).put("queued", queued).put("outbox_lag", outboxLag)
                .put("last_status", lastStatus)
                .put("last_attempt_at", lastAttemptAt == null ? null : lastAttemptAt.toString())
                .put("consecutive_failures", consecutiveFailures).put("delivered", delivered)
                .put("dead_lettered", deadLettered)
                .put("healthy", thread.isAlive() && System.currentTimeMillis() - lastPollMillis < 30_000);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.ALERT_OUTBOX), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked = true;
                    skipped.clear();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (delivering) {
                        consumer.pause(partitions);
                    }
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                revoked = false;
                lastPollMillis = System.currentTimeMillis();
                updateLag();
                int mine = 0;
                for (ConsumerRecord<String, String> r : records) {
                    mine += receiver.name().equals(r.key()) ? 1 : 0;
                }
                queued = mine;
                batch:
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<String, String> r : records.records(tp)) {
                        if (!running || revoked) {
                            break batch;
                        }
                        Notification n = mine(r);
                        if (n == null) {
                            skipped.put(tp, r.offset() + 1);
                            continue;
                        }
                        Outcome outcome = deliverPaused(n);
                        if (outcome == Outcome.ABANDONED) {
                            break batch;
                        }
                        queued = Math.max(0, queued - 1);
                        skipped.remove(tp);
                        commit(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                    }
                }
                if (running && !revoked && !skipped.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    skipped.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
                    skipped.clear();
                    commit(offsets);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("delivery to receiver {} stopped", receiver.name(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The notification of {@code r} if it is for this receiver (another receiver's, or unreadable: null). */
    private Notification mine(ConsumerRecord<String, String> r) {
        if (!receiver.name().equals(r.key()) || r.value() == null) {
            return null;
        }
        try {
            return Notification.fromJson(new JsonObject(r.value()));
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable notification for receiver {} at {}-{}@{}: {}", receiver.name(), r.topic(),
                    r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partition moved on: the next owner starts from the last commit and sends again (same key)
            LOG.info("receiver {}: outbox commit {} not accepted ({}); the notification may be sent again",
                    receiver.name(), offsets, e.getMessage());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Kafka unreachable: the next commit covers it; a restart meanwhile sends it again (same key)
            LOG.warn("receiver {}: outbox commit {} failed ({}); the notification may be sent again after a restart",
                    receiver.name(), offsets, e.toString());
        }
    }

    private Outcome deliverPaused(Notification n) {
        delivering = true;
        consumer.pause(consumer.assignment());
        try {
            return deliver(n);
        } finally {
            delivering = false;
            consumer.resume(consumer.assignment());
        }
    }

    private Outcome deliver(Notification n) {
        int failures = 0;
        while (running && !revoked) {
            Answer a = await(post(n, failures + 1));
            if (a == null) {
                return Outcome.ABANDONED;
            }
            lastAttemptAt = Instant.now();
            lastStatus = a.describe();
            if (a.ok()) {
                consecutiveFailures = 0;
                delivered++;
                metrics.delivered(receiver.name());
                if (failures > 0) {
                    LOG.info("receiver {}: notification {} delivered after {} tries ({})", receiver.name(), n.id(),
                            failures + 1, a.status());
                } else {
                    LOG.debug("receiver {}: notification {} delivered ({})", receiver.name(), n.id(), a.status());
                }
                return Outcome.DELIVERED;
            }
            consecutiveFailures++;
            failures++;
            if (!a.retriable()) {
                if (deadLetter(n, a)) {
                    return Outcome.DEAD_LETTERED;
                }
            } else {
                metrics.retried(receiver.name());
            }
            Duration wait = backoff.delay(failures, Backoff.retryAfter(a.retryAfter(), Instant.now()));
            if (failures == 1 || failures % 10 == 0) {
                LOG.warn("receiver {}: notification {} try {} failed ({}); retrying in {} ms", receiver.name(),
                        n.id(), failures, a.describe(), wait.toMillis());
            } else {
                LOG.debug("receiver {}: notification {} try {} failed ({}); retrying in {} ms", receiver.name(),
                        n.id(), failures, a.describe(), wait.toMillis());
            }
            if (!pause(wait)) {
                return Outcome.ABANDONED;
            }
        }
        return Outcome.ABANDONED;
    }

    /** Writes the refused notification and the answer to the dead-letter topic; false if Kafka did not take it. */
    private boolean deadLetter(Notification n, Answer a) {
        JsonObject v = new JsonObject().put("id", n.id()).put("receiver", receiver.name()).put("status", a.status())
                .put("answer", a.body()).put("when", Instant.now().toString())
                .put("idempotency_key", n.idempotencyKey()).put("notification", n.toJson());
        try {
            deadLetters.send(new ProducerRecord<>(Topics.ALERT_DEAD_LETTER, n.id(), v.encode())).get(30,
                    TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.warn("receiver {}: notification {} refused ({}) but the dead-letter topic is not writable: {}; "
                    + "trying the receiver again", receiver.name(), n.id(), a.status(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        deadLettered++;
        metrics.deadLettered(receiver.name());
        LOG.warn("receiver {}: notification {} refused with {}; dead-lettered (answer: {})", receiver.name(), n.id(),
                a.status(), a.body().length() > 200 ? a.body().substring(0, 200) + "…" : a.body());
        return true;
    }

    /** One try: the stored body with the delivery's headers; never fails (a failure is an Answer with status 0). */
    private Future<Answer> post(Notification n, int attempt) {
        Promise<Answer> done = Promise.promise();
        context.runOnContext(v -> postOnContext(n, attempt).onComplete(done));
        return done.future();
    }

    private Future<Answer> postOnContext(Notification n, int attempt) {
        byte[] body = n.body().getBytes(StandardCharsets.UTF_8);
        long timeout = receiver.timeout().toMillis();
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(receiver.url())
                .setConnectTimeout(timeout).setIdleTimeout(timeout);
        receiver.headers().forEach(o::putHeader);
        o.putHeader("Content-Type", "application/json").putHeader("User-Agent", "ioc-pulse")
                .putHeader("Idempotency-Key", n.idempotencyKey()).putHeader("X-IOC-Notification-Id", n.id())
                .putHeader("X-IOC-Timestamp", Long.toString(Instant.now().getEpochSecond()))
                .putHeader("X-IOC-Attempt", Integer.toString(attempt));
        if (receiver.secret() != null) {
            o.putHeader("X-IOC-Signature", "sha256=" + hmacSha256Hex(receiver.secret(), body));
        }
        return client.request(o)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(ReceiverWorker::answer)
                .timeout(timeout, TimeUnit.MILLISECONDS)
                .otherwise(t -> new Answer(0, null, "", failure(t)));
    }

    /** A short reason for a try without an answer: "timeout", or the exception's class and message. */
    static String failure(Throwable t) {
        String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return text.toLowerCase(java.util.Locale.ROOT).contains("timeout")
                || text.toLowerCase(java.util.Locale.ROOT).contains("timed out") ? "timeout" : text;
    }

    /** Status, Retry-After and the first {@value #ANSWER_LIMIT} bytes of the body (the rest is read and dropped). */
    private static Future<Answer> answer(HttpClientResponse resp) {
        // the documented pattern (request → send → body): a handler set on the response after its head arrived could
        // miss a body that came in the same read ("try 1 failed (IllegalStateException)" under load)
        return resp.body().map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"),
                b.length() > ANSWER_LIMIT ? new String(b.getBytes(0, ANSWER_LIMIT), StandardCharsets.UTF_8)
                        : b.toString(StandardCharsets.UTF_8), null));
    }

    /** Waits for {@code f}, polling the paused consumer to stay in the group; null when stopping or revoked. */
    private Answer await(Future<Answer> f) {
        while (running && !revoked) {
            try {
                return f.await(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                keepAlive();
            }
        }
        return null;
    }

    /** Sleeps {@code d} in slices, polling the paused consumer; false when stopping or revoked. */
    private boolean pause(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (running && !revoked) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            keepAlive();
        }
        return false;
    }

    private void keepAlive() {
        var records = consumer.poll(Duration.ZERO); // partitions are paused: only group membership and rebalances
        lastPollMillis = System.currentTimeMillis();
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset()); // defensive: never skip a record
        }
        updateLag();
    }

    private void updateLag() {
        long behind = 0;
        for (TopicPartition tp : consumer.assignment()) {
            behind += consumer.currentLag(tp).orElse(0);
        }
        outboxLag = behind;
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} with {@code secret} (UTF-8): the {@code X-IOC-Signature} value. */
    static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
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
        client.close();
    }
}
