package vn.ioc.pulse.jobs.records;

/**
 * What a dossier contributes to a scope's timelines. KPIs are sums of measures over a window (by the measure's
 * position in time) or, for live gauges, over all active contributions.
 */
public enum Measure {
    /** A received dossier, positioned at {@code received_at} (DOMAIN.md §3 {@code received}). */
    RECEIVED
}
