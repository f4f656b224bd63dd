package vn.ioc.pulse.dashboard.alerts.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of alert delivery: {@code ioc_alert_notifications_total{receiver, outcome}} with outcome {@code queued}
 * (in the outbox), {@code delivered} (2xx), {@code retried} (a failed try that will be retried),
 * {@code dead_lettered}, {@code replayed}; {@code ioc_alert_records_total{outcome}} with {@code duplicate} (a repeated
 * (fingerprint, seq) dropped) and {@code unreadable}.
 */
final class DeliveryMetrics {
    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void queued(String receiver) {
        notification(receiver, "queued");
    }

    void delivered(String receiver) {
        notification(receiver, "delivered");
    }

    void retried(String receiver) {
        notification(receiver, "retried");
    }

    void deadLettered(String receiver) {
        notification(receiver, "dead_lettered");
    }

    void replayed(String receiver) {
        notification(receiver, "replayed");
    }

    void duplicate() {
        record("duplicate");
    }

    void unreadable() {
        record("unreadable");
    }

    private void notification(String receiver, String outcome) {
        Counter.builder("ioc_alert_notifications_total").description("Alert notifications by receiver and outcome")
                .tag("receiver", receiver).tag("outcome", outcome).register(registry).increment();
    }

    private void record(String outcome) {
        Counter.builder("ioc_alert_records_total").description("Alert records read by the notifier, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }
}
