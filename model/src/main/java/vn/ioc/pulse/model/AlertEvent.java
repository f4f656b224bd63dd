package vn.ioc.pulse.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert record of {@code ioc.alerts.v1} (CONTRACT.md §3, key = {@link #fingerprint}): the KPI job's alert
 * evaluation writes one record per transition of an alert — FIRING when it starts, FIRING again when what it lists
 * changes (the overdue dossiers of an agency), RESOLVED when it ends. The JSON is documented in docs/alerting.md.
 *
 * <p>{@code fingerprint} = {@link #fingerprint(String, String, String)} of rule + scope: stable across replays,
 * restarts and re-firing. {@code seq} is +1 per record of a fingerprint (1 for its first), kept in the job's
 * checkpointed state, so a record re-sent after a restore is the same (fingerprint, seq) and consumers drop it.
 * Everything except {@code computedAt} (wall clock) is a function of the events: a replay yields the same records.
 *
 * @param dossiers    listed dossier codes (overdue rule; at most the rule's {@code max_listed}), else empty
 * @param dossierCount how many dossiers the alert concerns (≥ dossiers.size()), 0 when not a dossier alert
 * @param labels      Alertmanager-style labels (alertname, severity, scope_type, scope_id, kpi, window, rule labels)
 * @param annotations {@code summary_vi}, {@code summary_en}, {@code description_vi}, {@code description_en}
 */
public record AlertEvent(
        String fingerprint,
        String rule,
        Status status,
        Severity severity,
        String scopeType,
        String scopeId,
        String kpi,
        String window,
        Double value,
        Double threshold,
        List<String> dossiers,
        int dossierCount,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        Instant asOf,
        Instant computedAt,
        long seq) {

    public enum Status { FIRING, RESOLVED }

    /** Lower case in JSON ({@code critical}, {@code warning}, {@code info}), as receivers expect. */
    public enum Severity {
        CRITICAL, WARNING, INFO;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Severity fromJson(String s) {
            for (Severity v : values()) {
                if (v.json().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("severity must be critical, warning or info, got '" + s + "'");
        }
    }

    public AlertEvent {
        dossiers = dossiers == null ? List.of() : List.copyOf(dossiers);
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    /** The stable identity of an alert: first 16 hex digits of SHA-256 over {@code rule NUL scope_type NUL scope_id}. */
    public static String fingerprint(String rule, String scopeType, String scopeId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((rule + '\u0000' + scopeType + '\u0000' + scopeId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a consumer keeps per fingerprint to drop repeated records: the last (seq, as_of) it took. The topic is
     * at-least-once (after a job restore the same (fingerprint, seq) comes again, identical); a job started without
     * state numbers from 1 again while its clock moves on — so a record is news when its seq is higher <em>or</em> its
     * as_of is later than the last one taken.
     */
    public record Seen(long seq, Instant asOf) {
        public boolean isNews(AlertEvent a) {
            return a.seq() > seq || (a.asOf() != null && asOf != null && a.asOf().isAfter(asOf));
        }
    }

    public Seen seen() {
        return new Seen(seq, asOf);
    }

    public boolean firing() {
        return status == Status.FIRING;
    }

    /** The same record with another {@code computedAt}. */
    public AlertEvent withComputedAt(Instant t) {
        return new AlertEvent(fingerprint, rule, status, severity, scopeType, scopeId, kpi, window, value, threshold,
                dossiers, dossierCount, labels, annotations, startsAt, endsAt, asOf, t, seq);
    }

    public ObjectNode toJsonNode() {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("fingerprint", fingerprint);
        o.put("rule", rule);
        o.put("status", status.name());
        o.put("severity", severity.json());
        o.put("scope_type", scopeType);
        o.put("scope_id", scopeId);
        o.put("kpi", kpi);
        o.put("window", window);
        o.put("value", value);
        o.put("threshold", threshold);
        ArrayNode ds = o.putArray("dossiers");
        dossiers.forEach(ds::add);
        o.put("dossier_count", dossierCount);
        ObjectNode l = o.putObject("labels");
        labels.forEach(l::put);
        ObjectNode a = o.putObject("annotations");
        annotations.forEach(a::put);
        o.put("starts_at", KpiValue.formatTime(startsAt));
        o.put("ends_at", KpiValue.formatTime(endsAt));
        o.put("as_of", KpiValue.formatTime(asOf));
        o.put("computed_at", KpiValue.formatTime(computedAt));
        o.put("seq", seq);
        return o;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /** Reads the JSON written by {@link #toJson()}; an error names the field. */
    public static AlertEvent fromJson(String json) {
        try {
            return fromJsonNode(EventCodec.mapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an alert: " + e.getOriginalMessage(), e);
        }
    }

    public static AlertEvent fromJsonNode(JsonNode n) {
        try {
            for (String required : new String[] {"fingerprint", "rule", "status", "severity", "scope_type",
                    "scope_id", "starts_at", "as_of"}) {
                if (!n.path(required).isTextual() || n.path(required).asText().isEmpty()) {
                    throw new IllegalArgumentException("field '" + required + "' is required");
                }
            }
            Status status;
            try {
                status = Status.valueOf(n.path("status").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field 'status' must be FIRING or RESOLVED");
            }
            List<String> dossiers = new ArrayList<>();
            n.path("dossiers").forEach(d -> dossiers.add(d.asText()));
            long seq = n.path("seq").asLong(-1);
            if (!n.path("seq").isIntegralNumber() || seq < 1) {
                throw new IllegalArgumentException("field 'seq' must be a positive integer");
            }
            return new AlertEvent(n.path("fingerprint").asText(), n.path("rule").asText(), status,
                    Severity.fromJson(n.path("severity").asText()), n.path("scope_type").asText(),
                    n.path("scope_id").asText(), text(n.get("kpi")), text(n.get("window")), number(n.get("value")),
                    number(n.get("threshold")), dossiers, n.path("dossier_count").asInt(0),
                    strings(n.get("labels")), strings(n.get("annotations")), time("starts_at", n.get("starts_at")),
                    time("ends_at", n.get("ends_at")), time("as_of", n.get("as_of")),
                    time("computed_at", n.get("computed_at")), seq);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("not an alert: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.doubleValue();
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        if (n != null && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
        }
        return m;
    }

    private static Instant time(String field, JsonNode n) throws ValidationException {
        return n == null || n.isNull() ? null : EventCodec.parseTimestamp(field, n.asText());
    }
}
