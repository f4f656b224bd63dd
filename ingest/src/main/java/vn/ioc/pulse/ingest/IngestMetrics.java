package vn.ioc.pulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vn.ioc.pulse.web.Metrics;

/**
 * The gateway's own counters on {@code /metrics}: {@code ioc_ingest_records_total{outcome="accepted"}} and
 * {@code ioc_ingest_records_total{outcome="rejected",field=…}} — the field at fault, {@code none} when the record
 * could not be read at all (malformed JSON, not UTF-8, too long). Field names are the contract's, so the label's
 * values are bounded.
 */
final class IngestMetrics {
    private static final MeterRegistry REGISTRY = Metrics.registry();
    private static final Counter ACCEPTED = Counter.builder("ioc_ingest_records_total").tag("outcome", "accepted")
            .tag("field", "").description("records accepted (written to an event topic)").register(REGISTRY);
    private static final Map<String, Counter> REJECTED = new ConcurrentHashMap<>();

    private IngestMetrics() {
    }

    static void accepted(int n) {
        ACCEPTED.increment(n);
    }

    static void rejected(String field) {
        String f = field == null || field.length() > 64 ? "none" : field;
        REJECTED.computeIfAbsent(f, k -> Counter.builder("ioc_ingest_records_total").tag("outcome", "rejected")
                .tag("field", k).description("records rejected (sent to the dead-letter topic), by field at fault")
                .register(REGISTRY)).increment();
    }
}
