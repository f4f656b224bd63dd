package vn.ioc.pulse.standalone.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WebSocket clients of {@link FanoutBench}, in a child JVM (so the server's heap and RSS are measured without
 * them). Driven by commands on stdin, one a line; answers on stdout as one line starting with {@code @}:
 * <ul>
 *   <li>{@code connect PORT MODE FIRST COUNT KEYS LOCAL_ADDRESS}: COUNT clients (ids FIRST…) from LOCAL_ADDRESS, each
 *       subscribed to the 10 keys {@code (id·10 + j) mod KEYS}; MODE {@code dash} speaks docs/websocket.md (waits
 *       for the snapshot), {@code bare} the bare server's one-line subscribe (waits for its ack);</li>
 *   <li>{@code measure MS}: counts updates and their latency (publish time in computed_at → receipt) for MS;</li>
 *   <li>{@code drop}: closes every connection at once (the clients keep their last seq per key);</li>
 *   <li>{@code resume LOCAL_ADDRESS}: reconnects every client with {@code resume}, until each got {@code resumed};</li>
 *   <li>{@code check}: per client and key, the seqs seen must be a contiguous run (no gap, no duplicate);</li>
 *   <li>{@code close}, {@code exit}.</li>
 * </ul>
 */
public final class FanoutClients {
    static final int KEYS_PER_CLIENT = 10;
    /** Latency histogram: 0.1 ms buckets up to 20 s. */
    static final int BUCKETS = 200_000;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    /** Kept referenced (STACK.md gotcha 2): one client per local address. */
    private final List<WebSocketClient> wsClients = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private int port;
    private String mode;
    private int keys;

    private final LongAdder received = new LongAdder();
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
    private volatile boolean measuring;
    private final LongAdder gaps = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder resyncedKeys = new LongAdder();
    private final LongAdder replayedUpdates = new LongAdder();
    private final LongAdder resyncMessages = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private static final ConcurrentHashMap<String, Long> MINUTES = new ConcurrentHashMap<>();

    /** One screen: its keys' last seqs (0: none yet). Touched on its connection's event loop only. */
    final class Client {
        final int id;
        final long[] last = new long[KEYS_PER_CLIENT];
        WebSocket ws;
        Promise<Void> ready;
        boolean resuming;

        Client(int id) {
            this.id = id;
        }

        int slot(int keyIndex) {
            int j = Math.floorMod(keyIndex - id * KEYS_PER_CLIENT, keys);
            return j < KEYS_PER_CLIENT ? j : -1;
        }

        String key(int j) {
            return FanoutBench.key((id * KEYS_PER_CLIENT + j) % keys);
        }

        void onText(String text) {
            if (text.startsWith("{\"type\":\"update\"")) {
                onUpdate(text);
                return;
            }
            JsonObject m = new JsonObject(text);
            switch (m.getString("type", "")) {
                case "snapshot", "resync" -> {
                    JsonArray values = m.getJsonArray("values");
                    for (int i = 0; i < values.size(); i++) {
                        JsonObject v = values.getJsonObject(i);
                        int j = slot(FanoutBench.keyIndex(v.getString("scope_id")));
                        if (j >= 0) {
                            last[j] = v.getLong("seq");
                        }
                    }
                    if ("resync".equals(m.getString("type"))) {
                        resyncMessages.increment();
                        resyncedKeys.add(values.size());
                    } else {
                        ready.tryComplete();
                    }
                }
                case "subscribed" -> ready.tryComplete();
                case "resumed" -> {
                    replayedUpdates.add(m.getLong("replayed", 0L));
                    resuming = false;
                    ready.tryComplete();
                }
                default -> {
                    errors.increment();
                    System.err.println("client " + id + ": unexpected " + text);
                }
            }
        }

        /** Fast path for the frequent message: no JSON tree, just the three fields needed. */
        void onUpdate(String text) {
            long now = micros(Instant.now());
            int s = text.indexOf("\"scope_id\":\"") + 12;
            int j = slot(FanoutBench.keyIndex(text.substring(s, text.indexOf('"', s))));
            int c = text.indexOf("\"computed_at\":\"") + 15;
            long published = parseMicros(text, c, text.indexOf('"', c));
            int q = text.lastIndexOf("\"seq\":") + 6;
            long seq = Long.parseLong(text, q, text.indexOf('}', q), 10);
            if (j < 0) {
                errors.increment();
                return;
            }
            if (last[j] != 0 && seq != last[j] + 1) {
                if (seq <= last[j]) {
                    duplicates.increment();
                } else {
                    gaps.increment();
                }
            }
            last[j] = seq;
            if (measuring) {
                received.increment();
                long bucket = Math.max(0, now - published) / 100;
                histogram.incrementAndGet((int) Math.min(BUCKETS - 1, bucket));
            }
        }

        String subscribe(boolean resume) {
            if ("bare".equals(mode)) {
                JsonArray k = new JsonArray();
                for (int j = 0; j < KEYS_PER_CLIENT; j++) {
                    k.add(key(j));
                }
                return new JsonObject().put("type", "subscribe").put("keys", k).encode();
            }
            JsonArray ids = new JsonArray();
            for (int j = 0; j < KEYS_PER_CLIENT; j++) {
                ids.add(FanoutBench.scopeId((id * KEYS_PER_CLIENT + j) % keys));
            }
            JsonObject m = new JsonObject().put("type", "subscribe").put("id", "s")
                    .put("select", new JsonObject().put("kpi", new JsonArray().add(FanoutBench.KPI))
                            .put("scope_type", new JsonArray().add("commune")).put("scope_id", ids)
                            .put("window", new JsonArray().add(FanoutBench.WINDOW)));
            if (resume) {
                JsonObject r = new JsonObject();
                for (int j = 0; j < KEYS_PER_CLIENT; j++) {
                    if (last[j] > 0) {
                        r.put(key(j), last[j]);
                    }
                }
                m.put("resume", r);
            }
            return m.encode();
        }
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** ISO-8601 with offset (as KpiValue.formatTime writes it) → epoch µs; the minute is parsed once. */
    static long parseMicros(String s, int start, int end) {
        String minute = s.substring(start, start + 16) + s.substring(end - 6, end);
        Long base = MINUTES.get(minute);
        if (base == null) {
            base = micros(OffsetDateTime.parse(s.substring(start, start + 16) + ":00" + s.substring(end - 6, end))
                    .toInstant());
            if (MINUTES.size() > 1000) {
                MINUTES.clear();
            }
            MINUTES.put(minute, base);
        }
        long sec = (s.charAt(start + 17) - '0') * 10 + (s.charAt(start + 18) - '0');
        long frac = 0;
        int digits = 0;
        if (s.charAt(start + 19) == '.') {
            for (int i = start + 20; i < end - 6 && digits < 6; i++, digits++) {
                frac = frac * 10 + (s.charAt(i) - '0');
            }
        }
        while (digits++ < 6) {
            frac *= 10;
        }
        return base + sec * 1_000_000 + frac;
    }

    public static void main(String[] args) throws Exception {
        new FanoutClients().run();
    }

    private void run() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] a = line.trim().split("\\s+");
            switch (a[0]) {
                case "connect" -> connect(Integer.parseInt(a[1]), a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                        Integer.parseInt(a[5]), a[6]);
                case "measure" -> measure(Long.parseLong(a[1]));
                case "drop" -> drop();
                case "resume" -> resume(a[1]);
                case "check" -> reply("check gaps=" + gaps.sum() + " duplicates=" + duplicates.sum() + " errors="
                        + errors.sum() + " resync_messages=" + resyncMessages.sum() + " resynced_keys="
                        + resyncedKeys.sum() + " replayed_updates=" + replayedUpdates.sum());
                case "close" -> {
                    drop();
                }
                case "exit" -> {
                    vertx.close().await(30, TimeUnit.SECONDS);
                    reply("bye");
                    System.exit(0);
                }
                default -> reply("error unknown command " + line);
            }
        }
        System.exit(0);
    }

    private static void reply(String s) {
        System.out.println("@" + s);
        System.out.flush();
    }

    private WebSocketClient client(String localAddress) {
        WebSocketClientOptions o = new WebSocketClientOptions().setMaxConnections(1_000_000)
                .setConnectTimeout(60_000).setIdleTimeout(0).setMaxFrameSize(1 << 20).setMaxMessageSize(8 << 20);
        if (!"-".equals(localAddress)) {
            o.setLocalAddress(localAddress);
        }
        WebSocketClient c = vertx.createWebSocketClient(o);
        wsClients.add(c);
        return c;
    }

    private void connect(int port, String mode, int first, int count, int keys, String localAddress) throws Exception {
        this.port = port;
        this.mode = mode;
        this.keys = keys;
        WebSocketClient c = client(localAddress);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            clients.add(new Client(first + i));
        }
        int[] r = open(c, clients, false);
        reply("connected ok=" + r[0] + " failed=" + r[1] + " ms=" + (System.nanoTime() - t0) / 1_000_000);
    }

    /** Opens (and subscribes) the clients with at most 200 handshakes in flight; returns {ok, failed}. */
    private int[] open(WebSocketClient c, List<Client> which, boolean resume) throws InterruptedException {
        Semaphore inFlight = new Semaphore(200);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(which.size());
        long deadline = System.nanoTime() + 150_000_000_000L;
        for (Client cl : which) {
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                failed.addAndGet((int) done.getCount());
                System.err.println("clients: connecting took more than 150 s; " + done.getCount() + " not tried or not ready");
                return new int[] {ok.get(), failed.get()};
            }
            cl.ready = Promise.promise();
            Promise<Void> mine = cl.ready;
            // bounded: a server too busy to answer the subscribe within 60 s counts as a failure
            vertx.setTimer(60_000, t -> mine.tryFail("no snapshot/resumed within 60 s"));
            cl.resuming = resume;
            cl.ready.future().onComplete(ar -> {
                if (ar.succeeded()) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    if (failed.get() <= 5) {
                        System.err.println("client " + cl.id + ": " + ar.cause());
                    }
                }
                inFlight.release();
                done.countDown();
            });
            Future<WebSocket> f = c.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("bare".equals(mode) ? "/ws" : "/ws/v1").setTimeout(60_000));
            f.onSuccess(ws -> {
                cl.ws = ws;
                ws.textMessageHandler(cl::onText);
                Promise<Void> ready = cl.ready;
                ws.closeHandler(v -> ready.tryFail("closed before ready"));
                ws.writeTextMessage(cl.subscribe(resume));
            }).onFailure(cl.ready::tryFail);
        }
        if (!done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            System.err.println("clients: " + done.getCount() + " not ready after 120 s");
        }
        return new int[] {ok.get(), failed.get()};
    }

    private void measure(long ms) throws InterruptedException {
        for (int i = 0; i < BUCKETS; i++) {
            histogram.set(i, 0);
        }
        received.reset();
        measuring = true;
        long t0 = System.nanoTime();
        Thread.sleep(ms);
        measuring = false;
        double secs = (System.nanoTime() - t0) / 1e9;
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            long n = histogram.get(i);
            if (n > 0) {
                h.append(h.length() == 0 ? "" : ",").append(i).append(':').append(n);
            }
        }
        reply("measure received=" + received.sum() + " seconds=" + String.format("%.3f", secs) + " gaps=" + gaps.sum()
                + " duplicates=" + duplicates.sum() + " hist=" + h);
    }

    private void drop() throws InterruptedException {
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(clients.size());
        for (Client cl : clients) {
            WebSocket ws = cl.ws;
            cl.ws = null;
            if (ws == null) {
                done.countDown();
            } else {
                ws.close().onComplete(ar -> done.countDown());
            }
        }
        boolean all = done.await(60, TimeUnit.SECONDS);
        reply("dropped all=" + all + " ms=" + (System.nanoTime() - t0) / 1_000_000);
    }

    private void resume(String localAddress) throws InterruptedException {
        long t0 = System.nanoTime();
        int[] r = open(client(localAddress), clients, true);
        reply("resumed ok=" + r[0] + " failed=" + r[1] + " ms=" + (System.nanoTime() - t0) / 1_000_000);
    }
}
