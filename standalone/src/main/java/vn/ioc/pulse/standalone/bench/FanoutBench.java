package vn.ioc.pulse.standalone.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.ioc.pulse.dashboard.DashboardConfig;
import vn.ioc.pulse.dashboard.DashboardVerticle;
import vn.ioc.pulse.dashboard.KpiUpdatesConsumer;
import vn.ioc.pulse.dashboard.WsSettings;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;
import vn.ioc.pulse.web.ServerLimits;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * WebSocket fan-out benchmark of the dashboard API (issue "Dashboard API", Measure). In this JVM: an in-process
 * Kafka broker, a producer updating each of {@value #KEYS} KPI keys once a second (spread evenly, the publish time
 * in {@code computed_at}), the dashboard API (auth off, one verticle as deployed) and, as the baseline, a bare
 * Vert.x WebSocket server (one verticle, same topic consumer, no protocol: it sends the same update frames, built
 * once per update, to the clients subscribed to the key). The clients run in child JVMs ({@link FanoutClients},
 * at most 10,000 each) so this JVM's heap and RSS are the server's alone.
 * <p>For each client count: the dashboard, then the bare server, with every client subscribed to 10 keys (every key
 * has subscribers), warm-up, then a measured window: messages/s received, p50/p99 latency publish → receipt, heap
 * after GC and RSS deltas per connection, and the ratios. Then the reconnect storm: {@code storm} clients connected
 * to the dashboard, all dropped at once and reconnected with {@code resume} while updates flow; time until every
 * client got {@code resumed}, resumed vs resynced keys, and the seq contiguity check per client and key.
 * <p>Usage: FanoutBench [clients…] (default 1000 5000 20000). Environment: IOC_BENCH_MEASURE_S [10],
 * IOC_BENCH_STORM_CLIENTS [10000, 0 = none], IOC_BENCH_WARMUP_S [30: producer running before the first phase, so the
 * resume log has reached its steady size]. Prints key=value lines on stdout, progress on stderr.
 */
public final class FanoutBench {
    static final int KEYS = 1000;
    static final String KPI = "received";
    static final String WINDOW = "today";
    /** Resume log per key in the bench (30 s of updates): reaches its steady size during the warm-up. */
    static final int RESUME_PER_KEY = 30;

    private FanoutBench() {
    }

    static String scopeId(int i) {
        return "B" + (10000 + i);
    }

    static int keyIndex(String scopeId) {
        return Integer.parseInt(scopeId, 1, scopeId.length(), 10) - 10000;
    }

    static String key(int i) {
        return KpiValue.key(KPI, "commune", scopeId(i), WINDOW);
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String a : args) {
            counts.add(Integer.parseInt(a.replace("k", "000")));
        }
        if (counts.isEmpty()) {
            counts = List.of(1000, 5000, 20000);
        }
        int measureS = env("IOC_BENCH_MEASURE_S", 10);
        int storm = env("IOC_BENCH_STORM_CLIENTS", 10000);
        int warmupS = env("IOC_BENCH_WARMUP_S", 30);
        long fdLimit = fdLimit();
        System.out.printf("loadavg_at_start=%s%n", loadAvg());
        System.out.printf("cores=%d max_heap_mb=%d open_files_limit=%d keys=%d keys_per_client=%d updates_per_key_per_s=1"
                        + " measure_s=%d clients_in=child_jvms%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, fdLimit, KEYS, FanoutClients.KEYS_PER_CLIENT, measureS);
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            kafka.createTopics(Map.of(Topics.KPI_UPDATES, 2));
            Vertx vertx = Vertx.vertx();
            KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "1",
                    ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new StringSerializer());
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            try {
                WsSettings d = WsSettings.defaults();
                WsSettings ws = new WsSettings(d.resumeWindowMs(), RESUME_PER_KEY, d.resumeMaxEntries(),
                        d.maxSubscriptions(), d.maxQueuedBytes(), d.slowCloseMs(), d.maxUpdatesPerSecond(),
                        d.maxMessageBytes(), d.pingMs(), d.deadAfterMs(), d.staleAfterMs(), d.allowedOrigins());
                DashboardConfig config = new DashboardConfig(0, kafka.bootstrapServers(), null, "ioc", null, 1000,
                        ServerLimits.defaults(1_000_000).withBindAddress("127.0.0.1"), BearerAuth.Config.OFF, ws,
                        vn.ioc.pulse.dashboard.alerts.delivery.DeliveryConfig.none());
                DashboardVerticle api = new DashboardVerticle(config, new InMemoryKpiHistoryStore(10), false,
                        KpiCatalog.load());
                vertx.deployVerticle(api).await(60, TimeUnit.SECONDS);
                // the producer: every 10 ms, 10 of the keys (each key once a second)
                AtomicLong tick = new AtomicLong();
                ticker.scheduleAtFixedRate(() -> {
                    long t = tick.getAndIncrement();
                    int first = (int) (t % 100) * (KEYS / 100);
                    for (int i = first; i < first + KEYS / 100; i++) {
                        Instant now = Instant.now();
                        double n = t / 100 + 1;
                        // numbered as the KPI job numbers its values: the n-th value of a key has seq n
                        KpiValue v = new KpiValue(KPI, "commune", scopeId(i), WINDOW, n, n, null, KpiValue.Status.GREEN,
                                now, now, 0).withSeq(t / 100 + 1);
                        producer.send(new ProducerRecord<>(Topics.KPI_UPDATES, v.key(), v.toJson()));
                    }
                }, 0, 10, TimeUnit.MILLISECONDS);
                progress("dashboard API on port " + api.port() + "; producer running, warm-up " + warmupS + " s");
                Thread.sleep(warmupS * 1000L);
                long headroom = fdLimit - openFds() - 300;
                Map<Integer, Result[]> results = new LinkedHashMap<>();
                for (int requested : counts) {
                    int n = (int) Math.min(requested, headroom);
                    if (n < requested) {
                        System.out.printf("clients_requested=%d clients=%d reason=open_files_limit_%d_of_this_process"
                                + "(hard;_%d_in_use)%n", requested, n, fdLimit, openFds());
                    }
                    Result dash = phase(vertx, "dashboard", api.port(), "dash", n, measureS);
                    BareServer bare = new BareServer(kafka.bootstrapServers());
                    String bareId = vertx.deployVerticle(bare).await(60, TimeUnit.SECONDS);
                    Result b = phase(vertx, "bare", bare.port, "bare", n, measureS);
                    vertx.undeploy(bareId).await(30, TimeUnit.SECONDS);
                    results.put(n, new Result[] {dash, b});
                    System.out.printf("clients=%d dashboard_vs_bare_msgs_per_s=%.2f dashboard_vs_bare_p99=%.2f"
                                    + " dashboard_vs_bare_heap_per_conn=%.2f%n", n, dash.msgsPerS / b.msgsPerS,
                            dash.p99Ms / b.p99Ms, dash.heapPerConnKb / b.heapPerConnKb);
                }
                if (storm > 0) {
                    storm(api.port(), (int) Math.min(storm, headroom), measureS);
                }
                System.out.printf("loadavg_at_end=%s%n", loadAvg());
                for (Map.Entry<Integer, Result[]> e : results.entrySet()) {
                    Result dsh = e.getValue()[0];
                    Result b = e.getValue()[1];
                    System.out.printf("summary clients=%d dashboard_msgs_per_s=%.0f bare_msgs_per_s=%.0f ratio=%.2f"
                                    + " dashboard_p50_ms=%.1f dashboard_p99_ms=%.1f bare_p50_ms=%.1f bare_p99_ms=%.1f"
                                    + " dashboard_heap_per_conn_kb=%.1f dashboard_rss_per_conn_kb=%.1f%n", e.getKey(),
                            dsh.msgsPerS, b.msgsPerS, dsh.msgsPerS / b.msgsPerS, dsh.p50Ms, dsh.p99Ms, b.p50Ms,
                            b.p99Ms, dsh.heapPerConnKb, dsh.rssPerConnKb);
                }
            } finally {
                ticker.shutdownNow();
                producer.close();
                try {
                    vertx.close().await(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    progress("Vert.x did not close within 30 s (exiting anyway)");
                }
            }
        }
        System.exit(0);
    }

    record Window(long received, double seconds, long gaps, long dups, long[] hist) {
    }

    /** One measured window on every child: updates received, their latency histogram, seq gaps and duplicates. */
    private static Window window(List<Child> children, long ms) throws Exception {
        long[] hist = new long[FanoutClients.BUCKETS];
        long received = 0;
        double seconds = 0;
        long gaps = 0;
        long dups = 0;
        for (Child c : children) {
            c.send("measure " + ms);
        }
        for (Child c : children) {
            Map<String, String> r = c.reply("measure");
            received += Long.parseLong(r.get("received"));
            seconds = Math.max(seconds, Double.parseDouble(r.get("seconds")));
            gaps += Long.parseLong(r.get("gaps"));
            dups += Long.parseLong(r.get("duplicates"));
            String h = r.get("hist");
            if (h != null && !h.isEmpty()) {
                for (String bc : h.split(",")) {
                    int colon = bc.indexOf(':');
                    hist[Integer.parseInt(bc, 0, colon, 10)] += Long.parseLong(bc.substring(colon + 1));
                }
            }
        }
        return new Window(received, seconds, gaps, dups, hist);
    }

    record Result(double msgsPerS, double p50Ms, double p99Ms, double heapPerConnKb, double rssPerConnKb) {
    }

    /** Connects n clients to one server, warms up, measures, closes. */
    private static Result phase(Vertx vertx, String server, int port, String mode, int n, int measureS)
            throws Exception {
        progress(server + ": " + n + " clients");
        long heap0 = heapAfterGc();
        long rss0 = rssKb();
        List<Child> children = Child.spawn(n);
        try {
            long t0 = System.nanoTime();
            int ok = 0;
            int failed = 0;
            for (Child c : children) {
                c.send("connect " + port + " " + mode + " " + c.first + " " + c.count + " " + KEYS + " "
                        + Child.nextAddress());
            }
            for (Child c : children) {
                Map<String, String> r = c.reply("connected");
                ok += Integer.parseInt(r.get("ok"));
                failed += Integer.parseInt(r.get("failed"));
            }
            double connectS = (System.nanoTime() - t0) / 1e9;
            progress(server + ": " + ok + " connected and subscribed, " + failed + " failed, in "
                    + String.format("%.1f", connectS) + " s; warm-up until no backlog is drained (at most 30 s)");
            // warm-up: 2 s windows until the backlog built while connecting is drained: the window's median latency
            // is under 200 ms or no longer falling (at least 2 windows, at most 15)
            long w0 = System.nanoTime();
            double previousP50 = Double.MAX_VALUE;
            for (int i = 0; i < 15; i++) {
                Window w = window(children, 2000);
                double p50 = pct(w.hist, 0.5);
                if (i >= 1 && (p50 < 200 || p50 >= 0.9 * previousP50)) {
                    break;
                }
                previousP50 = p50;
            }
            double warmupS = (System.nanoTime() - w0) / 1e9;
            progress(server + ": warm-up " + String.format("%.0f", warmupS) + " s; measuring " + measureS + " s");
            Window w = window(children, measureS * 1000L);
            long[] hist = w.hist;
            long received = w.received;
            double seconds = w.seconds;
            long gaps = w.gaps;
            long dups = w.dups;
            long rss1 = rssKb();
            long heap1 = heapAfterGc();
            double msgs = received / seconds;
            Result res = new Result(msgs, pct(hist, 0.50), pct(hist, 0.99), (heap1 - heap0) / 1024.0 / ok,
                    (rss1 - rss0) / (double) ok);
            System.out.printf("clients=%d server=%s connected=%d failed=%d connect_s=%.1f warmup_s=%.0f msgs_per_s=%.0f"
                            + " expected_msgs_per_s=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f heap_per_conn_kb=%.1f"
                            + " rss_per_conn_kb=%.1f heap_after_gc_mb=%d rss_mb=%d seq_gaps=%d seq_duplicates=%d%n",
                    n, server, ok, failed, connectS, warmupS, msgs, (long) ok * FanoutClients.KEYS_PER_CLIENT, res.p50Ms,
                    res.p99Ms, pct(hist, 1.0), res.heapPerConnKb, res.rssPerConnKb, heap1 >> 20, rss1 >> 10, gaps,
                    dups);
            return res;
        } finally {
            Child.closeAll(children);
            Thread.sleep(1000);
        }
    }

    /** Reconnect storm against the dashboard: connect, drop all at once, resume all, check every seq run. */
    private static void storm(int port, int n, int measureS) throws Exception {
        progress("storm: " + n + " clients");
        List<Child> children = Child.spawn(n);
        try {
            for (Child c : children) {
                c.send("connect " + port + " dash " + c.first + " " + c.count + " " + KEYS + " " + Child.nextAddress());
            }
            int ok = 0;
            for (Child c : children) {
                ok += Integer.parseInt(c.reply("connected").get("ok"));
            }
            progress("storm: " + ok + " connected; updates flowing 3 s, then dropping all");
            Thread.sleep(3000);
            long t0 = System.nanoTime();
            for (Child c : children) {
                c.send("drop");
            }
            for (Child c : children) {
                c.reply("dropped");
            }
            double dropS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            for (Child c : children) {
                c.send("resume " + Child.nextAddress());
            }
            int resumedOk = 0;
            int failed = 0;
            for (Child c : children) {
                Map<String, String> r = c.reply("resumed");
                resumedOk += Integer.parseInt(r.get("ok"));
                failed += Integer.parseInt(r.get("failed"));
            }
            long t2 = System.nanoTime();
            double resumeS = (t2 - t1) / 1e9;
            progress("storm: " + resumedOk + " resumed in " + String.format("%.1f", resumeS) + " s; updates flowing 3 s,"
                    + " then checking every client's seqs");
            Thread.sleep(3000);
            long gaps = 0;
            long dups = 0;
            long errors = 0;
            long resyncMessages = 0;
            long resyncedKeys = 0;
            long replayed = 0;
            for (Child c : children) {
                c.send("check");
            }
            for (Child c : children) {
                Map<String, String> r = c.reply("check");
                gaps += Long.parseLong(r.get("gaps"));
                dups += Long.parseLong(r.get("duplicates"));
                errors += Long.parseLong(r.get("errors"));
                resyncMessages += Long.parseLong(r.get("resync_messages"));
                resyncedKeys += Long.parseLong(r.get("resynced_keys"));
                replayed += Long.parseLong(r.get("replayed_updates"));
            }
            System.out.printf("storm_clients=%d connected=%d drop_s=%.1f resumed=%d resume_failed=%d"
                            + " all_resumed_after_s=%.1f drop_to_all_resumed_s=%.1f resumes=%d resyncs=%d"
                            + " resynced_keys=%d replayed_updates=%d seq_gaps=%d seq_duplicates=%d violations=%d"
                            + " unexpected_messages=%d%n", n, ok, dropS, resumedOk, failed, resumeS,
                    (t2 - t0) / 1e9, resumedOk - resyncMessages, resyncMessages, resyncedKeys,
                    replayed, gaps, dups, gaps + dups, errors);
        } finally {
            Child.closeAll(children);
        }
    }

    // ------------------------------------------------------------------------------------------------ measures

    static double pct(long[] hist, double p) {
        long total = 0;
        for (long h : hist) {
            total += h;
        }
        long want = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= want) {
                return (i + 1) / 10.0; // upper bound of the 0.1 ms bucket
            }
        }
        return Double.NaN;
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rssKb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The 1-, 5- and 15-minute load averages: other work on this machine shows here. */
    static String loadAvg() throws IOException {
        String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return l[0] + "/" + l[1] + "/" + l[2];
    }

    static long fdLimit() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (l.startsWith("Max open files")) {
                return Long.parseLong(l.substring(26).trim().split("\\s+")[0]);
            }
        }
        return 1024;
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static int env(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static void progress(String s) {
        System.err.println("[fanout] " + s);
    }

    // ------------------------------------------------------------------------------------------- child JVMs

    /** A child JVM running {@link FanoutClients}: commands on its stdin, {@code @} replies on its stdout. */
    static final class Child {
        static final int MAX_CLIENTS = 10_000;
        private static int nextAddress = 2;
        final Process process;
        final Writer in;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final int first;
        final int count;

        /** A fresh loopback source address per connect: each has its own ~28k ephemeral ports and TIME_WAITs. */
        static String nextAddress() {
            if ("off".equals(System.getenv("IOC_BENCH_LOCAL_ADDRESSES"))) {
                return "-";
            }
            if (nextAddress > 254) {
                nextAddress = 2;
            }
            return "127.0.0." + nextAddress++;
        }

        Child(int index, int first, int count) throws IOException {
            this.first = first;
            this.count = count;
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseParallelGC"));
            String extra = System.getenv("IOC_BENCH_CLIENT_JVM_OPTS");
            if (extra != null && !extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().replace("{i}", String.valueOf(index)).split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FanoutClients.class.getName()));
            process = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.startsWith("@")) {
                            replies.add(l.substring(1));
                        } else {
                            System.err.println("[clients " + index + "] " + l);
                        }
                    }
                } catch (IOException e) {
                    // child gone
                }
                replies.add("eof");
            }, "fanout-child-" + index);
            t.setDaemon(true);
            t.start();
        }

        static List<Child> spawn(int n) throws IOException {
            List<Child> out = new ArrayList<>();
            int children = (n + MAX_CLIENTS - 1) / MAX_CLIENTS;
            int per = (n + children - 1) / children;
            for (int i = 0; i < children; i++) {
                out.add(new Child(i, i * per, Math.min(per, n - i * per)));
            }
            return out;
        }

        void send(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
        }

        /** The next reply, which must start with {@code what}; its key=value pairs. */
        Map<String, String> reply(String what) throws InterruptedException {
            String r = replies.poll(240, TimeUnit.SECONDS);
            if (r == null || !r.startsWith(what)) {
                throw new IllegalStateException("clients: expected '" + what + "', got " + r);
            }
            Map<String, String> kv = new HashMap<>();
            for (String part : r.split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    kv.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return kv;
        }

        static void closeAll(List<Child> children) throws InterruptedException {
            for (Child c : children) {
                try {
                    c.send("exit");
                } catch (IOException e) {
                    // gone already
                }
            }
            for (Child c : children) {
                if (!c.process.waitFor(60, TimeUnit.SECONDS)) {
                    c.process.destroyForcibly();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- bare server

    /**
     * The baseline: a bare Vert.x WebSocket server without the protocol. A client sends
     * {@code {"type":"subscribe","keys":[…]}} and gets {@code {"type":"subscribed"}}; each update from the KPI topic
     * becomes one frame (the same text as the dashboard's update message: value, seq, stale) built once and written to
     * every connection subscribed to its key. One verticle (one event loop), like the dashboard API.
     */
    static final class BareServer extends VerticleBase {
        private final String bootstrap;
        private final Map<String, Set<ServerWebSocket>> subscribers = new HashMap<>();
        private final Map<String, Long> seqs = new HashMap<>();
        private KpiUpdatesConsumer consumer;
        private HttpServer server;
        volatile int port;

        BareServer(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        @Override
        public Future<?> start() {
            Promise<Void> hydrated = Promise.promise();
            consumer = new KpiUpdatesConsumer(bootstrap, batch -> context.runOnContext(v -> apply(batch)),
                    () -> context.runOnContext(v -> hydrated.tryComplete())).start();
            Future<HttpServer> listening = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(0))
                    .webSocketHandler(this::connected).listen(0, "127.0.0.1").onSuccess(s -> {
                        server = s;
                        port = s.actualPort();
                    });
            return Future.all(listening, hydrated.future());
        }

        @Override
        public Future<?> stop() {
            return vertx.executeBlocking(() -> {
                consumer.close();
                return null;
            });
        }

        private void connected(ServerWebSocket ws) {
            List<String> mine = new ArrayList<>();
            ws.textMessageHandler(text -> {
                JsonArray keys = new JsonObject(text).getJsonArray("keys");
                for (int i = 0; i < keys.size(); i++) {
                    String k = keys.getString(i);
                    subscribers.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(ws);
                    mine.add(k);
                }
                ws.writeTextMessage("{\"type\":\"subscribed\"}");
            });
            ws.closeHandler(v -> {
                for (String k : mine) {
                    Set<ServerWebSocket> s = subscribers.get(k);
                    if (s != null) {
                        s.remove(ws);
                    }
                }
            });
        }

        private void apply(List<KpiValue> batch) {
            for (KpiValue v : batch) {
                long seq = seqs.merge(v.key(), 1L, Long::sum);
                Set<ServerWebSocket> to = subscribers.get(v.key());
                if (to == null || to.isEmpty()) {
                    continue;
                }
                ObjectNode o = v.toJsonNode();
                o.put("seq", seq);
                o.put("stale", false);
                String frame = "{\"type\":\"update\",\"id\":\"s\",\"value\":" + o + ",\"seq\":" + seq + "}";
                for (ServerWebSocket ws : to) {
                    ws.writeTextMessage(frame);
                }
            }
        }
    }
}
