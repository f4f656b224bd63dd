package vn.ioc.pulse.dashboard.rest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The province's units served by {@code GET /api/v1/units} and used by the rankings: the province itself, its
 * resolving agencies and its communes/wards.
 *
 * <p>Sources (environment variables, defaults in brackets):
 * <ul>
 *   <li>{@code IOC_PROVINCE_CODE} [SL] and {@code IOC_PROVINCE_NAME} [Tỉnh Sơn La]: the province (its code is the
 *       KPI job's province scope id, the same variable);</li>
 *   <li>{@code IOC_UNITS_FILE} [the classpath copy of shared/data/sonla-units-2025.csv, 75 communes/wards]: a CSV
 *       with a header row holding at least {@code code}, {@code name} and {@code type} ({@code xa}, {@code phuong}
 *       or {@code dac_khu}); other columns are ignored;</li>
 *   <li>{@code IOC_AGENCIES_FILE} [the classpath {@code ioc/units/sonla-agencies.csv}: the simulator's agency codes,
 *       see the comments in that file]: a CSV with the columns {@code code}, {@code name}, {@code subtype}
 *       ({@code department} or {@code people_committee}).</li>
 * </ul>
 * Both files are UTF-8, comma-separated, one record per line; a field may be in double quotes (a quote inside doubled);
 * lines starting with {@code #} and blank lines are skipped. Every record is checked when the API starts: a bad file
 * fails the start with an {@link IllegalArgumentException} naming the file, the line and the field.
 */
public final class UnitRegistry {
    public static final String UNITS_RESOURCE = "ioc/units/sonla-units-2025.csv";
    public static final String AGENCIES_RESOURCE = "ioc/units/sonla-agencies.csv";
    /** Unit types, in the order the list is served. */
    public static final List<String> TYPES = List.of("province", "agency", "commune");
    static final Set<String> COMMUNE_SUBTYPES = Set.of("xa", "phuong", "dac_khu");
    static final Set<String> AGENCY_SUBTYPES = Set.of("department", "people_committee");
    private static final int MAX_CODE_LENGTH = 128;

    /** One unit; {@code subtype} is null for the province. */
    public record Unit(String code, String name, String type, String subtype) {
        public JsonObject toJson() {
            return new JsonObject().put("code", code).put("name", name).put("type", type).put("subtype", subtype);
        }
    }

    private final List<Unit> all;
    private final Map<String, Map<String, Unit>> byType = new HashMap<>();

    public UnitRegistry(Unit province, List<Unit> agencies, List<Unit> communes) {
        List<Unit> list = new ArrayList<>();
        list.add(province);
        list.addAll(agencies);
        list.addAll(communes);
        this.all = List.copyOf(list);
        for (Unit u : all) {
            byType.computeIfAbsent(u.type(), t -> new LinkedHashMap<>()).put(u.code(), u);
        }
    }

    /** The units configured by the environment (see the class comment). */
    public static UnitRegistry fromEnv(Map<String, String> env) {
        String provinceCode = env.getOrDefault("IOC_PROVINCE_CODE", "SL");
        String provinceName = env.getOrDefault("IOC_PROVINCE_NAME", "Tỉnh Sơn La");
        if (provinceCode.isBlank() || provinceName.isBlank()) {
            throw new IllegalArgumentException("IOC_PROVINCE_CODE and IOC_PROVINCE_NAME must not be blank");
        }
        Unit province = new Unit(provinceCode.trim(), provinceName.trim(), "province", null);
        List<Unit> agencies = agencies(source(env.get("IOC_AGENCIES_FILE"), AGENCIES_RESOURCE, "IOC_AGENCIES_FILE"));
        List<Unit> communes = communes(source(env.get("IOC_UNITS_FILE"), UNITS_RESOURCE, "IOC_UNITS_FILE"));
        return new UnitRegistry(province, agencies, communes);
    }

    /** The shipped defaults. */
    public static UnitRegistry defaults() {
        return fromEnv(Map.of());
    }

    /** Every unit: the province, then the agencies and the communes in file order. */
    public List<Unit> all() {
        return all;
    }

    /** The units of one type ({@link #TYPES}), in file order; empty for other scope types. */
    public List<Unit> ofType(String type) {
        Map<String, Unit> m = byType.get(type);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** Whether scopes of this type have a list of units (province, agency, commune). */
    public static boolean hasList(String scopeType) {
        return TYPES.contains(scopeType);
    }

    public Optional<Unit> get(String type, String code) {
        Map<String, Unit> m = byType.get(type);
        return Optional.ofNullable(m == null ? null : m.get(code));
    }

    public JsonArray toJson(List<Unit> units) {
        JsonArray a = new JsonArray();
        units.forEach(u -> a.add(u.toJson()));
        return a;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** A CSV text and the name errors give it. */
    record Source(String name, String text) {
    }

    static Source source(String file, String resource, String variable) {
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.trim());
            try {
                return new Source(path.toString(), decode(Files.readAllBytes(path), path.toString()));
            } catch (IOException e) {
                throw new IllegalArgumentException(variable + "=" + file + ": cannot read the file (" + e + ")", e);
            }
        }
        try (InputStream in = UnitRegistry.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the classpath");
            }
            return new Source("classpath:" + resource, decode(in.readAllBytes(), resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath:" + resource, e);
        }
    }

    private static String decode(byte[] bytes, String name) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("units file " + name + " is not valid UTF-8", e);
        }
    }

    /** Communes/wards from a file of the shape of shared/data/sonla-units-2025.csv. */
    static List<Unit> communes(Source source) {
        List<Unit> out = new ArrayList<>();
        for (Row r : rows(source, List.of("code", "name", "type"))) {
            String type = r.get("type");
            if (!COMMUNE_SUBTYPES.contains(type)) {
                throw r.error("type", "'" + type + "' is not one of " + sorted(COMMUNE_SUBTYPES));
            }
            out.add(new Unit(r.get("code"), r.get("name"), "commune", type));
        }
        return out;
    }

    /** Agencies from a file with the columns code, name, subtype. */
    static List<Unit> agencies(Source source) {
        List<Unit> out = new ArrayList<>();
        for (Row r : rows(source, List.of("code", "name", "subtype"))) {
            String subtype = r.get("subtype");
            if (!AGENCY_SUBTYPES.contains(subtype)) {
                throw r.error("subtype", "'" + subtype + "' is not one of " + sorted(AGENCY_SUBTYPES));
            }
            out.add(new Unit(r.get("code"), r.get("name"), "agency", subtype));
        }
        return out;
    }

    /** One record with its line number; {@link #get} gives a required, trimmed, non-empty field. */
    record Row(Source source, int line, Map<String, String> fields) {
        String get(String column) {
            String v = fields.get(column);
            if (v == null || v.isBlank()) {
                throw error(column, "required, found an empty field");
            }
            return v.trim();
        }

        IllegalArgumentException error(String column, String problem) {
            return new IllegalArgumentException("units file " + source.name() + " line " + line
                    + (column == null ? "" : " field '" + column + "'") + ": " + problem);
        }
    }

    /** Reads the records, checks the required columns, the codes (well-formed, unique) and the names. */
    static List<Row> rows(Source source, List<String> required) {
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        Set<String> codes = new HashSet<>();
        for (Record rec : records(source)) {
            List<String> cells = rec.cells();
            int lineNo = rec.line();
            if (header == null) {
                header = cells.stream().map(String::trim).toList();
                for (String column : required) {
                    if (!header.contains(column)) {
                        throw new IllegalArgumentException("units file " + source.name() + " line " + lineNo
                                + ": the header lacks column '" + column + "' (required: " + required
                                + "), found " + header);
                    }
                }
                if (new HashSet<>(header).size() != header.size()) {
                    throw new IllegalArgumentException("units file " + source.name() + " line " + lineNo
                            + ": the header names a column twice: " + header);
                }
                continue;
            }
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("units file " + source.name() + " line " + lineNo + ": "
                        + cells.size() + " fields, the header has " + header.size());
            }
            Map<String, String> fields = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                fields.put(header.get(c), cells.get(c));
            }
            Row row = new Row(source, lineNo, fields);
            String code = row.get("code");
            if (code.length() > MAX_CODE_LENGTH || code.contains("/") || !code.chars().noneMatch(
                    ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
                throw row.error("code", "'" + code + "' must be at most " + MAX_CODE_LENGTH
                        + " characters without '/', spaces or control characters (it is a KPI scope id)");
            }
            if (!codes.add(code)) {
                throw row.error("code", "'" + code + "' is listed twice");
            }
            String name = row.get("name");
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw row.error("name", "contains a line break or control character");
            }
            rows.add(row);
        }
        if (header == null) {
            throw new IllegalArgumentException("units file " + source.name() + " has no header row");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("units file " + source.name() + " has no units");
        }
        return rows;
    }

    /** One CSV record and the line it starts on (1-based). */
    record Record(int line, List<String> cells) {
    }

    /**
     * Splits CSV text (RFC 4180): comma-separated fields, optionally in double quotes ({@code ""} for a quote
     * inside; a quoted field may span lines, as the shared units file's {@code admin_centre} does). Lines that start
     * with {@code #} where a record would start, and blank lines, are skipped.
     */
    static List<Record> records(Source source) {
        String text = source.text();
        List<Record> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            int lineEnd = text.indexOf('\n', i);
            int end = lineEnd < 0 ? n : lineEnd;
            String physical = text.substring(i, end);
            if (physical.startsWith("#") || physical.isBlank()) {
                i = end + 1;
                line++;
                continue;
            }
            int start = line;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            while (true) {
                if (i < n && text.charAt(i) == '"') {
                    i++;
                    while (true) {
                        if (i >= n) {
                            throw new IllegalArgumentException("units file " + source.name() + " line " + start
                                    + ": a quoted field (field " + (cells.size() + 1) + ") is never closed");
                        }
                        char ch = text.charAt(i++);
                        if (ch == '"') {
                            if (i < n && text.charAt(i) == '"') {
                                cell.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            if (ch == '\n') {
                                line++;
                            }
                            cell.append(ch);
                        }
                    }
                    if (i < n && text.charAt(i) == '\r') {
                        i++;
                    }
                    if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n') {
                        throw new IllegalArgumentException("units file " + source.name() + " line " + line
                                + ": text after the closing quote of field " + (cells.size() + 1));
                    }
                } else {
                    while (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n') {
                        cell.append(text.charAt(i++));
                    }
                    if (cell.length() > 0 && cell.charAt(cell.length() - 1) == '\r') {
                        cell.setLength(cell.length() - 1);
                    }
                }
                cells.add(cell.toString());
                cell.setLength(0);
                if (i >= n || text.charAt(i) == '\n') {
                    i++;
                    line++;
                    break;
                }
                i++; // the comma
            }
            out.add(new Record(start, cells));
        }
        return out;
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        java.util.Collections.sort(l);
        return l;
    }
}
