package vn.ioc.pulse.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.model.KpiValue;

/** Unit tests of the KPI selection of a WebSocket subscription and of the REST value filters (CONTRACT.md §5). */
@DisplayName("Selection accepts the KPI values a screen or a REST query asked for")
class SelectionTest extends DashboardTestBase {

    private static final KpiValue RECEIVED_A_TODAY = received("agency", "A", "today", T0, 3);
    private static final KpiValue RECEIVED_SL_24H = received("province", "SL", "24h", T0, 9);
    private static final KpiValue RATIO_SL_30D = onTimeRatio("province", "SL", "30d", T0, 8, 10);
    private static final KpiValue BACKLOG_C1_LIVE = count("backlog", "commune", "C1", "live", T0, 4, 0);
    private static final List<KpiValue> ALL_VALUES = List.of(RECEIVED_A_TODAY, RECEIVED_SL_24H, RATIO_SL_30D,
            BACKLOG_C1_LIVE);

    private static List<KpiValue> accepted(Selection selection) {
        return ALL_VALUES.stream().filter(selection::matches).toList();
    }

    @Test
    @DisplayName("an absent select object matches every value")
    void absentSelectMatchesAll() {
        assertThat(accepted(Selection.fromJson(null))).isEqualTo(ALL_VALUES);
        assertThat(accepted(Selection.ALL)).isEqualTo(ALL_VALUES);
    }

    @ParameterizedTest(name = "select {0}")
    @ValueSource(strings = {
        "{}",
        "{\"kpi\":null,\"scope_type\":null,\"scope_id\":null,\"window\":null}",
        "{\"kpi\":[],\"scope_type\":[],\"scope_id\":[],\"window\":[]}",
        "{\"kpi\":[\"*\"],\"scope_type\":[\"*\"],\"scope_id\":[\"*\"],\"window\":[\"*\"]}",
        "{\"kpi\":[\"backlog\",\"*\"]}",
        "{\"window\":\"*\"}"})
    @DisplayName("absent, null, empty and \"*\" members match every value")
    void emptyOrStarMatchesAll(String select) {
        assertThat(accepted(Selection.fromJson(new JsonObject(select)))).isEqualTo(ALL_VALUES);
    }

    @Test
    @DisplayName("empty REST filter lists match every value")
    void emptyQueryListsMatchAll() {
        assertThat(accepted(Selection.of(List.of(), List.of(), List.of(), List.of()))).isEqualTo(ALL_VALUES);
    }

    @Test
    @DisplayName("a kpi list keeps only the listed KPIs")
    void kpiListFilters() {
        assertThat(accepted(select("kpi", "received", "unknown_kpi")))
                .containsExactly(RECEIVED_A_TODAY, RECEIVED_SL_24H);
    }

    @Test
    @DisplayName("a scope_type list keeps only the listed scope types")
    void scopeTypeListFilters() {
        assertThat(accepted(select("scope_type", "province", "commune")))
                .containsExactly(RECEIVED_SL_24H, RATIO_SL_30D, BACKLOG_C1_LIVE);
    }

    @Test
    @DisplayName("a scope_id list keeps only the listed scope ids")
    void scopeIdListFilters() {
        assertThat(accepted(select("scope_id", "A", "C1"))).containsExactly(RECEIVED_A_TODAY, BACKLOG_C1_LIVE);
    }

    @Test
    @DisplayName("a window list keeps only the listed windows")
    void windowListFilters() {
        assertThat(accepted(select("window", "today", "30d"))).containsExactly(RECEIVED_A_TODAY, RATIO_SL_30D);
    }

    @Test
    @DisplayName("lists of several members must all accept a value (and), values within a list are alternatives (or)")
    void membersCombineWithAnd() {
        Selection selection = Selection.fromJson(new JsonObject()
                .put("kpi", new JsonArray().add("received").add("on_time_ratio"))
                .put("scope_type", new JsonArray().add("province"))
                .put("window", new JsonArray().add("24h").add("30d").add("today")));

        assertThat(accepted(selection)).containsExactly(RECEIVED_SL_24H, RATIO_SL_30D);
        assertThat(accepted(Selection.of(List.of("received"), List.of("agency"), List.of("A"), List.of("24h"))))
                .as("every dimension matches except the window").isEmpty();
    }

    @Test
    @DisplayName("a single string member is read as a one-element list")
    void singleStringIsOneElementList() {
        assertThat(accepted(Selection.fromJson(new JsonObject().put("scope_id", "SL"))))
                .containsExactly(RECEIVED_SL_24H, RATIO_SL_30D);
    }

    @ParameterizedTest(name = "select {1}")
    @CsvSource(delimiter = '|', textBlock = """
            kpi        | {"kpi":5}
            kpi        | {"kpi":true}
            scope_type | {"scope_type":{"agency":true}}
            scope_id   | {"scope_id":["A",7]}
            scope_id   | {"scope_id":[["A"]]}
            window     | {"window":["today",null]}
            window     | {"kpi":["received"],"window":[{"w":"today"}]}
            """)
    @DisplayName("a member that is neither a list of strings nor a string is rejected, naming select.<member>")
    void badMemberIsRejectedByName(String member, String select) {
        assertThatThrownBy(() -> Selection.fromJson(new JsonObject(select)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("select." + member);
    }

    private static Selection select(String member, String... values) {
        JsonArray list = new JsonArray();
        for (String v : values) {
            list.add(v);
        }
        return Selection.fromJson(new JsonObject().put(member, list));
    }

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.DisplayName("explicitKeys: the cross product of four explicit lists; null with a wildcard, an empty list or "
            + "more keys than allowed")
    void explicitKeys() {
        Selection s = Selection.of(java.util.List.of("received", "backlog"), java.util.List.of("commune"),
                java.util.List.of("03646", "03664"), java.util.List.of("today"));
        org.assertj.core.api.Assertions.assertThat(s.explicitKeys(10)).containsExactlyInAnyOrder(
                "received/commune/03646/today", "received/commune/03664/today",
                "backlog/commune/03646/today", "backlog/commune/03664/today");
        org.assertj.core.api.Assertions.assertThat(s.explicitKeys(3)).isNull();
        org.assertj.core.api.Assertions.assertThat(Selection.of(java.util.List.of("received"),
                java.util.List.of("commune"), java.util.List.of("*"), java.util.List.of("today")).explicitKeys(10)).isNull();
        org.assertj.core.api.Assertions.assertThat(Selection.of(java.util.List.of("received"),
                java.util.List.of(), java.util.List.of("03646"), java.util.List.of("today")).explicitKeys(10)).isNull();
    }
}
