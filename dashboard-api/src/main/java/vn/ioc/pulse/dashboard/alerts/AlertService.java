package vn.ioc.pulse.dashboard.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.dashboard.TopicReader;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.Problems;
import vn.ioc.pulse.web.auth.BearerAuth;
import vn.ioc.pulse.web.auth.UnitScope;

/**
 * The alert lifecycle in the dashboard API (docs/alerting.md, "Lifecycle"): reads {@code ioc.alerts.v1} and
 * {@code ioc.alert-actions.v1} from their beginning into an {@link AlertBook}, serves alerts and silences over REST,
 * writes acknowledgements and silences to the actions topic (compacted: they survive a restart and every instance
 * reads them), and tells {@code onChange} about every alert whose view changed (a new record, an ack, a silence
 * starting or ending) so screens get it. Event loop only, except Kafka I/O on its own threads.
 *
 * <p>Delivery: both topics are read at-least-once; the book drops alert records with an old seq and actions it
 * already holds. An action is answered once Kafka acknowledged it (acks=all), then applied at once, so the answer
 * shows it.
 */
public final class AlertService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
    /** Roles that may acknowledge and silence. */
    public static final Set<String> ACT_ROLES = Set.of("operator", "admin");
    static final Duration MAX_SILENCE = Duration.ofDays(30);
    /** Resolved alerts held for {@code GET /api/v1/alerts?state=resolved} and screens (the most recent ones). */
    public static final int RECENT_MAX = 500;

    private final Vertx vertx;
    private final Context context;
    private final AlertBook book;
    private final BearerAuth.Config auth;
    private final Consumer<AlertEvent> onChange;
    private final KafkaProducer<String, String> producer;
    private final TopicReader<Object> reader;
    private final Promise<Void> hydrated = Promise.promise();
    private final long ticker;
    private Instant lastTick = Instant.now();

    /** A record of the actions topic as read (key, value — null for a removal). */
    private record Action(String key, String value) {
    }

    public AlertService(Vertx vertx, String bootstrap, BearerAuth.Config auth, int recentMax,
                        Function<AlertEvent, String> scopeName, Consumer<AlertEvent> onChange) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.auth = auth;
        this.onChange = onChange;
        this.book = new AlertBook(recentMax, scopeName);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "ioc-dashboard-alert-actions",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
                new StringSerializer(), new StringSerializer());
        ensureTopics(vertx, bootstrap);
        this.reader = new TopicReader<Object>(bootstrap, "ioc-dashboard-alerts", List.of(Topics.ALERTS, Topics.ALERT_ACTIONS),
                "alert record", r -> Topics.ALERTS.equals(r.topic())
                        ? (r.value() == null ? null : (Object) AlertEvent.fromJson(r.value()))
                        : (Object) new Action(r.key(), r.value()),
                batch -> context.runOnContext(v -> applyAll(batch)),
                () -> context.runOnContext(v -> hydrated.tryComplete())).start();
        // a silence that ends changes how its alerts are shown: once a second, tell the screens
        this.ticker = vertx.setPeriodic(1000, id -> expireSilences());
    }

    /**
     * Creates the two alert topics when missing (compacted, one partition, the broker's replication): the actions
     * topic is this API's own; the alerts topic is normally created with the others by the deployment (the KPI job
     * only writes to it), but an API started first must not wait for it for ever. An existing topic is left as is.
     */
    private static void ensureTopics(Vertx vertx, String bootstrap) {
        vertx.executeBlocking(() -> {
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                    org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>();
                for (String t : List.of(Topics.ALERTS, Topics.ALERT_ACTIONS)) {
                    topics.add(new org.apache.kafka.clients.admin.NewTopic(t, Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact")));
                }
                for (var e : admin.createTopics(topics).values().entrySet()) {
                    try {
                        e.getValue().get(30, java.util.concurrent.TimeUnit.SECONDS);
                        LOG.info("created the compacted topic {}", e.getKey());
                    } catch (java.util.concurrent.ExecutionException x) {
                        if (!(x.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            LOG.warn("could not create topic {}: {}", e.getKey(), x.getCause().toString());
                        }
                    }
                }
            }
            return null;
        });
    }

    /** Completes once both topics were read up to their end offsets at start. */
    public Future<Void> hydrated() {
        return hydrated.future();
    }

    public boolean caughtUp() {
        return reader.caughtUp();
    }

    public boolean healthy() {
        return reader.healthy();
    }

    public AlertBook book() {
        return book;
    }

    /** For delivery (any thread): true while an active silence matches the alert. */
    public boolean silenced(AlertEvent a) {
        return book.silenced(a);
    }

    private void applyAll(List<Object> batch) {
        for (Object o : batch) {
            try {
                if (o instanceof AlertEvent a) {
                    book.apply(a).ifPresent(onChange);
                } else if (o instanceof Action x) {
                    book.applyAction(x.key(), x.value()).forEach(onChange);
                }
            } catch (RuntimeException e) {
                LOG.warn("skipping alert record {}: {}", o, e.getMessage());
            }
        }
    }

    private void expireSilences() {
        Instant now = Instant.now();
        Instant since = lastTick;
        lastTick = now;
        for (AlertBook.Silence s : book.silences()) {
            boolean ended = !s.endsAt().isAfter(now) && s.endsAt().isAfter(since);
            boolean started = !s.startsAt().isAfter(now) && s.startsAt().isAfter(since);
            if (ended || started) {
                book.active().stream().filter(s::matches).forEach(onChange);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ REST

    /** Mounts the alert and silence routes (reads need a reading role — checked by the caller's /api/v1/* guard). */
    public void install(Router router) {
        BodyHandler body = BodyHandler.create().setBodyLimit(16 * 1024);
        router.get("/api/v1/alerts").handler(this::list);
        router.get("/api/v1/alerts/:fingerprint").handler(this::one);
        router.get("/api/v1/silences").handler(this::silences);
        for (var route : List.of(router.post("/api/v1/alerts/:fingerprint/ack"),
                router.delete("/api/v1/alerts/:fingerprint/ack"), router.post("/api/v1/silences"),
                router.delete("/api/v1/silences/:id"))) {
            route.handler(body); // Vert.x 5: the body handler comes before the user (auth) handler
            BearerAuth.protect(vertx, route, auth, ACT_ROLES, false);
        }
        router.post("/api/v1/alerts/:fingerprint/ack").handler(this::ack);
        router.delete("/api/v1/alerts/:fingerprint/ack").handler(this::unack);
        router.post("/api/v1/silences").handler(this::createSilence);
        router.delete("/api/v1/silences/:id").handler(this::expireSilence);
    }

    private void list(RoutingContext ctx) {
        String state = Optional.ofNullable(ctx.request().getParam("state")).orElse("active");
        List<AlertEvent> alerts = new ArrayList<>();
        switch (state) {
            case "active" -> alerts.addAll(book.active());
            case "resolved" -> alerts.addAll(book.recent());
            case "all" -> {
                alerts.addAll(book.active());
                alerts.addAll(book.recent());
            }
            default -> {
                bad(ctx, "query parameter 'state' must be active, resolved or all, got '" + state + "'");
                return;
            }
        }
        List<String> severity = ctx.queryParam("severity");
        List<String> rule = ctx.queryParam("rule");
        List<String> scopeType = ctx.queryParam("scope_type");
        List<String> scopeId = ctx.queryParam("scope_id");
        List<String> fingerprint = ctx.queryParam("fingerprint");
        UnitScope scope = BearerAuth.scope(ctx, auth);
        Instant now = Instant.now();
        ObjectNode answer = EventCodec.mapper().createObjectNode();
        answer.put("as_of", KpiValue.formatTime(now));
        ArrayNode out = answer.putArray("alerts");
        for (AlertEvent a : alerts) {
            if (scope.permits(a.scopeType(), a.scopeId()) && (severity.isEmpty() || severity.contains(a.severity().json()))
                    && (rule.isEmpty() || rule.contains(a.rule()))
                    && (scopeType.isEmpty() || scopeType.contains(a.scopeType()))
                    && (scopeId.isEmpty() || scopeId.contains(a.scopeId()))
                    && (fingerprint.isEmpty() || fingerprint.contains(a.fingerprint()))) {
                out.add(book.view(a, now));
            }
        }
        json(ctx, 200, answer.toString());
    }

    private Optional<AlertEvent> readable(RoutingContext ctx) {
        String fp = ctx.pathParam("fingerprint");
        Optional<AlertEvent> a = book.get(fp);
        if (a.isEmpty()) {
            Problems.send(ctx, 404, "Not Found", "no active or recently resolved alert with fingerprint '" + fp + "'");
            return Optional.empty();
        }
        if (!BearerAuth.scope(ctx, auth).permits(a.get().scopeType(), a.get().scopeId())) {
            Problems.send(ctx, 403, "Forbidden", "the token may not read alerts of " + a.get().scopeType() + "/"
                    + a.get().scopeId());
            return Optional.empty();
        }
        return a;
    }

    private void one(RoutingContext ctx) {
        readable(ctx).ifPresent(a -> json(ctx, 200, book.view(a, Instant.now()).toString()));
    }

    private void ack(RoutingContext ctx) {
        Optional<AlertEvent> found = readable(ctx);
        if (found.isEmpty()) {
            return;
        }
        AlertEvent a = found.get();
        if (!a.firing()) {
            Problems.send(ctx, 409, "Conflict", "alert '" + a.fingerprint() + "' is resolved: nothing to acknowledge");
            return;
        }
        JsonObject in;
        try {
            in = bodyObject(ctx, true);
        } catch (IllegalArgumentException e) {
            bad(ctx, e.getMessage());
            return;
        }
        Object comment = in.getValue("comment");
        if (comment != null && !(comment instanceof String)) {
            bad(ctx, "field 'comment' must be a string");
            return;
        }
        if (comment != null && ((String) comment).length() > 2000) {
            bad(ctx, "field 'comment' is longer than 2000 characters");
            return;
        }
        AlertBook.Ack k = new AlertBook.Ack(a.fingerprint(), a.startsAt(), who(ctx, in), Instant.now(),
                (String) comment);
        write("ack/" + a.fingerprint(), k.toStored().encode())
                .onSuccess(v -> {
                    book.applyAction("ack/" + a.fingerprint(), k.toStored().encode()).forEach(onChange);
                    LOG.info("alert {} ({} {}/{}) acknowledged by {}", a.fingerprint(), a.rule(), a.scopeType(),
                            a.scopeId(), k.by());
                    json(ctx, 200, book.view(a, Instant.now()).toString());
                })
                .onFailure(e -> unavailable(ctx, e));
    }

    private void unack(RoutingContext ctx) {
        Optional<AlertEvent> found = readable(ctx);
        if (found.isEmpty()) {
            return;
        }
        AlertEvent a = found.get();
        write("ack/" + a.fingerprint(), null)
                .onSuccess(v -> {
                    book.applyAction("ack/" + a.fingerprint(), null).forEach(onChange);
                    json(ctx, 200, book.view(a, Instant.now()).toString());
                })
                .onFailure(e -> unavailable(ctx, e));
    }

    private void silences(RoutingContext ctx) {
        Instant now = Instant.now();
        JsonArray out = new JsonArray();
        book.silences().forEach(s -> out.add(s.toJson(now)));
        json(ctx, 200, new JsonObject().put("silences", out).encode());
    }

    private void createSilence(RoutingContext ctx) {
        AlertBook.Silence s;
        try {
            s = silenceFrom(bodyObject(ctx, false), who(ctx, bodyObject(ctx, false)), Instant.now());
        } catch (IllegalArgumentException e) {
            bad(ctx, e.getMessage());
            return;
        }
        UnitScope scope = BearerAuth.scope(ctx, auth);
        if (!scope.all() && s.matchers().stream().noneMatch(m -> m.name().equals("scope_id") && !m.regex()
                && scope.units().stream().anyMatch(u -> u.endsWith("/" + m.value())))) {
            Problems.send(ctx, 403, "Forbidden", "a token limited to " + scope
                    + " may only silence with a matcher scope_id=<one of its units>");
            return;
        }
        String stored = s.toStored().encode();
        write("silence/" + s.id(), stored)
                .onSuccess(v -> {
                    book.applyAction("silence/" + s.id(), stored).forEach(onChange);
                    LOG.info("silence {} created by {} until {}: {} ({})", s.id(), s.createdBy(), s.endsAt(),
                            s.matchers().stream().map(m -> m.name() + (m.regex() ? "=~" : "=") + m.value()).toList(),
                            s.reason());
                    ctx.response().putHeader("Location", "/api/v1/silences/" + s.id());
                    json(ctx, 201, s.toJson(Instant.now()).encode());
                })
                .onFailure(e -> unavailable(ctx, e));
    }

    /** Ends a silence now (kept, as expired, so the screens and the record show who silenced what). */
    private void expireSilence(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Optional<AlertBook.Silence> found = book.silence(id);
        if (found.isEmpty()) {
            Problems.send(ctx, 404, "Not Found", "no silence with id '" + id + "'");
            return;
        }
        AlertBook.Silence s = found.get();
        Instant now = Instant.now();
        AlertBook.Silence ended = new AlertBook.Silence(s.id(), s.matchers(), s.startsAt(),
                s.endsAt().isAfter(now) ? now : s.endsAt(), s.reason(), s.createdBy(), s.createdAt());
        String stored = ended.toStored().encode();
        write("silence/" + id, stored)
                .onSuccess(v -> {
                    book.applyAction("silence/" + id, stored).forEach(onChange);
                    json(ctx, 200, ended.toJson(Instant.now()).encode());
                })
                .onFailure(e -> unavailable(ctx, e));
    }

    /**
     * A silence from a request: {@code matchers} (a non-empty list of {@code {name, value, is_regex}}, or an object
     * of label → value), {@code until} (ISO-8601 instant) or {@code duration} (ISO-8601 like {@code PT2H}, or
     * {@code 90m}, {@code 2h}, {@code 1d}), {@code reason} (required).
     */
    static AlertBook.Silence silenceFrom(JsonObject in, String who, Instant now) {
        Object m = in.getValue("matchers");
        List<AlertBook.Matcher> matchers = new ArrayList<>();
        if (m instanceof JsonObject o) {
            o.forEach(e -> matchers.add(AlertBook.Matcher.of(e.getKey(), String.valueOf(e.getValue()), false)));
        } else if (m instanceof JsonArray arr) {
            for (Object x : arr) {
                if (!(x instanceof JsonObject mo)) {
                    throw new IllegalArgumentException("field 'matchers[]' must be objects {name, value, is_regex}");
                }
                Object regex = mo.getValue("is_regex", false);
                if (!(regex instanceof Boolean)) {
                    throw new IllegalArgumentException("field 'matchers[].is_regex' must be true or false");
                }
                matchers.add(AlertBook.Matcher.of(mo.getValue("name") instanceof String s ? s : null,
                        mo.getValue("value") instanceof String s ? s : null, (Boolean) regex));
            }
        } else {
            throw new IllegalArgumentException("field 'matchers' is required: a list of {name, value, is_regex} "
                    + "or an object of label → value");
        }
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("field 'matchers' must not be empty (a silence of everything is refused)");
        }
        Object reason = in.getValue("reason");
        if (!(reason instanceof String r) || r.isBlank()) {
            throw new IllegalArgumentException("field 'reason' is required: why these alerts are silenced");
        }
        if (r.length() > 2000) {
            throw new IllegalArgumentException("field 'reason' is longer than 2000 characters");
        }
        Instant until;
        if (in.getValue("until") != null) {
            if (!(in.getValue("until") instanceof String u)) {
                throw new IllegalArgumentException("field 'until' must be an ISO-8601 time");
            }
            try {
                until = java.time.OffsetDateTime.parse(u).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("field 'until' must be an ISO-8601 time with offset, e.g. "
                        + "2026-12-08T17:00:00+07:00, got '" + u + "'");
            }
        } else if (in.getValue("duration") instanceof String d) {
            until = now.plus(duration(d));
        } else {
            throw new IllegalArgumentException("field 'until' (ISO-8601 time) or 'duration' (e.g. 2h) is required");
        }
        if (!until.isAfter(now)) {
            throw new IllegalArgumentException("field 'until' must be in the future");
        }
        if (until.isAfter(now.plus(MAX_SILENCE))) {
            throw new IllegalArgumentException("field 'until' is more than 30 days ahead: silence for at most 30 days");
        }
        return new AlertBook.Silence(UUID.randomUUID().toString(), matchers, now, until, r, who, now);
    }

    static Duration duration(String d) {
        try {
            if (d.startsWith("P") || d.startsWith("p")) {
                return Duration.parse(d);
            }
            long n = Long.parseLong(d.substring(0, d.length() - 1));
            return switch (d.charAt(d.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("field 'duration' must be like 90m, 2h, 1d or PT2H, got '" + d + "'");
        }
    }

    /** Who acts: the token's subject (auth on); with auth off the body's {@code by}, else "anonymous (auth off)". */
    private String who(RoutingContext ctx, JsonObject in) {
        if (auth.enabled() && ctx.user() != null) {
            JsonObject claims = ctx.user().attributes().getJsonObject("accessToken");
            String sub = claims == null ? null : claims.getString("name", claims.getString("sub"));
            return sub == null ? "unknown" : sub;
        }
        return in.getValue("by") instanceof String b && !b.isBlank() ? b : "anonymous (auth off)";
    }

    private static JsonObject bodyObject(RoutingContext ctx, boolean emptyOk) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        if (text == null || text.isBlank()) {
            if (emptyOk) {
                return new JsonObject();
            }
            throw new IllegalArgumentException("a JSON object body is required");
        }
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
    }

    private Future<Void> write(String key, String value) {
        // send() may block on metadata (max.block.ms): a worker thread waits for Kafka's acknowledgement
        return vertx.executeBlocking(() -> {
            try {
                producer.send(new ProducerRecord<>(Topics.ALERT_ACTIONS, key, value)).get();
                return (Void) null;
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        });
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static void bad(RoutingContext ctx, String detail) {
        Problems.send(ctx, 400, "Bad Request", detail);
    }

    private static void unavailable(RoutingContext ctx, Throwable e) {
        LOG.warn("alert action not stored in {}: {}", Topics.ALERT_ACTIONS, e.toString());
        Problems.send(ctx, 503, "Service Unavailable", "the action could not be stored (Kafka: " + e.getMessage()
                + "); nothing changed — try again");
    }

    @Override
    public void close() {
        vertx.cancelTimer(ticker);
        reader.close();
        producer.close(Duration.ofSeconds(2));
    }
}
