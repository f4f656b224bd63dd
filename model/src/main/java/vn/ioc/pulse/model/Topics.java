package vn.ioc.pulse.model;

/** Kafka topic names of CONTRACT.md §3: the only coupling between deployables. */
public final class Topics {
    public static final String CASE_EVENTS = "ioc.case-events.v1";
    public static final String SERVICE_EVENTS = "ioc.service-events.v1";
    public static final String KPI_UPDATES = "ioc.kpi-updates.v1";
    public static final String ALERTS = "ioc.alerts.v1";
    public static final String DEAD_LETTER = "ioc.dead-letter.v1";
    /** Operators' acknowledgements and silences (dashboard API; compacted, key {@code ack/<fingerprint>} or {@code silence/<id>}). */
    public static final String ALERT_ACTIONS = "ioc.alert-actions.v1";
    /** Alert notifications waiting for delivery to a receiver (dashboard API's durable outbox; key = receiver). */
    public static final String ALERT_OUTBOX = "ioc.alert-outbox.v1";
    /** Notifications a receiver refused for good (a 4xx other than 408/429), with its answer; replayable. */
    public static final String ALERT_DEAD_LETTER = "ioc.alert-dead-letter.v1";

    private Topics() {
    }
}
