package vn.ioc.pulse.ingest.replay;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;

/**
 * {@code ./ioc replay FILE… [--until T] [--speed N] [--gateway URL | --kafka BOOTSTRAP] [--token JWT] [--batch N]
 * [--from-line N]}: sends NDJSON files (plain or .gz) in batches, through the ingest gateway (default) or straight
 * to Kafka with the gateway's validation, at full speed or at N × real time (paced by the events' own times), with
 * a progress bar (percent, events/s, ETA) on a terminal and plain lines otherwise; then — with {@code --until T} —
 * a clock tick at T, so KPIs can be read "as of T". Events after T are not sent (they are counted). Rejected lines
 * are reported with their file and line number and are on the dead-letter topic. {@code --from-line N} resumes the
 * first file after line N; when a replay stops on an error it prints the option that resumes it.
 */
public final class ReplayMain {
    private ReplayMain() {
    }

    /**
     * What to replay and where: {@code kafka} (bootstrap servers) when not null, else {@code gateway};
     * {@code speed} 0 = as fast as possible, N = N × real time.
     */
    public record Options(List<Path> files, Instant until, URI gateway, int batch, long fromLine, double speed,
                          String kafka, String token) {
        /** Through the gateway at full speed, without a token. */
        public Options(List<Path> files, Instant until, URI gateway, int batch, long fromLine) {
            this(files, until, gateway, batch, fromLine, 0, null, null);
        }
    }

    /** What a replay did. */
    public record Summary(long sent, long accepted, long rejected, long afterUntil, double seconds) {
        public boolean clean() {
            return rejected == 0;
        }
    }

    /** Runs a replay; true when no line was rejected. */
    public static boolean run(Options options) throws Exception {
        return replay(options).clean();
    }

    /** Runs a replay and returns its counts. */
    public static Summary replay(Options options) throws Exception {
        try (ReplaySink sink = options.kafka() != null ? new KafkaSink(options.kafka())
                : new GatewaySink(options.gateway(), options.token())) {
            return new Replay(options, sink).run();
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println("usage: ./ioc replay FILE… [--until 2026-03-02T12:00:00+07:00] [--speed N] "
                    + "[--gateway http://localhost:8081 | --kafka localhost:9092] [--token JWT] [--batch 1000] "
                    + "[--from-line N]");
            System.exit(2);
            return;
        }
        System.exit(replay(o).clean() ? 0 : 1);
    }

    static Options parse(String[] args) {
        List<Path> files = new ArrayList<>();
        Instant until = null;
        URI gateway = URI.create(System.getenv().getOrDefault("IOC_GATEWAY_URL", "http://localhost:"
                + System.getenv().getOrDefault("IOC_INGEST_PORT", "8081")));
        String kafka = null;
        String token = System.getenv("IOC_TOKEN");
        int batch = 1000;
        long fromLine = 0;
        double speed = 0;
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
                case "--kafka" -> kafka = value(args, ++i, "--kafka");
                case "--token" -> token = value(args, ++i, "--token");
                case "--batch" -> batch = Integer.parseInt(value(args, ++i, "--batch"));
                case "--from-line" -> fromLine = Long.parseLong(value(args, ++i, "--from-line"));
                case "--speed" -> speed = Double.parseDouble(value(args, ++i, "--speed").replaceFirst("^[x×]", ""));
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
        if (speed < 0) {
            throw new IllegalArgumentException("--speed must be positive (N × real time) or 0 (as fast as possible)");
        }
        return new Options(files, until, gateway, batch, fromLine, speed, kafka, token);
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
        private final ReplaySink sink;
        private final boolean tty = System.console() != null;
        private final List<String> rejections = new ArrayList<>();
        private final List<Line> batch = new ArrayList<>();
        private final long totalBytes;
        private long bytesRead;
        private long sent;
        private long accepted;
        private long rejected;
        private long afterUntil;
        private long start;
        private long lastProgress;
        /** Pacing at --speed: the first event's time and the wall-clock nanos it was sent at. */
        private Instant firstEventTime;
        private long firstEventNanos;
        /** The current file and its last line whose batch Kafka acknowledged (for the resume hint). */
        private Path currentFile;
        private long lastAckedLine;

        Replay(Options o, ReplaySink sink) {
            this.o = o;
            this.sink = sink;
            long total = 0;
            for (Path p : o.files()) {
                try {
                    total += Files.size(p);
                } catch (IOException e) {
                    total = -1;
                    break;
                }
            }
            this.totalBytes = total;
        }

        Summary run() throws Exception {
            start = System.nanoTime();
            System.err.printf("[replay] %d file(s), %.1f MB, to %s%s%n", o.files().size(), totalBytes / 1e6,
                    sink.describe(), o.speed() > 0 ? " at " + o.speed() + " × real time" : " at full speed");
            try {
                for (int f = 0; f < o.files().size(); f++) {
                    replayFile(o.files().get(f), f == 0 ? o.fromLine() : 0);
                }
            } catch (Exception e) {
                progress(true);
                System.err.printf("[replay] stopped: %s%n[replay] resume with: ./ioc replay %s --from-line %d …"
                        + " (the files after it as well)%n", e.getMessage(), currentFile, lastAckedLine);
                throw e;
            }
            if (o.until() != null) {
                batch.add(new Line("--until", 0, "{\"schema\":\"ioc.clock.v1\",\"now\":\""
                        + KpiValue.formatTime(o.until()) + "\"}"));
                flush();
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
            return new Summary(sent, accepted, rejected, afterUntil, s);
        }

        record Line(String file, long number, String text) {
        }

        private void replayFile(Path file, long skip) throws Exception {
            currentFile = file;
            lastAckedLine = skip;
            try (InputStream raw = new FilterInputStream(Files.newInputStream(file)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        bytesRead += Math.max(n, 0);
                        return n;
                    }
                };
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                         1 << 16)) {
                String text;
                long number = 0;
                while ((text = reader.readLine()) != null) {
                    number++;
                    if (number <= skip || text.isBlank()) {
                        continue;
                    }
                    Instant time = o.until() != null || o.speed() > 0 ? eventTime(text) : null;
                    if (o.until() != null && time != null && time.isAfter(o.until())) {
                        afterUntil++;
                        continue;
                    }
                    if (o.speed() > 0 && time != null) {
                        pace(time);
                    }
                    batch.add(new Line(file.toString(), number, text));
                    if (batch.size() == o.batch()) {
                        flush();
                        progress(false);
                    }
                }
                flush();
            }
        }

        /** The event's own time (a tick's {@code now}); null for a line the gateway will reject. */
        private static Instant eventTime(String text) {
            try {
                IocEvent e = EventCodec.parse(text);
                return e.eventTime();
            } catch (ValidationException e) {
                return null;
            }
        }

        /**
         * At {@code --speed N}: waits until N × the event time elapsed since the first event has passed on the wall
         * clock, sending what is batched before waiting, so events arrive spread as they happened, N times faster.
         */
        private void pace(Instant time) throws Exception {
            if (firstEventTime == null) {
                firstEventTime = time;
                firstEventNanos = System.nanoTime();
                return;
            }
            long dueNanos = firstEventNanos + (long) ((time.toEpochMilli() - firstEventTime.toEpochMilli()) * 1e6
                    / o.speed());
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 1_000_000) {
                flush();
                progress(false);
                Thread.sleep(waitNanos / 1_000_000); // pacing to the events' own timeline, not a race fix
            }
        }

        private void flush() throws Exception {
            if (batch.isEmpty()) {
                return;
            }
            StringBuilder body = new StringBuilder();
            for (Line l : batch) {
                body.append(l.text().strip()).append('\n');
            }
            ReplaySink.Answer answer = sink.send(body.toString().getBytes(StandardCharsets.UTF_8));
            accepted += answer.accepted();
            for (ReplaySink.Rejection rej : answer.rejected()) {
                rejected++;
                // answer indexes are 0-based line numbers of the posted body
                Line l = rej.index() >= 0 && rej.index() < batch.size() ? batch.get(rej.index()) : null;
                rejections.add((l == null ? "?" : l.file() + ":" + l.number()) + ": " + rej.error());
            }
            sent += batch.size();
            Line last = batch.get(batch.size() - 1);
            if (last.file().equals(String.valueOf(currentFile))) {
                lastAckedLine = last.number();
            }
            batch.clear();
        }

        private void progress(boolean last) {
            long now = System.nanoTime();
            if (!last && now - lastProgress < (tty ? 250_000_000L : 5_000_000_000L)) {
                return;
            }
            lastProgress = now;
            double s = (now - start) / 1e9;
            double rate = sent / Math.max(s, 1e-9);
            String done = "";
            if (totalBytes > 0) {
                double fraction = Math.min(1.0, bytesRead / (double) totalBytes);
                long eta = fraction > 0 ? Math.round(s / fraction - s) : -1;
                done = String.format("%3.0f%% %s ETA %s ", fraction * 100, tty ? bar(fraction) : "",
                        last ? "0:00" : eta < 0 ? "?" : String.format("%d:%02d", eta / 60, eta % 60));
            }
            String line = String.format("[replay] %s%,d sent, %,d accepted, %,d rejected, %,.0f events/s", done, sent,
                    accepted, rejected, rate);
            if (tty) {
                System.err.print("\r" + line + (last ? "\n" : ""));
            } else {
                System.err.println(line);
            }
        }

        private static String bar(double fraction) {
            int width = 24;
            int filled = (int) Math.round(fraction * width);
            return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
        }
    }
}
