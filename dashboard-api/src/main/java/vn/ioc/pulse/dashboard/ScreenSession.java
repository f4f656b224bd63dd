package vn.ioc.pulse.dashboard;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.web.Metrics;
import vn.ioc.pulse.web.auth.UnitScope;

/**
 * One wall screen's WebSocket (protocol: docs/websocket.md): its subscriptions, resume, and what it is sent. Output
 * is never queued without bound: while the client does not take what was written (Vert.x's write queue over
 * {@code maxQueuedBytes}) or the per-connection update rate is used up, updates are held back one per subscription
 * and key (the latest wins — <em>conflation</em>, visible to the client as a jump in that key's seq) and snapshots
 * are deferred (made fresh when there is room again); a client that takes nothing for {@code slowCloseMs} while
 * output is held back is closed with 1008. Event loop only.
 */
final class ScreenSession {
    private static final Logger LOG = LoggerFactory.getLogger(ScreenSession.class);
    static final Counter CONFLATED = counter("ioc_ws_updates_conflated_total",
            "updates replaced by a newer one of the same key before a slow screen took them");
    static final Counter SLOW_CLOSED = counter("ioc_ws_slow_closed_total",
            "screens closed because they took nothing for IOC_WS_SLOW_CLOSE_S");
    static final Counter DEAD_CLOSED = counter("ioc_ws_dead_closed_total",
            "screens closed because they sent nothing, not even a pong, for IOC_WS_DEAD_AFTER_S");
    static final Counter RESUMED_KEYS = counter("ioc_ws_resumed_keys_total",
            "KPI keys brought up to date on resume by replaying the missed updates");
    static final Counter RESYNCED_KEYS = counter("ioc_ws_resynced_keys_total",
            "KPI keys sent whole (resync) on resume because their missed updates were no longer held");
    static final Counter MESSAGES_OUT = counter("ioc_ws_messages_out_total", "WebSocket messages sent to screens");

    /** What a session needs from the API: the latest values, the recent updates, the value encoding. */
    interface Hub {
        List<KpiCache.Entry> matching(Selection selection);

        UpdateLog log();

        /** The value as served: the KPI value JSON with its seq and the stale flag (one tree, serialized once). */
        ObjectNode encode(KpiCache.Entry e, long nowMs);

        /** The session's subscriptions changed (or it closed): re-index which keys it must be offered. */
        void reindex(ScreenSession session);

        /** The alerts {@code scope} may read, as served: active first, then recently resolved (docs/alerting.md). */
        ArrayNode alerts(UnitScope scope);
    }

    /** Subscriptions that name more keys than this are matched by scanning, not indexed. */
    static final int MAX_INDEXED_KEYS = 1000;

    private final Vertx vertx;
    private final ServerWebSocket ws;
    private final UnitScope scope;
    private final WsSettings settings;
    private final Hub hub;
    private final Map<String, Selection> subscriptions = new LinkedHashMap<>();
    /** Alert subscriptions ({@code "alerts": true}): ids. */
    private final java.util.Set<String> alertSubscriptions = new java.util.LinkedHashSet<>();
    /** Held-back updates: "subscription id \0 KPI key" → latest entry. */
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
    /** Deferred snapshots: subscription id → message type (snapshot or resync). */
    private final LinkedHashMap<String, String> deferred = new LinkedHashMap<>();
    /** Control messages (resync, resumed) that must follow the updates held back before them. */
    private final List<String> tail = new ArrayList<>();
    private long holdingSince = -1;
    private long lastSeen = System.currentTimeMillis();
    private double tokens;
    private long tokensAt = System.nanoTime();
    private long flushTimer = -1;
    private boolean closed;

    private record Held(String subscription, KpiCache.Entry entry) {
    }

    ScreenSession(Vertx vertx, ServerWebSocket ws, UnitScope scope, WsSettings settings, Hub hub) {
        this.vertx = vertx;
        this.ws = ws;
        this.scope = scope;
        this.settings = settings;
        this.hub = hub;
        this.tokens = settings.maxUpdatesPerSecond();
        ws.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, settings.maxQueuedBytes()));
        ws.drainHandler(v -> drain());
        ws.pongHandler(b -> lastSeen = System.currentTimeMillis());
        ws.textMessageHandler(this::onMessage);
        ws.binaryMessageHandler(b -> error(null, "binary frames are not part of the protocol: send JSON text"));
        ws.exceptionHandler(this::onException);
        ws.frameHandler(this::checkUtf8);
    }

    /** Strict UTF-8 over a text message's frames (Vert.x would decode invalid bytes into U+FFFD silently). */
    private final java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    private byte[] utf8Carry = new byte[0];
    private boolean inText;

    private void checkUtf8(io.vertx.core.http.WebSocketFrame frame) {
        if (closed || !(frame.isText() || (frame.isContinuation() && inText))) {
            return;
        }
        inText = !frame.isFinal();
        byte[] data = frame.binaryData().getBytes();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(utf8Carry.length + data.length);
        in.put(utf8Carry).put(data).flip();
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(in.remaining());
        java.nio.charset.CoderResult r = utf8.decode(in, out, frame.isFinal());
        if (r.isError() || (frame.isFinal() && utf8.flush(out).isError())) {
            utf8.reset();
            close((short) 1007, "text frame is not valid UTF-8");
            return;
        }
        utf8Carry = new byte[in.remaining()];
        in.get(utf8Carry);
        if (frame.isFinal()) {
            if (utf8Carry.length > 0) {
                close((short) 1007, "text message ends inside a UTF-8 sequence");
            }
            utf8.reset();
            utf8Carry = new byte[0];
        }
    }

    /**
     * A protocol violation by the client is answered with the RFC 6455 close code before the connection goes, not a
     * silent TCP drop: 1009 for a frame or message over {@code IOC_WS_MAX_MESSAGE_BYTES}, 1007 for a text frame
     * that is not UTF-8, 1002 for another malformed frame.
     */
    private void onException(Throwable t) {
        if (closed) {
            return;
        }
        short code;
        if (t instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c) {
            code = (short) c.closeStatus().code();
        } else if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("max message size")) {
            code = 1009;
        } else {
            LOG.debug("screen {}: {}", remote(), t.toString());
            return;
        }
        LOG.debug("closing screen {} with {}: {}", remote(), code, t.getMessage());
        close(code, code == 1009 ? "message too big: the limit is " + settings.maxMessageBytes() + " bytes"
                : code == 1007 ? "text frame is not valid UTF-8" : "protocol error");
    }

    String remote() {
        return String.valueOf(ws.remoteAddress());
    }

    // ------------------------------------------------------------------------------------------- client → server

    void onMessage(String text) {
        if (closed) {
            return;
        }
        lastSeen = System.currentTimeMillis();
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (RuntimeException e) {
            error(null, "message is not a JSON object");
            return;
        }
        String type = msg.getValue("type") instanceof String s ? s : null;
        String id = msg.getValue("id") instanceof String s ? s : null;
        if (type == null) {
            error(id, "field 'type' is required: subscribe, unsubscribe or ping");
            return;
        }
        switch (type) {
            case "ping" -> sendNow(new JsonObject().put("type", "pong").encode());
            case "subscribe" -> subscribe(id, msg);
            case "unsubscribe" -> {
                if (id != null && alertSubscriptions.remove(id)) {
                    break;
                }
                if (id == null || subscriptions.remove(id) == null) {
                    error(id, "field 'id': no subscription with this id");
                } else {
                    forget(id);
                    hub.reindex(this);
                }
            }
            default -> error(id, "field 'type': unknown message type '" + type + "'");
        }
    }

    private void subscribe(String id, JsonObject msg) {
        if (id == null) {
            error(null, "field 'id' is required on subscribe");
            return;
        }
        if (!subscriptions.containsKey(id) && !alertSubscriptions.contains(id)
                && subscriptions.size() + alertSubscriptions.size() >= settings.maxSubscriptions()) {
            error(id, "too many subscriptions on this connection (limit " + settings.maxSubscriptions()
                    + "): unsubscribe one, or widen one selection");
            return;
        }
        Object alerts = msg.getValue("alerts");
        if (alerts != null && !(alerts instanceof Boolean)) {
            error(id, "field 'alerts' must be true or false");
            return;
        }
        alertSubscriptions.remove(id);
        if (Boolean.TRUE.equals(alerts)) {
            // an alert subscription: every alert the token may read, now and on each change (docs/alerting.md)
            if (subscriptions.remove(id) != null) {
                forget(id);
                hub.reindex(this);
            }
            alertSubscriptions.add(id);
            ObjectNode message = EventCodec.mapper().createObjectNode().put("type", "alerts").put("id", id);
            message.set("alerts", hub.alerts(scope));
            sendOrHold(message.toString());
            return;
        }
        Selection selection;
        Map<String, Long> resume;
        try {
            Object select = msg.getValue("select");
            if (select != null && !(select instanceof JsonObject)) {
                throw new IllegalArgumentException("field 'select' must be an object");
            }
            selection = Selection.fromJson((JsonObject) select);
            resume = resume(msg.getValue("resume"));
        } catch (IllegalArgumentException e) {
            error(id, e.getMessage());
            return;
        }
        if (!scope.all() && !selection.scopeId().isEmpty() && !selection.scopeId().contains("*")
                && selection.scopeId().stream().noneMatch(sid -> scope.units().stream()
                .anyMatch(u -> u.endsWith("/" + sid)))) {
            error(id, "forbidden: the token may read " + scope + ", not scope_id " + selection.scopeId());
            return;
        }
        forget(id);
        subscriptions.put(id, selection);
        hub.reindex(this);
        if (resume == null) {
            snapshotOrDefer(id, "snapshot");
        } else {
            resume(id, selection, resume);
        }
    }

    private static Map<String, Long> resume(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject o)) {
            throw new IllegalArgumentException("field 'resume' must be an object of KPI key → last seq");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o) {
            if (!(e.getValue() instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
                throw new IllegalArgumentException("field 'resume': the seq of '" + e.getKey()
                        + "' must be a whole number >= 0");
            }
            out.put(e.getKey(), n.longValue());
        }
        return out;
    }

    /**
     * Resume: for each key of the selection the client knows, the updates after its seq when all are still held
     * (sent as ordinary updates, in order); every other key — missed updates no longer held, or not known to the
     * client — in one {@code resync}; then {@code resumed} with the counts. Never a silent gap, never a duplicate.
     */
    private void resume(String id, Selection selection, Map<String, Long> known) {
        if (!(held.isEmpty() && deferred.isEmpty() && tail.isEmpty() && room())) {
            // output is held back already: a whole resync (made when there is room) is exact and cheaper
            RESYNCED_KEYS.increment();
            deferred.put(id, "resync");
            hold();
            return;
        }
        long now = System.currentTimeMillis();
        ObjectNode resyncMessage = EventCodec.mapper().createObjectNode().put("type", "resync").put("id", id);
        ArrayNode resync = resyncMessage.putArray("values");
        int replayedKeys = 0;
        int replayedUpdates = 0;
        for (KpiCache.Entry e : hub.matching(selection)) {
            if (!permitted(e)) {
                continue;
            }
            Long c = known.get(e.value().key());
            List<KpiCache.Entry> missed = c == null ? null : hub.log().since(e.value().key(), c, e.seq(), now);
            if (missed == null) {
                resync.add(hub.encode(e, now));
                continue;
            }
            if (!missed.isEmpty()) {
                replayedKeys++;
            }
            for (KpiCache.Entry m : missed) {
                offer(id, m);
                replayedUpdates++;
            }
        }
        RESUMED_KEYS.increment(replayedKeys);
        RESYNCED_KEYS.increment(resync.size());
        if (!resync.isEmpty()) {
            sendOrHold(resyncMessage.toString());
        }
        sendOrHold(new JsonObject().put("type", "resumed").put("id", id).put("replayed", replayedUpdates)
                .put("resynced", resync.size()).encode());
    }

    // ------------------------------------------------------------------------------------------- server → client

    /** A new value of a key (from the KPI topic): to every subscription of this screen that selects it. */
    void update(KpiCache.Entry e) {
        update(e, null);
    }

    /**
     * As {@link #update(KpiCache.Entry)} with the value's JSON already encoded (once per update for all screens:
     * {@code encoded} may be null, then it is encoded here).
     */
    void update(KpiCache.Entry e, java.util.function.Supplier<String> encoded) {
        if (closed || ws.isClosed() || !permitted(e)) {
            return;
        }
        for (Map.Entry<String, Selection> s : subscriptions.entrySet()) {
            if (s.getValue().matches(e.value())) {
                offer(s.getKey(), e, encoded);
            }
        }
    }

    /**
     * An alert changed (a new record, an acknowledgement, a silence): to every alert subscription of this screen
     * whose token may read its scope, in order behind what is held back (alerts are never conflated or dropped).
     */
    void alert(String scopeType, String scopeId, String viewJson) {
        if (closed || ws.isClosed() || alertSubscriptions.isEmpty() || !scope.permits(scopeType, scopeId)) {
            return;
        }
        for (String id : alertSubscriptions) {
            sendOrHold("{\"type\":\"alert\",\"id\":" + io.vertx.core.json.Json.encode(id) + ",\"alert\":" + viewJson + "}");
        }
    }

    void ping() {
        if (!closed && !ws.isClosed()) {
            ws.writePing(Buffer.buffer("hb"));
        }
    }

    /** Periodic check (about once a second): closes a dead or a too-slow client. */
    void check(long now) {
        if (closed) {
            return;
        }
        if (now - lastSeen > settings.deadAfterMs()) {
            DEAD_CLOSED.increment();
            LOG.info("closing screen {}: nothing received for {} s", remote(), settings.deadAfterMs() / 1000);
            close((short) 1001, "no message or pong for " + settings.deadAfterMs() / 1000 + " s");
        } else if (holdingSince >= 0 && now - holdingSince > settings.slowCloseMs()) {
            SLOW_CLOSED.increment();
            LOG.warn("closing screen {}: it took nothing for {} s ({} updates held back)", remote(),
                    settings.slowCloseMs() / 1000, held.size());
            close((short) 1008, "too slow: took nothing for " + settings.slowCloseMs() / 1000 + " s");
        } else {
            drain();
        }
    }

    void closed() {
        closed = true;
        subscriptions.clear();
        alertSubscriptions.clear();
        hub.reindex(this);
        held.clear();
        deferred.clear();
        tail.clear();
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
    }

    private void close(short code, String reason) {
        closed();
        ws.close(code, reason);
    }

    private boolean permitted(KpiCache.Entry e) {
        return scope.permits(e.value().scopeType(), e.value().scopeId());
    }

    /** Drops what is held back for a subscription that ends or is replaced. */
    private void forget(String id) {
        deferred.remove(id);
        held.entrySet().removeIf(h -> h.getValue().subscription().equals(id));
    }

    private void offer(String id, KpiCache.Entry e) {
        offer(id, e, null);
    }

    private void offer(String id, KpiCache.Entry e, java.util.function.Supplier<String> encoded) {
        if (held.isEmpty() && deferred.isEmpty() && tail.isEmpty() && room() && takeToken()) {
            write(id, e, encoded);
            return;
        }
        Held previous = held.put(id + '\0' + e.value().key(), new Held(id, e));
        if (previous != null) {
            CONFLATED.increment();
        }
        hold();
    }

    private void write(String id, KpiCache.Entry e) {
        write(id, e, null);
    }

    private void write(String id, KpiCache.Entry e, java.util.function.Supplier<String> encoded) {
        String value = encoded != null ? encoded.get() : hub.encode(e, System.currentTimeMillis()).toString();
        sendNow("{\"type\":\"update\",\"id\":" + io.vertx.core.json.Json.encode(id) + ",\"value\":" + value
                + ",\"seq\":" + e.seq() + "}");
    }

    private void snapshotOrDefer(String id, String type) {
        if (held.isEmpty() && deferred.isEmpty() && tail.isEmpty() && room()) {
            writeSnapshot(id, type);
        } else {
            deferred.put(id, type);
            hold();
        }
    }

    private void writeSnapshot(String id, String type) {
        Selection selection = subscriptions.get(id);
        if (selection == null) {
            return;
        }
        long now = System.currentTimeMillis();
        ObjectNode message = EventCodec.mapper().createObjectNode().put("type", type).put("id", id);
        ArrayNode values = message.putArray("values");
        for (KpiCache.Entry e : hub.matching(selection)) {
            if (permitted(e)) {
                values.add(hub.encode(e, now));
            }
        }
        sendNow(message.toString());
    }

    /** A control message (resync, resumed) in order behind the updates held back before it. */
    private void sendOrHold(String text) {
        if (held.isEmpty() && deferred.isEmpty() && tail.isEmpty() && room()) {
            sendNow(text);
        } else {
            tail.add(text);
            hold();
        }
    }

    private void sendNow(String text) {
        if (closed || ws.isClosed()) {
            return;
        }
        MESSAGES_OUT.increment();
        ws.writeTextMessage(text);
    }

    private boolean room() {
        // a WebSocket closed by the peer before its closeHandler ran throws on writeQueueFull(): ask isClosed() first
        return !closed && !ws.isClosed() && !ws.writeQueueFull();
    }

    private boolean takeToken() {
        long now = System.nanoTime();
        tokens = Math.min(settings.maxUpdatesPerSecond(),
                tokens + (now - tokensAt) / 1e9 * settings.maxUpdatesPerSecond());
        tokensAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private void hold() {
        if (holdingSince < 0 && !room()) {
            holdingSince = System.currentTimeMillis();
        }
        if (flushTimer < 0 && room()) {
            // held back by the rate limit only: try again when tokens have come back
            flushTimer = vertx.setTimer(Math.max(10, 1000 / Math.max(1, settings.maxUpdatesPerSecond())), t -> {
                flushTimer = -1;
                drain();
            });
        }
    }

    /** Writes what was held back while there is room and rate: deferred snapshots first, then updates in order. */
    void drain() {
        if (closed) {
            return;
        }
        Iterator<Map.Entry<String, String>> d = deferred.entrySet().iterator();
        while (d.hasNext() && room()) {
            Map.Entry<String, String> next = d.next();
            d.remove();
            writeSnapshot(next.getKey(), next.getValue());
        }
        Iterator<Held> h = held.values().iterator();
        while (deferred.isEmpty() && h.hasNext() && room() && takeToken()) {
            Held next = h.next();
            h.remove();
            write(next.subscription(), next.entry());
        }
        while (deferred.isEmpty() && held.isEmpty() && !tail.isEmpty() && room()) {
            sendNow(tail.remove(0));
        }
        if (room()) {
            holdingSince = -1;
        }
        if (!held.isEmpty() || !deferred.isEmpty() || !tail.isEmpty()) {
            hold();
        }
    }

    private void error(String id, String detail) {
        sendNow(new JsonObject().put("type", "error").put("id", id).put("detail", detail).encode());
    }

    private static Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(Metrics.registry());
    }

    /**
     * The keys to offer this session, when every subscription names its keys explicitly (at most
     * {@link #MAX_INDEXED_KEYS} each); null when some subscription must see every value (wildcards).
     */
    java.util.Set<String> indexedKeys() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Selection sel : subscriptions.values()) {
            List<String> k = sel.explicitKeys(MAX_INDEXED_KEYS);
            if (k == null) {
                return null;
            }
            keys.addAll(k);
        }
        return keys;
    }

    /** Subscriptions held (tests). */
    List<String> subscriptionIds() {
        return new ArrayList<>(subscriptions.keySet());
    }
}
