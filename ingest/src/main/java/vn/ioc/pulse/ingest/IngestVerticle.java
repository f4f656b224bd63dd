package vn.ioc.pulse.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.ingest.BatchParser.BodyException;
import vn.ioc.pulse.ingest.BatchParser.RawRecord;
import vn.ioc.pulse.ingest.portal.DongBoHoSoMapper;
import vn.ioc.pulse.ingest.portal.DongBoHoSoPayload;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.ValidationException;

/**
 * The ingest gateway (CONTRACT.md §2): {@code POST /api/v1/events} validates each record, writes the valid ones to
 * Kafka and the invalid ones to the dead-letter topic, and answers 202 only once Kafka acknowledged all of them
 * (400 when nothing was accepted, 413 over the size or record limit, 503 when Kafka did not acknowledge in time).
 */
public final class IngestVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);

    private final IngestConfig config;
    private final EventPublisher publisher;
    private HttpServer server;

    public IngestVerticle(IngestConfig config, EventPublisher publisher) {
        this.config = config;
        this.publisher = publisher;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
        router.post("/api/v1/events")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::postEvents);
        router.post("/api/v1/portal/dongbohoso")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::postPortalSync);
        router.route().failureHandler(this::failure);
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(config.port())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("ingest gateway listening on port {} (Kafka {})", s.actualPort(), config.kafkaBootstrap());
                });
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return server.actualPort();
    }

    private void postEvents(RoutingContext ctx) {
        byte[] body = body(ctx);
        String contentType = ctx.request().getHeader("Content-Type");
        boolean ndjson = contentType != null && contentType.toLowerCase().startsWith("application/x-ndjson");
        respond(ctx, body.length, () -> process(body, ndjson), false, "duplicate event_ids are ignored");
    }

    /**
     * {@code POST /api/v1/portal/dongbohoso}: the national portal's {@code DongBoHoSoMC} sync payload. Each
     * snapshot in {@code data} becomes case events ({@link DongBoHoSoMapper}); {@code accepted} counts snapshots,
     * {@code events} the case events written; a rejected snapshot is answered by its index in {@code data} and
     * dead-lettered with source {@code portal}. Same 202/400/413/503 semantics as {@code /api/v1/events}.
     */
    private void postPortalSync(RoutingContext ctx) {
        byte[] body = body(ctx);
        respond(ctx, body.length, () -> processPortal(body), true, "the derived event_ids are deterministic");
    }

    private static byte[] body(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }

    /**
     * Runs {@code work} on a worker thread (the Kafka producer may block), waits for Kafka's acknowledgements and
     * answers 202 / 400 (nothing accepted) / 413 / 503 (Kafka did not acknowledge: retrying is safe because
     * {@code retrySafeBecause}).
     */
    private void respond(RoutingContext ctx, int bodyLength, java.util.concurrent.Callable<Batch> work,
                         boolean withEventCount, String retrySafeBecause) {
        vertx.executeBlocking(work, false)
                .compose(batch -> Future.fromCompletionStage(batch.acks(), vertx.getOrCreateContext()).map(v -> batch))
                .onSuccess(batch -> {
                    int status = batch.accepted() > 0 || batch.rejected().isEmpty() ? 202 : 400;
                    ObjectNode answer = batch.answer();
                    if (withEventCount) {
                        answer.put("events", batch.events());
                    }
                    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                            .end(answer.toString());
                })
                .onFailure(e -> {
                    if (e instanceof TooLarge t) {
                        problem(ctx, 413, "Payload too large", t.getMessage());
                    } else if (e instanceof BodyException b) {
                        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                                .end(answer(0, List.of(rejection(0, null, b.getMessage()))).toString());
                    } else {
                        LOG.warn("{} {} of {} bytes not acknowledged by Kafka: {}", ctx.request().method(),
                                ctx.request().path(), bodyLength, e.toString());
                        problem(ctx, 503, "Kafka unavailable", "events were not durably written to Kafka ("
                                + e.getMessage() + "); nothing is lost by retrying the whole request: "
                                + retrySafeBecause);
                    }
                });
    }

    /** Maps and sends a portal sync payload; runs on a worker thread because the Kafka producer may block. */
    private Batch processPortal(byte[] body) throws Exception {
        List<DongBoHoSoPayload.Snapshot> snapshots;
        try {
            snapshots = DongBoHoSoPayload.parse(body);
        } catch (BodyException e) {
            publisher.deadLetter("portal", new String(body, StandardCharsets.UTF_8), null, null, e.getMessage()).get();
            throw e;
        }
        if (snapshots.size() > config.maxRecords()) {
            throw new TooLarge("data has " + snapshots.size() + " dossiers; the limit is " + config.maxRecords());
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        List<ObjectNode> rejected = new ArrayList<>();
        int accepted = 0;
        int events = 0;
        for (DongBoHoSoPayload.Snapshot s : snapshots) {
            try {
                List<String> derived = DongBoHoSoMapper.map(s.json());
                List<IocEvent> parsed = new ArrayList<>(derived.size());
                for (String json : derived) {
                    parsed.add(EventCodec.parse(json));
                }
                for (int i = 0; i < derived.size(); i++) {
                    List<CompletableFuture<Void>> sent = publisher.publish(parsed.get(i), derived.get(i));
                    failFast(sent);
                    acks.addAll(sent);
                }
                accepted++;
                events += derived.size();
            } catch (ValidationException e) {
                rejected.add(rejection(s.index(), e.field(), e.getMessage()));
                CompletableFuture<Void> dead = publisher.deadLetter("portal", s.raw(), s.index(), e.field(),
                        e.getMessage());
                failFast(List.of(dead));
                acks.add(dead);
            }
        }
        return new Batch(accepted, rejected, CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)), events);
    }

    /** Validates and sends a batch; runs on a worker thread because the Kafka producer may block. */
    private Batch process(byte[] body, boolean ndjson) throws Exception {
        List<RawRecord> records;
        try {
            records = BatchParser.parse(body, ndjson);
        } catch (BodyException e) {
            publisher.deadLetter("http", new String(body, StandardCharsets.UTF_8), null, null, e.getMessage()).get();
            throw e;
        }
        if (records.size() > config.maxRecords()) {
            throw new TooLarge("batch has " + records.size() + " records; the limit is " + config.maxRecords());
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        List<ObjectNode> rejected = new ArrayList<>();
        int accepted = 0;
        for (RawRecord r : records) {
            String error = r.error();
            String field = null;
            if (error == null) {
                try {
                    IocEvent event = EventCodec.parse(r.json());
                    List<CompletableFuture<Void>> sent = publisher.publish(event, r.raw());
                    failFast(sent);
                    acks.addAll(sent);
                    accepted++;
                    continue;
                } catch (ValidationException e) {
                    error = e.getMessage();
                    field = e.field();
                }
            }
            rejected.add(rejection(r.index(), field, error));
            CompletableFuture<Void> dead = publisher.deadLetter("http", r.raw(), r.index(), field, error);
            failFast(List.of(dead));
            acks.add(dead);
        }
        return new Batch(accepted, rejected, CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    }

    /**
     * A send that failed at once (Kafka unreachable: no metadata within the timeout) fails the whole batch now,
     * so a batch costs one Kafka timeout, not one per record.
     */
    private static void failFast(List<CompletableFuture<Void>> sent) throws Exception {
        for (CompletableFuture<Void> f : sent) {
            if (f.isCompletedExceptionally()) {
                try {
                    f.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        }
    }

    private static ObjectNode rejection(int index, String field, String error) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("index", index);
        if (field != null) {
            o.put("field", field);
        }
        o.put("error", error);
        return o;
    }

    private static ObjectNode answer(int accepted, List<ObjectNode> rejected) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("accepted", accepted);
        ArrayNode list = o.putArray("rejected");
        rejected.forEach(list::add);
        return o;
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 413) {
            problem(ctx, 413, "Payload too large", "request body is larger than " + config.maxBodyBytes() + " bytes");
        } else {
            if (status == 500) {
                LOG.error("ingest request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            problem(ctx, status, "Request failed", ctx.failure() == null ? "HTTP " + status : ctx.failure().getMessage());
        }
    }

    private static void problem(RoutingContext ctx, int status, String title, String detail) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("type", "about:blank");
        o.put("title", title);
        o.put("status", status);
        o.put("detail", detail);
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json").end(o.toString());
        }
    }

    private record Batch(int accepted, List<ObjectNode> rejected, CompletableFuture<Void> acks, int events) {
        Batch(int accepted, List<ObjectNode> rejected, CompletableFuture<Void> acks) {
            this(accepted, rejected, acks, accepted);
        }

        ObjectNode answer() {
            return IngestVerticle.answer(accepted, rejected);
        }
    }

    private static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message);
        }
    }
}
