package vn.ioc.pulse.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The KPI catalogue (DOMAIN.md §3, served by {@code GET /api/v1/kpis}, CONTRACT.md §5): for each KPI its kind,
 * names in Vietnamese and English, unit, windows, scopes, default status thresholds and its item in the 766 index.
 *
 * <p>The default ships on the classpath as {@code ioc/kpi-catalog.json}; an operator may replace it with a file of the
 * same shape (e.g. to change thresholds or names), loaded with {@link #load(Path)}. The file is a JSON array of
 * objects with exactly the keys {@code id, kind, name_vi, name_en, unit, description_en, windows, scopes, thresholds,
 * index_766}; {@code thresholds} and {@code index_766} may be null or absent. Everything is validated on load and a
 * bad file fails with an {@link IllegalArgumentException} naming the KPI id and the field.
 */
public final class KpiCatalog {

    /** Classpath location of the default catalogue. */
    public static final String RESOURCE = "ioc/kpi-catalog.json";

    /** Every window name the pipeline knows (DOMAIN.md §3). */
    public static final Set<String> WINDOWS =
            Set.of("1h", "24h", "7d", "30d", "today", "mtd", "qtd", "ytd", "live");

    /** Every scope type the pipeline knows (DOMAIN.md §3). */
    public static final Set<String> SCOPES =
            Set.of("province", "agency", "commune", "field", "channel", "procedure", "component");

    private static final Set<String> KEYS = Set.of("id", "kind", "name_vi", "name_en", "unit", "description_en",
            "windows", "scopes", "thresholds", "index_766");
    private static final Set<String> THRESHOLD_KEYS = Set.of("direction", "green", "yellow");
    private static final String HIGHER = "higher_is_better";
    private static final String LOWER = "lower_is_better";

    private final Map<String, KpiDefinition> byId;
    private final List<KpiDefinition> all;

    private KpiCatalog(List<KpiDefinition> definitions) {
        Map<String, KpiDefinition> map = new LinkedHashMap<>();
        for (KpiDefinition d : definitions) {
            map.put(d.id(), d);
        }
        this.byId = Collections.unmodifiableMap(map);
        this.all = List.copyOf(definitions);
    }

    /** The default catalogue shipped on the classpath. */
    public static KpiCatalog load() {
        ClassLoader loader = KpiCatalog.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("KPI catalogue resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(in, "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read KPI catalogue classpath:" + RESOURCE, e);
        }
    }

    /** An operator's replacement catalogue. */
    public static KpiCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read KPI catalogue " + file, e);
        }
    }

    /** Every KPI, in catalogue order. */
    public List<KpiDefinition> all() {
        return all;
    }

    /** The KPI with this id, if catalogued. */
    public Optional<KpiDefinition> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The catalogue as the JSON array served by {@code GET /api/v1/kpis}. */
    public ArrayNode toJson() {
        ArrayNode a = EventCodec.mapper().createArrayNode();
        all.forEach(d -> a.add(d.toJson()));
        return a;
    }

    // ------------------------------------------------------------------------------------------------ definitions

    /** One catalogued KPI. Lists are immutable; {@code thresholds} and {@code index766} may be null. */
    public record KpiDefinition(
            String id,
            Kind kind,
            String nameVi,
            String nameEn,
            String unit,
            String descriptionEn,
            List<String> windows,
            List<String> scopes,
            Thresholds thresholds,
            String index766) {

        public KpiDefinition {
            windows = List.copyOf(windows);
            scopes = List.copyOf(scopes);
        }

        /** Status of a value: GREY when there is no value, GREEN when the KPI has no thresholds, else by them. */
        public KpiValue.Status statusOf(Double value) {
            if (value == null || value.isNaN()) {
                return KpiValue.Status.GREY;
            }
            return thresholds == null ? KpiValue.Status.GREEN : thresholds.statusOf(value);
        }

        public boolean hasWindow(String window) {
            return windows.contains(window);
        }

        public boolean hasScope(String scopeType) {
            return scopes.contains(scopeType);
        }

        /** The catalogue JSON object (snake_case keys, same shape as the catalogue file). */
        public ObjectNode toJson() {
            ObjectNode o = EventCodec.mapper().createObjectNode();
            o.put("id", id);
            o.put("kind", kind.jsonName());
            o.put("name_vi", nameVi);
            o.put("name_en", nameEn);
            o.put("unit", unit);
            o.put("description_en", descriptionEn);
            ArrayNode w = o.putArray("windows");
            windows.forEach(w::add);
            ArrayNode s = o.putArray("scopes");
            scopes.forEach(s::add);
            if (thresholds == null) {
                o.putNull("thresholds");
            } else {
                ObjectNode t = o.putObject("thresholds");
                t.put("direction", thresholds.higherIsBetter() ? HIGHER : LOWER);
                t.put("green", thresholds.green());
                t.put("yellow", thresholds.yellow());
            }
            o.put("index_766", index766);
            return o;
        }
    }

    /** COUNT: value = numerator, no denominator. RATIO: numerator ÷ denominator, null when the denominator is 0. */
    public enum Kind {
        COUNT, RATIO;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Default status thresholds. Higher is better: value ≥ green → GREEN, ≥ yellow → YELLOW, else RED. Lower is
     * better: value ≤ green → GREEN, ≤ yellow → YELLOW, else RED.
     */
    public record Thresholds(boolean higherIsBetter, double green, double yellow) implements java.io.Serializable {

        public KpiValue.Status statusOf(Double value) {
            if (value == null || value.isNaN()) {
                return KpiValue.Status.GREY;
            }
            double v = value;
            if (higherIsBetter) {
                return v >= green ? KpiValue.Status.GREEN : v >= yellow ? KpiValue.Status.YELLOW : KpiValue.Status.RED;
            }
            return v <= green ? KpiValue.Status.GREEN : v <= yellow ? KpiValue.Status.YELLOW : KpiValue.Status.RED;
        }
    }

    // ------------------------------------------------------------------------------------------------ parsing

    private static KpiCatalog parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = EventCodec.mapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("KPI catalogue " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("KPI catalogue " + source + " must be a JSON array of KPI objects");
        }
        if (root.isEmpty()) {
            throw new IllegalArgumentException("KPI catalogue " + source + " has no KPIs");
        }
        List<KpiDefinition> defs = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        int index = 0;
        for (JsonNode n : root) {
            KpiDefinition d = definition(n, index++, source);
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException(
                        "KPI catalogue " + source + ": KPI '" + d.id() + "' field 'id': duplicate id");
            }
            defs.add(d);
        }
        return new KpiCatalog(defs);
    }

    private static KpiDefinition definition(JsonNode n, int index, String source) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    "KPI catalogue " + source + ": entry #" + index + " is not a JSON object");
        }
        JsonNode idNode = n.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
            throw new IllegalArgumentException(
                    "KPI catalogue " + source + ": entry #" + index + " field 'id': required non-empty string");
        }
        Fields f = new Fields(idNode.asText(), source);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw f.error(key, "unknown field (expected one of " + sorted(KEYS) + ")");
            }
        }
        Kind kind = switch (f.text(n, "kind")) {
            case "count" -> Kind.COUNT;
            case "ratio" -> Kind.RATIO;
            default -> throw f.error("kind", "unknown kind '" + n.get("kind").asText() + "' (expected count or ratio)");
        };
        List<String> windows = f.names(n, "windows", WINDOWS);
        List<String> scopes = f.names(n, "scopes", SCOPES);
        return new KpiDefinition(f.id, kind, f.text(n, "name_vi"), f.text(n, "name_en"), f.text(n, "unit"),
                f.text(n, "description_en"), windows, scopes, f.thresholds(n.get("thresholds")),
                f.optionalText(n, "index_766"));
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        Collections.sort(l);
        return l;
    }

    /** Field readers that name the KPI and the field in every error. */
    private record Fields(String id, String source) {

        IllegalArgumentException error(String field, String problem) {
            return new IllegalArgumentException(
                    "KPI catalogue " + source + ": KPI '" + id + "' field '" + field + "': " + problem);
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

        String optionalText(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw error(field, "must be a non-empty string or null");
            }
            return v.asText();
        }

        List<String> names(JsonNode n, String field, Set<String> allowed) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "required");
            }
            if (!v.isArray()) {
                throw error(field, "must be an array of strings");
            }
            if (v.isEmpty()) {
                throw error(field, "must not be empty");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw error(field, "must be an array of strings");
                }
                String name = e.asText();
                if (!allowed.contains(name)) {
                    throw error(field, "unknown name '" + name + "' (expected one of " + sorted(allowed) + ")");
                }
                if (out.contains(name)) {
                    throw error(field, "'" + name + "' listed twice");
                }
                out.add(name);
            }
            return out;
        }

        Thresholds thresholds(JsonNode t) {
            if (t == null || t.isNull()) {
                return null;
            }
            if (!t.isObject()) {
                throw error("thresholds", "must be null or an object {direction, green, yellow}");
            }
            for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!THRESHOLD_KEYS.contains(key)) {
                    throw error("thresholds." + key, "unknown field (expected direction, green, yellow)");
                }
            }
            JsonNode dir = t.get("direction");
            boolean higher;
            if (dir != null && dir.isTextual() && dir.asText().equals(HIGHER)) {
                higher = true;
            } else if (dir != null && dir.isTextual() && dir.asText().equals(LOWER)) {
                higher = false;
            } else {
                throw error("thresholds.direction", "must be '" + HIGHER + "' or '" + LOWER + "'");
            }
            double green = number(t, "green");
            double yellow = number(t, "yellow");
            if (higher ? green < yellow : green > yellow) {
                throw error("thresholds", "green " + green + " must be " + (higher ? "≥" : "≤") + " yellow " + yellow
                        + " when " + dir.asText());
            }
            return new Thresholds(higher, green, yellow);
        }

        private double number(JsonNode t, String key) {
            JsonNode v = t.get(key);
            if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw error("thresholds." + key, "required finite number");
            }
            return v.doubleValue();
        }
    }
}
