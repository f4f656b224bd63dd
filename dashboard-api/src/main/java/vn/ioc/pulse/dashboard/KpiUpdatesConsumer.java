package vn.ioc.pulse.dashboard;

import java.util.List;
import java.util.function.Consumer;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;

/**
 * Reads {@code ioc.kpi-updates.v1} (a {@link TopicReader}): every instance reads every partition from the beginning
 * of the compacted topic, so a restarted API is hydrated with the latest value of every key; no group, no committed
 * offsets. Delivery: at-least-once from Kafka; the cache ignores stale or repeated values.
 */
public final class KpiUpdatesConsumer extends TopicReader<KpiValue> {

    public KpiUpdatesConsumer(String bootstrap, Consumer<List<KpiValue>> sink) {
        this(bootstrap, sink, () -> { });
    }

    /** {@code onHydrated} runs once, on the consumer's thread, when the topic was read up to its end offsets. */
    public KpiUpdatesConsumer(String bootstrap, Consumer<List<KpiValue>> sink, Runnable onHydrated) {
        super(bootstrap, "ioc-dashboard-api", List.of(Topics.KPI_UPDATES), "KPI value",
                r -> KpiValue.fromJson(r.value()), sink, onHydrated);
    }

    @Override
    public KpiUpdatesConsumer start() {
        super.start();
        return this;
    }
}
