package vn.ioc.pulse.standalone.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;

/** The event-time minutes in which the KPI topic holds a value of one key (what InfluxDB must have a point for). */
final class TopicMinutes {
    private TopicMinutes() {
    }

    static Set<Long> read(String bootstrap, String key, Instant until) {
        Set<Long> minutes = new HashSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.KPI_UPDATES).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key()) && r.value() != null) {
                        KpiValue v = KpiValue.fromJson(r.value());
                        if (v.revision() == 0 && !v.asOf().isAfter(until)) {
                            minutes.add(v.asOf().toEpochMilli() / 60_000);
                        }
                    }
                }
            }
        }
        return minutes;
    }
}
