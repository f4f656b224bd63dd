package vn.ioc.pulse.jobs.rules;

import java.util.List;
import java.util.Set;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.KpiValue;

/** The KPIs this job computes, as formulas over measures (DOMAIN.md §3). */
public final class KpiFormulas {
    private static final Set<String> DOSSIER_SCOPES = Set.of("province", "agency", "commune", "field", "channel");
    private static final Set<String> WITH_PROCEDURE =
            Set.of("province", "agency", "commune", "field", "channel", "procedure");
    private static final List<KpiWindow> ALL_BUT_LIVE = List.of(KpiWindow.H1, KpiWindow.H24, KpiWindow.D7,
            KpiWindow.D30, KpiWindow.TODAY, KpiWindow.MTD, KpiWindow.QTD, KpiWindow.YTD);

    private KpiFormulas() {
    }

    /** Every formula of the v1 catalogue implemented so far. */
    public static List<KpiFormula> all() {
        return List.of(KpiFormula.count("received", ALL_BUT_LIVE, WITH_PROCEDURE, Measure.RECEIVED));
    }

    /** Scopes every dossier KPI without procedure breakdown uses. */
    public static Set<String> dossierScopes() {
        return DOSSIER_SCOPES;
    }

    /** Status without thresholds: GREY when there is no data, GREEN otherwise (counts have no thresholds yet). */
    public static ScopeState.StatusRule defaultStatus() {
        return (kpi, value) -> value == null ? KpiValue.Status.GREY : KpiValue.Status.GREEN;
    }
}
