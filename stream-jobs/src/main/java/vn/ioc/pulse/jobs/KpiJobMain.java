package vn.ioc.pulse.jobs;

import java.util.List;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.jobs.records.EnvelopeDeserializer;
import vn.ioc.pulse.jobs.sink.AlertRecordSerializer;
import vn.ioc.pulse.jobs.sink.InfluxKpiSink;
import vn.ioc.pulse.jobs.sink.KpiRecordSerializer;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InfluxKpiHistoryStore;

/**
 * Wires the KPI job to Kafka (source: both event topics from the earliest offset, so a job started without
 * state recomputes every KPI from the retained history; sinks: KPI values and alerts exactly-once, visible when a
 * checkpoint completes; dead letters at-least-once) and
 * to InfluxDB when configured.
 * The same class runs on a Flink cluster (job jar) and on the demo's local MiniCluster.
 */
public final class KpiJobMain {
    private KpiJobMain() {
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromEnv(System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
        build(env, config);
        env.execute("ioc-kpi-job");
    }

    /** Starts the job on {@code env} without waiting for it (the demo's way). */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config) throws Exception {
        build(env, config);
        return env.executeAsync("ioc-kpi-job");
    }

    /** Flink settings: checkpoints, no generic (Kryo) types, parallelism. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // chained operators hand records over without a serializer copy: every operator emits new objects and keyed
        // state only keeps records that came over the network (deserialized fresh), so nothing is mutated after use
        c.set(PipelineOptions.OBJECT_REUSE, true);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofMillis(config.checkpointIntervalMs()));
        // state outgrows the JobManager's 5 MB memory storage quickly: default to a local folder
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir() != null ? config.checkpointDir()
                : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "ioc-checkpoints").toUri().toString());
        c.set(org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM, config.parallelism());
        return c;
    }

    /**
     * Both event topics from the earliest offset; {@code stopAt} null for the live (unbounded) job, or where a
     * bounded run (benchmarks, batch recomputation) stops.
     */
    public static KafkaSource<Envelope> source(JobConfig config, OffsetsInitializer stopAt) {
        var builder = KafkaSource.<Envelope>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setTopics(List.of(Topics.CASE_EVENTS, Topics.SERVICE_EVENTS))
                .setGroupId("ioc-kpi-job")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(new EnvelopeDeserializer()));
        if (stopAt != null) {
            builder.setBounded(stopAt);
        }
        return builder.build();
    }

    /**
     * The alerts sink: {@code ioc.alerts.v1} keyed by fingerprint (a compacted topic), exactly-once (Kafka
     * transactions committed with each checkpoint; consumers read_committed), for the reason given at the KPI sink.
     */
    public static KafkaSink<AlertEvent> alertSink(JobConfig config) {
        return KafkaSink.<AlertEvent>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(new AlertRecordSerializer())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("ioc-kpi-job-alerts")
                .setKafkaProducerConfig(transactional())
                .build();
    }

    /**
     * Producer settings of the exactly-once sinks: a transaction lives at most one checkpoint interval plus a
     * restart, well under the broker's 15-minute ceiling (STACK.md gotcha 7).
     */
    static java.util.Properties transactional() {
        java.util.Properties p = new java.util.Properties();
        p.put("transaction.timeout.ms", "600000");
        return p;
    }

    static void build(StreamExecutionEnvironment env, JobConfig config) {
        KafkaSource<Envelope> source = source(config, null);
        // exactly-once: the values of a checkpoint interval become visible (read_committed) when the checkpoint
        // completes. At-least-once with seqs was not enough: after a restore the job recomputes the records written
        // since the checkpoint, and when that recomputation takes another path (events arriving in another order
        // relative to the watermark) and ends on the value the restored state had already published, nothing is
        // written again — the records of the failed attempt stay the latest word, wrong for ever (found by ./ioc
        // chaos: docs/reliability.md, "Faults"). Transactions abort those records instead.
        KafkaSink<KpiValue> kpiSink = KafkaSink.<KpiValue>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(new KpiRecordSerializer())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("ioc-kpi-job-kpis")
                .setKafkaProducerConfig(transactional())
                .build();
        KafkaSink<String> deadLetterSink = KafkaSink.<String>builder()
                .setBootstrapServers(config.kafkaBootstrap())
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(Topics.DEAD_LETTER)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        KafkaSink<AlertEvent> alertSink = alertSink(config);
        InfluxKpiSink historySink = null;
        if (config.influxUrl() != null) {
            String url = config.influxUrl();
            String db = config.influxDb();
            String token = config.influxToken();
            historySink = new InfluxKpiSink(() -> new InfluxKpiHistoryStore(url, db, token), 5_000, 1_000, 8);
        }
        new KpiJob(source, kpiSink, historySink, deadLetterSink, alertSink, config).build(env);
    }
}
