package vn.ioc.pulse.ingest;

import java.util.Map;

/**
 * Configuration of the ingest gateway, read once from environment variables (defaults in brackets):
 * {@code IOC_INGEST_PORT} [8081], {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092], {@code IOC_INGEST_MAX_BODY_BYTES}
 * [16 MiB], {@code IOC_INGEST_MAX_RECORDS} [100000], {@code IOC_KAFKA_TIMEOUT_MS} [10000]: how long a record may
 * wait for Kafka's acknowledgement before the request is answered 503.
 */
public record IngestConfig(int port, String kafkaBootstrap, long maxBodyBytes, int maxRecords, int kafkaTimeoutMs) {

    public static IngestConfig fromEnv(Map<String, String> env) {
        return new IngestConfig(
                Integer.parseInt(env.getOrDefault("IOC_INGEST_PORT", "8081")),
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"),
                Long.parseLong(env.getOrDefault("IOC_INGEST_MAX_BODY_BYTES", String.valueOf(16L << 20))),
                Integer.parseInt(env.getOrDefault("IOC_INGEST_MAX_RECORDS", "100000")),
                Integer.parseInt(env.getOrDefault("IOC_KAFKA_TIMEOUT_MS", "10000")));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(newPort, kafkaBootstrap, maxBodyBytes, maxRecords, kafkaTimeoutMs);
    }
}
