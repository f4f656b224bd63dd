package vn.ioc.pulse.standalone.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import vn.ioc.pulse.standalone.Standalone;
import vn.ioc.pulse.standalone.StandaloneConfig;

/**
 * {@code ./ioc fuzz [N] [options]}: sends N generated records, bad ones mixed with good ones, through the ingest
 * gateway and checks that nothing breaks and no good record is lost (docs/reliability.md). By default it starts the
 * whole system in this JVM (simulator and live clock off, auth off, free ports); {@code --gateway URL --dashboard
 * URL} targets a running system instead. Prints progress, then {@code key=value} summary lines; exit code 0 only
 * when there was no 5xx, crash, hang, accounting mismatch or lost good record (1 otherwise, 2 on a usage error).
 *
 * <pre>
 * options: --records N (default 20000; also the first bare argument)  --seed S (default 1)
 *          --connections C (2)  --timeout SECONDS (30, per request; longer = a hang)
 *          --kpi-timeout SECONDS (180)  --bad-share F (0.5)  --exclude CLASS,… (bad classes or abuses
 *          not to send, e.g. out_of_range,extreme_year)  --gateway URL --dashboard URL
 * </pre>
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ioc fuzz: " + e.getMessage());
            System.err.println("usage: ./ioc fuzz [N] [--records N] [--seed S] [--connections C] [--timeout S] "
                    + "[--kpi-timeout S] [--bad-share F] [--exclude CLASS,…] [--gateway URL --dashboard URL]");
            System.exit(2);
            return;
        }
        FuzzReport report = a.gateway == null ? runInProcess(a.options, System.out) : runAgainst(a, System.out);
        report.print(System.out);
        System.out.flush();
        System.exit(report.passed() ? 0 : 1);
    }

    /** Against a running system: crashes are {@code /health} of either server or the dashboard's {@code /ready} failing. */
    private static FuzzReport runAgainst(Args a, PrintStream out) throws Exception {
        List<Fuzzer.Probe> probes = List.of(
                new Fuzzer.Probe("gateway", Fuzzer.answers200(a.gateway + "/health")),
                new Fuzzer.Probe("dashboard", Fuzzer.answers200(a.dashboard + "/health")),
                new Fuzzer.Probe("dashboard_ready", Fuzzer.answers200(a.dashboard + "/ready")));
        FuzzReport report = new Fuzzer(a.gateway, a.dashboard, a.options, probes, out).run();
        report.target = a.gateway;
        return report;
    }

    /**
     * Starts the whole system in this JVM (fresh state in a temporary folder, deleted afterwards), runs the fuzzer
     * against it with the KPI job's status as one more health signal (anything but RUNNING, e.g. RESTARTING after
     * a failure, is a crash), and stops it.
     */
    public static FuzzReport runInProcess(Fuzzer.Options options, PrintStream out) throws Exception {
        Path data = Files.createTempDirectory("ioc-fuzz-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("IOC_INFLUX_URL");
        StandaloneConfig config = new StandaloneConfig(0, 0, 0, data.toString(), false, false, 1, 2025, 0, null,
                false, "127.0.0.1", env);
        try (Standalone system = Standalone.start(config)) {
            JobClient job = system.job();
            awaitRunning(job, Duration.ofSeconds(120));
            String gateway = "http://127.0.0.1:" + system.ingestPort();
            String dashboard = "http://127.0.0.1:" + system.dashboardPort();
            List<Fuzzer.Probe> probes = List.of(
                    new Fuzzer.Probe("job", () -> status(job) == JobStatus.RUNNING),
                    new Fuzzer.Probe("gateway", Fuzzer.answers200(gateway + "/health")),
                    new Fuzzer.Probe("dashboard", Fuzzer.answers200(dashboard + "/health")));
            FuzzReport report = new Fuzzer(gateway, dashboard, options, probes, out).run();
            report.target = "in-process";
            report.jobStatusAtEnd = String.valueOf(status(job));
            return report;
        } finally {
            deleteQuietly(data);
        }
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static void awaitRunning(JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status(job) != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the KPI job is not RUNNING after " + timeout.toSeconds() + " s: "
                        + status(job));
            }
            Thread.sleep(200);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("ioc fuzz: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The parsed command line. */
    record Args(Fuzzer.Options options, String gateway, String dashboard) {
        static Args parse(String[] args) {
            int records = 20_000;
            long seed = 1;
            Fuzzer.Options d = Fuzzer.Options.defaults(records, seed);
            int connections = d.connections();
            Duration timeout = d.requestTimeout();
            Duration kpiTimeout = d.kpiTimeout();
            double badShare = d.badShare();
            String gateway = null;
            String dashboard = null;
            Set<String> exclude = new TreeSet<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    records = positive(arg, "N");
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String v = args[++i];
                switch (arg) {
                    case "--records" -> records = positive(v, arg);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--connections" -> connections = positive(v, arg);
                    case "--timeout" -> timeout = Duration.ofSeconds(positive(v, arg));
                    case "--kpi-timeout" -> kpiTimeout = Duration.ofSeconds(positive(v, arg));
                    case "--bad-share" -> {
                        badShare = Double.parseDouble(v);
                        if (badShare < 0 || badShare > 1) {
                            throw new IllegalArgumentException("--bad-share must be between 0 and 1");
                        }
                    }
                    case "--exclude" -> {
                        for (String label : v.split(",")) {
                            if (!FuzzGenerator.excludable().contains(label.trim())) {
                                throw new IllegalArgumentException("--exclude: unknown class '" + label + "'; known: "
                                        + String.join(",", FuzzGenerator.excludable()));
                            }
                            exclude.add(label.trim());
                        }
                    }
                    case "--gateway" -> gateway = v;
                    case "--dashboard" -> dashboard = v;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if ((gateway == null) != (dashboard == null)) {
                throw new IllegalArgumentException("--gateway and --dashboard go together");
            }
            return new Args(new Fuzzer.Options(records, seed, connections, timeout, kpiTimeout, d.kpiSettle(),
                    badShare, d.progressEvery(), Set.copyOf(exclude)), gateway, dashboard);
        }

        private static int positive(String v, String name) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
            }
            if (n <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, got " + n);
            }
            return n;
        }
    }
}
