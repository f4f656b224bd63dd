package vn.ioc.pulse.jobs;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the KPI job, read once from environment variables (defaults in brackets):
 * {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092], {@code IOC_PROVINCE_CODE} [SL], {@code IOC_INFLUX_URL} [none:
 * no history sink], {@code IOC_INFLUX_DB} [ioc], {@code IOC_INFLUX_TOKEN} [none], {@code IOC_CHECKPOINT_DIR}
 * [none: Flink's default], {@code IOC_CHECKPOINT_INTERVAL_MS} [10000], {@code IOC_OUT_OF_ORDERNESS_MS} [2000],
 * {@code IOC_SOURCE_IDLENESS_MS} [30000], {@code IOC_PARALLELISM} [2], {@code IOC_SOURCE_PARALLELISM} [0: the job's parallelism].
 */
public record JobConfig(String kafkaBootstrap, String provinceCode, String influxUrl, String influxDb,
                        String influxToken, String checkpointDir, long checkpointIntervalMs, Duration outOfOrderness,
                        Duration sourceIdleness, int parallelism, int sourceParallelism) implements Serializable {

    public static JobConfig fromEnv(Map<String, String> env) {
        return new JobConfig(
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"),
                env.getOrDefault("IOC_PROVINCE_CODE", "SL"),
                blankToNull(env.get("IOC_INFLUX_URL")),
                env.getOrDefault("IOC_INFLUX_DB", "ioc"),
                blankToNull(env.get("IOC_INFLUX_TOKEN")),
                blankToNull(env.get("IOC_CHECKPOINT_DIR")),
                Long.parseLong(env.getOrDefault("IOC_CHECKPOINT_INTERVAL_MS", "10000")),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("IOC_OUT_OF_ORDERNESS_MS", "2000"))),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("IOC_SOURCE_IDLENESS_MS", "30000"))),
                Integer.parseInt(env.getOrDefault("IOC_PARALLELISM", "2")),
                Integer.parseInt(env.getOrDefault("IOC_SOURCE_PARALLELISM", "0")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
