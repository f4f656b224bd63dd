package vn.ioc.pulse.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import vn.ioc.pulse.web.BodyReader;
import vn.ioc.pulse.web.HttpGuard;
import vn.ioc.pulse.web.Metrics;
import vn.ioc.pulse.web.Problems;
import vn.ioc.pulse.web.RateWatch;
import vn.ioc.pulse.web.Readiness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.ingest.BatchParser.BodyException;
import vn.ioc.pulse.ingest.BatchParser.RawRecord;
import vn.ioc.pulse.ingest.BatchWriter.TooLarge;
import vn.ioc.pulse.web.auth.BearerAuth;
import vn.ioc.pulse.ingest.portal.DongBoHoSoMapper;
import vn.ioc.pulse.ingest.portal.DongBoHoSoPayload;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.ValidationException;

/**
 * The ingest gateway (CONTRACT.md §2). {@code POST /api/v1/events} validates each record, writes the valid ones to
 * Kafka and the invalid ones to the dead-letter topic, and answers 202 only once Kafka acknowledged all of them;
 * 400 when nothing was accepted, 413 over a size or record limit, 429 with {@code Retry-After} while the producer's
 * buffer is nearly full (Kafka slower than the input), 503 when Kafka did not acknowledge in time, 401/403 without
 * a valid bearer token carrying the ingest role (when auth is on). NDJSON bodies
 * ({@code Content-Type: application/x-ndjson}) are streamed: lines are validated and handed to Kafka in chunks while
 * the body arrives, so the gateway never holds a whole large body; JSON bodies (one object or an array) are read
 * whole, up to the size limit.
 */
public final class IngestVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);
    /** Bytes of a streamed body handed to a worker thread at a time (whole lines). */
    private static final int STREAM_CHUNK_BYTES = 256 * 1024;

    private final IngestConfig config;
    private final EventPublisher publisher;
    private final DoubleSupplier freeBuffer;
    private final List<Readiness.Check> extraChecks;
    private HttpGuard guard;
    private HttpServer server;

    public IngestVerticle(IngestConfig config, EventPublisher publisher) {
        this(config, publisher, publisher::freeBufferRatio, List.of());
    }

    /** With more readiness checks than Kafka (the demo adds the KPI job's state). */
    public IngestVerticle(IngestConfig config, EventPublisher publisher, List<Readiness.Check> extraChecks) {
        this(config, publisher, publisher::freeBufferRatio, extraChecks);
    }

    /** With the producer-buffer gauge given (tests). */
    IngestVerticle(IngestConfig config, EventPublisher publisher, DoubleSupplier freeBuffer) {
        this(config, publisher, freeBuffer, List.of());
    }

    private IngestVerticle(IngestConfig config, EventPublisher publisher, DoubleSupplier freeBuffer,
                           List<Readiness.Check> extraChecks) {
        this.config = config;
        this.publisher = publisher;
        this.freeBuffer = freeBuffer;
        this.extraChecks = List.copyOf(extraChecks);
    }

    /** The server's self-protection (counters for tests and metrics). */
    public HttpGuard guard() {
        return guard;
    }

    @Override
    public Future<?> start() {
        guard = new HttpGuard(vertx, "ingest gateway", config.limits());
        Router router = Router.router(vertx);
        router.route().handler(guard.handler());
        Problems.install(router);
        router.get("/health").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
        Readiness readiness = new Readiness().add("kafka", publisher::checkKafka).addAll(extraChecks);
        router.get("/ready").handler(ctx -> readiness.handle(vertx, ctx));
        Metrics.route(vertx, router);
        // Vert.x orders a route's handlers body → authentication → authorization → user. The token check and
        // admission (429, declared 413) are one route in front of every POST, so both run before any byte of a body
        // is read (an unauthenticated client cannot make the gateway buffer a body); then the streamed NDJSON route
        // (no body handler) or the buffered JSON routes.
        Route admission = router.post("/api/v1/*");
        BearerAuth.protect(vertx, admission, config.auth());
        admission.handler(this::admit);
        router.post("/api/v1/events").consumes("application/x-ndjson").handler(this::streamNdjson);
        router.post("/api/v1/events").handler(ctx -> withBody(ctx, this::postJson));
        router.post("/api/v1/portal/dongbohoso").handler(ctx -> withBody(ctx, this::postPortalSync));
        router.route().failureHandler(this::failure);
        if (!config.auth().enabled()) {
            LOG.warn("ingest AUTH IS OFF: anyone who reaches port {} can post events", config.port());
        }
        // Expect: 100-continue (curl sends it for large bodies) is answered at once; limits and auth still apply.
        // HTTP/1.1 only, timeouts and the connection cap: HttpGuard (docs/reliability.md).
        return guard.install(vertx.createHttpServer(guard.options()))
                .requestHandler(router)
                .listen(config.port(), config.limits().bindAddress())
                .onSuccess(s -> {
                    server = s;
                    LOG.info("ingest gateway listening on {}:{} (Kafka {}, auth {})", config.limits().bindAddress(),
                            s.actualPort(), config.kafkaBootstrap(),
                            config.auth().enabled() ? "role " + config.auth().role() : "off");
                });
    }

    /** Reads the whole body (size limit 413, minimum rate 408, both closing the connection), then {@code then}. */
    private void withBody(RoutingContext ctx, java.util.function.BiConsumer<RoutingContext, byte[]> then) {
        BodyReader.read(vertx, ctx, config.maxBodyBytes(), config.limits()).onComplete(ar -> {
            if (ar.succeeded()) {
                then.accept(ctx, ar.result().getBytes());
            } else if (!(ar.cause() instanceof BodyReader.TooLarge || ar.cause() instanceof BodyReader.TooSlow)) {
                LOG.debug("{} {}: body not read: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString());
                ctx.request().connection().close();
            }
        });
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return server.actualPort();
    }

    /**
     * Backpressure and the declared size, before any byte of the body is read: 429 while the producer's buffer is
     * nearly full, 413 when Content-Length is over the limit.
     */
    private void admit(RoutingContext ctx) {
        double free = freeBuffer.getAsDouble();
        if (free < config.minFreeBuffer()) {
            LOG.warn("{} {}: answering 429, Kafka producer buffer only {}% free", ctx.request().method(),
                    ctx.request().path(), Math.round(free * 100));
            tooManyRequests(ctx, "Kafka is slower than the input right now (producer buffer " + Math.round(free * 100)
                    + "% free)");
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && parseLong(length) > config.maxBodyBytes()) {
            // answered before any byte of the body is read: HttpGuard adds Connection: close and closes after it
            problem(ctx, 413, "Payload too large", "request body of " + length + " bytes is larger than "
                    + config.maxBodyBytes() + " bytes: split it into several requests");
            return;
        }
        ctx.next();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A JSON object or array body (read whole), or several lines without the NDJSON type. */
    private void postJson(RoutingContext ctx, byte[] body) {
        respond(ctx, () -> {
            BatchWriter writer = writer("http");
            List<RawRecord> records;
            try {
                records = BatchParser.parse(body, false);
            } catch (BodyException e) {
                throw deadLettered("http", new String(body, StandardCharsets.UTF_8), e);
            }
            if (records.size() > config.maxRecords()) {
                throw new TooLarge("batch has " + records.size() + " records; the limit is " + config.maxRecords());
            }
            for (RawRecord r : records) {
                writer.accept(r);
            }
            return writer.finish();
        }, false, "duplicate event_ids are ignored");
    }

    /**
     * A streamed NDJSON body: whole lines are handed to a worker thread in chunks of about
     * {@value #STREAM_CHUNK_BYTES} bytes while the rest arrives; the request is paused while a chunk is being
     * written, so a slow Kafka slows the sender (TCP backpressure) instead of filling memory.
     */
    private void streamNdjson(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        BatchWriter writer = writer("http");
        Promise<BatchWriter.Result> done = Promise.promise();
        new Object() {
            private Buffer pending = Buffer.buffer();
            /** Index in {@code pending} of its last newline, -1 when none: only new data is ever scanned. */
            private int lastNewline = -1;
            private long received;
            private Future<Void> tail = Future.succeededFuture();
            private int inFlight;
            private boolean failed;
            private final RateWatch rate = new RateWatch(vertx, config.limits(), () -> {
                if (!failed) {
                    failed = true;
                    BodyReader.reject(ctx, 408, "Request Timeout", rateDetail());
                    done.tryFail(new BodyReader.TooSlow(rateDetail()));
                }
            });

            private String rateDetail() {
                return rate.detail() + " (records before this point may already be in Kafka: resending is safe, "
                        + "duplicates are ignored)";
            }

            void start() {
                request.handler(this::data);
                request.endHandler(v -> {
                    rate.stop();
                    if (!failed) {
                        submit(pending.getBytes(), true);
                        pending = null;
                    }
                });
                request.exceptionHandler(this::fail);
                request.resume();
            }

            private void data(Buffer chunk) {
                if (failed) {
                    return;
                }
                rate.received(chunk.length());
                received += chunk.length();
                if (received > config.maxBodyBytes()) {
                    fail(new TooLarge("request body is larger than " + config.maxBodyBytes() + " bytes (records before "
                            + "the limit may already be in Kafka: resending is safe, duplicates are ignored)"));
                    return;
                }
                int offset = pending.length();
                for (int i = chunk.length() - 1; i >= 0; i--) {
                    if (chunk.getByte(i) == '\n') {
                        lastNewline = offset + i;
                        break;
                    }
                }
                pending.appendBuffer(chunk);
                if (pending.length() >= STREAM_CHUNK_BYTES && lastNewline >= 0) {
                    byte[] lines = pending.getBytes(0, lastNewline + 1);
                    pending = pending.getBuffer(lastNewline + 1, pending.length());
                    lastNewline = -1;
                    submit(lines, false);
                }
            }

            private void submit(byte[] lines, boolean last) {
                inFlight++;
                if (inFlight > 1) {
                    request.pause();
                    rate.paused(); // Kafka is slower than the client: this wait is not the client's
                }
                tail = tail.compose(v -> vertx.executeBlocking(() -> {
                    writer.acceptLines(lines, 0, lines.length);
                    if (last && writer.records() == 0) {
                        throw deadLettered("http", "",
                                new BodyException("empty body: send NDJSON lines (one JSON object per line)"));
                    }
                    return null;
                }, false));
                tail.onComplete(ar -> {
                    inFlight--;
                    if (ar.failed()) {
                        fail(ar.cause());
                    } else if (last) {
                        done.tryComplete(writer.finish());
                    } else if (inFlight <= 1 && !failed) {
                        rate.resumed();
                        request.resume();
                    }
                });
            }

            /**
             * Answers the failure, then closes the connection: the rest of the body is neither read (the request may
             * be paused) nor wanted, and the connection cannot serve another request.
             */
            private void fail(Throwable e) {
                rate.stop();
                if (!failed) {
                    failed = true;
                    ctx.response().putHeader("Connection", "close");
                    ctx.addEndHandler(v -> request.connection().close());
                    done.tryFail(e);
                }
            }
        }.start();
        answer(ctx, done.future(), false, "duplicate event_ids are ignored");
    }

    /**
     * {@code POST /api/v1/portal/dongbohoso}: the national portal's {@code DongBoHoSoMC} sync payload. Each
     * snapshot in {@code data} becomes case events ({@link DongBoHoSoMapper}); {@code accepted} counts snapshots,
     * {@code events} the case events written; a rejected snapshot is answered by its index in {@code data} and
     * dead-lettered with source {@code portal}. Same 202/400/413/429/503 semantics as {@code /api/v1/events}.
     */
    private void postPortalSync(RoutingContext ctx, byte[] body) {
        respond(ctx, () -> {
            List<DongBoHoSoPayload.Snapshot> snapshots;
            try {
                snapshots = DongBoHoSoPayload.parse(body);
            } catch (BodyException e) {
                throw deadLettered("portal", new String(body, StandardCharsets.UTF_8), e);
            }
            if (snapshots.size() > config.maxRecords()) {
                throw new TooLarge("data has " + snapshots.size() + " dossiers; the limit is " + config.maxRecords());
            }
            BatchWriter writer = writer("portal");
            for (DongBoHoSoPayload.Snapshot s : snapshots) {
                try {
                    List<String> derived = DongBoHoSoMapper.map(s.json());
                    List<IocEvent> parsed = new ArrayList<>(derived.size());
                    for (String json : derived) {
                        parsed.add(EventCodec.parse(json));
                    }
                    writer.acceptDerived(parsed, derived);
                } catch (ValidationException e) {
                    writer.countRecord();
                    writer.reject(s.index(), e.field(), e.getMessage(), s.raw());
                }
            }
            return writer.finish();
        }, true, "the derived event_ids are deterministic");
    }

    /**
     * A body that cannot be read as a whole goes to the dead-letter topic with the reason (waiting for Kafka, on a
     * worker thread) before it is answered 400; returns {@code e} for the caller to throw.
     */
    private BodyException deadLettered(String source, String body, BodyException e) throws Exception {
        publisher.deadLetter(source, body, null, null, e.getMessage()).get();
        return e;
    }

    private BatchWriter writer(String source) {
        return new BatchWriter(publisher, source, config.maxRecords(), config.maxLineBytes());
    }

    /** Runs {@code work} on a worker thread (the Kafka producer may block), then answers as {@link #answer}. */
    private void respond(RoutingContext ctx, Callable<BatchWriter.Result> work, boolean withEventCount,
                         String retrySafeBecause) {
        answer(ctx, vertx.executeBlocking(work, false), withEventCount, retrySafeBecause);
    }

    /**
     * Waits for Kafka's acknowledgements of a request's records and answers 202 / 400 (nothing accepted) / 413 /
     * 429 (producer buffer full) / 503 (Kafka did not acknowledge: retrying is safe because
     * {@code retrySafeBecause}).
     */
    private void answer(RoutingContext ctx, Future<BatchWriter.Result> written, boolean withEventCount,
                        String retrySafeBecause) {
        written.compose(batch -> Future.fromCompletionStage(batch.acks(), vertx.getOrCreateContext()).map(v -> batch))
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
                    if (e instanceof BodyReader.TooSlow) {
                        return; // answered 408 already
                    }
                    if (e instanceof TooLarge t) {
                        problem(ctx, 413, "Payload too large", t.getMessage());
                    } else if (e instanceof BodyException b) {
                        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                                .end(new BatchWriter.Result(0, 0, List.of(rejection(0, null, b.getMessage())), null)
                                        .answer().toString());
                    } else if (causedBy(e, BufferExhaustedException.class)) {
                        LOG.warn("{} {}: Kafka producer buffer exhausted, answering 429", ctx.request().method(),
                                ctx.request().path());
                        tooManyRequests(ctx, "the Kafka producer's buffer is full (" + e.getMessage() + "); records "
                                + "before that may already be in Kafka: resending is safe, " + retrySafeBecause);
                    } else {
                        LOG.warn("{} {} not acknowledged by Kafka: {}", ctx.request().method(), ctx.request().path(),
                                e.toString());
                        problem(ctx, 503, "Kafka unavailable", "events were not durably written to Kafka ("
                                + e.getMessage() + "); nothing is lost by retrying the whole request: "
                                + retrySafeBecause);
                    }
                });
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void tooManyRequests(RoutingContext ctx, String why) {
        ctx.response().putHeader("Retry-After", String.valueOf(config.retryAfterSeconds()));
        problem(ctx, 429, "Too many requests", why + "; retry after " + config.retryAfterSeconds() + " s");
    }

    static ObjectNode rejection(int index, String field, String error) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("index", index);
        if (field != null) {
            o.put("field", field);
        }
        o.put("error", error);
        return o;
    }

    /**
     * A handler that failed (an exception, or ctx.fail): a problem document. 401/403 are answered by BearerAuth and
     * 413/408 by the body readers themselves, so what reaches here is unexpected.
     */
    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 500) {
            LOG.error("ingest request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        }
        problem(ctx, status, "Request failed", ctx.failure() == null ? "HTTP " + status : ctx.failure().getMessage());
    }

    private static void problem(RoutingContext ctx, int status, String title, String detail) {
        Problems.send(ctx, status, title, detail);
    }
}
