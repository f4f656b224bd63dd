package vn.ioc.pulse.dashboard.rest;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;

/**
 * The query parameters of {@code GET /api/v1/kpis/{kpi}/history}, checked: {@code scope_type}, {@code scope_id},
 * {@code window} (required), {@code from} and {@code to} (default: the last 24 h up to now), {@code step} (optional
 * bucket length) and {@code max_points} (default {@value #DEFAULT_MAX_POINTS}, at most {@value #MAX_MAX_POINTS}).
 *
 * <p><b>The bound on points</b>: an answer never holds more than {@code max_points} points; the API answers
 * {@code 400} naming {@code step}, with a suggested step, rather than downsampling on its own (a chart then knows
 * exactly what each point means). With a {@code step} the check is made before the store is asked: the number of
 * epoch-aligned buckets from {@code from} to {@code to}, {@code floor(to/step) − floor(from/step) + 1}, must not pass
 * {@code max_points} (empty buckets give no point, but they count — the bound is on what the range could hold).
 * Without a step the store is asked for at most {@code max_points + 1} raw points (the limit is part of the InfluxDB
 * query), and one too many gives the 400. The suggested step is the shortest of {@link #LADDER} whose buckets fit.
 */
public record HistoryRequest(String scopeType, String scopeId, String window, Instant from, Instant to, Duration step,
                             int maxPoints) {

    public static final int DEFAULT_MAX_POINTS = 1000;
    public static final int MAX_MAX_POINTS = 10_000;
    /** Largest history step: one year (a larger one is a typo; it would also overflow). */
    public static final Duration MAX_STEP = Duration.ofDays(366);
    /** Steps suggested when an answer would hold too many points, shortest first. */
    static final List<String> LADDER = List.of("1s", "5s", "10s", "30s", "1m", "2m", "5m", "10m", "15m", "30m", "1h",
            "2h", "3h", "6h", "12h", "1d", "2d", "7d", "14d", "30d", "91d", "366d");
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Reads and checks the parameters; throws IllegalArgumentException naming the bad one. */
    public static HistoryRequest parse(MultiMap params, Instant now) {
        String scopeType = required(params, "scope_type");
        String scopeId = required(params, "scope_id");
        String window = required(params, "window");
        Instant to = time(params, "to", now);
        Instant from = time(params, "from", to.minus(Duration.ofHours(24)));
        Duration step = step(params.get("step"));
        int maxPoints = maxPoints(params.get("max_points"));
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("query parameter 'from' must not be after 'to'");
        }
        HistoryRequest r = new HistoryRequest(scopeType, scopeId, window, from, to, step, maxPoints);
        if (step != null && buckets(from, to, step) > maxPoints) {
            throw r.tooManyPoints(buckets(from, to, step) + " buckets of " + params.get("step"));
        }
        return r;
    }

    /** The error for an answer over the bound: names {@code step} and suggests one. */
    public IllegalArgumentException tooManyPoints(String what) {
        String suggestion = suggestedStep();
        return new IllegalArgumentException("query parameter 'step': from " + KpiValue.formatTime(from) + " to "
                + KpiValue.formatTime(to) + " holds more than max_points=" + maxPoints + " points (" + what + "); "
                + (suggestion == null
                ? "no step up to 366d fits: narrow from/to or raise max_points (at most " + MAX_MAX_POINTS + ")"
                : "use step=" + suggestion + " or longer, narrow from/to, or raise max_points (at most "
                        + MAX_MAX_POINTS + ")"));
    }

    /** The shortest step of {@link #LADDER} whose buckets over [from, to] fit in max_points; null if none does. */
    public String suggestedStep() {
        for (String s : LADDER) {
            if (buckets(from, to, step(s)) <= maxPoints) {
                return s;
            }
        }
        return null;
    }

    /** Epoch-aligned buckets of {@code step} that [from, to] touches. */
    static long buckets(Instant from, Instant to, Duration step) {
        long ms = step.toMillis();
        return Math.floorDiv(to.toEpochMilli(), ms) - Math.floorDiv(from.toEpochMilli(), ms) + 1;
    }

    static String required(MultiMap params, String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("query parameter '" + name + "' is required");
        }
        return v;
    }

    private static Instant time(MultiMap params, String name, Instant dflt) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return EventCodec.parseTimestamp(name, v);
        } catch (ValidationException e) {
            throw new IllegalArgumentException("query parameter " + e.getMessage());
        }
    }

    static int maxPoints(String v) {
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_POINTS;
        }
        String usage = "query parameter 'max_points' must be an integer from 1 to " + MAX_MAX_POINTS + ", got '"
                + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "'";
        if (!v.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException(usage);
        }
        int n = Integer.parseInt(v);
        if (n < 1 || n > MAX_MAX_POINTS) {
            throw new IllegalArgumentException(usage);
        }
        return n;
    }

    static Duration step(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        Matcher m = STEP.matcher(v);
        String usage = "query parameter 'step' must be a positive duration up to 366d like 30s, 5m, 1h, 1d, got '"
                + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "'";
        if (!m.matches() || m.group(1).length() > 9 || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(usage);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(MAX_STEP) > 0) {
            throw new IllegalArgumentException(usage);
        }
        return d;
    }
}
