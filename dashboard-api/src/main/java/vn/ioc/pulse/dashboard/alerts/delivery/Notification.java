package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One notification in the outbox ({@code ioc.alert-outbox.v1}, key = receiver): the body exactly as it is POSTed
 * (rendered once, so every try and every replay sends the same bytes under the same signature), and the alert
 * records it carries.
 *
 * @param id             unique per notification (dead letters are listed and replayed by it)
 * @param idempotencyKey {@link #idempotencyKey(String, String, List)}: the same on every try and replay
 * @param alerts         the (fingerprint, seq) of each alert record carried, sorted
 * @param replayedAt     set when an operator replayed it from the dead letters, else null
 */
public record Notification(String id, String receiver, String idempotencyKey, String groupKey, String body,
                           Instant createdAt, List<AlertRef> alerts, Instant replayedAt) {

    public record AlertRef(String fingerprint, long seq) implements Comparable<AlertRef> {
        @Override
        public int compareTo(AlertRef o) {
            int c = fingerprint.compareTo(o.fingerprint);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public String toString() {
            return fingerprint + ":" + seq;
        }
    }

    public Notification {
        alerts = alerts.stream().sorted().toList();
    }

    /**
     * Lower-case hex SHA-256 of {@code receiver NUL groupKey NUL fp1:seq1,fp2:seq2,…} (pairs sorted): deterministic, so
     * a notification rebuilt from the same alert records carries the same key.
     */
    public static String idempotencyKey(String receiver, String groupKey, List<AlertRef> alerts) {
        String pairs = alerts.stream().sorted().map(AlertRef::toString).collect(Collectors.joining(","));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((receiver + '\u0000' + groupKey + '\u0000' + pairs).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Notification replayed(Instant at) {
        return new Notification(id, receiver, idempotencyKey, groupKey, body, createdAt, alerts, at);
    }

    public JsonObject toJson() {
        JsonArray refs = new JsonArray();
        alerts.forEach(a -> refs.add(new JsonObject().put("fingerprint", a.fingerprint()).put("seq", a.seq())));
        JsonObject o = new JsonObject().put("id", id).put("receiver", receiver).put("idempotency_key", idempotencyKey)
                .put("group_key", groupKey).put("created_at", createdAt.toString()).put("alerts", refs)
                .put("body", body);
        if (replayedAt != null) {
            o.put("replayed_at", replayedAt.toString());
        }
        return o;
    }

    /** Reads {@link #toJson()}; an error names the field. */
    public static Notification fromJson(JsonObject o) {
        for (String f : List.of("id", "receiver", "idempotency_key", "group_key", "created_at", "body")) {
            if (!(o.getValue(f) instanceof String)) {
                throw new IllegalArgumentException("notification field '" + f + "' is required");
            }
        }
        if (!(o.getValue("alerts") instanceof JsonArray refs)) {
            throw new IllegalArgumentException("notification field 'alerts' is required");
        }
        List<AlertRef> alerts = refs.stream().map(x -> (JsonObject) x)
                .map(x -> new AlertRef(x.getString("fingerprint"), x.getLong("seq"))).toList();
        String replayed = o.getString("replayed_at");
        return new Notification(o.getString("id"), o.getString("receiver"), o.getString("idempotency_key"),
                o.getString("group_key"), o.getString("body"), Instant.parse(o.getString("created_at")), alerts,
                replayed == null ? null : Instant.parse(replayed));
    }
}
