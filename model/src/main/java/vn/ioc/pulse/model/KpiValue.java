package vn.ioc.pulse.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One KPI value (CONTRACT.md §3): for counts {@code value = numerator} and {@code denominator} null; for ratios
 * {@code value} null when the denominator is 0. {@code asOf} is the event time it describes.
 *
 * <p>{@code seq} (JSON {@code "seq"}, an extension of the contract's KPI value JSON) is the KPI job's per-key
 * sequence number of live values: 1 for the first value it publishes for a key, +1 for each next one, kept in
 * checkpointed state (CONTRACT.md §5). 0 means none: a revision ({@code revision > 0}, a restated closed period,
 * which is not a live value) or a record written before the job assigned seqs (read without the field).
 */
public record KpiValue(
        String kpi,
        String scopeType,
        String scopeId,
        String window,
        Double value,
        Double numerator,
        Double denominator,
        Status status,
        Instant asOf,
        Instant computedAt,
        long revision,
        long seq) {

    /** A value without a live sequence number ({@code seq} 0). */
    public KpiValue(String kpi, String scopeType, String scopeId, String window, Double value, Double numerator,
                    Double denominator, Status status, Instant asOf, Instant computedAt, long revision) {
        this(kpi, scopeType, scopeId, window, value, numerator, denominator, status, asOf, computedAt, revision, 0);
    }

    /** The same value with another {@code seq}. */
    public KpiValue withSeq(long newSeq) {
        return newSeq == seq ? this : new KpiValue(kpi, scopeType, scopeId, window, value, numerator, denominator,
                status, asOf, computedAt, revision, newSeq);
    }

    /** Local time zone of all calendar logic (DOMAIN.md §2 rule 6). */
    public static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZONE);

    /** Status of a tile: GREY means no data. */
    public enum Status { GREEN, YELLOW, RED, GREY }

    /** The Kafka key and identity of a series: {@code kpi/scope_type/scope_id/window}. */
    public String key() {
        return key(kpi, scopeType, scopeId, window);
    }

    public static String key(String kpi, String scopeType, String scopeId, String window) {
        return kpi + "/" + scopeType + "/" + scopeId + "/" + window;
    }

    /** Formats an instant as ISO-8601 in +07:00. */
    public static String formatTime(Instant t) {
        return t == null ? null : TIME_FORMAT.format(t);
    }

    /** The contract JSON object. */
    public ObjectNode toJsonNode() {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("kpi", kpi);
        o.put("scope_type", scopeType);
        o.put("scope_id", scopeId);
        o.put("window", window);
        o.put("value", value);
        o.put("numerator", numerator);
        o.put("denominator", denominator);
        o.put("status", status.name());
        o.put("as_of", formatTime(asOf));
        o.put("computed_at", formatTime(computedAt));
        o.put("revision", revision);
        o.put("seq", seq);
        return o;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /**
     * Reads the contract JSON written by {@link #toJson()}. A record without {@code seq} (or with {@code null})
     * reads as seq 0 (unknown: written before the job assigned seqs); a {@code seq} that is not a non-negative
     * integer is an error.
     */
    public static KpiValue fromJson(String json) {
        try {
            JsonNode n = EventCodec.mapper().readTree(json);
            for (String required : new String[] {"kpi", "scope_type", "scope_id", "window", "status", "as_of"}) {
                if (!n.path(required).isTextual() || n.path(required).asText().isEmpty()) {
                    throw new IllegalArgumentException("field '" + required + "' is required");
                }
            }
            return new KpiValue(n.path("kpi").asText(), n.path("scope_type").asText(), n.path("scope_id").asText(),
                    n.path("window").asText(), number(n.get("value")), number(n.get("numerator")),
                    number(n.get("denominator")), Status.valueOf(n.path("status").asText()),
                    time(n.get("as_of")), time(n.get("computed_at")), n.path("revision").asLong(), seq(n.get("seq")));
        } catch (JsonProcessingException | ValidationException e) {
            throw new IllegalArgumentException("not a KPI value: " + e.getMessage(), e);
        }
    }

    private static long seq(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new IllegalArgumentException("field 'seq' must be a non-negative integer, got " + n);
        }
        return n.longValue();
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.doubleValue();
    }

    private static Instant time(JsonNode n) throws ValidationException {
        return n == null || n.isNull() ? null : EventCodec.parseTimestamp("as_of", n.asText());
    }
}
