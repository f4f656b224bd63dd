package vn.ioc.pulse.dashboard;

import java.util.List;
import java.util.Map;

/**
 * The WebSocket protocol's limits and timings (docs/websocket.md), from environment variables (defaults in
 * brackets): {@code IOC_WS_RESUME_WINDOW_S} [600: updates held for resume, per key, by the job's computed_at],
 * {@code IOC_WS_RESUME_MAX_PER_KEY} [600], {@code IOC_WS_RESUME_MAX_ENTRIES} [500000 in all],{@code IOC_WS_MAX_SUBSCRIPTIONS} [32 per connection],
 * {@code IOC_WS_MAX_QUEUED_BYTES} [8 MiB written but not yet taken by the client, snapshots included, before
 * further output is held back and conflated], {@code IOC_WS_SLOW_CLOSE_S} [30: a client that takes nothing for
 * this long while output is held back is closed with 1008], {@code IOC_WS_MAX_UPDATES_PER_S} [500 per connection;
 * beyond it updates are conflated per key], {@code IOC_WS_MAX_MESSAGE_BYTES} [65536 from a client; larger: closed
 * with 1009], {@code IOC_WS_PING_S} [20: server ping frames], {@code IOC_WS_DEAD_AFTER_S} [60: a client that sent
 * nothing — not even a pong — for this long is closed], {@code IOC_STALE_AFTER_S} [300: a value whose as_of is
 * older than this, in wall-clock time, is marked {@code "stale": true}], {@code IOC_ALLOWED_ORIGINS} [none: browser
 * handshakes and cross-origin REST calls are accepted only from the API's own origin and from these, comma-separated].
 */
public record WsSettings(long resumeWindowMs, int resumeMaxPerKey, int resumeMaxEntries, int maxSubscriptions, long maxQueuedBytes,
                         long slowCloseMs, int maxUpdatesPerSecond, int maxMessageBytes, long pingMs, long deadAfterMs,
                         long staleAfterMs, List<String> allowedOrigins) {

    public static WsSettings defaults() {
        return new WsSettings(600_000, 600, 500_000, 32, 8L << 20, 30_000, 500, 65_536, 20_000, 60_000, 300_000, List.of());
    }

    public static WsSettings fromEnv(Map<String, String> env) {
        WsSettings d = defaults();
        String origins = env.getOrDefault("IOC_ALLOWED_ORIGINS", "").trim();
        return new WsSettings(
                seconds(env, "IOC_WS_RESUME_WINDOW_S", d.resumeWindowMs),
                (int) number(env, "IOC_WS_RESUME_MAX_PER_KEY", d.resumeMaxPerKey),
                (int) number(env, "IOC_WS_RESUME_MAX_ENTRIES", d.resumeMaxEntries),
                (int) number(env, "IOC_WS_MAX_SUBSCRIPTIONS", d.maxSubscriptions),
                number(env, "IOC_WS_MAX_QUEUED_BYTES", d.maxQueuedBytes),
                seconds(env, "IOC_WS_SLOW_CLOSE_S", d.slowCloseMs),
                (int) number(env, "IOC_WS_MAX_UPDATES_PER_S", d.maxUpdatesPerSecond),
                (int) number(env, "IOC_WS_MAX_MESSAGE_BYTES", d.maxMessageBytes),
                seconds(env, "IOC_WS_PING_S", d.pingMs),
                seconds(env, "IOC_WS_DEAD_AFTER_S", d.deadAfterMs),
                seconds(env, "IOC_STALE_AFTER_S", d.staleAfterMs),
                origins.isEmpty() ? List.of() : List.of(origins.split("\\s*,\\s*")));
    }

    public WsSettings withLimits(int subscriptions, long queuedBytes, long slowCloseMillis, int updatesPerSecond) {
        return new WsSettings(resumeWindowMs, resumeMaxPerKey, resumeMaxEntries, subscriptions, queuedBytes, slowCloseMillis,
                updatesPerSecond, maxMessageBytes, pingMs, deadAfterMs, staleAfterMs, allowedOrigins);
    }

    public WsSettings withTimings(long pingMillis, long deadAfterMillis, long staleAfterMillis) {
        return new WsSettings(resumeWindowMs, resumeMaxPerKey, resumeMaxEntries, maxSubscriptions, maxQueuedBytes, slowCloseMs,
                maxUpdatesPerSecond, maxMessageBytes, pingMillis, deadAfterMillis, staleAfterMillis, allowedOrigins);
    }

    public WsSettings withOrigins(List<String> origins) {
        return new WsSettings(resumeWindowMs, resumeMaxPerKey, resumeMaxEntries, maxSubscriptions, maxQueuedBytes, slowCloseMs,
                maxUpdatesPerSecond, maxMessageBytes, pingMs, deadAfterMs, staleAfterMs, List.copyOf(origins));
    }

    private static long seconds(Map<String, String> env, String name, long dfltMs) {
        String v = env.get(name);
        return v == null || v.isBlank() ? dfltMs : number(env, name, 0) * 1000;
    }

    private static long number(Map<String, String> env, String name, long dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a positive whole number, got '" + v + "'");
        }
    }
}
