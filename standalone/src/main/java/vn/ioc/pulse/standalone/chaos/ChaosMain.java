package vn.ioc.pulse.standalone.chaos;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import vn.ioc.pulse.jobs.JobConfig;
import vn.ioc.pulse.jobs.KpiJob;
import vn.ioc.pulse.jobs.KpiJobMain;
import vn.ioc.pulse.model.KpiValue;

/**
 * {@code ./ioc chaos [FAULT…] [--days N] [--seconds S]}: fault tests on the local cluster (docs/local-cluster.md,
 * docs/reliability.md "Faults"). For each fault, one at a time: a fresh cluster ({@code ./ioc cluster up}, simulator
 * and live clock off), a known dataset (the Sơn La simulator's {@code --days} days, seeded) replayed through the gateway
 * over about {@code --seconds} seconds, the fault injected mid-stream, then — once the replay ended and the job caught
 * up — the final KPIs read from the dashboard API compared with a batch recomputation: the same job run bounded, in
 * this JVM, over everything the cluster's Kafka retained (0 lost, 0 double-counted means every value equal). Faults:
 * {@code taskmanager-kill} (kill -9 of a TaskManager, started again 5 s later), {@code kafka-restart},
 * {@code influxd-down} (60 s; then the history must have a point for every minute the outage covered),
 * {@code api-restart} (the dashboard API restarted under {@code --clients} [1000] WebSocket clients, which must all
 * resume without a missed update), {@code jobmanager-restart} (without HA the job is lost with the JobManager: it is
 * submitted again from its latest retained checkpoint). Prints the recovery time of each; exits non-zero if anything
 * was lost or double-counted; the last line summarises.
 */
public final class ChaosMain {
    static final List<String> FAULTS = List.of("taskmanager-kill", "kafka-restart", "influxd-down", "api-restart",
            "jobmanager-restart");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    private final Path root = Path.of("").toAbsolutePath();
    private final Path clusterDir;
    private final String appClasspath;
    private final int days;
    private final int seconds;
    private final int clients;
    private final Path dataset;
    private Instant until;
    /** The event-time window the job processed while influxd was down. */
    private Instant outageFrom = Instant.EPOCH;
    private Instant outageTo = Instant.EPOCH;

    record Result(String fault, boolean ok, long recoveryMs, int keys, int mismatches, String detail) {
    }

    ChaosMain(int days, int seconds, int clients) throws Exception {
        this.days = days;
        this.seconds = seconds;
        this.clients = clients;
        this.clusterDir = Path.of(System.getenv().getOrDefault("IOC_CLUSTER_DIR", ".cluster")).toAbsolutePath();
        this.appClasspath = System.getProperty("java.class.path");
        this.dataset = Files.createTempDirectory("ioc-chaos-").resolve("dataset.ndjson.gz");
    }

    public static void main(String[] args) throws Exception {
        List<String> faults = new ArrayList<>();
        int days = 4;
        int seconds = 90;
        int clients = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                default -> {
                    if (!FAULTS.contains(args[i])) {
                        System.err.println("unknown fault " + args[i] + "; faults: " + FAULTS);
                        System.exit(2);
                    }
                    faults.add(args[i]);
                }
            }
        }
        if (faults.isEmpty()) {
            faults.addAll(FAULTS);
        }
        ChaosMain chaos = new ChaosMain(days, seconds, clients);
        chaos.makeDataset();
        List<Result> results = new ArrayList<>();
        for (String fault : faults) {
            Result r;
            try {
                r = chaos.run(fault);
            } catch (Exception e) {
                r = new Result(fault, false, -1, 0, -1, "aborted: " + e);
            }
            chaos.keepLogs(fault);
            results.add(r);
            System.out.printf("[chaos] %-20s %s  recovery %s  keys %d  mismatches %d  %s%n", r.fault(),
                    r.ok() ? "PASS" : "FAIL", r.recoveryMs() < 0 ? "-" : String.format("%.1f s", r.recoveryMs() / 1e3),
                    r.keys(), r.mismatches(), r.detail());
        }
        chaos.cluster("down");
        long failed = results.stream().filter(r -> !r.ok()).count();
        System.out.printf("chaos: %d of %d faults passed with 0 lost and 0 double-counted%s%n",
                results.size() - failed, results.size(), failed == 0 ? "" : " — FAILED: "
                        + results.stream().filter(r -> !r.ok()).map(Result::fault).toList());
        System.exit(failed == 0 ? 0 : 1);
    }

    // ----------------------------------------------------------------------------------------------- one fault

    Result run(String fault) throws Exception {
        WsClients[] screens = new WsClients[1];
        try {
            return runWith(fault, screens);
        } finally {
            if (screens[0] != null) {
                screens[0].close(); // never left reconnecting to the next fault's cluster
            }
        }
    }

    private Result runWith(String fault, WsClients[] screens) throws Exception {
        log("=== " + fault + ": fresh cluster");
        cluster("down", "--clean");
        if (cluster("up") != 0) {
            return new Result(fault, false, -1, 0, -1, "the cluster did not come up");
        }
        WsClients ws = fault.equals("api-restart") ? new WsClients(clients) : null;
        screens[0] = ws;
        if (ws != null) {
            ws.connectAll();
        }
        Process replay = replay();
        Instant midpoint = firstEventTime().plus(Duration.ofHours(days * 24L / 2));
        await("the replay past its midpoint", () -> newestAsOf().map(t -> !t.isBefore(midpoint)).orElse(false)
                || !replay.isAlive(), Duration.ofMinutes(5));
        if (!replay.isAlive()) {
            return new Result(fault, false, -1, 0, -1, "the replay ended before the fault (slow it with --seconds)");
        }
        Instant before = newestAsOf().orElseThrow();
        long t0 = System.nanoTime();
        String detail = inject(fault);
        await("the pipeline flowing again after " + fault, () -> newestAsOf().map(t -> t.isAfter(before))
                .orElse(false), Duration.ofMinutes(5));
        long recovery = (System.nanoTime() - t0) / 1_000_000;
        if (!replay.waitFor(10, TimeUnit.MINUTES) || replay.exitValue() != 0) {
            return new Result(fault, false, recovery, 0, -1, "the replay failed (exit " + replay.exitValue() + ")");
        }
        await("the job caught up to the last tick " + until, () -> newestAsOf().map(t -> !t.isBefore(until))
                .orElse(false), Duration.ofMinutes(5));
        if (fault.equals("influxd-down")) {
            detail += "; " + historyGaps(apiValues().get("received/province/SL/today"));
        }
        if (ws != null) {
            detail += "; " + ws.check(apiValues());
        }
        Map<String, KpiValue> live = settledApiValues();
        // the recomputation needs only Kafka: the rest of the cluster stops first, so it has the machine's cores
        for (String p : List.of("simulator", "dashboard", "ingest", "taskmanager-1", "taskmanager-2", "jobmanager",
                "influxd")) {
            cluster("stop", p);
        }
        Map<String, KpiValue> batch = recompute();
        int mismatches = 0;
        List<String> examples = new ArrayList<>();
        for (String key : union(live, batch)) {
            KpiValue a = live.get(key);
            KpiValue b = batch.get(key);
            if (!same(a, b)) {
                mismatches++;
                if (examples.size() < 3) {
                    examples.add(key + " live=" + describe(a) + " batch=" + describe(b));
                }
            }
        }
        boolean ok = mismatches == 0 && !detail.contains("FAIL");
        return new Result(fault, ok, recovery, batch.size(), mismatches, detail
                + (examples.isEmpty() ? "" : "; e.g. " + examples));
    }

    /** Injects the fault; returns what was done. */
    private String inject(String fault) throws Exception {
        switch (fault) {
            case "taskmanager-kill" -> {
                long pid = pid("taskmanager-1");
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                log("kill -9 taskmanager-1 (pid " + pid + ")");
                Thread.sleep(5_000);
                cluster("restart", "taskmanager-1");
                return "TaskManager killed with SIGKILL, started again after 5 s";
            }
            case "kafka-restart" -> {
                cluster("restart", "kafka");
                return "broker stopped (SIGTERM) and started on its data";
            }
            case "influxd-down" -> {
                outageFrom = newestAsOf().orElseThrow();
                cluster("stop", "influxd");
                Thread.sleep(60_000);
                cluster("start", "influxd");
                outageTo = newestAsOf().orElseThrow();
                return "influxd down for 60 s";
            }
            case "api-restart" -> {
                cluster("restart", "dashboard");
                return "dashboard API restarted under " + clients + " WebSocket clients";
            }
            case "jobmanager-restart" -> {
                cluster("restart", "jobmanager");
                String chk = latestCheckpoint().orElseThrow(() -> new IllegalStateException("no retained checkpoint"));
                cluster("submit", chk);
                return "JobManager restarted; job submitted again from " + chk.substring(chk.lastIndexOf('/', chk.length() - 2) + 1);
            }
            default -> throw new IllegalArgumentException(fault);
        }
    }

    // ------------------------------------------------------------------------------------------------ dataset

    void makeDataset() throws Exception {
        LocalDateFrom from = new LocalDateFrom("2026-11-02");
        log("dataset: " + days + " simulated days from " + from.date() + " → " + dataset);
        Process p = new ProcessBuilder(java(), "-Xmx1g", "-cp", appClasspath, "vn.ioc.pulse.ingest.sim.SimulateMain",
                "--out", dataset.toString(), "--from", from.date(), "--days", Integer.toString(days),
                "--tick-every", "10m").redirectErrorStream(true).redirectOutput(dataset.resolveSibling("simulate.log")
                .toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("simulate failed: " + Files.readString(dataset.resolveSibling("simulate.log")));
        }
        until = java.time.LocalDate.parse(from.date()).plusDays(days).atStartOfDay(KpiValue.ZONE).toInstant();
    }

    record LocalDateFrom(String date) {
    }

    private Instant firstEventTime() {
        return until.minus(Duration.ofDays(days));
    }

    private Process replay() throws Exception {
        double speed = days * 86_400.0 / seconds;
        return new ProcessBuilder(java(), "-Xmx512m", "-cp", appClasspath, "vn.ioc.pulse.ingest.replay.ReplayMain",
                dataset.toString(), "--gateway", "http://127.0.0.1:8081", "--speed", String.valueOf((long) speed),
                "--until", KpiValue.formatTime(until))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        clusterDir.resolve("logs/replay.log").toFile())).start();
    }

    // ------------------------------------------------------------------------------------------- comparisons

    /**
     * The recomputation: the same KPI job, started fresh in this JVM (MiniCluster, no faults) over everything the
     * cluster's Kafka retained, read until the province's received-today has been published as of the last tick (a
     * new day starts there, so it always changes: the watermark, the minimum over every input, has reached the last
     * tick, which is the last record of every partition) and then nothing came for 5 s. (Run bounded instead, the end
     * of input jumps the watermark past the last tick, so there would be no step at it.)
     */
    Map<String, KpiValue> recompute() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("IOC_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        env.put("IOC_KPI_HEARTBEAT_S", "0");
        env.remove("IOC_INFLUX_URL");
        JobConfig config = JobConfig.fromEnv(env);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironment(2,
                KpiJobMain.flinkConfiguration(config));
        DataStream<KpiValue> kpis = new KpiJob(KpiJobMain.source(config, null), new DiscardingSink<>(), null, null,
                config).build(flink);
        Map<String, KpiValue> last = new ConcurrentHashMap<>();
        AtomicLong lastReceipt = new AtomicLong(System.nanoTime());
        java.util.concurrent.atomic.AtomicBoolean reachedEnd = new java.util.concurrent.atomic.AtomicBoolean();
        CloseableIterator<KpiValue> it = kpis.executeAndCollect("chaos-recomputation");
        Thread reader = new Thread(() -> {
            try {
                while (it.hasNext()) {
                    KpiValue v = it.next();
                    lastReceipt.set(System.nanoTime());
                    if (v.revision() != 0 || v.asOf().isAfter(until)) {
                        continue;
                    }
                    if (!v.asOf().isBefore(until) && v.key().equals("received/province/SL/today")) {
                        reachedEnd.set(true);
                    }
                    last.merge(v.key(), v, (had, now) -> now.asOf().isBefore(had.asOf()) ? had : now);
                }
            } catch (Exception e) {
                // closed
            }
        }, "chaos-recomputation-reader");
        reader.setDaemon(true);
        reader.start();
        await("the recomputation's step at the last tick", () -> reachedEnd.get()
                && System.nanoTime() - lastReceipt.get() > 5_000_000_000L, Duration.ofMinutes(10));
        it.close();
        return new HashMap<>(last);
    }

    /** The API's values once two reads a few seconds apart agree (the cache has taken the job's last step). */
    private Map<String, KpiValue> settledApiValues() throws Exception {
        Map<String, KpiValue> previous = apiValues();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(2_000);
            Map<String, KpiValue> now = apiValues();
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    private Map<String, KpiValue> apiValues() throws Exception {
        JsonArray values = new JsonObject(get("http://127.0.0.1:8080/api/v1/kpis/values")).getJsonArray("values");
        Map<String, KpiValue> out = new HashMap<>();
        for (Object o : values) {
            KpiValue v = KpiValue.fromJson(((JsonObject) o).encode());
            if (!v.asOf().isAfter(until)) {
                out.put(v.key(), v);
            }
        }
        return out;
    }

    /**
     * Equal values (numerator, denominator, value). A key one side never published equals a "no data" value on the
     * other (a count of 0, a ratio of 0 ÷ 0): publishing a scope's first zero depends on when a step happened.
     */
    static boolean same(KpiValue a, KpiValue b) {
        if (a == null && b == null) {
            return true;
        }
        if (a == null || b == null) {
            KpiValue x = a == null ? b : a;
            boolean zeroCount = x.denominator() == null && x.numerator() != null && x.numerator() == 0;
            boolean noRatio = x.denominator() != null && x.denominator() == 0;
            return zeroCount || noRatio;
        }
        return java.util.Objects.equals(a.numerator(), b.numerator())
                && java.util.Objects.equals(a.denominator(), b.denominator())
                && java.util.Objects.equals(a.value(), b.value());
    }

    private static String describe(KpiValue v) {
        return v == null ? "absent" : v.numerator() + "/" + v.denominator() + "@" + KpiValue.formatTime(v.asOf());
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> s = new java.util.TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    /**
     * InfluxDB history after the outage, for the province's received-today series: its points (one per minute of
     * event time at most, only minutes in which the job published — and while catching up the job publishes at most
     * once a second of processing time) must leave no hole where influxd was down. Pass: the longest event-time
     * interval between consecutive points inside the outage's event-time window is no longer than the longest one
     * outside it, and the last point equals the final value.
     */
    private String historyGaps(KpiValue finalValue) throws Exception {
        String q = "SELECT last(value) FROM kpi WHERE kpi='received' AND scope_type='province' AND \"window\"='today'"
                + " AND time >= '" + firstEventTime() + "' AND time <= '" + until + "' GROUP BY time(1m) fill(none)";
        JsonObject r = new JsonObject(get("http://127.0.0.1:8086/query?db=ioc&q="
                + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)));
        JsonArray series = r.getJsonArray("results").getJsonObject(0).getJsonArray("series");
        List<Long> times = new ArrayList<>();
        double lastValue = Double.NaN;
        if (series != null) {
            for (Object row : series.getJsonObject(0).getJsonArray("values")) {
                JsonArray a = (JsonArray) row;
                times.add(Instant.parse(a.getString(0)).toEpochMilli());
                lastValue = a.getDouble(1);
            }
        }
        long inside = 0;
        long outside = 0;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            boolean overlaps = times.get(i) > outageFrom.toEpochMilli() && times.get(i - 1) < outageTo.toEpochMilli();
            if (overlaps) {
                inside = Math.max(inside, gap);
            } else {
                outside = Math.max(outside, gap);
            }
        }
        boolean lastOk = finalValue != null && finalValue.value() != null && lastValue == finalValue.value();
        boolean ok = times.size() > 1 && inside <= outside && lastOk;
        return String.format("history %s: %d points; longest interval between points %d min inside the outage's "
                + "event-time window [%s, %s], %d min outside; last point %s (final %s)", ok ? "OK" : "FAIL",
                times.size(), inside / 60_000, KpiValue.formatTime(outageFrom), KpiValue.formatTime(outageTo),
                outside / 60_000, lastValue, finalValue == null ? null : finalValue.value());
    }

    // ------------------------------------------------------------------------------------------- WebSockets

    /** {@code n} screens subscribed to the province's and agencies' counts; they resume after the API restart. */
    final class WsClients {
        private final Vertx vertx = Vertx.vertx();
        private final WebSocketClient client = vertx.createWebSocketClient();
        private final int n;
        private final List<Map<String, Long>> seqs = new ArrayList<>();
        private final AtomicLong gaps = new AtomicLong();
        private final AtomicLong resynced = new AtomicLong();
        private final AtomicLong resumed = new AtomicLong();

        WsClients(int n) {
            this.n = n;
            for (int i = 0; i < n; i++) {
                seqs.add(new ConcurrentHashMap<>());
            }
        }

        void connectAll() throws Exception {
            for (int i = 0; i < n; i++) {
                connect(i, false);
            }
            log(n + " WebSocket clients subscribed");
        }

        private void connect(int i, boolean resume) {
            client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(8080).setURI("/ws/v1"))
                    .onSuccess(ws -> {
                        ws.textMessageHandler(t -> onMessage(i, new JsonObject(t)));
                        ws.closeHandler(v -> vertx.setTimer(500 + (i % 50) * 20L, x -> connect(i, true)));
                        JsonObject sub = new JsonObject().put("type", "subscribe").put("id", "s")
                                .put("select", new JsonObject().put("kpi", new JsonArray().add("received").add("backlog"))
                                        .put("scope_type", new JsonArray().add("province").add("agency")));
                        if (resume && !seqs.get(i).isEmpty()) {
                            JsonObject r = new JsonObject();
                            seqs.get(i).forEach(r::put);
                            sub.put("resume", r);
                        }
                        ws.writeTextMessage(sub.encode());
                    })
                    .onFailure(e -> vertx.setTimer(500, x -> connect(i, resume)));
        }

        private void onMessage(int i, JsonObject m) {
            Map<String, Long> held = seqs.get(i);
            switch (m.getString("type")) {
                case "snapshot" -> m.getJsonArray("values").forEach(o -> take(held, (JsonObject) o, true));
                case "resync" -> {
                    resynced.addAndGet(m.getJsonArray("values").size());
                    m.getJsonArray("values").forEach(o -> take(held, (JsonObject) o, true));
                }
                case "update" -> take(held, m.getJsonObject("value"), false);
                case "resumed" -> resumed.incrementAndGet();
                default -> { }
            }
        }

        private void take(Map<String, Long> held, JsonObject v, boolean whole) {
            String key = KpiValue.key(v.getString("kpi"), v.getString("scope_type"), v.getString("scope_id"),
                    v.getString("window"));
            long seq = v.getLong("seq");
            Long had = held.put(key, seq);
            if (!whole && had != null && seq != had + 1) {
                gaps.incrementAndGet();
            }
        }

        /** Every client resumed, and holds each key's final seq with no gap on the way. */
        String check(Map<String, KpiValue> finalValues) throws Exception {
            await("every client resumed", () -> resumed.get() >= n, Duration.ofMinutes(2));
            long behind = 0;
            Thread.sleep(3_000);
            for (Map<String, Long> held : seqs) {
                for (Map.Entry<String, Long> e : held.entrySet()) {
                    KpiValue v = finalValues.get(e.getKey());
                    if (v != null && v.seq() != e.getValue()) {
                        behind++;
                    }
                }
            }
            boolean ok = gaps.get() == 0 && resynced.get() == 0 && behind == 0;
            return (ok ? "" : "websocket FAIL: ") + resumed.get() + " of " + n + " clients resumed, " + gaps.get()
                    + " gaps, " + resynced.get() + " keys resynced, " + behind + " keys behind";
        }

        void close() {
            vertx.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Copies the cluster's logs to {@code <IOC_CLUSTER_DIR>-logs/<fault>/} (the next fault starts clean). */
    void keepLogs(String fault) {
        try {
            Path to = Files.createDirectories(Path.of(clusterDir + "-logs").resolve(fault));
            try (var files = Files.list(clusterDir.resolve("logs"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            log("logs of " + fault + " kept in " + to);
        } catch (Exception e) {
            log("could not keep the logs of " + fault + ": " + e);
        }
    }

    /** The newest as_of over the API's values (the pipeline's clock), if any. */
    Optional<Instant> newestAsOf() {
        try {
            JsonArray values = new JsonObject(get("http://127.0.0.1:8080/api/v1/kpis/values?scope_type=province"))
                    .getJsonArray("values");
            Instant newest = null;
            for (Object o : values) {
                Instant t = java.time.OffsetDateTime.parse(((JsonObject) o).getString("as_of")).toInstant();
                if (newest == null || t.isAfter(newest)) {
                    newest = t;
                }
            }
            return Optional.ofNullable(newest);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private Optional<String> latestCheckpoint() throws Exception {
        Path dir = clusterDir.resolve("flink/checkpoints");
        try (var walk = Files.walk(dir, 2)) {
            return walk.filter(p -> p.getFileName().toString().startsWith("chk-")
                            && Files.exists(p.resolve("_metadata")))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .map(p -> p.toUri().toString());
        }
    }

    private long pid(String process) throws Exception {
        return Long.parseLong(Files.readString(clusterDir.resolve("pids/" + process + ".pid")).trim());
    }

    /** Runs {@code ./ioc cluster ARGS} with the chaos settings (no simulator, no live clock). */
    int cluster(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("ioc").toString(), "cluster"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("IOC_SIMULATOR", "off");
        pb.environment().put("IOC_LIVE_CLOCK", "off");
        pb.environment().put("IOC_CHECKPOINT_INTERVAL_MS", "5000");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.contains("[0m")) {
                log("  " + line.strip());
            }
        }
        return code;
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static void await(String what, BooleanSupplier ok, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + patience.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    static void log(String s) {
        System.out.println("[chaos] " + s);
    }
}
