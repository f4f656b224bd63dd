package vn.ioc.pulse.dashboard.rest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.Collator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vn.ioc.pulse.dashboard.KpiCache;
import vn.ioc.pulse.model.KpiCatalog.KpiDefinition;
import vn.ioc.pulse.model.KpiValue;

/**
 * A ranking of the units of one scope type by one KPI window, <b>worst first</b> ({@code GET
 * /api/v1/kpis/{kpi}/ranking}).
 *
 * <ul>
 *   <li><b>Direction</b>: from the KPI's thresholds — higher is better when green ≥ yellow (the catalogue states it
 *       as {@code thresholds.direction}, and checks it agrees), so the lowest value is worst; lower is better
 *       otherwise, so the highest value is worst. A KPI <b>without thresholds</b> is ranked as lower-is-better:
 *       the <b>largest value first</b>. For the catalogue's KPIs without thresholds that is the worst first for
 *       backlog, due_soon, paused, withdrawn_stopped, avg_processing_days and supplement_ratio (more is worse), the
 *       busiest first for received and resolved (volumes, neither good nor bad), and — the one exception — the
 *       <i>best</i> first for early_ratio; give a KPI thresholds in the catalogue to rank it otherwise. The answer
 *       says which direction was used and where it came from ({@code direction}, {@code direction_from}).</li>
 *   <li><b>Ties</b> share a rank (competition ranking 1, 2, 2, 4; values compared exactly) and are ordered by unit
 *       name (Vietnamese collation), then scope id.</li>
 *   <li><b>No value</b>: units whose value is null (a ratio over no dossiers) and, for the scope types with a list
 *       of units (province, agency, commune), listed units that have no value at all for the window come after
 *       every ranked unit, with {@code rank} null, ordered by name then scope id. Units without a value at all also
 *       have null numerator, denominator, as_of and seq, and status GREY.</li>
 *   <li>Values of scope ids missing from the units list are ranked too, with {@code name} null (for scope types
 *       without a list — field, channel, procedure, component — every name is null); they sort by scope id where a
 *       name would be used.</li>
 * </ul>
 */
public final class Ranking {
    private static final Collator VIETNAMESE = Collator.getInstance(Locale.forLanguageTag("vi"));

    private Ranking() {
    }

    /** Whether the worst value is the lowest; see the class comment. */
    public static boolean higherIsBetter(KpiDefinition kpi) {
        return kpi.thresholds() != null && kpi.thresholds().higherIsBetter();
    }

    /**
     * The ranking.
     *
     * @param entries the cached latest values of this KPI, scope type and window (any order)
     * @param units   the listed units of this scope type (empty when it has no list)
     */
    public static JsonObject rank(KpiDefinition kpi, String scopeType, String window, List<KpiCache.Entry> entries,
                                  List<UnitRegistry.Unit> units) {
        Map<String, String> names = new LinkedHashMap<>();
        units.forEach(u -> names.put(u.code(), u.name()));
        List<Row> ranked = new ArrayList<>();
        List<Row> unranked = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (KpiCache.Entry e : entries) {
            KpiValue v = e.value();
            if (!v.kpi().equals(kpi.id()) || !v.scopeType().equals(scopeType) || !v.window().equals(window)) {
                continue;
            }
            seen.add(v.scopeId());
            Row row = new Row(v.scopeId(), names.get(v.scopeId()), e);
            (v.value() == null || v.value().isNaN() ? unranked : ranked).add(row);
        }
        for (UnitRegistry.Unit u : units) {
            if (!seen.contains(u.code())) {
                unranked.add(new Row(u.code(), u.name(), null));
            }
        }
        boolean higherIsBetter = higherIsBetter(kpi);
        Comparator<Row> byName = Comparator.comparing(Row::sortName, VIETNAMESE).thenComparing(Row::scopeId);
        Comparator<Row> worstFirst = Comparator.comparingDouble(Row::value);
        if (!higherIsBetter) {
            worstFirst = worstFirst.reversed();
        }
        ranked.sort(worstFirst.thenComparing(byName));
        unranked.sort(byName);

        JsonArray rows = new JsonArray();
        int rank = 0;
        Double previous = null;
        for (int i = 0; i < ranked.size(); i++) {
            Row r = ranked.get(i);
            if (previous == null || Double.compare(previous, r.value()) != 0) {
                rank = i + 1;
                previous = r.value();
            }
            rows.add(r.toJson(rank));
        }
        unranked.forEach(r -> rows.add(r.toJson(null)));
        return new JsonObject().put("kpi", kpi.id()).put("scope_type", scopeType).put("window", window)
                .put("direction", higherIsBetter ? "higher_is_better" : "lower_is_better")
                .put("direction_from", kpi.thresholds() == null ? "default" : "thresholds")
                .put("rows", rows);
    }

    /** A unit with its cached value, or none ({@code entry} null). */
    private record Row(String scopeId, String name, KpiCache.Entry entry) {
        double value() {
            return entry.value().value();
        }

        String sortName() {
            return name == null ? scopeId : name;
        }

        JsonObject toJson(Integer rank) {
            JsonObject o = new JsonObject().put("rank", rank).put("scope_id", scopeId).put("name", name);
            if (entry == null) {
                return o.putNull("value").putNull("numerator").putNull("denominator").put("status", "GREY")
                        .putNull("as_of").putNull("seq");
            }
            KpiValue v = entry.value();
            return o.put("value", v.value()).put("numerator", v.numerator()).put("denominator", v.denominator())
                    .put("status", v.status().name()).put("as_of", KpiValue.formatTime(v.asOf()))
                    .put("seq", entry.seq());
        }
    }
}
