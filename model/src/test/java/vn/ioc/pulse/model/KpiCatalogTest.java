package vn.ioc.pulse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.model.KpiCatalog.KpiDefinition;
import vn.ioc.pulse.model.KpiCatalog.Kind;
import vn.ioc.pulse.model.KpiCatalog.Thresholds;
import vn.ioc.pulse.model.KpiValue.Status;

class KpiCatalogTest {

    private static final List<String> ALL_BUT_LIVE = List.of("1h", "24h", "7d", "30d", "today", "mtd", "qtd", "ytd");
    private static final List<String> DOSSIER_SCOPES = List.of("province", "agency", "commune", "field", "channel");
    private static final List<String> DOSSIER_SCOPES_WITH_PROCEDURE =
            List.of("province", "agency", "commune", "field", "channel", "procedure");

    private final KpiCatalog catalog = KpiCatalog.load();

    @TempDir
    Path tmp;

    private KpiDefinition kpi(String id) {
        return catalog.get(id).orElseThrow(() -> new AssertionError("missing KPI " + id));
    }

    @Test
    @DisplayName("the shipped catalogue holds exactly the KPI ids of DOMAIN.md §3, in its order")
    void hasExactlyTheDomainKpis() {
        assertThat(catalog.all()).extracting(KpiDefinition::id).containsExactly(
                "received", "resolved", "backlog", "overdue_open", "due_soon", "paused", "on_time_ratio",
                "early_ratio", "late_ended", "time_saving_ratio", "avg_processing_days", "supplement_ratio",
                "withdrawn_stopped", "online_ratio", "fully_online_ratio", "online_payment_ratio",
                "payment_success_ratio", "e_result_ratio", "digitisation_ratio", "data_reuse_ratio",
                "satisfaction_ratio", "dissatisfied", "feedback_on_time_ratio", "availability_ratio");
        assertThat(catalog.get("no_such_kpi")).isEmpty();
    }

    @Test
    @DisplayName("every KPI has both names, a unit, a description, windows and scopes")
    void everyKpiIsComplete() {
        for (KpiDefinition d : catalog.all()) {
            assertThat(d.nameVi()).as(d.id() + " name_vi").isNotBlank();
            assertThat(d.nameEn()).as(d.id() + " name_en").isNotBlank();
            assertThat(d.unit()).as(d.id() + " unit").isNotBlank();
            assertThat(d.descriptionEn()).as(d.id() + " description_en").isNotBlank();
            assertThat(d.windows()).as(d.id() + " windows").isNotEmpty().isSubsetOf(KpiCatalog.WINDOWS);
            assertThat(d.scopes()).as(d.id() + " scopes").isNotEmpty().isSubsetOf(KpiCatalog.SCOPES);
        }
    }

    @Test
    @DisplayName("on_time_ratio is the 766 item 2.1 ratio over 24h…ytd with thresholds ≥ 0.98 / ≥ 0.95")
    void onTimeRatio() {
        KpiDefinition d = kpi("on_time_ratio");
        assertThat(d.kind()).isEqualTo(Kind.RATIO);
        assertThat(d.nameVi()).isEqualTo("Tỷ lệ hồ sơ giải quyết đúng hạn");
        assertThat(d.unit()).isEqualTo("ratio");
        assertThat(d.windows()).containsExactly("24h", "7d", "30d", "mtd", "qtd", "ytd");
        assertThat(d.scopes()).containsExactlyElementsOf(DOSSIER_SCOPES_WITH_PROCEDURE);
        assertThat(d.thresholds()).isEqualTo(new Thresholds(true, 0.98, 0.95));
        assertThat(d.index766()).isEqualTo("2.1");
    }

    @Test
    @DisplayName("overdue_open is a live count with thresholds 0 / ≤ 5, lower is better")
    void overdueOpen() {
        KpiDefinition d = kpi("overdue_open");
        assertThat(d.kind()).isEqualTo(Kind.COUNT);
        assertThat(d.unit()).isEqualTo("dossiers");
        assertThat(d.windows()).containsExactly("live");
        assertThat(d.scopes()).containsExactlyElementsOf(DOSSIER_SCOPES);
        assertThat(d.thresholds()).isEqualTo(new Thresholds(false, 0, 5));
        assertThat(d.index766()).isNull();
    }

    @Test
    @DisplayName("received is a count over every window but live, with a procedure scope and no thresholds")
    void received() {
        KpiDefinition d = kpi("received");
        assertThat(d.kind()).isEqualTo(Kind.COUNT);
        assertThat(d.windows()).containsExactlyElementsOf(ALL_BUT_LIVE);
        assertThat(d.scopes()).containsExactlyElementsOf(DOSSIER_SCOPES_WITH_PROCEDURE);
        assertThat(d.thresholds()).isNull();
    }

    @Test
    @DisplayName("only received, resolved, on_time_ratio and avg_processing_days have the procedure scope")
    void procedureScope() {
        assertThat(catalog.all()).filteredOn(d -> d.hasScope("procedure")).extracting(KpiDefinition::id)
                .containsExactly("received", "resolved", "on_time_ratio", "avg_processing_days");
    }

    @Test
    @DisplayName("availability_ratio is scoped by component only, over 1h, 24h and 30d, with ≥ 0.999 / ≥ 0.99")
    void availabilityRatio() {
        KpiDefinition d = kpi("availability_ratio");
        assertThat(d.kind()).isEqualTo(Kind.RATIO);
        assertThat(d.windows()).containsExactly("1h", "24h", "30d");
        assertThat(d.scopes()).containsExactly("component");
        assertThat(d.thresholds()).isEqualTo(new Thresholds(true, 0.999, 0.99));
    }

    @Test
    @DisplayName("payment_success_ratio is scoped by province, agency and commune, over 1h and 24h, with ≥ 0.95 / ≥ 0.9")
    void paymentSuccessRatio() {
        KpiDefinition d = kpi("payment_success_ratio");
        assertThat(d.kind()).isEqualTo(Kind.RATIO);
        assertThat(d.windows()).containsExactly("1h", "24h");
        assertThat(d.scopes()).containsExactly("province", "agency", "commune");
        assertThat(d.thresholds()).isEqualTo(new Thresholds(true, 0.95, 0.9));
        assertThat(kpi("feedback_on_time_ratio").scopes()).containsExactly("province", "agency", "commune");
    }

    @Test
    @DisplayName("avg_processing_days is a ratio measured in days, 766 item 2.2")
    void avgProcessingDays() {
        KpiDefinition d = kpi("avg_processing_days");
        assertThat(d.kind()).isEqualTo(Kind.RATIO);
        assertThat(d.unit()).isEqualTo("days");
        assertThat(d.index766()).isEqualTo("2.2");
    }

    @Test
    @DisplayName("on_time_ratio status: 0.98 is green, 0.9799 and 0.95 are yellow, 0.94 is red, no value is grey")
    void onTimeRatioStatus() {
        KpiDefinition d = kpi("on_time_ratio");
        assertThat(d.statusOf(1.0)).isEqualTo(Status.GREEN);
        assertThat(d.statusOf(0.98)).isEqualTo(Status.GREEN);
        assertThat(d.statusOf(0.9799)).isEqualTo(Status.YELLOW);
        assertThat(d.statusOf(0.95)).isEqualTo(Status.YELLOW);
        assertThat(d.statusOf(0.94)).isEqualTo(Status.RED);
        assertThat(d.statusOf(null)).isEqualTo(Status.GREY);
    }

    @Test
    @DisplayName("overdue_open status: 0 is green, 5 is yellow, 6 is red, no value is grey")
    void overdueOpenStatus() {
        KpiDefinition d = kpi("overdue_open");
        assertThat(d.statusOf(0.0)).isEqualTo(Status.GREEN);
        assertThat(d.statusOf(1.0)).isEqualTo(Status.YELLOW);
        assertThat(d.statusOf(5.0)).isEqualTo(Status.YELLOW);
        assertThat(d.statusOf(6.0)).isEqualTo(Status.RED);
        assertThat(d.statusOf(null)).isEqualTo(Status.GREY);
        assertThat(d.thresholds().statusOf(null)).isEqualTo(Status.GREY);
    }

    @Test
    @DisplayName("a KPI without thresholds is green whenever it has a value, grey without one")
    void noThresholds() {
        KpiDefinition d = kpi("backlog");
        assertThat(d.statusOf(1234.0)).isEqualTo(Status.GREEN);
        assertThat(d.statusOf(null)).isEqualTo(Status.GREY);
    }

    @Test
    @DisplayName("the REST catalogue JSON has the snake_case shape of the catalogue file")
    void toJsonShape() throws IOException {
        ObjectNode o = kpi("on_time_ratio").toJson();
        assertThat(o.fieldNames()).toIterable().containsExactly("id", "kind", "name_vi", "name_en", "unit",
                "description_en", "windows", "scopes", "thresholds", "index_766");
        assertThat(o.get("kind").asText()).isEqualTo("ratio");
        assertThat(o.get("thresholds").get("direction").asText()).isEqualTo("higher_is_better");
        assertThat(o.get("thresholds").get("green").asDouble()).isEqualTo(0.98);
        assertThat(o.get("index_766").asText()).isEqualTo("2.1");
        assertThat(kpi("received").toJson().get("thresholds").isNull()).isTrue();
        assertThat(kpi("received").toJson().get("index_766").isNull()).isTrue();

        // what the shipped file says is what toJson() says: a written catalogue loads back to the same definitions
        Path copy = tmp.resolve("copy.json");
        Files.writeString(copy, catalog.toJson().toString(), StandardCharsets.UTF_8);
        assertThat(KpiCatalog.load(copy).all()).isEqualTo(catalog.all());
    }

    @Test
    @DisplayName("an operator's replacement file is loaded from disk, e.g. with stricter thresholds")
    void replacementFile() throws IOException {
        Path file = write(arr -> ((ObjectNode) find(arr, "on_time_ratio").get("thresholds")).put("green", 0.99));
        KpiCatalog replaced = KpiCatalog.load(file);
        assertThat(replaced.get("on_time_ratio").orElseThrow().statusOf(0.98)).isEqualTo(Status.YELLOW);
    }

    @Test
    @DisplayName("a replacement file with an unknown window fails naming the KPI and the windows field")
    void badWindow() throws IOException {
        Path file = write(arr -> ((ArrayNode) find(arr, "overdue_open").get("windows")).add("2h"));
        assertThatThrownBy(() -> KpiCatalog.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overdue_open").hasMessageContaining("windows").hasMessageContaining("2h");
    }

    @Test
    @DisplayName("a replacement file with empty windows fails naming the KPI and the windows field")
    void emptyWindows() throws IOException {
        Path file = write(arr -> find(arr, "received").putArray("windows"));
        assertThatThrownBy(() -> KpiCatalog.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("received").hasMessageContaining("windows");
    }

    @Test
    @DisplayName("a replacement file with an unknown kind fails naming the KPI and the kind field")
    void badKind() throws IOException {
        Path file = write(arr -> find(arr, "on_time_ratio").put("kind", "gauge"));
        assertThatThrownBy(() -> KpiCatalog.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("on_time_ratio").hasMessageContaining("kind").hasMessageContaining("gauge");
    }

    @Test
    @DisplayName("a replacement file with a misspelt key, a bad threshold direction or a duplicate id fails")
    void otherBadFiles() throws IOException {
        Path typo = write(arr -> find(arr, "backlog").set("threshold", find(arr, "backlog").remove("thresholds")));
        assertThatThrownBy(() -> KpiCatalog.load(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backlog").hasMessageContaining("'threshold'");

        Path direction = write(arr -> ((ObjectNode) find(arr, "dissatisfied").get("thresholds")).put("direction", "up"));
        assertThatThrownBy(() -> KpiCatalog.load(direction)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dissatisfied").hasMessageContaining("thresholds.direction");

        Path inverted = write(arr -> ((ObjectNode) find(arr, "online_ratio").get("thresholds")).put("yellow", 0.9));
        assertThatThrownBy(() -> KpiCatalog.load(inverted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("online_ratio").hasMessageContaining("thresholds");

        Path duplicate = write(arr -> arr.add(find(arr, "paused").deepCopy()));
        assertThatThrownBy(() -> KpiCatalog.load(duplicate)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("paused").hasMessageContaining("duplicate");
    }

    private Path write(Consumer<ArrayNode> edit) throws IOException {
        ArrayNode arr = catalog.toJson();
        edit.accept(arr);
        Path file = Files.createTempFile(tmp, "kpi-catalog", ".json");
        Files.writeString(file, arr.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static ObjectNode find(ArrayNode arr, String id) {
        for (JsonNode n : arr) {
            if (n.get("id").asText().equals(id)) {
                return (ObjectNode) n;
            }
        }
        throw new AssertionError("missing KPI " + id);
    }
}
