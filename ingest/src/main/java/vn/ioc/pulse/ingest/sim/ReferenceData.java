package vn.ioc.pulse.ingest.sim;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sơn La reference data shipped as resources (copied from shared/data with their sources): the 75 communes and
 * wards after the 2025 reform, a sample of real procedures with regulated durations, and the demo's agencies.
 */
public record ReferenceData(List<Unit> communes, List<Procedure> procedures, Map<String, String> agencyByMinistry) {

    /** A commune or ward. */
    public record Unit(String code, String name, String type, long population) {
    }

    /** A procedure; {@code durationUnit} null when the source gives no single duration. */
    public record Procedure(String code, String name, String fieldCode, String fieldName, String ministry,
                            boolean communeLevel, boolean provinceLevel, Long durationValue, String durationUnit,
                            boolean online) {
    }

    public static ReferenceData load() {
        List<Unit> communes = new ArrayList<>();
        for (Map<String, String> r : csv("/reference/sonla-units-2025.csv")) {
            communes.add(new Unit(r.get("code"), r.get("name"), r.get("type"), parseLong(r.get("population"), 1000)));
        }
        List<Procedure> procedures = new ArrayList<>();
        for (Map<String, String> r : csv("/reference/procedures-sample.csv")) {
            String level = r.get("level");
            String unit = switch (r.get("time_limit_unit")) {
                case "Ngày làm việc" -> "WORKING_DAY";
                case "Ngày" -> "DAY";
                case "Giờ" -> "HOUR";
                default -> null;
            };
            Long value = unit == null ? null : parseLong(r.get("time_limit_value"), 0);
            procedures.add(new Procedure(r.get("code"), r.get("name"), slug(r.get("field_name")), r.get("field_name"),
                    r.get("ministry_folder"), level.contains("commune"), level.contains("province"), value, unit,
                    "yes".equals(r.get("online_submission"))));
        }
        Map<String, String> agencies = new HashMap<>();
        for (Map<String, String> r : csv("/reference/agencies.csv")) {
            agencies.put(r.get("ministry_folder"), r.get("code"));
        }
        return new ReferenceData(communes, procedures, agencies);
    }

    /** A stable ASCII code for a field name (the source has no field codes): "Đất đai" → "dat-dai". */
    static String slug(String name) {
        String ascii = Normalizer.normalize(name.replace('Đ', 'D').replace('đ', 'd'), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
        return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private static long parseLong(String s, long dflt) {
        try {
            return Long.parseLong(s.trim());
        } catch (RuntimeException e) {
            return dflt;
        }
    }

    /** Reads a CSV resource with '#' comment lines and a header row (Jackson CSV). */
    static List<Map<String, String>> csv(String resource) {
        try (InputStream in = ReferenceData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            CsvMapper mapper = new CsvMapper();
            mapper.enable(CsvParser.Feature.ALLOW_COMMENTS);
            try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader().withComments())
                    .readValues(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return it.readAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
