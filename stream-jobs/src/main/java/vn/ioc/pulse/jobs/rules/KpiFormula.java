package vn.ioc.pulse.jobs.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import vn.ioc.pulse.jobs.records.Measure;

/**
 * How one KPI is computed from a scope's measures: a count (numerator only) or a ratio. Each term is a measure
 * summed over the KPI's window, or over everything active now ({@code live}, for open-item gauges), times a sign.
 * The sums are exact integers; {@code numeratorUnit} and {@code denominatorUnit} divide them for publication
 * (e.g. milliseconds of working time → hours or days).
 */
public record KpiFormula(String kpi, boolean ratio, List<KpiWindow> windows, Set<String> scopes,
                         List<Term> numerator, List<Term> denominator, double numeratorUnit, double denominatorUnit)
        implements Serializable {

    /** One signed term. */
    public record Term(Measure measure, boolean live, int sign) implements Serializable {
        long evaluate(ScopeState state, KpiWindow window) {
            Timeline t = state.timeline(measure);
            return t == null ? 0 : sign * t.sum(live ? KpiWindow.LIVE : window);
        }
    }

    public static Term windowed(Measure m) {
        return new Term(m, false, 1);
    }

    public static Term live(Measure m) {
        return new Term(m, true, 1);
    }

    public static Term minus(Measure m) {
        return new Term(m, false, -1);
    }

    /** True when a term is a live gauge (the KPI then has no recomputable past). */
    boolean hasLiveTerm() {
        return numerator.stream().anyMatch(Term::live) || denominator.stream().anyMatch(Term::live);
    }

    long numeratorBetween(ScopeState state, long from, long to) {
        return sumBetween(numerator, state, from, to);
    }

    long denominatorBetween(ScopeState state, long from, long to) {
        return sumBetween(denominator, state, from, to);
    }

    private static long sumBetween(List<Term> terms, ScopeState state, long from, long to) {
        long s = 0;
        for (Term t : terms) {
            Timeline tl = state.timeline(t.measure());
            s += tl == null ? 0 : t.sign() * tl.sumBetween(from, to);
        }
        return s;
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
