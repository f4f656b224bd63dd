package vn.ioc.pulse.ingest.sim;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * {@code ./ioc simulate --out FILE [--from 2025-01-01] [--days 365] [--seed 2025] [--scale 1] [--tick-every 1h]}:
 * writes the simulated Sơn La traffic of a period to an NDJSON file (gzip when the name ends in {@code .gz}), ready
 * for {@code ./ioc replay}. Between the events it writes a clock tick ({@code ioc.clock.v1}) every
 * {@code --tick-every} of simulated time, so quiet nights still move event time in a replay, and it ends with a
 * tick at the end of the period. {@code --from} is a local date (midnight, +07:00) or a timestamp with an offset.
 * The working-day calendar is the shipped one, or {@code IOC_CALENDAR_FILE} as for the KPI job. Progress goes to
 * stderr every few seconds, the summary to stdout.
 */
public final class SimulateMain {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    private SimulateMain() {
    }

    /** What to simulate and where to write it. */
    public record Options(Path out, Instant from, int days, long seed, double scale, Duration tickEvery) {
    }

    /** What a run wrote. */
    public record Summary(long events, long ticks, long dossiers, Map<String, Long> countsByType, double seconds,
                          long bytes) {
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("simulate: " + e.getMessage());
            System.err.println("usage: ./ioc simulate --out FILE(.ndjson or .ndjson.gz) [--from 2025-01-01]"
                    + " [--days 365] [--seed 2025] [--scale 1] [--tick-every 1h]");
            System.exit(2);
            return;
        }
        String calendarFile = System.getenv("IOC_CALENDAR_FILE");
        WorkingCalendar calendar = calendarFile == null || calendarFile.isBlank() ? WorkingCalendar.load()
                : WorkingCalendar.load(Path.of(calendarFile));
        Summary s;
        try {
            s = run(o, ReferenceData.load(), calendar, System.err);
        } catch (IOException e) {
            System.err.println("simulate: cannot write " + o.out() + ": " + e);
            System.exit(1);
            return;
        }
        System.out.printf("simulate done: %,d events (%,d dossiers) and %,d clock ticks from %s to %s in %.1f s"
                        + " (%,.0f events/s) -> %s (%,d bytes)%n", s.events(), s.dossiers(), s.ticks(),
                KpiValue.formatTime(o.from()), KpiValue.formatTime(end(o)), s.seconds(),
                s.events() / Math.max(s.seconds(), 1e-9), o.out(), s.bytes());
        s.countsByType().forEach((type, n) -> System.out.printf("  %-22s %,12d%n", type, n));
    }

    static Options parse(String[] args) {
        Path out = null;
        Instant from = LocalDate.of(2025, 1, 1).atStartOfDay(KpiValue.ZONE).toInstant();
        int days = 365;
        long seed = SimulatorParams.defaults().seed();
        double scale = 1;
        Duration tick = Duration.ofHours(1);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            String value = ++i < args.length ? args[i] : null;
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            try {
                switch (option) {
                    case "--out" -> out = Path.of(value);
                    case "--from" -> from = instant(value);
                    case "--days" -> days = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--scale" -> {
                        scale = Double.parseDouble(value);
                        if (!(scale > 0 && scale <= 1000)) {
                            throw new IllegalArgumentException("--scale must be a volume multiplier in (0, 1000], got "
                                    + value);
                        }
                    }
                    case "--tick-every" -> tick = duration(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": not a number: " + value);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out FILE is required");
        }
        if (days < 1) {
            throw new IllegalArgumentException("--days must be at least 1");
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("--scale must be > 0");
        }
        return new Options(out, from, days, seed, scale, tick);
    }

    private static Instant instant(String text) {
        try {
            return LocalDate.parse(text).atStartOfDay(KpiValue.ZONE).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return EventCodec.parseTimestamp("--from", text);
            } catch (ValidationException e) {
                throw new IllegalArgumentException("--from: expected a date (2025-01-01) or a timestamp with an "
                        + "offset, got '" + text + "'");
            }
        }
    }

    private static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("--tick-every: expected a positive duration such as 30s, 15m, 1h or 1d,"
                    + " got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static Instant end(Options o) {
        return o.from().plus(Duration.ofDays(o.days()));
    }

    /** Simulates the period into the file; progress lines go to {@code progress}. */
    static Summary run(Options o, ReferenceData ref, WorkingCalendar calendar, PrintStream progress)
            throws IOException {
        Instant end = end(o);
        if (end.atZone(KpiValue.ZONE).getYear() > calendar.lastDataYear()) {
            progress.printf("simulate: warning: the calendar %s has no holidays after %d; later days follow the "
                    + "weekday-only rule%n", calendar.source(), calendar.lastDataYear());
        }
        SimulatorParams params = SimulatorParams.defaults().withSeed(o.seed()).withScale(o.scale());
        SonLaSimulator sim = new SonLaSimulator(ref, calendar, params, o.from());
        long t0 = System.nanoTime();
        long lastProgress = t0;
        long events = 0;
        long ticks = 0;
        try (Writer w = writer(o.out())) {
            Consumer<String> line = json -> {
                try {
                    w.write(json);
                    w.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            Instant t = sim.start();
            while (t.isBefore(end)) {
                Instant next = t.plus(o.tickEvery());
                t = next.isAfter(end) ? end : next;
                events += sim.advanceTo(t, line);
                line.accept("{\"schema\":\"ioc.clock.v1\",\"now\":\"" + KpiValue.formatTime(t) + "\"}");
                ticks++;
                long now = System.nanoTime();
                if (now - lastProgress >= PROGRESS_EVERY_NANOS) {
                    lastProgress = now;
                    progress.printf("simulate: %s  %,d events  %,.0f events/s%n",
                            t.atZone(KpiValue.ZONE).toLocalDate(), events, events / ((now - t0) / 1e9));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Summary(events, ticks, sim.dossiers(), sim.countsByType(), seconds, Files.size(o.out()));
    }

    private static Writer writer(Path out) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
        OutputStream stream = out.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
        return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    }
}
