package vn.ioc.pulse.model;

/** Kafka topic names of CONTRACT.md §3: the only coupling between deployables. */
public final class Topics {
    public static final String CASE_EVENTS = "ioc.case-events.v1";
    public static final String SERVICE_EVENTS = "ioc.service-events.v1";
    public static final String KPI_UPDATES = "ioc.kpi-updates.v1";
    public static final String ALERTS = "ioc.alerts.v1";
    public static final String DEAD_LETTER = "ioc.dead-letter.v1";

    private Topics() {
    }
}
