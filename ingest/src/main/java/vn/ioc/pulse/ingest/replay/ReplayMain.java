package vn.ioc.pulse.ingest.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;

/**
 * {@code ./ioc replay FILE… [--until T] [--gateway URL] [--batch N] [--from-line N]}: posts NDJSON files (plain or
 * .gz) to the ingest gateway in batches, at full speed, with progress on stderr, then — with {@code --until T} —
 * a clock tick at T, so KPIs can be read "as of T". Events after T are not sent (they are counted). Rejected lines
 * are reported with their file and line number; they are also on the dead-letter topic (the gateway puts them
 * there). A batch answered 503 or 429 is resent after a pause (resending is safe: duplicate event_ids are
 * ignored). {@code --from-line N} resumes the first file after line N.
 */
public final class ReplayMain {
    private ReplayMain() {
    }

    /** What to replay and where. */
    public record Options(List<Path> files, Instant until, URI gateway, int batch, long fromLine) {
    }

    /** Runs a replay; true when no line was rejected. */
    public static boolean run(Options options) throws Exception {
        return new Replay(options).run();
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println("usage: ./ioc replay FILE… [--until 2026-03-02T12:00:00+07:00] "
                    + "[--gateway http://localhost:8081] [--batch 1000] [--from-line N]");
            System.exit(2);
            return;
        }
        System.exit(new Replay(o).run() ? 0 : 1);
    }

    static Options parse(String[] args) {
        List<Path> files = new ArrayList<>();
        Instant until = null;
        URI gateway = URI.create(System.getenv().getOrDefault("IOC_GATEWAY_URL", "http://localhost:"
                + System.getenv().getOrDefault("IOC_INGEST_PORT", "8081")));
        int batch = 1000;
        long fromLine = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--until" -> {
                    try {
                        until = EventCodec.parseTimestamp("--until", value(args, ++i, "--until"));
                    } catch (ValidationException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    }
                }
                case "--gateway" -> gateway = URI.create(value(args, ++i, "--gateway"));
                case "--batch" -> batch = Integer.parseInt(value(args, ++i, "--batch"));
                case "--from-line" -> fromLine = Long.parseLong(value(args, ++i, "--from-line"));
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    Path p = Path.of(args[i]);
                    if (!Files.isReadable(p)) {
                        throw new IllegalArgumentException("cannot read " + p);
                    }
                    files.add(p);
                }
            }
        }
        if (files.isEmpty() && until == null) {
            throw new IllegalArgumentException("name at least one NDJSON file (or only --until T to send a tick)");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1");
        }
        return new Options(files, until, gateway, batch, fromLine);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** One run of the replay. */
    static final class Replay {
        private final Options o;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final boolean tty = System.console() != null;
        private long sent;
        private long accepted;
        private long rejected;
        private long afterUntil;
        private final List<String> rejections = new ArrayList<>();
        private long start;
        private long lastProgress;

        Replay(Options o) {
            this.o = o;
        }

        boolean run() throws Exception {
            start = System.nanoTime();
            for (int f = 0; f < o.files().size(); f++) {
                replayFile(o.files().get(f), f == 0 ? o.fromLine() : 0);
            }
            if (o.until() != null) {
                post(List.of(new Line("--until", 0, "{\"schema\":\"ioc.clock.v1\",\"now\":\""
                        + KpiValue.formatTime(o.until()) + "\"}")));
            }
            progress(true);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("replay done: %d sent, %d accepted, %d rejected, %d after --until (not sent) in %.1f s"
                    + " (%.0f events/s)%s%n", sent, accepted, rejected, afterUntil, s, sent / Math.max(s, 1e-9),
                    o.until() == null ? "" : "; clock tick sent at " + KpiValue.formatTime(o.until()));
            rejections.stream().limit(50).forEach(r -> System.out.println("  rejected " + r));
            if (rejections.size() > 50) {
                System.out.println("  … and " + (rejections.size() - 50) + " more (all are on ioc.dead-letter.v1)");
            }
            return rejected == 0;
        }

        record Line(String file, long number, String text) {
        }

        private void replayFile(Path file, long skip) throws Exception {
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                List<Line> batch = new ArrayList<>(o.batch());
                String text;
                long number = 0;
                while ((text = reader.readLine()) != null) {
                    number++;
                    if (number <= skip || text.isBlank()) {
                        continue;
                    }
                    if (o.until() != null && isAfterUntil(text)) {
                        afterUntil++;
                        continue;
                    }
                    batch.add(new Line(file.toString(), number, text));
                    if (batch.size() == o.batch()) {
                        post(batch);
                        batch.clear();
                        progress(false);
                    }
                }
                if (!batch.isEmpty()) {
                    post(batch);
                }
            }
        }

        /** True when the line is a valid event later than --until (invalid lines are sent: the gateway reports them). */
        private boolean isAfterUntil(String text) {
            try {
                IocEvent e = EventCodec.parse(text);
                return e.eventTime().isAfter(o.until());
            } catch (ValidationException e) {
                return false;
            }
        }

        private void post(List<Line> batch) throws Exception {
            StringBuilder body = new StringBuilder();
            for (Line l : batch) {
                body.append(l.text().strip()).append('\n');
            }
            HttpRequest request = HttpRequest.newBuilder(o.gateway().resolve("/api/v1/events"))
                    .header("Content-Type", "application/x-ndjson")
                    .timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            long backoff = 500;
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> r;
                try {
                    r = http.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (attempt >= 8) {
                        throw new IOException("gateway " + o.gateway() + " unreachable: " + e.getMessage(), e);
                    }
                    System.err.printf("[replay] gateway unreachable (%s), retrying in %d ms%n", e.getMessage(), backoff);
                    Thread.sleep(backoff); // client back-off before resending the same batch
                    backoff = Math.min(backoff * 2, 10_000);
                    continue;
                }
                if (r.statusCode() == 202 || r.statusCode() == 400) {
                    JsonNode answer = EventCodec.mapper().readTree(r.body());
                    accepted += answer.path("accepted").asLong();
                    for (JsonNode rej : answer.path("rejected")) {
                        rejected++;
                        int index = rej.path("index").asInt();
                        // NDJSON answer indexes are 0-based line numbers of the posted body
                        Line l = index >= 0 && index < batch.size() ? batch.get(index) : null;
                        rejections.add((l == null ? "?" : l.file() + ":" + l.number()) + ": " + rej.path("error").asText());
                    }
                    sent += batch.size();
                    return;
                }
                if ((r.statusCode() == 503 || r.statusCode() == 429) && attempt < 8) {
                    System.err.printf("[replay] gateway answered %d, resending the batch in %d ms%n", r.statusCode(), backoff);
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 10_000);
                    continue;
                }
                throw new IOException("gateway answered " + r.statusCode() + ": " + r.body());
            }
        }

        private void progress(boolean last) {
            long now = System.nanoTime();
            if (!last && now - lastProgress < 2_000_000_000L) {
                return;
            }
            lastProgress = now;
            double s = (now - start) / 1e9;
            String line = String.format("[replay] %d sent, %d accepted, %d rejected, %.0f events/s", sent, accepted,
                    rejected, sent / Math.max(s, 1e-9));
            if (tty) {
                System.err.print("\r" + line + (last ? "\n" : ""));
            } else {
                System.err.println(line);
            }
        }
    }
}
