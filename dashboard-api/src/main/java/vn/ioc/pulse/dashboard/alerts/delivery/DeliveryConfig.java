package vn.ioc.pulse.dashboard.alerts.delivery;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where alert notifications go, read once from the environment (docs/alert-delivery.md):
 * {@code IOC_ALERT_RECEIVERS_FILE} (a JSON file of receivers, see {@link #parse}), {@code IOC_ALERT_WEBHOOK_URL} +
 * {@code IOC_ALERT_WEBHOOK_SECRET} (one generic webhook receiver named {@code default} without a file),
 * {@code IOC_ALERT_EXTERNAL_URL} (the dashboard API's public URL: Alertmanager's {@code externalURL} and the alerts'
 * {@code generatorURL}; empty when unset), {@code IOC_ALERT_INSTANCE_ID} [HOSTNAME, else "local"]: names this API
 * instance's transactional outbox producer, so a restarted instance fences its previous incarnation at once. Bad
 * configuration fails at start with a message naming the field.
 *
 * @param receivers  in file order; empty = delivery off
 * @param externalUrl without a trailing slash, "" when unset
 * @param instanceId stable name of this API instance
 */
public record DeliveryConfig(List<Receiver> receivers, String externalUrl, String instanceId) {

    /** Group labels when a receiver names none: one notification per rule per interval (a burst is one message). */
    public static final List<String> DEFAULT_GROUP_BY = List.of("alertname");
    public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofMinutes(5);
    /** Headers the delivery sets itself; a receiver's {@code headers} may not replace them. */
    static final Set<String> RESERVED_HEADERS = Set.of("content-type", "user-agent", "idempotency-key",
            "x-ioc-signature", "x-ioc-timestamp", "x-ioc-notification-id", "x-ioc-attempt", "content-length", "host");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public DeliveryConfig {
        receivers = List.copyOf(receivers);
        externalUrl = externalUrl == null ? "" : externalUrl.replaceAll("/+$", "");
        instanceId = instanceId == null || instanceId.isBlank() ? "local" : instanceId;
        Set<String> names = new HashSet<>();
        for (Receiver r : receivers) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("receiver name '" + r.name() + "' is used twice");
            }
        }
    }

    /** No receivers: nothing is started. */
    public static DeliveryConfig none() {
        return new DeliveryConfig(List.of(), "", "local");
    }

    public boolean enabled() {
        return !receivers.isEmpty();
    }

    public DeliveryConfig withReceivers(List<Receiver> newReceivers) {
        return new DeliveryConfig(newReceivers, externalUrl, instanceId);
    }

    public DeliveryConfig withExternalUrl(String url) {
        return new DeliveryConfig(receivers, url, instanceId);
    }

    public Receiver receiver(String name) {
        return receivers.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Reads the variables named in the class comment; {@code secret_env} in the file is looked up in {@code env}. */
    public static DeliveryConfig fromEnv(Map<String, String> env) {
        List<Receiver> receivers = new ArrayList<>();
        String file = blank(env.get("IOC_ALERT_RECEIVERS_FILE"));
        if (file != null) {
            String text;
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("IOC_ALERT_RECEIVERS_FILE: cannot read " + file + ": " + e, e);
            }
            try {
                receivers.addAll(parse(text, env));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IOC_ALERT_RECEIVERS_FILE " + file + ": " + e.getMessage(), e);
            }
        }
        String url = blank(env.get("IOC_ALERT_WEBHOOK_URL"));
        if (url != null) {
            if (receivers.stream().anyMatch(r -> r.name().equals("default"))) {
                throw new IllegalArgumentException("IOC_ALERT_WEBHOOK_URL adds the receiver 'default', but "
                        + "IOC_ALERT_RECEIVERS_FILE already has a receiver of that name");
            }
            try {
                receivers.add(Receiver.webhook("default", url, blank(env.get("IOC_ALERT_WEBHOOK_SECRET"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("IOC_ALERT_WEBHOOK_URL: " + e.getMessage(), e);
            }
        } else if (blank(env.get("IOC_ALERT_WEBHOOK_SECRET")) != null) {
            throw new IllegalArgumentException("IOC_ALERT_WEBHOOK_SECRET is set but IOC_ALERT_WEBHOOK_URL is not");
        }
        String external = blank(env.get("IOC_ALERT_EXTERNAL_URL"));
        if (external != null) {
            checkUrl("IOC_ALERT_EXTERNAL_URL", external);
        }
        String instance = blank(env.get("IOC_ALERT_INSTANCE_ID"));
        if (instance == null) {
            instance = blank(env.get("HOSTNAME"));
        }
        return new DeliveryConfig(receivers, external, instance);
    }

    /**
     * The receivers file: {@code {"receivers": [{"name", "type": "webhook"|"alertmanager", "url", "secret" or
     * "secret_env", "match", "group_by", "group_wait", "group_interval", "timeout", "retry_backoff",
     * "max_retry_backoff", "headers"}]}}. Durations are {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. An error
     * names the field, e.g. {@code receivers[1].group_wait}.
     */
    public static List<Receiver> parse(String json, Map<String, String> env) {
        JsonObject root;
        try {
            root = new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
        Object list = root.getValue("receivers");
        if (!(list instanceof JsonArray array)) {
            throw new IllegalArgumentException("field 'receivers' must be a list");
        }
        List<Receiver> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "receivers[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject o)) {
                throw new IllegalArgumentException(at + " must be an object");
            }
            out.add(receiver(at, o, env));
        }
        return out;
    }

    private static Receiver receiver(String at, JsonObject o, Map<String, String> env) {
        for (String field : o.fieldNames()) {
            if (!Set.of("name", "type", "url", "secret", "secret_env", "match", "group_by", "group_wait",
                    "group_interval", "timeout", "retry_backoff", "max_retry_backoff", "headers").contains(field)) {
                throw new IllegalArgumentException(at + "." + field + ": unknown field");
            }
        }
        String name = string(at, o, "name", true);
        at = at + " (" + name + ")";
        String typeText = string(at, o, "type", true);
        Type type = switch (typeText) {
            case "webhook" -> Type.WEBHOOK;
            case "alertmanager" -> Type.ALERTMANAGER;
            default -> throw new IllegalArgumentException(at + ".type: expected webhook or alertmanager, got '"
                    + typeText + "'");
        };
        String url = string(at, o, "url", true);
        String secret = string(at, o, "secret", false);
        String secretEnv = string(at, o, "secret_env", false);
        if (secret != null && secretEnv != null) {
            throw new IllegalArgumentException(at + ": give secret or secret_env, not both");
        }
        if (secretEnv != null) {
            secret = blank(env.get(secretEnv));
            if (secret == null) {
                throw new IllegalArgumentException(at + ".secret_env: environment variable " + secretEnv
                        + " is not set");
            }
        }
        Map<String, List<String>> match = new TreeMap<>();
        Object m = o.getValue("match");
        if (m != null) {
            if (!(m instanceof JsonObject mo)) {
                throw new IllegalArgumentException(at + ".match must be an object of label: value or [values]");
            }
            for (String label : mo.fieldNames()) {
                Object v = mo.getValue(label);
                if (v instanceof String s) {
                    match.put(label, List.of(s));
                } else if (v instanceof JsonArray a && !a.isEmpty() && a.stream().allMatch(x -> x instanceof String)) {
                    match.put(label, a.stream().map(String.class::cast).toList());
                } else {
                    throw new IllegalArgumentException(at + ".match." + label
                            + " must be a string or a non-empty list of strings");
                }
            }
        }
        List<String> groupBy = DEFAULT_GROUP_BY;
        Object g = o.getValue("group_by");
        if (g != null) {
            if (!(g instanceof JsonArray a) || !a.stream().allMatch(x -> x instanceof String s && !s.isBlank())) {
                throw new IllegalArgumentException(at + ".group_by must be a list of label names");
            }
            groupBy = a.stream().map(String.class::cast).toList();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Object h = o.getValue("headers");
        if (h != null) {
            if (!(h instanceof JsonObject ho) || !ho.stream().allMatch(e -> e.getValue() instanceof String)) {
                throw new IllegalArgumentException(at + ".headers must be an object of name: string value");
            }
            ho.forEach(e -> headers.put(e.getKey(), (String) e.getValue()));
        }
        Duration groupWait = duration(at, o, "group_wait", DEFAULT_GROUP_WAIT);
        Duration groupInterval = duration(at, o, "group_interval", DEFAULT_GROUP_INTERVAL);
        Duration timeout = duration(at, o, "timeout", DEFAULT_TIMEOUT);
        Duration retryBackoff = duration(at, o, "retry_backoff", DEFAULT_RETRY_BACKOFF);
        Duration maxRetryBackoff = duration(at, o, "max_retry_backoff", DEFAULT_MAX_RETRY_BACKOFF);
        try {
            return new Receiver(name, type, url, secret, match, groupBy, groupWait, groupInterval, timeout,
                    retryBackoff, maxRetryBackoff, headers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "." + e.getMessage(), e);
        }
    }

    private static String string(String at, JsonObject o, String field, boolean required) {
        Object v = o.getValue(field);
        if (v == null || (v instanceof String s && s.isBlank())) {
            if (required) {
                throw new IllegalArgumentException(at + "." + field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(at + "." + field + " must be a string");
        }
        return s;
    }

    private static Duration duration(String at, JsonObject o, String field, Duration dflt) {
        Object v = o.getValue(field);
        if (v == null) {
            return dflt;
        }
        Matcher mm = v instanceof String s ? DURATION.matcher(s.trim().toLowerCase(Locale.ROOT)) : null;
        if (mm == null || !mm.matches()) {
            throw new IllegalArgumentException(at + "." + field + ": expected a duration such as 500ms, 10s, 5m "
                    + "or 1h, got '" + v + "'");
        }
        long n = Long.parseLong(mm.group(1));
        return switch (mm.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static void checkUrl(String field, String url) {
        try {
            URI u = new URI(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException(field + ": expected an absolute http(s) URL, got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + ": not a URL: '" + url + "'", e);
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public enum Type {
        /** The generic JSON of docs/alert-delivery.md ({@code "version": "ioc-alerts/1"}). */
        WEBHOOK,
        /** Alertmanager's webhook payload, version 4. */
        ALERTMANAGER;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One receiver. {@code match}: label → accepted values (all given labels must match; empty = every alert).
     * {@code groupBy}: labels whose values form a group ({@code "..."} = all labels). Times: the first alert of a new
     * group waits {@code groupWait}; later changes wait until {@code groupInterval} after the group's previous
     * notification; each try times out after {@code timeout}; retries back off from {@code retryBackoff} doubling up to
     * {@code maxRetryBackoff} (full jitter).
     */
    public record Receiver(String name, Type type, String url, String secret, Map<String, List<String>> match,
                           List<String> groupBy, Duration groupWait, Duration groupInterval, Duration timeout,
                           Duration retryBackoff, Duration maxRetryBackoff, Map<String, String> headers) {
        public Receiver {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name: 1–100 characters of A-Z a-z 0-9 . _ -, got '" + name + "'");
            }
            if (type == null) {
                throw new IllegalArgumentException("type is required");
            }
            checkUrl("url", url);
            secret = secret == null || secret.isEmpty() ? null : secret;
            match = match == null ? Map.of() : Map.copyOf(match);
            groupBy = groupBy == null ? DEFAULT_GROUP_BY : List.copyOf(groupBy);
            positive("group_wait", groupWait, true);
            positive("group_interval", groupInterval, false);
            positive("timeout", timeout, false);
            positive("retry_backoff", retryBackoff, false);
            positive("max_retry_backoff", maxRetryBackoff, false);
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("max_retry_backoff must not be below retry_backoff");
            }
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            for (String header : headers.keySet()) {
                if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("headers: " + header + " is set by the delivery itself");
                }
            }
        }

        /** A receiver with the documented defaults. */
        public static Receiver of(String name, Type type, String url, String secret) {
            return new Receiver(name, type, url, secret, Map.of(), DEFAULT_GROUP_BY, DEFAULT_GROUP_WAIT,
                    DEFAULT_GROUP_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_RETRY_BACKOFF,
                    Map.of());
        }

        public static Receiver webhook(String name, String url, String secret) {
            return of(name, Type.WEBHOOK, url, secret);
        }

        public Receiver withGrouping(List<String> newGroupBy, Duration wait, Duration interval) {
            return new Receiver(name, type, url, secret, match, newGroupBy, wait, interval, timeout, retryBackoff,
                    maxRetryBackoff, headers);
        }

        public Receiver withTimeouts(Duration newTimeout, Duration backoff, Duration maxBackoff) {
            return new Receiver(name, type, url, secret, match, groupBy, groupWait, groupInterval, newTimeout, backoff,
                    maxBackoff, headers);
        }

        public Receiver withMatch(Map<String, List<String>> newMatch) {
            return new Receiver(name, type, url, secret, newMatch, groupBy, groupWait, groupInterval, timeout,
                    retryBackoff, maxRetryBackoff, headers);
        }

        /** The URL's host (what the receivers route shows: never the path, which may hold a token). */
        public String host() {
            return URI.create(url).getHost();
        }

        private static void positive(String field, Duration d, boolean zeroAllowed) {
            if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
                throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
            }
        }
    }
}
