package vn.ioc.pulse.web;

import java.util.Map;

/**
 * How an HTTP server of IOC Pulse protects itself, read once from environment variables (defaults in brackets;
 * docs/reliability.md explains each):
 * <ul>
 *   <li>{@code IOC_BIND_ADDRESS} [0.0.0.0 for the deployables, 127.0.0.1 in the demo]: the interface both servers
 *       listen on;</li>
 *   <li>{@code IOC_HTTP_MAX_CONNECTIONS} [the server's own default: 1,000 for the ingest gateway, 25,000 for the
 *       dashboard API, whose wall screens hold WebSockets]: connections beyond it are closed at once;</li>
 *   <li>{@code IOC_HTTP_IDLE_TIMEOUT_S} [60]: a connection with no byte read or written for this long is closed;</li>
 *   <li>{@code IOC_HTTP_HEADER_TIMEOUT_MS} [10000]: a new connection must deliver a complete request head within
 *       this time (slow-header clients are closed); a kept-alive connection gets the idle timeout for its next
 *       head;</li>
 *   <li>{@code IOC_HTTP_MIN_BODY_BYTES_PER_S} [4096] after {@code IOC_HTTP_BODY_GRACE_MS} [10000]: a request body
 *       must arrive at least this fast on average (time the server itself holds the body back is not counted);
 *       slower bodies are answered 408 and the connection is closed.</li>
 * </ul>
 */
public record ServerLimits(String bindAddress, int maxConnections, int idleTimeoutSeconds, long headerTimeoutMs,
                           long minBodyBytesPerSecond, long bodyGraceMs) {

    public ServerLimits {
        if (maxConnections < 1 || idleTimeoutSeconds < 1 || headerTimeoutMs < 1 || minBodyBytesPerSecond < 0
                || bodyGraceMs < 0) {
            throw new IllegalArgumentException("server limits must be positive: " + maxConnections + " connections, "
                    + idleTimeoutSeconds + " s idle, " + headerTimeoutMs + " ms header, " + minBodyBytesPerSecond
                    + " B/s, " + bodyGraceMs + " ms grace");
        }
    }

    /** Defaults for a server allowing {@code maxConnections} connections on all interfaces. */
    public static ServerLimits defaults(int maxConnections) {
        return new ServerLimits("0.0.0.0", maxConnections, 60, 10_000, 4096, 10_000);
    }

    /** From the environment, with {@code defaultMaxConnections} when {@code IOC_HTTP_MAX_CONNECTIONS} is unset. */
    public static ServerLimits fromEnv(Map<String, String> env, int defaultMaxConnections) {
        return new ServerLimits(
                env.getOrDefault("IOC_BIND_ADDRESS", "0.0.0.0").trim(),
                intVar(env, "IOC_HTTP_MAX_CONNECTIONS", defaultMaxConnections),
                intVar(env, "IOC_HTTP_IDLE_TIMEOUT_S", 60),
                intVar(env, "IOC_HTTP_HEADER_TIMEOUT_MS", 10_000),
                intVar(env, "IOC_HTTP_MIN_BODY_BYTES_PER_S", 4096),
                intVar(env, "IOC_HTTP_BODY_GRACE_MS", 10_000));
    }

    public ServerLimits withBindAddress(String address) {
        return new ServerLimits(address, maxConnections, idleTimeoutSeconds, headerTimeoutMs, minBodyBytesPerSecond,
                bodyGraceMs);
    }

    public ServerLimits withMaxConnections(int max) {
        return new ServerLimits(bindAddress, max, idleTimeoutSeconds, headerTimeoutMs, minBodyBytesPerSecond,
                bodyGraceMs);
    }

    public ServerLimits withTimeouts(int idleSeconds, long headerMs, long minBytesPerSecond, long graceMs) {
        return new ServerLimits(bindAddress, maxConnections, idleSeconds, headerMs, minBytesPerSecond, graceMs);
    }

    private static int intVar(Map<String, String> env, String name, int dflt) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a whole number, got '" + v + "'");
        }
    }
}
