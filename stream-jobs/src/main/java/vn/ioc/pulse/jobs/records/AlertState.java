package vn.ioc.pulse.jobs.records;

/**
 * The evaluation state of one alert (one rule in one scope, i.e. one fingerprint), a Flink POJO: pending since,
 * firing since, the last seq written and, for the overdue rule, the dossier codes of the last record. Kept while the
 * alert is pending or firing; once it is neither only {@code seq} matters (the next record of the fingerprint
 * continues from it), so an inactive state is never dropped once it has written a record.
 */
public class AlertState {
    /** Event time the condition started to hold (waiting for {@code for}); {@link #NONE} when not pending. */
    public long pendingSince = NONE;
    public boolean firing;
    /** starts_at of the firing alert. */
    public long startsAt;
    /** seq of the last record written for the fingerprint (0: none yet). */
    public long seq;
    /** as_of of the last KPI value applied (KPI rules: older values are ignored). */
    public long lastAsOf = NONE;
    /** The last value seen (KPI rules), null for no data. */
    public Double lastValue;
    /** The overdue rule: codes listed as overdue by the last FIRING record (sorted), to tell when the set changes. */
    public String[] reported = new String[0];

    public static final long NONE = Long.MIN_VALUE;

    public AlertState() {
    }

    public boolean pending() {
        return pendingSince != NONE;
    }

    /** Neither pending nor firing: only the seq is worth keeping. */
    public boolean idle() {
        return !firing && !pending();
    }
}
