package vn.ioc.pulse.jobs.records;

/**
 * What a dossier, feedback item or service event contributes to a scope. Windowed measures are positioned at an
 * instant (received_at, the end, the event) and summed over a KPI's window; gauge measures ({@link #gauge}) are
 * +1 when a status starts and −1 when it ends, positioned at those instants, and summed over everything ({@code
 * live}). Weights are counts, or milliseconds of working time for the *_MS measures.
 */
public enum Measure {
    /** Received dossier, at received_at. */
    RECEIVED(false, true),
    RECEIVED_ONLINE(false, false),
    /** Received dossier reusing digitised data. */
    RECEIVED_REUSED(false, false),
    /** Received dossier with at least one supplement request before its end (valid from the request). */
    RECEIVED_SUPPLEMENTED(false, false),
    /** Ended dossier (any end), at the end instant. */
    ENDED(false, true),
    ENDED_ON_TIME(false, true),
    ENDED_EARLY(false, false),
    ENDED_LATE(false, false),
    ENDED_WITHDRAWN_STOPPED(false, false),
    /** Ended, not LATE, latest rating not DISSATISFIED, not linked to a complaint. */
    ENDED_SATISFIED(false, false),
    /** Ended by RESOLVED or RESULT_RETURNED. */
    RESOLVED(false, true),
    /** Regulated working time (ms) of resolved dossiers: received → original due. */
    RESOLVED_REGULATED_MS(false, false),
    /** Actual working time (ms) of resolved dossiers: received → end minus paused working time. */
    RESOLVED_ACTUAL_MS(false, true),
    RESOLVED_WITH_FEE(false, false),
    RESOLVED_FEE_PAID_ONLINE(false, false),
    RESOLVED_E_RESULT(false, false),
    RESOLVED_DIGITISED(false, false),
    RESOLVED_FULLY_ONLINE(false, false),
    /** A RATED DISSATISFIED event, at its time. */
    DISSATISFIED_RATING(false, false),
    /** Open dossier (received, not ended), paused or not. */
    OPEN(true, true),
    OPEN_OVERDUE(true, false),
    OPEN_DUE_SOON(true, false),
    OPEN_PAUSED(true, false),
    /** Open and on time for on_time_ratio (not overdue; paused: request by the due; fewer than 2 requests). */
    OPEN_ON_TIME(true, true),
    /** Payment service events, at their time. */
    PAYMENT_SUCCEEDED(false, false),
    PAYMENT_FAILED(false, false),
    /** Citizen feedback answered, at the answer. */
    FEEDBACK_ANSWERED(false, false),
    FEEDBACK_ANSWERED_ON_TIME(false, false),
    FEEDBACK_OPEN(true, false),
    FEEDBACK_OPEN_ON_TIME(true, false);

    /** True for live gauges (position = the instant the status starts or ends). */
    public final boolean gauge;
    /** True when a KPI at procedure scope uses this measure. */
    public final boolean procedureScope;

    Measure(boolean gauge, boolean procedureScope) {
        this.gauge = gauge;
        this.procedureScope = procedureScope;
    }
}
