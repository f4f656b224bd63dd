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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;
import vn.ioc.pulse.model.CaseEvent.ServiceLevel;

/**
 * Sơn La reference data shipped as resources (copied from shared/data with their sources): the 75 communes and
 * wards after the 2025 reform with their population, a sample of 292 real procedures from the national catalogue
 * (regulated durations, submission channels, fees), and the provincial departments that resolve them.
 *
 * <p>How the procedure columns are read (the sample's own caveats are in shared/data/SOURCES.md):
 * <ul>
 *   <li><b>durations</b>: the single {@code time_limit_value}/{@code time_limit_unit} when the source gives one;
 *       otherwise every entry of {@code time_limit_all} whose unit is stated ("Ngày làm việc" → WORKING_DAY,
 *       "Ngày" → DAY, "Giờ" → HOUR; the source lists one value per channel or case). Entries whose unit the portal
 *       did not state are not guessed: a procedure without any stated duration has an empty list and the
 *       simulator uses its default.</li>
 *   <li><b>channels</b>: from {@code submission_channels} ("Trực tiếp" DIRECT, "Trực tuyến" ONLINE, "Dịch vụ
 *       bưu chính" POSTAL); DIRECT when the cell is empty.</li>
 *   <li><b>stated service level</b>: FULL for "toàn trình", PARTIAL for "một phần" in {@code dvc_level_stated}
 *       (7 rows), otherwise null (the flag is missing from the source).</li>
 *   <li><b>fee</b>: see {@link Fee#parse(String)}.</li>
 * </ul>
 */
public record ReferenceData(List<Unit> communes, List<Procedure> procedures, Map<String, String> agencyByMinistry) {

    /** A commune or ward; {@code population} as the source gives it (some values look low, see SOURCES.md). */
    public record Unit(String code, String name, String type, long population) {
    }

    /**
     * A procedure of the sample. {@code durations} lists the regulated durations the source states (empty when it
     * states none); {@code statedLevel} is null where the source does not say whether the online service is full
     * or partial.
     */
    public record Procedure(String code, String name, String fieldCode, String fieldName, String ministry,
                            boolean communeLevel, boolean provinceLevel, List<RegulatedDuration> durations,
                            Set<Channel> channels, ServiceLevel statedLevel, Fee fee) {

        /** Whether the portal lists an online submission channel. */
        public boolean online() {
            return channels.contains(Channel.ONLINE);
        }
    }

    /**
     * The portal's fee cell: {@code known} false for "Không có thông tin" (no information); otherwise the amounts
     * in VND of its variants ("Miễn phí" = 0; distinct values by case are joined by " | " in the source). Amounts
     * in foreign currency ("10 USD") are ignored. Amounts are kept as written, including implausibly small ones
     * such as "5 VNĐ" (SOURCES.md: "treat it as indicative").
     */
    public record Fee(boolean known, List<Long> amountsVnd) {
        private static final Pattern VND = Pattern.compile("([0-9][0-9,.]*)\\s*(?:Việt Nam Đồng|VNĐ)");

        /** Parses a fee cell, e.g. "Miễn phí", "10,000 Việt Nam Đồng", "Miễn phí | 5 VNĐ", "Không có thông tin". */
        public static Fee parse(String cell) {
            List<Long> amounts = new ArrayList<>();
            for (String part : (cell == null ? "" : cell).split("\\|")) {
                String p = part.trim();
                Matcher m = VND.matcher(p);
                if (p.equalsIgnoreCase("Miễn phí")) {
                    amounts.add(0L);
                } else if (m.matches()) {
                    amounts.add(Long.parseLong(m.group(1).replace(",", "").replace(".", "")));
                }
            }
            return new Fee(!amounts.isEmpty(), List.copyOf(amounts));
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+) (Ngày làm việc|Ngày|Giờ)");

    public static ReferenceData load() {
        List<Unit> communes = new ArrayList<>();
        for (Map<String, String> r : csv("/reference/sonla-units-2025.csv")) {
            communes.add(new Unit(r.get("code"), r.get("name"), r.get("type"),
                    Long.parseLong(r.get("population").trim())));
        }
        List<Procedure> procedures = new ArrayList<>();
        for (Map<String, String> r : csv("/reference/procedures-sample.csv")) {
            String level = r.get("level");
            procedures.add(new Procedure(r.get("code"), r.get("name"), slug(r.get("field_name")), r.get("field_name"),
                    r.get("ministry_folder"), level.contains("commune"), level.contains("province"),
                    durations(r.get("time_limit_value"), r.get("time_limit_unit"), r.get("time_limit_all")),
                    channels(r.get("submission_channels")), statedLevel(r.get("dvc_level_stated")),
                    Fee.parse(r.get("fee"))));
        }
        Map<String, String> agencies = new HashMap<>();
        for (Map<String, String> r : csv("/reference/agencies.csv")) {
            agencies.put(r.get("ministry_folder"), r.get("code"));
        }
        return new ReferenceData(List.copyOf(communes), List.copyOf(procedures), Map.copyOf(agencies));
    }

    /** The stated durations of a procedure row (see the class comment). */
    static List<RegulatedDuration> durations(String value, String unit, String all) {
        DurationUnit single = unit(unit);
        if (single != null && value != null && !value.isBlank()) {
            return List.of(new RegulatedDuration(Long.parseLong(value.trim()), single));
        }
        List<RegulatedDuration> list = new ArrayList<>();
        for (String part : (all == null ? "" : all).split("\\|")) {
            Matcher m = DURATION.matcher(part.trim());
            if (m.matches()) {
                RegulatedDuration d = new RegulatedDuration(Long.parseLong(m.group(1)), unit(m.group(2)));
                if (!list.contains(d)) {
                    list.add(d);
                }
            }
        }
        return List.copyOf(list);
    }

    private static DurationUnit unit(String text) {
        return switch (text == null ? "" : text.trim()) {
            case "Ngày làm việc" -> DurationUnit.WORKING_DAY;
            case "Ngày" -> DurationUnit.DAY;
            case "Giờ" -> DurationUnit.HOUR;
            default -> null;
        };
    }

    static Set<Channel> channels(String cell) {
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        for (String part : (cell == null ? "" : cell).split(";")) {
            switch (part.trim()) {
                case "Trực tiếp" -> channels.add(Channel.DIRECT);
                case "Trực tuyến" -> channels.add(Channel.ONLINE);
                case "Dịch vụ bưu chính" -> channels.add(Channel.POSTAL);
                default -> {
                }
            }
        }
        if (channels.isEmpty()) {
            channels.add(Channel.DIRECT);
        }
        return Set.copyOf(channels);
    }

    private static ServiceLevel statedLevel(String cell) {
        return switch (cell == null ? "" : cell.trim()) {
            case "toàn trình" -> ServiceLevel.FULL;
            case "một phần" -> ServiceLevel.PARTIAL;
            default -> null;
        };
    }

    /** A stable ASCII code for a field name (the source has no field codes): "Đất đai" → "dat-dai". */
    static String slug(String name) {
        String ascii = Normalizer.normalize(name.replace('Đ', 'D').replace('đ', 'd'), Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
        return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
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
