package vn.ioc.pulse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.standalone.fuzz.FuzzGenerator.Item;
import vn.ioc.pulse.standalone.fuzz.FuzzGenerator.Request;

/**
 * Sends the generator's requests to a gateway over {@code connections} concurrent HTTP/1.1 connections, checks
 * every answer (status class, shape, accounting), watches the system's health while it runs, then sends the closing
 * clock tick and waits (bounded) for the good records to show in the good agency's KPIs.
 */
public final class Fuzzer {
    private static final int SLOT_SENT = 0;
    private static final int SLOT_ACCEPTED = 1;
    private static final int SLOT_REJECTED = 2;
    private static final int SLOT_UNKNOWN = 3;

    /** What to send and how long to wait. */
    public record Options(int records, long seed, int connections, Duration requestTimeout, Duration kpiTimeout,
                          Duration kpiSettle, double badShare, Duration progressEvery, Set<String> exclude) {
        public static Options defaults(int records, long seed) {
            return new Options(records, seed, 2, Duration.ofSeconds(30), Duration.ofMinutes(3),
                    Duration.ofSeconds(15), 0.5, Duration.ofSeconds(5), Set.of());
        }
    }

    /** One health signal: {@code ok} answers whether it is healthy now; each healthy → unhealthy turn is a crash. */
    public record Probe(String name, BooleanSupplier ok) {
    }

    private final URI events;
    private final URI dashboard;
    private final Options options;
    private final List<Probe> probes;
    private final PrintStream out;
    private final HttpClient http;
    private final FuzzReport report = new FuzzReport();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    /**
     * @param gateway   base URL of the ingest gateway, e.g. {@code http://127.0.0.1:8081}
     * @param dashboard base URL of the dashboard API
     * @param probes    health signals, each polled every 250 ms while the run lasts
     */
    public Fuzzer(String gateway, String dashboard, Options options, List<Probe> probes, PrintStream out) {
        this.events = URI.create(strip(gateway) + "/api/v1/events");
        this.dashboard = URI.create(strip(dashboard));
        this.options = options;
        this.probes = probes;
        this.out = out;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Health checks usable as probes: {@code GET url} answers 200 within 5 s. */
    public static BooleanSupplier answers200(String url) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(url);
        return () -> {
            try {
                return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        };
    }

    public FuzzReport run() throws Exception {
        long t0 = System.nanoTime();
        String tag = options.seed() + "-" + Long.toString(Instant.now().getEpochSecond(), 36).toUpperCase(Locale.ROOT);
        Instant periodEnd = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        FuzzGenerator generator = new FuzzGenerator(options.seed(), tag, periodEnd, options.records(),
                options.badShare(), options.exclude());
        report.seed = options.seed();
        report.recordsWanted = options.records();
        report.goodAgency = generator.goodAgency();
        out.printf("fuzz: %d records, seed %d, %d connections, good records under agency %s, bad ones under %s%n",
                options.records(), options.seed(), options.connections(), generator.goodAgency(),
                generator.badAgency());
        if (!options.exclude().isEmpty()) {
            out.println("fuzz: excluded " + new java.util.TreeSet<>(options.exclude()));
        }

        ScheduledExecutorService watch = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "fuzz-watch");
            t.setDaemon(true);
            return t;
        });
        boolean[] healthy = new boolean[probes.size()];
        java.util.Arrays.fill(healthy, true);
        Runnable checkHealth = () -> {
            for (int i = 0; i < probes.size(); i++) {
                boolean ok = probes.get(i).ok().getAsBoolean();
                synchronized (healthy) {
                    if (healthy[i] && !ok) {
                        crash(probes.get(i).name());
                    }
                    healthy[i] = ok;
                }
            }
        };
        watch.scheduleWithFixedDelay(checkHealth, 0, 250, TimeUnit.MILLISECONDS);
        java.util.concurrent.ScheduledFuture<?> progress = watch.scheduleAtFixedRate(this::progress,
                options.progressEvery().toMillis(), options.progressEvery().toMillis(), TimeUnit.MILLISECONDS);

        ExecutorService pool = Executors.newFixedThreadPool(options.connections(), r -> {
            Thread t = new Thread(r, "fuzz-sender");
            t.setDaemon(true);
            return t;
        });
        Semaphore window = new Semaphore(options.connections() * 2);
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        while (generator.hasNext()) {
            Request request = generator.next();
            window.acquire();
            sent.add(pool.submit(() -> {
                try {
                    send(request);
                } finally {
                    window.release();
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : sent) {
            f.get();
        }
        pool.shutdown();
        report.goodSent.set(generator.goodIds().size());
        report.goodAcknowledged.set(acknowledged.size());
        progress.cancel(false);
        progress();

        tick(generator.clockTick());
        waitForKpis(generator.goodAgency());
        checkHealth.run(); // one last look, after the KPI wait
        watch.shutdownNow();
        watch.awaitTermination(10, TimeUnit.SECONDS);
        report.seconds = (System.nanoTime() - t0) / 1e9;
        return report;
    }

    /** Counts a crash of the named kind (see {@link FuzzMain} for the probe names). */
    private void crash(String probe) {
        switch (probe) {
            case "job" -> report.jobNotRunning.increment();
            case "gateway" -> report.gatewayHealthDown.increment();
            default -> report.dashboardHealthDown.increment();
        }
        report.example("crash: " + probe + " stopped being healthy at " + Instant.now());
    }

    FuzzReport report() {
        return report;
    }

    private void progress() {
        out.printf("progress records_sent=%d/%d requests=%d 2xx=%d 4xx=%d 5xx=%d hangs=%d crashes=%d%n",
                report.recordsSent.sum(), options.records(), report.requests.sum(), report.requests2xx.sum(),
                report.requests4xx.sum(), report.requests5xx.sum(), report.hangs.sum(), report.crashes());
    }

    // ---- one request

    private void send(Request request) throws InterruptedException {
        report.recordsSent.add(request.items().size());
        for (Item item : request.items()) {
            report.classCount(item.cls(), SLOT_SENT);
            if ("duplicate".equals(item.cls())) {
                report.duplicatesSent.increment();
            }
        }
        if (request.abuse() != null) {
            report.abuseCount(request.abuse(), 0);
        }
        HttpRequest http = HttpRequest.newBuilder(events).timeout(options.requestTimeout())
                .header("Content-Type", request.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body())).build();
        HttpResponse<String> response;
        try {
            response = this.http.send(http, HttpResponse.BodyHandlers.ofString());
            for (int retry = 0; response.statusCode() == 429 && retry < 20; retry++) {
                report.retries429.increment();
                long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(Math.min(5, Math.max(1, wait)) * 1000);
                response = this.http.send(http, HttpResponse.BodyHandlers.ofString());
            }
        } catch (HttpTimeoutException e) {
            report.requests.increment();
            report.hangs.increment();
            report.example("hang: request " + request.id() + " (" + describe(request) + ") got no answer within "
                    + options.requestTimeout().toSeconds() + " s");
            unknown(request);
            return;
        } catch (IOException e) {
            report.requests.increment();
            report.connectionErrors.increment();
            report.example("connection error: request " + request.id() + " (" + describe(request) + "): " + e);
            unknown(request);
            return;
        }
        report.requests.increment();
        check(request, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    private void unknown(Request request) {
        for (Item item : request.items()) {
            report.classCount(item.cls(), SLOT_UNKNOWN);
        }
        if (request.abuse() != null) {
            report.abuseCount(request.abuse(), 3);
        }
    }

    /** Checks one answer: status class, shape, accounting; and notes which records were accepted. */
    void check(Request request, int status, String contentType, String body) {
        report.status(status);
        int statusClass = status / 100;
        switch (statusClass) {
            case 2 -> report.requests2xx.increment();
            case 4 -> report.requests4xx.increment();
            case 5 -> report.requests5xx.increment();
            default -> report.requestsOther.increment();
        }
        if (request.abuse() != null) {
            report.abuseCount(request.abuse(), statusClass == 2 ? 1 : statusClass == 4 ? 2 : 3);
        }
        if (statusClass == 5) {
            report.example("5xx: request " + request.id() + " (" + describe(request) + ") answered " + status + ": "
                    + cut(body));
        }
        Batch batch = contentType.startsWith("application/json") ? Batch.parse(body) : null;
        boolean problem = contentType.startsWith("application/problem+json") && isProblem(body, status);
        if (statusClass == 2 && batch == null || statusClass == 4 && batch == null && !problem
                || statusClass == 4 && batch != null && (status != 400 || batch.accepted != 0)
                || statusClass == 5 && !problem || statusClass != 2 && statusClass != 4 && statusClass != 5) {
            report.shapeErrors.increment();
            report.example("answer shape: request " + request.id() + " (" + describe(request) + ") answered " + status
                    + " " + contentType + ": " + cut(body));
        }
        if (batch != null) {
            report.rejections.add(batch.rejected.size());
            for (Rejection r : batch.rejected) {
                (r.field != null ? report.rejectionsWithField : report.rejectionsWithoutField).increment();
            }
        }
        if (statusClass != 2 || batch == null) {
            // a whole-request 4xx (or a 5xx, or an unreadable answer): nothing of it counts as accepted
            for (Item item : request.items()) {
                report.classCount(item.cls(), statusClass == 4 ? SLOT_REJECTED : SLOT_UNKNOWN);
                if (item.good() && statusClass == 4) {
                    report.goodRejected.increment();
                }
            }
            return;
        }
        // a 2xx batch answer: accepted + rejected must be the records sent, each rejection one of them
        Set<Integer> indexes = new HashSet<>();
        for (Item item : request.items()) {
            indexes.add(item.index());
        }
        Set<Integer> rejected = new HashSet<>();
        boolean consistent = batch.accepted + batch.rejected.size() == request.items().size();
        for (Rejection r : batch.rejected) {
            consistent &= indexes.contains(r.index) && rejected.add(r.index);
        }
        if (!consistent) {
            report.countMismatches.increment();
            if (request.abuse() != null) {
                report.countMismatchesInAbuses.increment();
            }
            report.example("accounting: request " + request.id() + " (" + describe(request) + ", "
                    + request.items().size() + " records) answered " + status + " accepted=" + batch.accepted
                    + " rejected=" + batch.rejected.size() + ": " + cut(body));
        }
        for (Item item : request.items()) {
            if (rejected.contains(item.index())) {
                report.classCount(item.cls(), SLOT_REJECTED);
                if (item.good()) {
                    report.goodRejected.increment();
                    report.example("good record rejected: request " + request.id() + " (" + describe(request)
                            + ") index " + item.index() + ": " + cut(body));
                }
            } else if (consistent) {
                report.classCount(item.cls(), SLOT_ACCEPTED);
                if (item.goodEventId() != null) {
                    acknowledged.add(item.goodEventId());
                }
            } else {
                report.classCount(item.cls(), SLOT_UNKNOWN);
            }
        }
    }

    private static boolean isProblem(String body, int status) {
        try {
            JsonNode n = EventCodec.mapper().readTree(body);
            return n.isObject() && n.path("status").asInt(-1) == status && n.path("detail").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(Request r) {
        if (r.abuse() != null) {
            return "abuse " + r.abuse();
        }
        Set<String> classes = new java.util.TreeSet<>();
        for (Item i : r.items()) {
            classes.add(i.cls());
        }
        return r.kind() + " " + classes;
    }

    private static String cut(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "…";
    }

    private record Rejection(int index, String field) {
    }

    /** The documented batch answer {@code {"accepted": n, "rejected": [{"index", "field"?, "error"}]}}. */
    private record Batch(int accepted, List<Rejection> rejected) {
        static Batch parse(String body) {
            try {
                JsonNode n = EventCodec.mapper().readTree(body);
                if (!n.isObject() || !n.path("accepted").isIntegralNumber() || n.path("accepted").asInt() < 0
                        || !n.path("rejected").isArray()) {
                    return null;
                }
                List<Rejection> list = new ArrayList<>();
                for (JsonNode r : n.get("rejected")) {
                    if (!r.path("index").isIntegralNumber() || !r.path("error").isTextual()
                            || r.has("field") && !r.get("field").isTextual()) {
                        return null;
                    }
                    list.add(new Rejection(r.get("index").asInt(), r.has("field") ? r.get("field").asText() : null));
                }
                return new Batch(n.get("accepted").asInt(), list);
            } catch (IOException e) {
                return null;
            }
        }
    }

    // ---- after the run

    private void tick(byte[] tick) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(events).timeout(options.requestTimeout())
                            .header("Content-Type", FuzzGenerator.JSON)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(tick)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                report.example("closing clock tick answered " + r.statusCode() + ": " + cut(r.body()));
            }
        } catch (IOException e) {
            report.example("closing clock tick failed: " + e);
        }
    }

    /**
     * Polls the good agency's {@code backlog} (live) and {@code received} (30d) until both equal the acknowledged
     * good records, or neither changed for {@code kpiSettle} (after a first value), or {@code kpiTimeout} passed.
     */
    private void waitForKpis(String agency) throws InterruptedException {
        long expected = acknowledged.size();
        long start = System.nanoTime();
        long deadline = start + options.kpiTimeout().toNanos();
        long lastChange = start;
        long[] last = {-1, -1};
        String how = "timeout";
        long nextProgress = start + options.progressEvery().toNanos();
        while (System.nanoTime() < deadline) {
            long[] now = {kpi("backlog", agency, "live"), kpi("received", agency, "30d")};
            if (System.nanoTime() > nextProgress) {
                nextProgress += options.progressEvery().toNanos();
                out.printf("waiting for KPIs: backlog=%d received_30d=%d expected=%d crashes=%d (-1 = no value yet)%n",
                        now[0], now[1], expected, report.crashes());
            }
            if (now[0] != last[0] || now[1] != last[1]) {
                lastChange = System.nanoTime();
                last = now;
            }
            if (now[0] == expected && now[1] == expected) {
                how = "reached";
                break;
            }
            if (now[0] >= 0 && System.nanoTime() - lastChange > options.kpiSettle().toNanos()) {
                how = "settled";
                break;
            }
            Thread.sleep(500);
        }
        report.goodInKpis.set(last[0]);
        report.receivedInKpis.set(last[1]);
        report.kpiWait = how + "_after_" + Math.round((System.nanoTime() - start) / 1e9) + "s";
        out.printf("kpis: backlog=%d received_30d=%d acknowledged=%d (%s)%n", last[0], last[1], expected,
                report.kpiWait);
    }

    /** The KPI's value for the agency, -1 when the dashboard has none (yet) or did not answer. */
    private long kpi(String kpi, String agency, String window) throws InterruptedException {
        URI uri = dashboard.resolve("/api/v1/kpis/values?kpi=" + kpi + "&scope_type=agency&scope_id="
                + java.net.URLEncoder.encode(agency, java.nio.charset.StandardCharsets.UTF_8) + "&window=" + window);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            JsonNode values = EventCodec.mapper().readTree(r.body()).path("values");
            if (values.isEmpty() || !values.get(0).path("value").isNumber()) {
                return -1;
            }
            report.kpiAsOf = values.get(0).path("as_of").asText("");
            return values.get(0).path("value").asLong();
        } catch (IOException e) {
            return -1;
        }
    }
}
