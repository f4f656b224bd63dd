package vn.ioc.pulse.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real InfluxDB 1.x server ({@code influxd} from Debian's {@code influxdb} package) started as a child process
 * on loopback ports, with its data in a temp folder. {@code ./ioc test} installs the package when missing.
 */
public final class InfluxdProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxdProcess.class);

    private final Process process;
    private final int httpPort;
    private final Path dir;

    private InfluxdProcess(Process process, int httpPort, Path dir) {
        this.process = process;
        this.httpPort = httpPort;
        this.dir = dir;
    }

    /** The influxd binary on PATH or in /usr/bin, if installed. */
    public static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, "influxd");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts influxd and waits until {@code /ping} answers; fails clearly when the binary is missing. */
    public static InfluxdProcess start() {
        Path binary = binary().orElseThrow(() -> new IllegalStateException(
                "influxd not found: install Debian's package with 'apt-get install -y influxdb' (./ioc test does)"));
        try {
            Path dir = Files.createTempDirectory("ioc-influxd-");
            int http = FreePorts.pick();
            int rpc = FreePorts.pick();
            Path conf = dir.resolve("influxd.conf");
            Files.writeString(conf, String.join("\n",
                    "reporting-disabled = true",
                    "bind-address = \"127.0.0.1:" + rpc + "\"",
                    "[meta]", "  dir = \"" + dir.resolve("meta") + "\"", "  logging-enabled = false",
                    "[data]", "  dir = \"" + dir.resolve("data") + "\"", "  wal-dir = \"" + dir.resolve("wal") + "\"",
                    "  query-log-enabled = false",
                    "[http]", "  enabled = true", "  bind-address = \"127.0.0.1:" + http + "\"", "  log-enabled = false",
                    "[monitor]", "  store-enabled = false",
                    "[continuous_queries]", "  enabled = false", ""));
            Process process = new ProcessBuilder(binary.toString(), "-config", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("influxd.log").toFile())
                    .start();
            InfluxdProcess influx = new InfluxdProcess(process, http, dir);
            influx.awaitPing(Duration.ofSeconds(30));
            LOG.info("influxd started at {} (data in {})", influx.url(), dir);
            return influx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start influxd", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    private void awaitPing(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + "; see "
                        + dir.resolve("influxd.log"));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url() + "/ping"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet: poll again below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("influxd did not answer /ping within " + timeout);
    }

    /** Runs an InfluxQL statement with POST /query (e.g. CREATE DATABASE) and returns the JSON answer. */
    public String query(String influxQl) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/query"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("influx query failed " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
