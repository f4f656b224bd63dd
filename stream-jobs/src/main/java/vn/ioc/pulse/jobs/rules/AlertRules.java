package vn.ioc.pulse.jobs.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.AlertEvent.Severity;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * The alert rules of the KPI job (docs/alerting.md, "Rules file"): shipped as {@code ioc/alert-rules.json} on the
 * classpath, replaceable by an operator's file ({@code IOC_ALERT_RULES_FILE}). The file is
 * {@code {"rules": [ … ]}}; each rule has an {@code id}, a {@code type} ({@code kpi}, {@code overdue},
 * {@code component_down}), a {@code severity}, optional {@code labels}, {@code summary} and {@code description}
 * templates in Vietnamese and English, and its type's own fields. Everything is checked on load (KPI and window
 * against the {@link KpiCatalog}, hysteresis, durations, placeholders); a bad file fails with an
 * {@link IllegalArgumentException} naming the rule and the field.
 */
public final class AlertRules implements Serializable {
    /** Classpath location of the shipped rules. */
    public static final String RESOURCE = "ioc/alert-rules.json";
    /** Labels the job sets itself; a rule's {@code labels} may not use them. */
    public static final Set<String> RESERVED_LABELS = Set.of("alertname", "severity", "scope_type", "scope_id", "kpi",
            "window");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(s|m|h|d)");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm dd/MM/yyyy")
            .withZone(KpiValue.ZONE);

    private final List<KpiRule> kpi;
    private final List<OverdueRule> overdue;
    private final List<ComponentDownRule> componentDown;

    private AlertRules(List<KpiRule> kpi, List<OverdueRule> overdue, List<ComponentDownRule> componentDown) {
        this.kpi = List.copyOf(kpi);
        this.overdue = List.copyOf(overdue);
        this.componentDown = List.copyOf(componentDown);
    }

    /** No rules at all (alerting off). */
    public static AlertRules none() {
        return new AlertRules(List.of(), List.of(), List.of());
    }

    public List<KpiRule> kpi() {
        return kpi;
    }

    public List<OverdueRule> overdue() {
        return overdue;
    }

    public List<ComponentDownRule> componentDown() {
        return componentDown;
    }

    public boolean isEmpty() {
        return kpi.isEmpty() && overdue.isEmpty() && componentDown.isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ rule types

    /** Vietnamese and English text (a template until rendered). */
    public record Text(String vi, String en) implements Serializable {
    }

    /** What every rule has: identity, severity, labels and templates. */
    public sealed interface Rule extends Serializable permits KpiRule, OverdueRule, ComponentDownRule {
        String id();

        Severity severity();

        Map<String, String> labels();

        Text summary();

        Text description();
    }

    /** {@code above} fires when value &gt; threshold; {@code below} when value &lt; threshold. */
    public enum Op { ABOVE, BELOW }

    /**
     * A threshold on one KPI and window for a scope selector, with hysteresis ({@code clear}) and a {@code for}
     * duration in event time.
     */
    public record KpiRule(String id, String kpi, String window, List<String> scopeTypes, List<String> scopeIds, Op op,
                          double threshold, double clear, long forMs, Severity severity, Map<String, String> labels,
                          Text summary, Text description) implements Rule {
        public KpiRule {
            scopeTypes = List.copyOf(scopeTypes);
            scopeIds = List.copyOf(scopeIds);
            labels = Map.copyOf(labels);
        }

        /** Whether the rule watches this KPI series. */
        public boolean matches(KpiValue v) {
            return kpi.equals(v.kpi()) && window.equals(v.window()) && scopeTypes.contains(v.scopeType())
                    && (scopeIds.contains("*") || scopeIds.contains(v.scopeId()));
        }

        /** The value is on the wrong side of the threshold (null = no data never breaches). */
        public boolean breaches(Double value) {
            return value != null && !value.isNaN() && (op == Op.ABOVE ? value > threshold : value < threshold);
        }

        /** The value is back on the right side of the clear threshold (null = no data never clears). */
        public boolean clears(Double value) {
            return value != null && !value.isNaN() && (op == Op.ABOVE ? value <= clear : value >= clear);
        }
    }

    /** Dossiers turned OVERDUE, one alert per agency listing them. */
    public record OverdueRule(String id, int minCount, int maxListed, long forMs, Severity severity,
                              Map<String, String> labels, Text summary, Text description) implements Rule {
        public OverdueRule {
            labels = Map.copyOf(labels);
        }
    }

    /** A component DOWN for longer than {@code for}. {@code components} empty = every component. */
    public record ComponentDownRule(String id, List<String> components, long forMs, Severity severity,
                                    Map<String, String> labels, Text summary, Text description) implements Rule {
        public ComponentDownRule {
            components = List.copyOf(components);
            labels = Map.copyOf(labels);
        }

        public boolean watches(String component) {
            return components.isEmpty() || components.contains(component);
        }
    }

    // ------------------------------------------------------------------------------------------------ records out

    /**
     * The alert record of a transition: fingerprint of rule + scope, labels (alertname, severity, scope_type,
     * scope_id, kpi and window when set, then the rule's labels) and the rendered vi/en annotations plus
     * {@code extra} annotations. {@code computedAt} is the wall clock; everything else comes from the arguments.
     */
    public static AlertEvent event(Rule rule, AlertEvent.Status status, String scopeType, String scopeId, String kpi,
                                   String window, Double value, Double threshold, List<String> dossiers,
                                   int dossierCount, Map<String, String> extra, long startsAt, Long endsAt,
                                   long asOf, long seq) {
        Map<String, String> labels = new TreeMap<>(rule.labels());
        labels.put("alertname", rule.id());
        labels.put("severity", rule.severity().json());
        labels.put("scope_type", scopeType);
        labels.put("scope_id", scopeId);
        if (kpi != null) {
            labels.put("kpi", kpi);
        }
        if (window != null) {
            labels.put("window", window);
        }
        Map<String, String> vars = new TreeMap<>();
        vars.put("scope_type", scopeType);
        vars.put("scope_id", scopeId);
        vars.put("kpi", kpi == null ? "" : kpi);
        vars.put("window", window == null ? "" : window);
        vars.put("value", number(value));
        vars.put("threshold", number(threshold));
        vars.put("count", Integer.toString(dossierCount));
        vars.put("down_since", extra.containsKey("down_since")
                ? LOCAL_TIME.format(java.time.OffsetDateTime.parse(extra.get("down_since"))) : "");
        Map<String, String> vi = new TreeMap<>(vars);
        vi.put("scope", scope(scopeType, scopeId, true));
        vi.put("value_pct", percent(value, true));
        vi.put("threshold_pct", percent(threshold, true));
        Map<String, String> en = new TreeMap<>(vars);
        en.put("scope", scope(scopeType, scopeId, false));
        en.put("value_pct", percent(value, false));
        en.put("threshold_pct", percent(threshold, false));
        Map<String, String> annotations = new TreeMap<>(extra);
        annotations.put("summary_vi", render(rule.summary().vi(), vi));
        annotations.put("summary_en", render(rule.summary().en(), en));
        annotations.put("description_vi", render(rule.description().vi(), vi));
        annotations.put("description_en", render(rule.description().en(), en));
        return new AlertEvent(AlertEvent.fingerprint(rule.id(), scopeType, scopeId), rule.id(), status,
                rule.severity(), scopeType, scopeId, kpi, window, value, threshold, dossiers, dossierCount, labels,
                annotations, Instant.ofEpochMilli(startsAt), endsAt == null ? null : Instant.ofEpochMilli(endsAt),
                Instant.ofEpochMilli(asOf), Instant.now(), seq);
    }

    /** A number as the templates show it: up to 4 decimals, no trailing zeros, a dot ("0.9412", "3", ""). */
    static String number(Double v) {
        if (v == null) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A ratio as a percentage with one decimal: "92,9%" in Vietnamese, "92.9%" in English; "" for none. */
    static String percent(Double v, boolean vi) {
        if (v == null) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.1f%%", v * 100);
        return vi ? s.replace('.', ',') : s;
    }

    /** The scope in words: "cơ quan STP" / "agency STP", "xã/phường 03646" / "commune 03646", … */
    static String scope(String scopeType, String scopeId, boolean vi) {
        String kind = switch (scopeType) {
            case "province" -> vi ? "tỉnh" : "province";
            case "agency" -> vi ? "cơ quan" : "agency";
            case "commune" -> vi ? "xã/phường" : "commune";
            case "component" -> vi ? "hệ thống" : "component";
            default -> scopeType;
        };
        return kind + " " + scopeId;
    }

    /** Replaces each {@code {name}} by its value. */
    static String render(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(b);
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** The shipped rules, checked against {@code catalog}. */
    public static AlertRules load(KpiCatalog catalog) {
        try (InputStream in = AlertRules.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("alert rules resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(in, "classpath:" + RESOURCE, catalog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read alert rules classpath:" + RESOURCE, e);
        }
    }

    /** An operator's rules file, checked against {@code catalog}. */
    public static AlertRules load(Path file, KpiCatalog catalog) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), catalog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read alert rules " + file, e);
        }
    }

    /** Parses and checks a rules file ({@code source} names it in errors). */
    public static AlertRules parse(InputStream in, String source, KpiCatalog catalog) {
        JsonNode root;
        try {
            root = EventCodec.mapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("alert rules " + source + " are not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("rules").isArray()) {
            throw new IllegalArgumentException("alert rules " + source + " must be a JSON object {\"rules\": [ … ]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("rules") && !key.equals("comment")) {
                throw new IllegalArgumentException("alert rules " + source + ": unknown top-level field '" + key
                        + "' (expected rules, comment)");
            }
        }
        List<KpiRule> kpi = new ArrayList<>();
        List<OverdueRule> overdue = new ArrayList<>();
        List<ComponentDownRule> down = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        int index = 0;
        for (JsonNode n : root.get("rules")) {
            Rule r = rule(n, index++, source, catalog);
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("alert rules " + source + ": rule '" + r.id()
                        + "' field 'id': duplicate id");
            }
            if (r instanceof KpiRule k) {
                kpi.add(k);
            } else if (r instanceof OverdueRule o) {
                overdue.add(o);
            } else {
                down.add((ComponentDownRule) r);
            }
        }
        return new AlertRules(kpi, overdue, down);
    }

    private static final Set<String> COMMON = Set.of("id", "type", "severity", "labels", "summary", "description",
            "comment");
    private static final Set<String> KPI_FIELDS = Set.of("kpi", "window", "scope_type", "scope_id", "op", "threshold",
            "clear", "for");
    private static final Set<String> OVERDUE_FIELDS = Set.of("min_count", "max_listed", "for");
    private static final Set<String> DOWN_FIELDS = Set.of("components", "for");
    private static final Set<String> PLACEHOLDERS = Set.of("scope_type", "scope_id", "kpi", "window", "value",
            "threshold", "count", "down_since", "scope", "value_pct", "threshold_pct");

    private static Rule rule(JsonNode n, int index, String source, KpiCatalog catalog) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("alert rules " + source + ": entry #" + index + " is not a JSON object");
        }
        JsonNode idNode = n.get("id");
        if (idNode == null || !idNode.isTextual() || !ID.matcher(idNode.asText()).matches()) {
            throw new IllegalArgumentException("alert rules " + source + ": entry #" + index
                    + " field 'id': required, lower case letters, digits, '_', '.', '-' (at most 64)");
        }
        Fields f = new Fields(idNode.asText(), source);
        String type = f.text(n, "type");
        Set<String> own = switch (type) {
            case "kpi" -> KPI_FIELDS;
            case "overdue" -> OVERDUE_FIELDS;
            case "component_down" -> DOWN_FIELDS;
            default -> throw f.error("type", "unknown type '" + type + "' (expected kpi, overdue, component_down)");
        };
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!COMMON.contains(key) && !own.contains(key)) {
                throw f.error(key, "unknown field for a " + type + " rule");
            }
        }
        Severity severity;
        try {
            severity = Severity.fromJson(f.text(n, "severity"));
        } catch (IllegalArgumentException e) {
            throw f.error("severity", "must be critical, warning or info");
        }
        Map<String, String> labels = f.labels(n.get("labels"));
        Text summary = f.text2(n, "summary");
        Text description = f.text2(n, "description");
        return switch (type) {
            case "kpi" -> kpiRule(n, f, catalog, severity, labels, summary, description);
            case "overdue" -> new OverdueRule(f.id, f.positiveInt(n, "min_count", 1), f.positiveInt(n, "max_listed", 50),
                    f.duration(n, "for", false), severity, labels, summary, description);
            default -> {
                List<String> components = new ArrayList<>();
                for (String c : f.list(n, "components")) {
                    if (c.equals("*")) {
                        continue;
                    }
                    try {
                        ServiceEvent.Component.valueOf(c);
                    } catch (IllegalArgumentException e) {
                        throw f.error("components", "unknown component '" + c + "' (expected \"*\" or "
                                + java.util.Arrays.toString(ServiceEvent.Component.values()) + ")");
                    }
                    components.add(c);
                }
                if (f.list(n, "components").contains("*")) {
                    components.clear();
                }
                yield new ComponentDownRule(f.id, components, f.duration(n, "for", true), severity, labels, summary,
                        description);
            }
        };
    }

    private static KpiRule kpiRule(JsonNode n, Fields f, KpiCatalog catalog, Severity severity,
                                   Map<String, String> labels, Text summary, Text description) {
        String kpi = f.text(n, "kpi");
        KpiCatalog.KpiDefinition def = catalog.get(kpi).orElseThrow(() -> f.error("kpi",
                "unknown KPI '" + kpi + "' (not in the KPI catalogue)"));
        String window = f.text(n, "window");
        if (!def.hasWindow(window)) {
            throw f.error("window", "KPI '" + kpi + "' has no window '" + window + "' (it has " + def.windows() + ")");
        }
        List<String> scopeTypes = f.list(n, "scope_type");
        for (String s : scopeTypes) {
            if (!def.hasScope(s)) {
                throw f.error("scope_type", "KPI '" + kpi + "' has no scope '" + s + "' (it has " + def.scopes() + ")");
            }
        }
        List<String> scopeIds = n.has("scope_id") ? f.list(n, "scope_id") : List.of("*");
        Op op = switch (f.text(n, "op")) {
            case "above" -> Op.ABOVE;
            case "below" -> Op.BELOW;
            default -> throw f.error("op", "must be 'above' or 'below'");
        };
        double threshold = f.number(n, "threshold");
        double clear = n.has("clear") ? f.number(n, "clear") : threshold;
        if (op == Op.ABOVE && clear > threshold) {
            throw f.error("clear", "an 'above' rule clears at or below its threshold: clear " + clear
                    + " must be <= threshold " + threshold);
        }
        if (op == Op.BELOW && clear < threshold) {
            throw f.error("clear", "a 'below' rule clears at or above its threshold: clear " + clear
                    + " must be >= threshold " + threshold);
        }
        return new KpiRule(f.id, kpi, window, scopeTypes, scopeIds, op, threshold, clear, f.duration(n, "for", false),
                severity, labels, summary, description);
    }

    /**
     * A duration: ISO-8601 ({@code PT15M}) or a number and a unit {@code s}, {@code m}, {@code h}, {@code d}
     * ({@code 15m}, {@code 1h}); at least 0, at most 366 days.
     *
     * @throws IllegalArgumentException if it is neither
     */
    public static Duration parseDuration(String s) {
        Matcher m = SHORT_DURATION.matcher(s);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("'" + s + "' is not a duration (e.g. \"15m\", \"1h\", \"PT15M\")");
            }
        }
        if (d.isNegative() || d.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("'" + s + "' must lie between 0 and 366 days");
        }
        return d;
    }

    /** Field readers that name the rule and the field in every error. */
    private record Fields(String id, String source) {
        IllegalArgumentException error(String field, String problem) {
            return new IllegalArgumentException("alert rules " + source + ": rule '" + id + "' field '" + field
                    + "': " + problem);
        }

        String text(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "required");
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw error(field, "must be a non-empty string");
            }
            return v.asText();
        }

        double number(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "required");
            }
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw error(field, "must be a finite number");
            }
            return v.doubleValue();
        }

        int positiveInt(JsonNode n, String field, int dflt) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 10_000) {
                throw error(field, "must be an integer between 1 and 10000");
            }
            return v.asInt();
        }

        long duration(JsonNode n, String field, boolean required) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    throw error(field, "required");
                }
                return 0;
            }
            if (!v.isTextual()) {
                throw error(field, "must be a duration string such as \"15m\", \"1h\" or \"PT15M\"");
            }
            try {
                return parseDuration(v.asText()).toMillis();
            } catch (IllegalArgumentException e) {
                throw error(field, e.getMessage());
            }
        }

        /** A list of strings; a single string is a list of one. */
        List<String> list(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "required");
            }
            List<String> out = new ArrayList<>();
            if (v.isTextual()) {
                out.add(v.asText());
            } else if (v.isArray()) {
                for (JsonNode e : v) {
                    if (!e.isTextual() || e.asText().isBlank()) {
                        throw error(field, "must be a string or an array of non-empty strings");
                    }
                    out.add(e.asText());
                }
            } else {
                throw error(field, "must be a string or an array of non-empty strings");
            }
            if (out.isEmpty()) {
                throw error(field, "must not be empty");
            }
            return out;
        }

        Map<String, String> labels(JsonNode v) {
            Map<String, String> out = new TreeMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isObject()) {
                throw error("labels", "must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (RESERVED_LABELS.contains(e.getKey())) {
                    throw error("labels." + e.getKey(), "reserved: the job sets it");
                }
                if (!e.getValue().isTextual()) {
                    throw error("labels." + e.getKey(), "must be a string");
                }
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        }

        Text text2(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || !v.isObject()) {
                throw error(field, "required: an object {\"vi\": …, \"en\": …}");
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("vi") && !k.equals("en")) {
                    throw error(field + "." + k, "unknown language (expected vi, en)");
                }
            }
            String vi = text(v, "vi", field);
            String en = text(v, "en", field);
            return new Text(vi, en);
        }

        private String text(JsonNode v, String lang, String field) {
            JsonNode t = v.get(lang);
            if (t == null || !t.isTextual() || t.asText().isBlank()) {
                throw error(field + "." + lang, "required non-empty string");
            }
            Matcher m = PLACEHOLDER.matcher(t.asText());
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw error(field + "." + lang, "unknown placeholder {" + m.group(1) + "} (expected one of "
                            + new java.util.TreeSet<>(PLACEHOLDERS) + ")");
                }
            }
            return t.asText();
        }
    }
}
