package vn.ioc.pulse.jobs.rules;

import java.util.List;
import java.util.Set;
import vn.ioc.pulse.jobs.records.Measure;

/**
 * How one KPI is computed from a scope's measures: a count (numerator only) or a ratio. Each term is a measure
 * summed over the KPI's window, or over everything active now ({@code live}, for open-dossier gauges).
 * {@code numeratorUnit} divides the numerator sum (e.g. ms of working time per working day).
 */
public record KpiFormula(String kpi, boolean ratio, List<KpiWindow> windows, Set<String> scopes,
                         List<Term> numerator, List<Term> denominator, double numeratorUnit)
        implements java.io.Serializable {

    public record Term(Measure measure, boolean live) implements java.io.Serializable {
        long evaluate(ScopeState state, KpiWindow window) {
            Timeline t = state.timeline(measure);
            return t == null ? 0 : t.sum(live ? KpiWindow.LIVE : window);
        }
    }

    /** A count of one measure over the window. */
    public static KpiFormula count(String kpi, List<KpiWindow> windows, Set<String> scopes, Measure measure) {
        return new KpiFormula(kpi, false, windows, scopes, List.of(new Term(measure, false)), List.of(), 1.0);
    }

    long numerator(ScopeState state, KpiWindow window) {
        return sum(numerator, state, window);
    }

    long denominator(ScopeState state, KpiWindow window) {
        return sum(denominator, state, window);
    }

    private static long sum(List<Term> terms, ScopeState state, KpiWindow window) {
        long s = 0;
        for (Term t : terms) {
            s += t.evaluate(state, window);
        }
        return s;
    }
}
