package vn.ioc.pulse.jobs.sink;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.Topics;

/** Alert → {@code ioc.alerts.v1} record keyed by its fingerprint (CONTRACT.md §3; a compacted topic). */
public final class AlertRecordSerializer implements KafkaRecordSerializationSchema<AlertEvent> {
    @Override
    public ProducerRecord<byte[], byte[]> serialize(AlertEvent a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(Topics.ALERTS, null, a.asOf().toEpochMilli(),
                a.fingerprint().getBytes(StandardCharsets.UTF_8), a.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
