package vn.ioc.pulse.jobs.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;

/** KPI value → {@code ioc.kpi-updates.v1} record keyed {@code kpi/scope_type/scope_id/window} (CONTRACT.md §3). */
public final class KpiRecordSerializer implements KafkaRecordSerializationSchema<KpiValue> {
    @Override
    public ProducerRecord<byte[], byte[]> serialize(KpiValue v, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(Topics.KPI_UPDATES, null, v.asOf().toEpochMilli(),
                v.key().getBytes(StandardCharsets.UTF_8), v.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
