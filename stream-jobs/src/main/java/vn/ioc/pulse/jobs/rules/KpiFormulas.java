package vn.ioc.pulse.jobs.rules;

import static vn.ioc.pulse.jobs.rules.KpiFormula.live;
import static vn.ioc.pulse.jobs.rules.KpiFormula.minus;
import static vn.ioc.pulse.jobs.rules.KpiFormula.windowed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;

/**
 * The v1 KPIs (DOMAIN.md §3, §7) as formulas over measures. Ids, windows, scopes and thresholds come from the KPI
 * catalogue (data); the arithmetic is here. {@code availability_ratio} is an integral over time, computed by
 * {@code AvailabilityProcessor} instead.
 */
public final class KpiFormulas {
    public static final String AVAILABILITY = "availability_ratio";
    private static final double HOUR_MS = 3_600_000.0;
    private static final double WORKING_DAY_MS = 8 * HOUR_MS;

    private KpiFormulas() {
    }

    private record Spec(List<KpiFormula.Term> numerator, List<KpiFormula.Term> denominator, double numeratorUnit,
                        double denominatorUnit) {
    }

    private static Spec count(KpiFormula.Term t) {
        return new Spec(List.of(t), List.of(), 1, 1);
    }

    private static Spec ratio(Measure num, Measure den) {
        return new Spec(List.of(windowed(num)), List.of(windowed(den)), 1, 1);
    }

    private static final Map<String, Spec> SPECS = new HashMap<>();

    static {
        SPECS.put("received", count(windowed(Measure.RECEIVED)));
        SPECS.put("resolved", count(windowed(Measure.RESOLVED)));
        SPECS.put("backlog", count(live(Measure.OPEN)));
        SPECS.put("overdue_open", count(live(Measure.OPEN_OVERDUE)));
        SPECS.put("due_soon", count(live(Measure.OPEN_DUE_SOON)));
        SPECS.put("paused", count(live(Measure.OPEN_PAUSED)));
        SPECS.put("on_time_ratio", new Spec(List.of(windowed(Measure.ENDED_ON_TIME), live(Measure.OPEN_ON_TIME)),
                List.of(windowed(Measure.ENDED), live(Measure.OPEN)), 1, 1));
        SPECS.put("early_ratio", ratio(Measure.ENDED_EARLY, Measure.ENDED));
        SPECS.put("late_ended", count(windowed(Measure.ENDED_LATE)));
        SPECS.put("time_saving_ratio", new Spec(
                List.of(windowed(Measure.RESOLVED_REGULATED_MS), minus(Measure.RESOLVED_ACTUAL_MS)),
                List.of(windowed(Measure.RESOLVED_REGULATED_MS)), HOUR_MS, HOUR_MS));
        SPECS.put("avg_processing_days", new Spec(List.of(windowed(Measure.RESOLVED_ACTUAL_MS)),
                List.of(windowed(Measure.RESOLVED)), WORKING_DAY_MS, 1));
        SPECS.put("supplement_ratio", ratio(Measure.RECEIVED_SUPPLEMENTED, Measure.RECEIVED));
        SPECS.put("withdrawn_stopped", count(windowed(Measure.ENDED_WITHDRAWN_STOPPED)));
        SPECS.put("online_ratio", ratio(Measure.RECEIVED_ONLINE, Measure.RECEIVED));
        SPECS.put("fully_online_ratio", ratio(Measure.RESOLVED_FULLY_ONLINE, Measure.RESOLVED));
        SPECS.put("online_payment_ratio", ratio(Measure.RESOLVED_FEE_PAID_ONLINE, Measure.RESOLVED_WITH_FEE));
        SPECS.put("payment_success_ratio", new Spec(List.of(windowed(Measure.PAYMENT_SUCCEEDED)),
                List.of(windowed(Measure.PAYMENT_SUCCEEDED), windowed(Measure.PAYMENT_FAILED)), 1, 1));
        SPECS.put("e_result_ratio", ratio(Measure.RESOLVED_E_RESULT, Measure.RESOLVED));
        SPECS.put("digitisation_ratio", ratio(Measure.RESOLVED_DIGITISED, Measure.RESOLVED));
        SPECS.put("data_reuse_ratio", ratio(Measure.RECEIVED_REUSED, Measure.RECEIVED));
        SPECS.put("satisfaction_ratio", ratio(Measure.ENDED_SATISFIED, Measure.ENDED));
        SPECS.put("dissatisfied", count(windowed(Measure.DISSATISFIED_RATING)));
        SPECS.put("feedback_on_time_ratio", new Spec(
                List.of(windowed(Measure.FEEDBACK_ANSWERED_ON_TIME), live(Measure.FEEDBACK_OPEN_ON_TIME)),
                List.of(windowed(Measure.FEEDBACK_ANSWERED), live(Measure.FEEDBACK_OPEN)), 1, 1));
    }

    /** Formulas for every catalogued KPI except availability; fails if the catalogue names a KPI we can't compute. */
    public static List<KpiFormula> from(KpiCatalog catalog) {
        List<KpiFormula> out = new ArrayList<>();
        for (KpiCatalog.KpiDefinition d : catalog.all()) {
            if (d.id().equals(AVAILABILITY)) {
                continue;
            }
            Spec spec = SPECS.get(d.id());
            if (spec == null) {
                throw new IllegalArgumentException("KPI catalogue names '" + d.id() + "', which the job cannot compute");
            }
            List<KpiWindow> windows = new ArrayList<>();
            d.windows().forEach(w -> windows.add(KpiWindow.byId(w)));
            out.add(new KpiFormula(d.id(), d.kind() == KpiCatalog.Kind.RATIO, List.copyOf(windows),
                    new LinkedHashSet<>(d.scopes()), spec.numerator(), spec.denominator(), spec.numeratorUnit(),
                    spec.denominatorUnit()));
        }
        return out;
    }

    /** Status from the catalogue's thresholds: GREY without data, GREEN for KPIs without thresholds. */
    public static ScopeState.StatusRule status(KpiCatalog catalog) {
        Map<String, KpiCatalog.Thresholds> thresholds = new HashMap<>();
        for (KpiCatalog.KpiDefinition d : catalog.all()) {
            if (d.thresholds() != null) {
                thresholds.put(d.id(), d.thresholds());
            }
        }
        return (kpi, value) -> {
            if (value == null || value.isNaN()) {
                return KpiValue.Status.GREY;
            }
            KpiCatalog.Thresholds t = thresholds.get(kpi);
            return t == null ? KpiValue.Status.GREEN : t.statusOf(value);
        };
    }
}
