package vn.ioc.pulse.ingest.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.ValidationException;

/**
 * Maps one dossier snapshot of the national public service portal's sync payload ({@code DongBoHoSoMC}, Cổng
 * DVCQG) to case events {@code ioc.case.v1} (CONTRACT.md §1). The mapping table and its choices are in
 * {@code docs/portal-adapter.md}.
 *
 * <p>A snapshot is a <em>state</em>, not an event: the events are derived from the dates it carries, and every
 * event id is a pure function of the dossier code, the event type and a source timestamp
 * ({@code dvcqg:<MaHoSo>:<TYPE>:<yyyyMMddHHmmss>[:<list index>]}). Re-sending a snapshot therefore yields exactly
 * the same events (duplicates, ignored downstream), and a later snapshot of the same dossier adds only the events
 * for what happened since.
 *
 * <p>Pure function, thread-safe. Every returned JSON text passes {@link EventCodec#parse(String)}; anything that
 * cannot be mapped throws {@link ValidationException} naming the Vietnamese field at fault.
 */
public final class DongBoHoSoMapper {
    /** {@code source_system} of every derived event, and the prefix of their ids. */
    public static final String SOURCE_SYSTEM = "DVCQG";
    private static final String ID_PREFIX = "dvcqg:";
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final DateTimeFormatter PORTAL_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
    private static final Pattern FOURTEEN_DIGITS = Pattern.compile("\\d{14}");

    /** Contract field → the portal field it comes from, to name the Vietnamese field when validation fails. */
    private static final Map<String, String> SOURCE_FIELD = Map.ofEntries(
            Map.entry("dossier_code", "MaHoSo"), Map.entry("event_id", "MaHoSo"),
            Map.entry("procedure_code", "MaTTHC"), Map.entry("field_code", "MaLinhVuc"),
            Map.entry("agency_code", "MaCoQuan"), Map.entry("commune_code", "MaXa"),
            Map.entry("channel", "KenhThucHien"), Map.entry("due_at", "NgayHenTra"),
            Map.entry("received_at", "NgayTiepNhan"), Map.entry("service_level", "MucDo"),
            Map.entry("status_code", "TrangThaiHoSo"));

    /**
     * Fixed {@code sequence} per type: the tie-breaker when two derived events of one dossier share a source
     * second (e.g. RECEIVED and the online payment at NgayTiepNhan). Fixed, so it is the same in every snapshot.
     */
    private static final Map<CaseEventType, Integer> SEQUENCE = Map.ofEntries(
            Map.entry(CaseEventType.SUBMITTED, 0), Map.entry(CaseEventType.REFUSED, 1),
            Map.entry(CaseEventType.RECEIVED, 1), Map.entry(CaseEventType.PAYMENT_COMPLETED, 2),
            Map.entry(CaseEventType.SUPPLEMENT_REQUESTED, 3), Map.entry(CaseEventType.SUPPLEMENT_RECEIVED, 4),
            Map.entry(CaseEventType.PROCESSING, 5), Map.entry(CaseEventType.FINANCIAL_OBLIGATION, 6),
            Map.entry(CaseEventType.WITHDRAWN, 7), Map.entry(CaseEventType.STOPPED, 7),
            Map.entry(CaseEventType.RESOLVED, 7), Map.entry(CaseEventType.RESULT_RETURNED, 8));

    private DongBoHoSoMapper() {
    }

    /** A portal timestamp: its 14-digit text (used in event ids) and the ISO-8601 form with +07:00. */
    private record PortalTime(String stamp, OffsetDateTime time) implements Comparable<PortalTime> {
        String iso() {
            return ISO.format(time);
        }

        @Override
        public int compareTo(PortalTime o) {
            return time.compareTo(o.time);
        }
    }

    /**
     * Derives the case events of one dossier snapshot, in lifecycle order.
     *
     * @return the events as JSON texts, each valid per CONTRACT.md §1
     * @throws ValidationException naming the portal field ({@code NgayHenTra},
     *         {@code DanhSachHoSoBoSung[0].NgayYeuCauBoSung}, …) when the snapshot cannot be mapped
     */
    public static List<String> map(JsonNode snapshot) throws ValidationException {
        if (snapshot == null || !snapshot.isObject()) {
            throw new ValidationException(null, "a dossier snapshot must be a JSON object, got "
                    + (snapshot == null ? "nothing" : snapshot.getNodeType().name().toLowerCase()));
        }
        String dossier = code(snapshot, "MaHoSo");
        if (dossier == null) {
            throw new ValidationException("MaHoSo", "required");
        }
        if (dossier.length() > 64) {
            throw new ValidationException("MaHoSo", "longer than 64 characters");
        }
        int status = status(snapshot);
        String procedure = code(snapshot, "MaTTHC");
        String fieldCode = code(snapshot, "MaLinhVuc");
        String agencyField = code(snapshot, "MaCoQuan") != null ? "MaCoQuan" : "DonViXuLy";
        String agency = code(snapshot, agencyField);
        String commune = code(snapshot, "MaXa") != null ? code(snapshot, "MaXa") : code(snapshot, "MaDonViHanhChinh");
        String channel = channel(snapshot);
        String serviceLevel = serviceLevel(snapshot);
        PortalTime submitted = time(snapshot, "NgayNopHoSo");
        PortalTime received = time(snapshot, "NgayTiepNhan");
        PortalTime due = time(snapshot, "NgayHenTra");
        PortalTime ended = time(snapshot, "NgayKetThucXuLy");
        PortalTime returned = time(snapshot, "NgayTra");
        PortalTime refused = time(snapshot, "NgayTuChoi");
        boolean paidOnline = paidOnline(snapshot);
        JsonNode fees = list(snapshot, "DanhSachLePhi");
        JsonNode supplements = list(snapshot, "DanhSachHoSoBoSung");

        Builder out = new Builder(dossier);
        // Reception (or the online submission, or the refusal at intake)
        PortalTime anchor = null;
        if (status == 1) {
            anchor = submitted != null ? submitted : received;
            if (anchor == null) {
                throw new ValidationException("NgayNopHoSo", "required when TrangThaiHoSo is 1 (submitted), "
                        + "or NgayTiepNhan");
            }
            ObjectNode e = out.event(CaseEventType.SUBMITTED, anchor, anchor.stamp());
            e.put("procedure_code", procedure);
            putCommon(e, fieldCode, agency, commune, channel, serviceLevel);
            out.add(e, "MaTTHC");
        } else if (status == 3) {
            PortalTime at = first(refused, ended, received, submitted);
            if (at == null) {
                throw new ValidationException("NgayTuChoi", "required when TrangThaiHoSo is 3 (refused), "
                        + "or NgayKetThucXuLy");
            }
            ObjectNode e = out.event(CaseEventType.REFUSED, at, at.stamp());
            e.put("procedure_code", procedure);
            putCommon(e, fieldCode, agency, commune, channel, serviceLevel);
            out.add(e, null);
        } else {
            if (received == null) {
                throw new ValidationException("NgayTiepNhan", "required when TrangThaiHoSo is " + status
                        + " (the dossier was received)");
            }
            anchor = received;
            requireForReceived(procedure, "MaTTHC");
            requireForReceived(agency, "MaCoQuan");
            requireForReceived(channel, "KenhThucHien");
            if (due == null) {
                throw new ValidationException("NgayHenTra", "required on a received dossier (NgayTiepNhan is set): "
                        + "the portal sends no regulated duration to compute the due date from");
            }
            ObjectNode e = out.event(CaseEventType.RECEIVED, received, received.stamp());
            e.put("procedure_code", procedure);
            putCommon(e, fieldCode, agency, commune, channel, serviceLevel);
            e.put("received_at", received.iso());
            e.put("due_at", due.iso());
            if (fees != null) {
                e.put("fee_required", !fees.isEmpty());
            }
            out.add(e, null);
        }

        // Online fee payment: one per dossier, its id anchored to the reception so that a payment date the portal
        // fills in later does not make a second payment
        if (paidOnline && anchor != null) {
            PortalTime paidAt = paymentTime(fees);
            PortalTime at = paidAt != null ? paidAt : anchor;
            ObjectNode e = out.event(CaseEventType.PAYMENT_COMPLETED, at, anchor.stamp());
            ObjectNode payment = e.putObject("payment");
            payment.put("online", true);
            payment.put("gateway", "DVCQG");
            out.add(e, "DuocThanhToanTrucTuyen");
        }

        // Supplement requests, in list order (the portal appends)
        PortalTime latest = received;
        int openRequests = 0;
        if (supplements != null && status != 1 && status != 3) {
            for (int i = 0; i < supplements.size(); i++) {
                JsonNode item = supplements.get(i);
                String prefix = "DanhSachHoSoBoSung[" + i + "].";
                if (!item.isObject()) {
                    throw new ValidationException("DanhSachHoSoBoSung[" + i + "]", "must be a JSON object");
                }
                PortalTime asked = time(item, "NgayYeuCauBoSung", prefix);
                PortalTime supplied = first(time(item, "NgayTiepNhanBoSung", prefix), time(item, "NgayBoSung", prefix));
                PortalTime newDue = time(item, "NgayHenTraMoi", prefix);
                if (asked == null) {
                    throw new ValidationException(prefix + "NgayYeuCauBoSung", "required in every supplement request");
                }
                String key = asked.stamp() + ":" + i;
                out.add(out.event(CaseEventType.SUPPLEMENT_REQUESTED, asked, key), null);
                latest = max(latest, asked);
                if (supplied != null) {
                    if (supplied.compareTo(asked) < 0) {
                        throw new ValidationException(prefix + (time(item, "NgayTiepNhanBoSung", prefix) != null
                                ? "NgayTiepNhanBoSung" : "NgayBoSung"), "before NgayYeuCauBoSung " + asked.stamp());
                    }
                    ObjectNode e = out.event(CaseEventType.SUPPLEMENT_RECEIVED, supplied, key);
                    if (newDue != null) {
                        e.put("due_at", newDue.iso());
                    }
                    out.add(e, prefix + "NgayHenTraMoi");
                    latest = max(latest, supplied);
                } else {
                    openRequests++;
                }
            }
        }
        if (status == 5 && openRequests == 0) {
            throw new ValidationException("DanhSachHoSoBoSung", "TrangThaiHoSo is 5 (supplement requested) but no "
                    + "request without NgayBoSung/NgayTiepNhanBoSung is listed, so the pause has no start time");
        }

        // States without a transition time of their own: dated at the latest source time the snapshot carries
        if (status == 4 || status == 6) {
            CaseEventType type = status == 4 ? CaseEventType.PROCESSING : CaseEventType.FINANCIAL_OBLIGATION;
            out.add(out.event(type, latest, latest.stamp()), null);
        }

        // Ends
        switch (status) {
            case 7, 8 -> {
                if (ended == null) {
                    throw new ValidationException("NgayKetThucXuLy", "required when TrangThaiHoSo is " + status);
                }
                CaseEventType type = status == 7 ? CaseEventType.WITHDRAWN : CaseEventType.STOPPED;
                out.add(out.event(type, ended, ended.stamp()), null);
            }
            case 9, 10 -> {
                if (status == 9 && ended == null) {
                    throw new ValidationException("NgayKetThucXuLy", "required when TrangThaiHoSo is 9 (resolved)");
                }
                if (ended != null) {
                    out.add(out.event(CaseEventType.RESOLVED, ended, ended.stamp()), null);
                }
                if (status == 10) {
                    if (returned == null) {
                        throw new ValidationException("NgayTra", "required when TrangThaiHoSo is 10 (result returned)");
                    }
                    out.add(out.event(CaseEventType.RESULT_RETURNED, returned, returned.stamp()), null);
                }
            }
            default -> {
            }
        }
        return out.events;
    }

    private static void putCommon(ObjectNode e, String fieldCode, String agency, String commune, String channel,
            String serviceLevel) {
        put(e, "field_code", fieldCode);
        put(e, "agency_code", agency);
        put(e, "commune_code", commune);
        put(e, "channel", channel);
        put(e, "service_level", serviceLevel);
    }

    private static void put(ObjectNode e, String name, String value) {
        if (value != null) {
            e.put(name, value);
        }
    }

    private static void requireForReceived(String value, String field) throws ValidationException {
        if (value == null) {
            throw new ValidationException(field, "required on a received dossier (NgayTiepNhan is set)"
                    + ("MaCoQuan".equals(field) ? "; send MaCoQuan or DonViXuLy with the agency code" : ""));
        }
    }

    /** Collects the derived events, validating each with the contract codec. */
    private static final class Builder {
        private final String dossier;
        private final List<String> events = new ArrayList<>();

        Builder(String dossier) {
            this.dossier = dossier;
        }

        ObjectNode event(CaseEventType type, PortalTime at, String idKey) {
            ObjectNode e = EventCodec.mapper().createObjectNode();
            e.put("schema", "ioc.case.v1");
            e.put("event_id", ID_PREFIX + dossier + ":" + type + ":" + idKey);
            e.put("dossier_code", dossier);
            e.put("type", type.name());
            e.put("occurred_at", at.iso());
            e.put("sequence", SEQUENCE.getOrDefault(type, 9));
            e.put("source_system", SOURCE_SYSTEM);
            return e;
        }

        /** Validates {@code e}; {@code hint} names the portal field for a failure the table cannot attribute. */
        void add(ObjectNode e, String hint) throws ValidationException {
            try {
                EventCodec.parse(e);
            } catch (ValidationException v) {
                String source = v.field() == null ? hint : SOURCE_FIELD.getOrDefault(v.field(), hint);
                String reason = v.field() == null ? v.getMessage()
                        : v.getMessage().substring(("field '" + v.field() + "': ").length());
                throw new ValidationException(source, "cannot make a valid " + e.path("type").asText()
                        + " event (" + v.field() + " " + reason + ")");
            }
            events.add(e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Field readers: every error names the portal field

    /** A code: a non-empty string, or an integer (some portals send MaXa as a number); null when absent. */
    private static String code(JsonNode o, String field) throws ValidationException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            String s = v.textValue().strip();
            return s.isEmpty() ? null : s;
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        throw new ValidationException(field, "must be a string, got " + v.getNodeType().name().toLowerCase());
    }

    /** A small integer code sent as a JSON integer or a numeric string; null when absent. */
    private static Integer smallInt(JsonNode o, String field) throws ValidationException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual() && v.textValue().strip().matches("\\d{1,3}")) {
            return Integer.parseInt(v.textValue().strip());
        }
        throw new ValidationException(field, "must be an integer code, got " + v);
    }

    private static int status(JsonNode o) throws ValidationException {
        Integer s = smallInt(o, "TrangThaiHoSo");
        if (s == null) {
            throw new ValidationException("TrangThaiHoSo", "required");
        }
        if (s < 1 || s > 10) {
            throw new ValidationException("TrangThaiHoSo", "must be 1-10, got " + s);
        }
        return s;
    }

    private static String channel(JsonNode o) throws ValidationException {
        Integer k = smallInt(o, "KenhThucHien");
        if (k == null) {
            return null;
        }
        return switch (k) {
            case 1 -> "DIRECT";
            case 2 -> "ONLINE";
            case 3 -> "POSTAL";
            default -> throw new ValidationException("KenhThucHien", "must be 1 (direct), 2 (online) or 3 (postal), "
                    + "got " + k);
        };
    }

    private static String serviceLevel(JsonNode o) throws ValidationException {
        Integer m = smallInt(o, "MucDo");
        if (m == null) {
            return null;
        }
        return switch (m) {
            case 1 -> "NONE";
            case 2, 3 -> "PARTIAL";
            case 4 -> "FULL";
            default -> throw new ValidationException("MucDo", "must be 1-4, got " + m);
        };
    }

    private static boolean paidOnline(JsonNode o) throws ValidationException {
        JsonNode v = o.get("DuocThanhToanTrucTuyen");
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String s = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue().strip().toLowerCase() : null;
        if ("1".equals(s) || "true".equals(s)) {
            return true;
        }
        if ("0".equals(s) || "false".equals(s) || "".equals(s)) {
            return false;
        }
        throw new ValidationException("DuocThanhToanTrucTuyen", "must be 1/0 or true/false, got " + v);
    }

    /** The earliest NgayThanhToan among the fees, or null. */
    private static PortalTime paymentTime(JsonNode fees) throws ValidationException {
        PortalTime earliest = null;
        if (fees == null) {
            return null;
        }
        for (int i = 0; i < fees.size(); i++) {
            JsonNode fee = fees.get(i);
            if (fee.isObject()) {
                PortalTime t = time(fee, "NgayThanhToan", "DanhSachLePhi[" + i + "].");
                if (t != null && (earliest == null || t.compareTo(earliest) < 0)) {
                    earliest = t;
                }
            }
        }
        return earliest;
    }

    /** A JSON array, or null when absent/null. */
    private static JsonNode list(JsonNode o, String field) throws ValidationException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new ValidationException(field, "must be a JSON array, got " + v.getNodeType().name().toLowerCase());
        }
        return v;
    }

    private static PortalTime time(JsonNode o, String field) throws ValidationException {
        return time(o, field, "");
    }

    /** A {@code yyyyMMddHHmmss} date in +07:00 (string, or a 14-digit integer); null when absent or empty. */
    private static PortalTime time(JsonNode o, String field, String prefix) throws ValidationException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String text;
        if (v.isTextual()) {
            text = v.textValue().strip();
            if (text.isEmpty()) {
                return null;
            }
        } else if (v.isIntegralNumber()) {
            text = v.asText();
        } else {
            throw new ValidationException(prefix + field, "must be a yyyyMMddHHmmss date string, got "
                    + v.getNodeType().name().toLowerCase());
        }
        if (!FOURTEEN_DIGITS.matcher(text).matches()) {
            throw new ValidationException(prefix + field, "not a yyyyMMddHHmmss date (+07:00): '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
        try {
            LocalDateTime local = LocalDateTime.parse(text, PORTAL_TIME);
            return new PortalTime(text, local.atOffset(VN));
        } catch (DateTimeException e) {
            throw new ValidationException(prefix + field, "impossible date or time '" + text + "'");
        }
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static PortalTime max(PortalTime a, PortalTime b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }
}
