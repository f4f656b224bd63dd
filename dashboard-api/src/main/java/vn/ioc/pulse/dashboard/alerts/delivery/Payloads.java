package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import vn.ioc.pulse.model.AlertEvent;

/** The two bodies a receiver can get (docs/alert-delivery.md): generic {@code ioc-alerts/1} JSON and Alertmanager v4. */
final class Payloads {
    /** Go's zero {@code time.Time}: what Alertmanager sends as {@code endsAt} while an alert fires. */
    static final String GO_ZERO_TIME = "0001-01-01T00:00:00Z";
    static final String WEBHOOK_VERSION = "ioc-alerts/1";

    private Payloads() {
    }

    /**
     * The labels matchers and {@code group_by} see: the alert's own labels, plus {@code alertname} and {@code rule} (=
     * rule), {@code severity}, {@code scope_type}, {@code scope_id}, {@code kpi}, {@code window} from its fields where
     * the labels lack them.
     */
    static Map<String, String> routingLabels(AlertEvent a) {
        Map<String, String> l = new TreeMap<>(a.labels());
        l.putIfAbsent("alertname", a.rule());
        l.putIfAbsent("rule", a.rule());
        l.putIfAbsent("severity", a.severity().json());
        l.putIfAbsent("scope_type", a.scopeType());
        l.putIfAbsent("scope_id", a.scopeId());
        if (a.kpi() != null) {
            l.putIfAbsent("kpi", a.kpi());
        }
        if (a.window() != null) {
            l.putIfAbsent("window", a.window());
        }
        return l;
    }

    /** The group key's text: {@code {label="value",…}} in group_by order, Alertmanager's notation. */
    static String groupKey(String receiver, Map<String, String> groupLabels) {
        return receiver + ":" + groupLabels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    static String status(List<AlertEvent> alerts) {
        return alerts.stream().anyMatch(AlertEvent::firing) ? "firing" : "resolved";
    }

    static String render(DeliveryConfig.Receiver receiver, String groupKey, Map<String, String> groupLabels,
                         List<AlertEvent> alerts, String idempotencyKey, String externalUrl) {
        return switch (receiver.type()) {
            case WEBHOOK -> webhook(receiver.name(), groupKey, groupLabels, alerts, idempotencyKey).encode();
            case ALERTMANAGER -> alertmanager(receiver.name(), groupKey, groupLabels, alerts, externalUrl).encode();
        };
    }

    static JsonObject webhook(String receiver, String groupKey, Map<String, String> groupLabels,
                              List<AlertEvent> alerts, String idempotencyKey) {
        JsonArray list = new JsonArray();
        alerts.forEach(a -> list.add(new JsonObject(a.toJson())));
        return new JsonObject().put("version", WEBHOOK_VERSION).put("receiver", receiver)
                .put("status", status(alerts)).put("group_key", groupKey)
                .put("group_labels", new JsonObject(new LinkedHashMap<>(groupLabels)))
                .put("idempotency_key", idempotencyKey).put("alerts", list);
    }

    /**
     * Alertmanager's webhook message, version 4 (notify/webhook {@code Message} over template {@code Data}): labels are
     * the alert's labels ({@code alertname} = rule if absent), annotations its four vi/en texts plus {@code summary}
     * and {@code description} in English (Vietnamese when no English text exists).
     */
    static JsonObject alertmanager(String receiver, String groupKey, Map<String, String> groupLabels,
                                   List<AlertEvent> alerts, String externalUrl) {
        JsonArray list = new JsonArray();
        List<Map<String, String>> labels = alerts.stream().map(Payloads::amLabels).toList();
        List<Map<String, String>> annotations = alerts.stream().map(Payloads::amAnnotations).toList();
        for (int i = 0; i < alerts.size(); i++) {
            AlertEvent a = alerts.get(i);
            Instant end = a.firing() ? null : (a.endsAt() != null ? a.endsAt() : a.asOf());
            list.add(new JsonObject()
                    .put("status", a.firing() ? "firing" : "resolved")
                    .put("labels", new JsonObject(new LinkedHashMap<>(labels.get(i))))
                    .put("annotations", new JsonObject(new LinkedHashMap<>(annotations.get(i))))
                    .put("startsAt", a.startsAt().toString())
                    .put("endsAt", end == null ? GO_ZERO_TIME : end.toString())
                    .put("generatorURL", externalUrl.isEmpty() ? ""
                            : externalUrl + "/api/v1/alerts?fingerprint="
                            + URLEncoder.encode(a.fingerprint(), StandardCharsets.UTF_8))
                    .put("fingerprint", a.fingerprint()));
        }
        return new JsonObject()
                .put("version", "4")
                .put("groupKey", groupKey)
                .put("truncatedAlerts", 0)
                .put("status", status(alerts))
                .put("receiver", receiver)
                .put("groupLabels", new JsonObject(new LinkedHashMap<>(groupLabels)))
                .put("commonLabels", new JsonObject(new LinkedHashMap<>(common(labels))))
                .put("commonAnnotations", new JsonObject(new LinkedHashMap<>(common(annotations))))
                .put("externalURL", externalUrl)
                .put("alerts", list);
    }

    private static Map<String, String> amLabels(AlertEvent a) {
        Map<String, String> l = new TreeMap<>(a.labels());
        l.putIfAbsent("alertname", a.rule());
        return l;
    }

    private static Map<String, String> amAnnotations(AlertEvent a) {
        Map<String, String> m = new TreeMap<>(a.annotations());
        String summary = m.getOrDefault("summary_en", m.get("summary_vi"));
        String description = m.getOrDefault("description_en", m.get("description_vi"));
        if (summary != null) {
            m.putIfAbsent("summary", summary);
        }
        if (description != null) {
            m.putIfAbsent("description", description);
        }
        return m;
    }

    /** The pairs every map has with the same value (Alertmanager's commonLabels / commonAnnotations). */
    private static Map<String, String> common(List<Map<String, String>> maps) {
        Map<String, String> c = new TreeMap<>(maps.isEmpty() ? Map.of() : maps.get(0));
        for (Map<String, String> m : maps) {
            c.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return c;
    }
}
