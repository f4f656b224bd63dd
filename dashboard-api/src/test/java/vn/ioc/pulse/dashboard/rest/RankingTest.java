package vn.ioc.pulse.dashboard.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.dashboard.KpiCache;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;

@DisplayName("Rankings: worst first by the KPI's direction, competition ranks, no value last")
class RankingTest {
    private static final KpiCatalog CATALOG = KpiCatalog.load();
    private static final Instant AS_OF = Instant.parse("2026-03-02T03:00:00Z");
    private static final List<UnitRegistry.Unit> UNITS = List.of(
            new UnitRegistry.Unit("01", "Xã Đông", "commune", "xa"),
            new UnitRegistry.Unit("02", "Xã Bắc", "commune", "xa"),
            new UnitRegistry.Unit("03", "Xã An", "commune", "xa"),
            new UnitRegistry.Unit("04", "Xã Chiềng", "commune", "xa"),
            new UnitRegistry.Unit("05", "Xã Dương", "commune", "xa"));

    @Test
    @DisplayName("the direction comes from the thresholds; KPIs without thresholds rank the largest value first")
    void direction() {
        assertThat(Ranking.higherIsBetter(CATALOG.get("on_time_ratio").orElseThrow())).isTrue();
        assertThat(Ranking.higherIsBetter(CATALOG.get("overdue_open").orElseThrow())).isFalse();
        assertThat(Ranking.higherIsBetter(CATALOG.get("backlog").orElseThrow())).isFalse();
        for (KpiCatalog.KpiDefinition d : CATALOG.all()) {
            if (d.thresholds() != null) {
                assertThat(Ranking.higherIsBetter(d)).as(d.id())
                        .isEqualTo(d.thresholds().green() >= d.thresholds().yellow());
            }
        }
    }

    @Test
    @DisplayName("higher is better: lowest first, ties share a rank ordered by name (Vietnamese), nulls last by name")
    void higherIsBetter() {
        List<KpiCache.Entry> entries = new ArrayList<>();
        entries.add(ratio("01", 1, 2, 4));   // 0.5  Xã Đông
        entries.add(ratio("02", 1, 2, 7));   // 0.5  Xã Bắc
        entries.add(ratio("03", 9, 10, 1));  // 0.9  Xã An
        entries.add(ratio("04", 0, 0, 2));   // null Xã Chiềng
        entries.add(ratio("99", 1, 4, 3));   // 0.25 not in the list
        JsonObject r = Ranking.rank(CATALOG.get("on_time_ratio").orElseThrow(), "commune", "30d", entries, UNITS);
        assertThat(r.getString("direction")).isEqualTo("higher_is_better");
        assertThat(r.getString("direction_from")).isEqualTo("thresholds");
        JsonArray rows = r.getJsonArray("rows");
        assertThat(rows.stream().map(o -> ((JsonObject) o).getString("scope_id")))
                .containsExactly("99", "02", "01", "03", "04", "05");
        assertThat(rows.stream().map(o -> ((JsonObject) o).getInteger("rank"))).containsExactly(1, 2, 2, 4, null, null);
        assertThat(rows.getJsonObject(0).getString("name")).isNull();
        assertThat(rows.getJsonObject(1)).isEqualTo(new JsonObject().put("rank", 2).put("scope_id", "02")
                .put("name", "Xã Bắc").put("value", 0.5).put("numerator", 1.0).put("denominator", 2.0)
                .put("status", "RED").put("as_of", "2026-03-02T10:00:00+07:00").put("seq", 7L));
        assertThat(rows.getJsonObject(4).getValue("value")).isNull();
        assertThat(rows.getJsonObject(4).getLong("seq")).isEqualTo(2);
        assertThat(rows.getJsonObject(5)).isEqualTo(new JsonObject().putNull("rank").put("scope_id", "05")
                .put("name", "Xã Dương").putNull("value").putNull("numerator").putNull("denominator")
                .put("status", "GREY").putNull("as_of").putNull("seq"));
    }

    @Test
    @DisplayName("a count without thresholds ranks the largest first")
    void countWithoutThresholds() {
        List<KpiCache.Entry> entries = List.of(count("backlog", "01", 3), count("backlog", "02", 10),
                count("backlog", "03", 10), count("backlog", "04", 0));
        JsonObject r = Ranking.rank(CATALOG.get("backlog").orElseThrow(), "commune", "live", entries, UNITS);
        assertThat(r.getString("direction")).isEqualTo("lower_is_better");
        assertThat(r.getString("direction_from")).isEqualTo("default");
        assertThat(r.getJsonArray("rows").stream().map(o -> ((JsonObject) o).getString("scope_id")))
                .containsExactly("03", "02", "01", "04", "05");
        assertThat(r.getJsonArray("rows").stream().map(o -> ((JsonObject) o).getInteger("rank")))
                .containsExactly(1, 1, 3, 4, null);
    }

    private static KpiCache.Entry ratio(String commune, double num, double den, long seq) {
        Double value = den == 0 ? null : num / den;
        KpiValue v = new KpiValue("on_time_ratio", "commune", commune, "30d", value, num, den,
                CATALOG.get("on_time_ratio").orElseThrow().statusOf(value), AS_OF, AS_OF, 0);
        return new KpiCache.Entry(v, seq);
    }

    private static KpiCache.Entry count(String kpi, String commune, double n) {
        return new KpiCache.Entry(new KpiValue(kpi, "commune", commune, "live", n, n, null, KpiValue.Status.GREEN,
                AS_OF, AS_OF, 0), 1);
    }
}
