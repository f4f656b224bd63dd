package vn.ioc.pulse.jobs;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the KPI job, read once from environment variables (defaults in brackets):
 * {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092], {@code IOC_PROVINCE_CODE} [SL], {@code IOC_INFLUX_URL} [none:
 * no history sink], {@code IOC_INFLUX_DB} [ioc], {@code IOC_INFLUX_TOKEN} [none], {@code IOC_CHECKPOINT_DIR}
 * [file:// java.io.tmpdir/ioc-checkpoints], {@code IOC_CHECKPOINT_INTERVAL_MS} [10000], {@code IOC_OUT_OF_ORDERNESS_MS} [2000],
 * {@code IOC_SOURCE_IDLENESS_MS} [30000], {@code IOC_PARALLELISM} [2], {@code IOC_SOURCE_PARALLELISM} [0: the job's parallelism],
 * {@code IOC_RETENTION_DAYS} [35: how long a dossier that is not open keeps its full input list after its last
 * event before it is compacted; payment ids and feedback items are kept for ever], {@code IOC_CALENDAR_FILE} [the shipped Vietnamese
 * civil-service calendar], {@code IOC_KPI_CATALOG_FILE} [the shipped KPI catalogue with default thresholds],
 * {@code IOC_CATCHUP_PUBLISH_MS} [1000: while the event-time clock is more than a minute behind the wall clock
 * (replaying history), each scope publishes at most once per this many ms of processing time; 0 = at every step],
 * {@code IOC_KPI_HEARTBEAT_S} [60: while live, when nothing of the province changed for a minute of event time the
 * job publishes the province's backlog again with the new as_of, so readers can tell "quiet" from "stalled"
 * (docs/architecture.md, "Heartbeat"); 0 = off], {@code IOC_ALERT_RULES_FILE} [the shipped alert rules,
 * docs/alerting.md].
 */
public record JobConfig(String kafkaBootstrap, String provinceCode, String influxUrl, String influxDb,
                        String influxToken, String checkpointDir, long checkpointIntervalMs, Duration outOfOrderness,
                        Duration sourceIdleness, int parallelism, int sourceParallelism,
                        Duration retention, String calendarFile, String catalogFile, long catchUpPublishMs,
                        long heartbeatMs, String alertRulesFile) implements Serializable {

    /** Without an alert rules file: the shipped rules. */
    public JobConfig(String kafkaBootstrap, String provinceCode, String influxUrl, String influxDb,
                     String influxToken, String checkpointDir, long checkpointIntervalMs, Duration outOfOrderness,
                     Duration sourceIdleness, int parallelism, int sourceParallelism, Duration retention,
                     String calendarFile, String catalogFile, long catchUpPublishMs, long heartbeatMs) {
        this(kafkaBootstrap, provinceCode, influxUrl, influxDb, influxToken, checkpointDir, checkpointIntervalMs,
                outOfOrderness, sourceIdleness, parallelism, sourceParallelism, retention, calendarFile, catalogFile,
                catchUpPublishMs, heartbeatMs, null);
    }

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
                Integer.parseInt(env.getOrDefault("IOC_SOURCE_PARALLELISM", "0")),
                Duration.ofDays(Long.parseLong(env.getOrDefault("IOC_RETENTION_DAYS", "35"))),
                blankToNull(env.get("IOC_CALENDAR_FILE")),
                blankToNull(env.get("IOC_KPI_CATALOG_FILE")),
                Long.parseLong(env.getOrDefault("IOC_CATCHUP_PUBLISH_MS", "1000")),
                1000 * Long.parseLong(env.getOrDefault("IOC_KPI_HEARTBEAT_S", "60")),
                blankToNull(env.get("IOC_ALERT_RULES_FILE")));
    }

    /** The working-day calendar: the operator's file if configured, else the shipped one. */
    public vn.ioc.pulse.model.WorkingCalendar calendar() {
        return calendarFile == null ? vn.ioc.pulse.model.WorkingCalendar.load()
                : vn.ioc.pulse.model.WorkingCalendar.load(java.nio.file.Path.of(calendarFile));
    }

    /** The KPI catalogue: the operator's file if configured, else the shipped one. */
    public vn.ioc.pulse.model.KpiCatalog catalog() {
        return catalogFile == null ? vn.ioc.pulse.model.KpiCatalog.load()
                : vn.ioc.pulse.model.KpiCatalog.load(java.nio.file.Path.of(catalogFile));
    }

    /**
     * The alert rules: the operator's file if configured, else the shipped ones, checked against the KPI catalogue.
     *
     * @throws IllegalArgumentException naming the rule and the field when the file is bad (the job does not start)
     */
    public vn.ioc.pulse.jobs.rules.AlertRules alertRules() {
        vn.ioc.pulse.model.KpiCatalog catalog = catalog();
        return alertRulesFile == null ? vn.ioc.pulse.jobs.rules.AlertRules.load(catalog)
                : vn.ioc.pulse.jobs.rules.AlertRules.load(java.nio.file.Path.of(alertRulesFile), catalog);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
