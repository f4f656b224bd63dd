package vn.ioc.pulse.dashboard.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiValue;

/**
 * What the dashboard API knows about alerts (docs/alerting.md, "Lifecycle"): the latest record of every alert from
 * {@code ioc.alerts.v1} (a record that is not news after the last one taken for its fingerprint is dropped — the
 * topic is at-least-once: {@link AlertEvent.Seen}), the recently resolved ones (the last {@code recentMax}), and the operators' actions from
 * {@code ioc.alert-actions.v1}: acknowledgements (who, when, comment — for one firing episode, identified by its
 * {@code starts_at}) and silences (label matchers, until, reason). Mutated on the event loop only; {@link #silenced}
 * may be asked from any thread (delivery).
 */
public final class AlertBook {
    /** A silence: alerts whose labels all match are shown as silenced and not delivered until {@code endsAt}. */
    public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String reason,
                          String createdBy, Instant createdAt) {
        public boolean active(Instant now) {
            return !now.isBefore(startsAt) && now.isBefore(endsAt);
        }

        public boolean matches(AlertEvent a) {
            Map<String, String> labels = labels(a);
            return matchers.stream().allMatch(m -> m.matches(labels.get(m.name())));
        }

        public JsonObject toJson(Instant now) {
            JsonArray ms = new JsonArray();
            matchers.forEach(m -> ms.add(new JsonObject().put("name", m.name()).put("value", m.value())
                    .put("is_regex", m.regex())));
            return new JsonObject().put("id", id).put("matchers", ms).put("starts_at", KpiValue.formatTime(startsAt))
                    .put("ends_at", KpiValue.formatTime(endsAt)).put("reason", reason).put("created_by", createdBy)
                    .put("created_at", KpiValue.formatTime(createdAt))
                    .put("state", active(now) ? "active" : now.isBefore(startsAt) ? "pending" : "expired");
        }

        static Silence fromJson(JsonObject o) {
            List<Matcher> ms = new ArrayList<>();
            JsonArray arr = o.getJsonArray("matchers");
            for (int i = 0; i < arr.size(); i++) {
                JsonObject m = arr.getJsonObject(i);
                ms.add(Matcher.of(m.getString("name"), m.getString("value"), m.getBoolean("is_regex", false)));
            }
            return new Silence(o.getString("id"), ms, Instant.parse(o.getString("starts_at")),
                    Instant.parse(o.getString("ends_at")), o.getString("reason"), o.getString("created_by"),
                    Instant.parse(o.getString("created_at")));
        }

        JsonObject toStored() {
            JsonObject o = toJson(createdAt);
            o.remove("state");
            o.put("starts_at", startsAt.toString()).put("ends_at", endsAt.toString())
                    .put("created_at", createdAt.toString());
            return o;
        }
    }

    /** One label matcher: equality, or a regular expression matching the whole value (as Alertmanager's). */
    public record Matcher(String name, String value, boolean regex, Pattern pattern) {
        public static Matcher of(String name, String value, boolean regex) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("field 'matchers[].name' is required");
            }
            if (value == null) {
                throw new IllegalArgumentException("field 'matchers[].value' is required (matcher '" + name + "')");
            }
            try {
                return new Matcher(name, value, regex, regex ? Pattern.compile(value) : null);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("field 'matchers[].value' of '" + name
                        + "' is not a regular expression: " + e.getDescription());
            }
        }

        boolean matches(String labelValue) {
            String v = labelValue == null ? "" : labelValue;
            return regex ? pattern.matcher(v).matches() : value.equals(v);
        }
    }

    /** An acknowledgement of one firing episode of an alert. */
    public record Ack(String fingerprint, Instant startsAt, String by, Instant at, String comment) {
        JsonObject toJson() {
            return new JsonObject().put("by", by).put("at", KpiValue.formatTime(at)).put("comment", comment);
        }

        JsonObject toStored() {
            return new JsonObject().put("fingerprint", fingerprint).put("starts_at", startsAt.toString())
                    .put("by", by).put("at", at.toString()).put("comment", comment);
        }

        static Ack fromJson(JsonObject o) {
            return new Ack(o.getString("fingerprint"), Instant.parse(o.getString("starts_at")), o.getString("by"),
                    Instant.parse(o.getString("at")), o.getString("comment"));
        }
    }

    private final int recentMax;
    private final Function<AlertEvent, String> scopeName;
    private final Map<String, AlertEvent> active = new LinkedHashMap<>();
    private final Map<String, AlertEvent.Seen> lastSeen = new HashMap<>();
    private final Deque<AlertEvent> recent = new ArrayDeque<>();
    private final Map<String, Ack> acks = new HashMap<>();
    private final Map<String, Silence> silences = new ConcurrentHashMap<>();

    /** @param scopeName the unit's name for an alert's scope (null when unknown) */
    public AlertBook(int recentMax, Function<AlertEvent, String> scopeName) {
        this.recentMax = recentMax;
        this.scopeName = scopeName;
    }

    /** The labels silences match: the alert's labels plus rule, fingerprint, scope and severity. */
    static Map<String, String> labels(AlertEvent a) {
        Map<String, String> l = new HashMap<>(a.labels());
        l.putIfAbsent("alertname", a.rule());
        l.put("rule", a.rule());
        l.put("fingerprint", a.fingerprint());
        l.put("severity", a.severity().json());
        l.put("scope_type", a.scopeType());
        l.put("scope_id", a.scopeId());
        return l;
    }

    /** Applies a record of the alerts topic; the alert when it is news (a seq not seen before), else empty. */
    public Optional<AlertEvent> apply(AlertEvent a) {
        AlertEvent.Seen last = lastSeen.get(a.fingerprint());
        if (last != null && !last.isNews(a)) {
            return Optional.empty();
        }
        lastSeen.put(a.fingerprint(), a.seen());
        if (a.firing()) {
            active.put(a.fingerprint(), a);
        } else {
            active.remove(a.fingerprint());
            recent.removeIf(r -> r.fingerprint().equals(a.fingerprint()) && r.startsAt().equals(a.startsAt()));
            recent.addFirst(a);
            while (recent.size() > recentMax) {
                recent.removeLast();
            }
        }
        return Optional.of(a);
    }

    /**
     * Applies a record of the actions topic ({@code ack/<fingerprint>} or {@code silence/<id>}; a null value removes
     * it); returns the alerts whose view changed.
     */
    public List<AlertEvent> applyAction(String key, String value) {
        if (key == null) {
            throw new IllegalArgumentException("an alert action record needs a key");
        }
        if (key.startsWith("ack/")) {
            String fp = key.substring(4);
            Ack next = value == null ? null : Ack.fromJson(new JsonObject(value));
            Ack before = next == null ? acks.remove(fp) : acks.put(fp, next);
            if (java.util.Objects.equals(before, next)) {
                return List.of(); // our own write coming back from the topic
            }
            AlertEvent a = active.get(fp);
            return a == null ? List.of() : List.of(a);
        }
        if (key.startsWith("silence/")) {
            String id = key.substring(8);
            Silence after = value == null ? null : Silence.fromJson(new JsonObject(value));
            Silence before = after == null ? silences.remove(id) : silences.put(id, after);
            if (before != null && after != null && before.toStored().encode().equals(after.toStored().encode())) {
                return List.of(); // our own write coming back from the topic
            }
            List<AlertEvent> changed = new ArrayList<>();
            for (AlertEvent a : active.values()) {
                if ((before != null && before.matches(a)) || (after != null && after.matches(a))) {
                    changed.add(a);
                }
            }
            return changed;
        }
        throw new IllegalArgumentException("unknown alert action key '" + key + "'");
    }

    public Optional<AlertEvent> get(String fingerprint) {
        AlertEvent a = active.get(fingerprint);
        if (a != null) {
            return Optional.of(a);
        }
        return recent.stream().filter(r -> r.fingerprint().equals(fingerprint)).findFirst();
    }

    /** Firing alerts, most severe first, then the longest firing first. */
    public List<AlertEvent> active() {
        List<AlertEvent> out = new ArrayList<>(active.values());
        out.sort(Comparator.comparing(AlertEvent::severity).thenComparing(AlertEvent::startsAt)
                .thenComparing(AlertEvent::fingerprint));
        return out;
    }

    /** Resolved alerts, the most recently resolved first (at most {@code recentMax}). */
    public List<AlertEvent> recent() {
        return new ArrayList<>(recent);
    }

    /** The acknowledgement of {@code a}'s current episode, if any. */
    public Optional<Ack> ack(AlertEvent a) {
        Ack k = acks.get(a.fingerprint());
        return k != null && k.startsAt().equals(a.startsAt()) ? Optional.of(k) : Optional.empty();
    }

    /** Active silences matching {@code a}'s labels. Thread-safe (delivery asks from its own threads). */
    public List<Silence> silencing(AlertEvent a, Instant now) {
        List<Silence> out = new ArrayList<>();
        for (Silence s : silences.values()) {
            if (s.active(now) && s.matches(a)) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(Silence::id));
        return out;
    }

    public boolean silenced(AlertEvent a) {
        return !silencing(a, Instant.now()).isEmpty();
    }

    public List<Silence> silences() {
        List<Silence> out = new ArrayList<>(silences.values());
        out.sort(Comparator.comparing(Silence::createdAt).reversed().thenComparing(Silence::id));
        return out;
    }

    public Optional<Silence> silence(String id) {
        return Optional.ofNullable(silences.get(id));
    }

    /**
     * An alert as served (REST and WebSocket): the alert JSON of the topic plus {@code scope_name},
     * {@code acknowledged} ({@code by}, {@code at}, {@code comment} or null), {@code silenced_by} (ids of active
     * silences) and {@code state}: {@code firing}, {@code acknowledged}, {@code silenced} or {@code resolved}.
     */
    public ObjectNode view(AlertEvent a, Instant now) {
        ObjectNode o = a.toJsonNode();
        o.put("scope_name", scopeName.apply(a));
        Optional<Ack> k = a.firing() ? ack(a) : Optional.empty();
        if (k.isPresent()) {
            o.set("acknowledged", vn.ioc.pulse.model.EventCodec.mapper().valueToTree(k.get().toJson().getMap()));
        } else {
            o.putNull("acknowledged");
        }
        List<Silence> s = a.firing() ? silencing(a, now) : List.of();
        ArrayNode ids = o.putArray("silenced_by");
        s.forEach(x -> ids.add(x.id()));
        o.put("state", !a.firing() ? "resolved" : !s.isEmpty() ? "silenced" : k.isPresent() ? "acknowledged" : "firing");
        return o;
    }
}
