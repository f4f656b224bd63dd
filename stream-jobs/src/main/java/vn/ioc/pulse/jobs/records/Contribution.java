package vn.ioc.pulse.jobs.records;

/**
 * A signed change of one measure in one scope: {@code weight} added at time {@code position} (which decides the
 * windows it falls in), known from event time {@code validFrom} on (a KPI as of T counts only contributions with
 * {@code validFrom <= T}). A dossier whose facts change emits the negation of its old contributions and its new
 * ones, so sums stay exact for any arrival order.
 */
public record Contribution(String scopeType, String scopeId, Measure measure, long position, long validFrom,
                           long weight) {

    /** The aggregation key: {@code scope_type/scope_id}. */
    public String scopeKey() {
        return scopeType + "/" + scopeId;
    }

    public Contribution negate() {
        return new Contribution(scopeType, scopeId, measure, position, validFrom, -weight);
    }
}
