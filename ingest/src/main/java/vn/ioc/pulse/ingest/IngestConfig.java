package vn.ioc.pulse.ingest;

import java.util.Map;
import vn.ioc.pulse.web.ServerLimits;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * Configuration of the ingest gateway, read once from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code IOC_INGEST_PORT} [8081], {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092];</li>
 *   <li>{@code IOC_INGEST_MAX_BODY_BYTES} [16 MiB]: larger requests answer 413 (NDJSON bodies are streamed, the
 *       others held in memory up to this size);</li>
 *   <li>{@code IOC_INGEST_MAX_RECORDS} [100000] records per request: more answers 413; {@code IOC_INGEST_MAX_LINE_BYTES}
 *       [900 KiB, under Kafka's 1 MiB default request size] per NDJSON line: a longer line is rejected;</li>
 *   <li>{@code IOC_KAFKA_TIMEOUT_MS} [10000]: how long a record may wait for Kafka's acknowledgement before the
 *       request is answered 503; {@code IOC_KAFKA_MAX_BLOCK_MS} [the same]: how long a send may wait for room in the
 *       producer's buffer (then 429) or for topic metadata (then 503);</li>
 *   <li>{@code IOC_KAFKA_BUFFER_BYTES} [64 MiB]: the producer's record buffer; {@code IOC_INGEST_MIN_FREE_BUFFER}
 *       [0.25]: below this free share a request answers 429 with {@code Retry-After: IOC_INGEST_RETRY_AFTER_S}
 *       [1] seconds;</li>
 *   <li>bearer-token authentication, see {@link BearerAuth.Config#fromEnv} ({@code IOC_AUTH} [on]);</li>
 *   <li>bind address, connection cap and timeouts, see {@link ServerLimits#fromEnv} ({@code IOC_BIND_ADDRESS}
 *       [0.0.0.0], {@code IOC_HTTP_MAX_CONNECTIONS} [1000] …).</li>
 * </ul>
 */
public record IngestConfig(int port, String kafkaBootstrap, long maxBodyBytes, int maxRecords, int kafkaTimeoutMs,
                           int maxLineBytes, long producerBufferBytes, double minFreeBuffer, int retryAfterSeconds,
                           int kafkaMaxBlockMs, BearerAuth.Config auth, ServerLimits limits) {

    /** Connections the gateway holds at most unless {@code IOC_HTTP_MAX_CONNECTIONS} says otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

    /** Defaults for everything but the limits (tests): auth off. */
    public IngestConfig(int port, String kafkaBootstrap, long maxBodyBytes, int maxRecords, int kafkaTimeoutMs) {
        this(port, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, 900 << 10, 64L << 20, 0.25, 1,
                kafkaTimeoutMs, BearerAuth.Config.OFF, ServerLimits.defaults(DEFAULT_MAX_CONNECTIONS)
                        .withBindAddress("127.0.0.1"));
    }

    public static IngestConfig fromEnv(Map<String, String> env) {
        return new IngestConfig(
                Integer.parseInt(env.getOrDefault("IOC_INGEST_PORT", "8081")),
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"),
                Long.parseLong(env.getOrDefault("IOC_INGEST_MAX_BODY_BYTES", String.valueOf(16L << 20))),
                Integer.parseInt(env.getOrDefault("IOC_INGEST_MAX_RECORDS", "100000")),
                Integer.parseInt(env.getOrDefault("IOC_KAFKA_TIMEOUT_MS", "10000")),
                Integer.parseInt(env.getOrDefault("IOC_INGEST_MAX_LINE_BYTES", String.valueOf(900 << 10))),
                Long.parseLong(env.getOrDefault("IOC_KAFKA_BUFFER_BYTES", String.valueOf(64L << 20))),
                Double.parseDouble(env.getOrDefault("IOC_INGEST_MIN_FREE_BUFFER", "0.25")),
                Integer.parseInt(env.getOrDefault("IOC_INGEST_RETRY_AFTER_S", "1")),
                Integer.parseInt(env.getOrDefault("IOC_KAFKA_MAX_BLOCK_MS",
                        env.getOrDefault("IOC_KAFKA_TIMEOUT_MS", "10000"))),
                BearerAuth.Config.fromEnv(env),
                ServerLimits.fromEnv(env, DEFAULT_MAX_CONNECTIONS));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(newPort, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, maxLineBytes,
                producerBufferBytes, minFreeBuffer, retryAfterSeconds, kafkaMaxBlockMs, auth, limits);
    }

    public IngestConfig withLimits(ServerLimits newLimits) {
        return new IngestConfig(port, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, maxLineBytes,
                producerBufferBytes, minFreeBuffer, retryAfterSeconds, kafkaMaxBlockMs, auth, newLimits);
    }

    public IngestConfig withAuth(BearerAuth.Config newAuth) {
        return new IngestConfig(port, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, maxLineBytes,
                producerBufferBytes, minFreeBuffer, retryAfterSeconds, kafkaMaxBlockMs, newAuth, limits);
    }

    /** How long a send may wait for buffer space or topic metadata before it fails (429 / 503). */
    public IngestConfig withKafkaMaxBlock(int ms) {
        return new IngestConfig(port, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, maxLineBytes,
                producerBufferBytes, minFreeBuffer, retryAfterSeconds, ms, auth, limits);
    }

    public IngestConfig withBuffer(long bufferBytes, double minFree) {
        return new IngestConfig(port, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs, maxLineBytes,
                bufferBytes, minFree, retryAfterSeconds, kafkaMaxBlockMs, auth, limits);
    }
}
