package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.jobs.JobConfig;
import vn.ioc.pulse.jobs.rules.AlertRules.KpiRule;
import vn.ioc.pulse.jobs.rules.AlertRules.Op;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiCatalog;

/** The alert rules file: the shipped defaults, errors that name the rule and field, hysteresis, templates. */
class AlertRulesTest {
    static final KpiCatalog CATALOG = KpiCatalog.load();

    static AlertRules parse(String json) {
        return AlertRules.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json", CATALOG);
    }

    /** One kpi rule 'r1' with {@code fields} (JSON members) replacing the defaults given here. */
    static String kpiRule(String fields) {
        return """
                {"rules": [{"id": "r1", "type": "kpi", "kpi": "on_time_ratio", "window": "30d",
                  "scope_type": ["agency"], "op": "below", "threshold": 0.95, "clear": 0.96, "for": "1h",
                  "severity": "critical",
                  "summary": {"vi": "Thấp", "en": "Low"}, "description": {"vi": "Thấp {value}", "en": "Low {value}"}
                  %s}]}""".formatted(fields.isEmpty() ? "" : ", " + fields);
    }

    @Test
    @DisplayName("the shipped rules parse against the shipped catalogue with the documented defaults")
    void defaults() {
        AlertRules rules = AlertRules.load(CATALOG);
        assertThat(rules.kpi()).extracting(KpiRule::id)
                .containsExactly("on_time_ratio_low", "dissatisfied_rating", "payment_success_low", "time_saving_low");
        KpiRule onTime = rules.kpi().get(0);
        assertThat(onTime.kpi()).isEqualTo("on_time_ratio");
        assertThat(onTime.window()).isEqualTo("30d");
        assertThat(onTime.scopeTypes()).containsExactly("province", "agency");
        assertThat(onTime.scopeIds()).containsExactly("*");
        assertThat(onTime.op()).isEqualTo(Op.BELOW);
        assertThat(onTime.threshold()).isEqualTo(0.95);
        assertThat(onTime.clear()).isEqualTo(0.96);
        assertThat(onTime.forMs()).isEqualTo(3_600_000L);
        assertThat(onTime.severity()).isEqualTo(AlertEvent.Severity.CRITICAL);
        assertThat(onTime.summary().vi()).contains("Tỷ lệ hồ sơ đúng hạn");
        KpiRule dissatisfied = rules.kpi().get(1);
        assertThat(dissatisfied.op()).isEqualTo(Op.ABOVE);
        assertThat(dissatisfied.threshold()).isZero();
        assertThat(dissatisfied.clear()).isZero();
        assertThat(dissatisfied.forMs()).isZero();
        assertThat(dissatisfied.scopeTypes()).containsExactly("agency");
        KpiRule payment = rules.kpi().get(2);
        assertThat(payment.window()).isEqualTo("1h");
        assertThat(payment.threshold()).isEqualTo(0.9);
        assertThat(payment.clear()).isEqualTo(0.93);
        assertThat(payment.forMs()).isEqualTo(900_000L);
        assertThat(payment.severity()).isEqualTo(AlertEvent.Severity.WARNING);
        KpiRule saving = rules.kpi().get(3);
        assertThat(saving.threshold()).isEqualTo(0.25);
        assertThat(saving.clear()).isEqualTo(0.26);
        assertThat(rules.overdue()).hasSize(1);
        assertThat(rules.overdue().get(0).minCount()).isEqualTo(1);
        assertThat(rules.overdue().get(0).maxListed()).isEqualTo(50);
        assertThat(rules.overdue().get(0).forMs()).isZero();
        assertThat(rules.componentDown()).hasSize(1);
        assertThat(rules.componentDown().get(0).forMs()).isEqualTo(600_000L);
        assertThat(rules.componentDown().get(0).watches("PORTAL")).isTrue();
        assertThat(rules.componentDown().get(0).watches("VNEID")).isTrue();
    }

    @Test
    @DisplayName("a valid operator file is read through IOC_ALERT_RULES_FILE; a bad one fails at start naming rule and field")
    void operatorFile(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.json");
        Files.writeString(good, kpiRule("\"labels\": {\"team\": \"mot-cua\"}"));
        JobConfig config = JobConfig.fromEnv(Map.of("IOC_ALERT_RULES_FILE", good.toString()));
        AlertRules rules = config.alertRules();
        assertThat(rules.kpi()).hasSize(1);
        assertThat(rules.kpi().get(0).labels()).containsEntry("team", "mot-cua");
        assertThat(rules.overdue()).isEmpty();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, kpiRule("").replace("\"30d\"", "\"1h\""));
        assertThatThrownBy(() -> JobConfig.fromEnv(Map.of("IOC_ALERT_RULES_FILE", bad.toString())).alertRules())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("rule 'r1' field 'window'")
                .hasMessageContaining("has no window '1h'");
        assertThat(JobConfig.fromEnv(Map.of()).alertRules().kpi()).hasSize(4); // unset: the shipped rules
    }

    @Test
    @DisplayName("every kind of mistake names the rule and the field")
    void errorsNameTheField() {
        assertError(kpiRule("").replace("\"on_time_ratio\"", "\"on_time\""), "field 'kpi'", "unknown KPI 'on_time'");
        assertError(kpiRule("").replace("[\"agency\"]", "[\"component\"]"), "field 'scope_type'", "no scope 'component'");
        assertError(kpiRule("").replace("\"critical\"", "\"major\""), "field 'severity'", "critical, warning or info");
        assertError(kpiRule("").replace("\"below\"", "\"under\""), "field 'op'", "'above' or 'below'");
        // below: clear must be >= threshold; above: clear must be <= threshold
        assertError(kpiRule("").replace("0.96", "0.94"), "field 'clear'", "must be >= threshold 0.95");
        assertError(kpiRule("").replace("\"below\"", "\"above\""), "field 'clear'", "must be <= threshold 0.95");
        assertError(kpiRule("").replace("\"1h\"", "\"one hour\""), "field 'for'", "not a duration");
        assertError(kpiRule("").replace("\"1h\"", "\"400d\""), "field 'for'", "between 0 and 366 days");
        assertError(kpiRule("").replace("0.95,", "\"0.95\","), "field 'threshold'", "finite number");
        assertError(kpiRule("\"limit\": 3"), "field 'limit'", "unknown field for a kpi rule");
        assertError(kpiRule("\"labels\": {\"severity\": \"x\"}"), "field 'labels.severity'", "reserved");
        assertError(kpiRule("").replace("Low {value}", "Low {valeur}"), "field 'description.en'",
                "unknown placeholder {valeur}");
        assertError(kpiRule("").replace("\"vi\": \"Thấp\", ", ""), "field 'summary.vi'", "required");
        assertError(kpiRule("").replace("\"type\": \"kpi\"", "\"type\": \"kpis\""), "field 'type'", "unknown type");
        assertError("""
                {"rules": [{"id": "d", "type": "component_down", "components": ["PORTAL", "WEB"], "for": "10m",
                  "severity": "critical", "summary": {"vi": "x", "en": "x"}, "description": {"vi": "x", "en": "x"}}]}""",
                "rule 'd' field 'components'", "unknown component 'WEB'");
        assertError("""
                {"rules": [{"id": "d", "type": "component_down", "components": "*",
                  "severity": "critical", "summary": {"vi": "x", "en": "x"}, "description": {"vi": "x", "en": "x"}}]}""",
                "rule 'd' field 'for'", "required");
        assertError("""
                {"rules": [{"id": "o", "type": "overdue", "max_listed": 0,
                  "severity": "info", "summary": {"vi": "x", "en": "x"}, "description": {"vi": "x", "en": "x"}}]}""",
                "rule 'o' field 'max_listed'", "between 1 and 10000");
        String one = kpiRule("");
        String twice = one.replace("}]}", "}, " + one.substring(one.indexOf("{\"id\""), one.lastIndexOf("]")) + "]}");
        assertError(twice, "rule 'r1' field 'id'", "duplicate id");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("must be a JSON object {\"rules\"");
    }

    static void assertError(String json, String... parts) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("alert rules test.json: ")
                .satisfies(e -> assertThat(e.getMessage()).contains(parts));
    }

    @Test
    @DisplayName("hysteresis: 'below 0.95 clear 0.96' breaches under 0.95 and clears from 0.96; no data does neither")
    void hysteresis() {
        KpiRule below = parse(kpiRule("")).kpi().get(0);
        assertThat(below.breaches(0.94)).isTrue();
        assertThat(below.breaches(0.9499)).isTrue();
        assertThat(below.breaches(0.95)).isFalse(); // strictly below
        assertThat(below.breaches(0.955)).isFalse();
        assertThat(below.clears(0.955)).isFalse(); // between the lines: neither
        assertThat(below.clears(0.959)).isFalse();
        assertThat(below.clears(0.96)).isTrue(); // at the clear line: clears
        assertThat(below.breaches(null)).isFalse();
        assertThat(below.clears(null)).isFalse();
        KpiRule above = parse(kpiRule("").replace("\"below\"", "\"above\"").replace("0.95", "0")
                .replace("0.96", "0")).kpi().get(0);
        assertThat(above.breaches(1.0)).isTrue();
        assertThat(above.breaches(0.0)).isFalse();
        assertThat(above.clears(0.0)).isTrue();
        assertThat(above.clears(1.0)).isFalse();
    }

    @Test
    @DisplayName("durations: 15m, 1h, 90s, 2d and ISO-8601; anything else is an error")
    void durations() {
        assertThat(AlertRules.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(AlertRules.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(AlertRules.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(AlertRules.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(AlertRules.parseDuration("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThat(AlertRules.parseDuration("0m")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> AlertRules.parseDuration("1w")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertRules.parseDuration("-PT5M")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a record carries fingerprint, labels and vi/en annotations rendered from the templates")
    void record() {
        KpiRule rule = AlertRules.load(CATALOG).kpi().get(0);
        Instant t = Instant.parse("2026-03-02T03:00:00Z");
        AlertEvent a = AlertRules.event(rule, AlertEvent.Status.FIRING, "agency", "SGTVT", "on_time_ratio", "30d",
                0.9412, 0.95, List.of(), 0, Map.of(), t.toEpochMilli(), null, t.toEpochMilli(), 1);
        assertThat(a.fingerprint()).isEqualTo(AlertEvent.fingerprint("on_time_ratio_low", "agency", "SGTVT"));
        assertThat(a.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "on_time_ratio_low",
                "severity", "critical", "scope_type", "agency", "scope_id", "SGTVT", "kpi", "on_time_ratio",
                "window", "30d", "category", "dossiers"));
        assertThat(a.annotations().get("summary_vi"))
                .isEqualTo("Tỷ lệ hồ sơ đúng hạn 30 ngày của cơ quan SGTVT là 94,1%, dưới ngưỡng 95,0%");
        assertThat(a.annotations().get("summary_en"))
                .isEqualTo("30-day on-time ratio of agency SGTVT is 94.1%, below 95.0%");
        assertThat(a.annotations()).containsKeys("description_vi", "description_en");
        assertThat(a.startsAt()).isEqualTo(t);
        assertThat(a.endsAt()).isNull();
        assertThat(AlertRules.number(3.0)).isEqualTo("3");
        assertThat(AlertRules.number(0.96)).isEqualTo("0.96");
        assertThat(AlertRules.number(null)).isEmpty();
    }
}
