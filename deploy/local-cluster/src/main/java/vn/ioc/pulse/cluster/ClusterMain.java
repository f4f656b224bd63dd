package vn.ioc.pulse.cluster;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./ioc cluster up|down|status|savepoint|submit}: the whole system as separate OS processes on this machine
 * (docs/local-cluster.md) — a Flink standalone session cluster (a JobManager with its REST API and web UI on
 * {@code IOC_FLINK_PORT} [8082], and {@code IOC_TASKMANAGERS} [2] TaskManagers, from Flink's own entry points and
 * artifacts), a Kafka broker (KRaft), {@code influxd}, the ingest gateway (8081), the dashboard API (8080) and the
 * live simulator; the KPI job's jar (the shaded {@code stream-jobs} job jar, the one production submits) is uploaded
 * and run through Flink's REST API. Everything lives under {@code IOC_CLUSTER_DIR} [.cluster]: {@code logs/} (one file
 * per process), {@code pids/}, data of Kafka, InfluxDB and Flink's checkpoints and savepoints (kept by {@code down};
 * {@code down --clean} removes them). JDK only: processes are started with {@link ProcessBuilder} and outlive this
 * launcher.
 */
public final class ClusterMain {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    /** Start order; {@code down} stops in reverse. */
    static final List<String> ORDER = List.of("kafka", "influxd", "jobmanager", "taskmanager-1", "taskmanager-2",
            "taskmanager-3", "taskmanager-4", "ingest", "dashboard", "simulator");
    static final String JOB_NAME = "ioc-kpi-job";

    private final Settings s;

    ClusterMain(Settings settings) {
        this.s = settings;
    }

    /** Where things are and which ports they use, from the environment and the launcher's arguments. */
    record Settings(Path dir, Path appClasspath, Path flinkClasspath, Path jobJar, String java, List<String> javaOpens,
                    int flinkPort, int kafkaPort, int influxPort, int ingestPort, int dashboardPort, int taskManagers,
                    boolean simulator, Map<String, String> env) {
        Path logs() {
            return dir.resolve("logs");
        }

        Path pids() {
            return dir.resolve("pids");
        }

        String flinkUrl() {
            return "http://127.0.0.1:" + flinkPort;
        }

        String kafka() {
            return "127.0.0.1:" + kafkaPort;
        }

        String influxUrl() {
            return "http://127.0.0.1:" + influxPort;
        }

        static Settings from(Map<String, String> env, Map<String, String> args) {
            Path dir = Path.of(env.getOrDefault("IOC_CLUSTER_DIR", ".cluster")).toAbsolutePath();
            return new Settings(dir, Path.of(args.getOrDefault("app-cp", "standalone/target/classpath-full.txt")),
                    Path.of(args.getOrDefault("flink-cp", "deploy/local-cluster/target/flink-classpath.txt")),
                    Path.of(args.getOrDefault("job-jar", "stream-jobs/target/stream-jobs-0.1.0-SNAPSHOT-job.jar")),
                    ProcessHandle.current().info().command().orElse("java"),
                    List.of(env.getOrDefault("JAVA_OPENS", "").split("\\s+")).stream().filter(x -> !x.isBlank()).toList(),
                    Integer.parseInt(env.getOrDefault("IOC_FLINK_PORT", "8082")),
                    Integer.parseInt(env.getOrDefault("IOC_KAFKA_PORT", "9092")),
                    Integer.parseInt(env.getOrDefault("IOC_INFLUX_PORT", "8086")),
                    Integer.parseInt(env.getOrDefault("IOC_INGEST_PORT", "8081")),
                    Integer.parseInt(env.getOrDefault("IOC_DASHBOARD_PORT", "8080")),
                    Math.max(1, Math.min(4, Integer.parseInt(env.getOrDefault("IOC_TASKMANAGERS", "2")))),
                    !"off".equalsIgnoreCase(env.getOrDefault("IOC_SIMULATOR", "on")), env);
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            usage();
            return;
        }
        Map<String, String> args = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String a : argv) {
            if (a.startsWith("--") && a.contains("=")) {
                args.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                rest.add(a);
            }
        }
        ClusterMain c = new ClusterMain(Settings.from(System.getenv(), args));
        int code = switch (rest.get(0)) {
            case "up" -> c.up();
            case "down" -> c.down(rest.contains("--clean"));
            case "status" -> c.status();
            case "submit" -> c.submit(rest.size() > 1 ? rest.get(1) : null) != null ? 0 : 1;
            case "savepoint" -> c.savepoint(rest.contains("--stop")) != null ? 0 : 1;
            case "restart" -> c.restart(rest.get(1));
            case "stop" -> {
                c.stop(rest.get(1));
                yield 0;
            }
            case "start" -> {
                c.start(rest.get(1));
                yield 0;
            }
            default -> {
                usage();
                yield 2;
            }
        };
        System.exit(code);
    }

    static void usage() {
        System.out.println("""
                usage: ./ioc cluster up | down [--clean] | status | savepoint [--stop] | submit [SAVEPOINT] | restart|stop|start PROCESS
                  up         start Kafka, influxd, a Flink JobManager + TaskManagers, the gateway, the dashboard API and
                             the simulator as separate processes; submit the KPI job jar; print the URLs
                  down       stop them (data kept under IOC_CLUSTER_DIR, default .cluster; --clean removes it)
                  savepoint  trigger a savepoint of the KPI job (--stop: stop the job with it); prints its path
                  submit     run the KPI job jar (from a savepoint when given) — the upgrade path
                  restart    stop and start one process (e.g. jobmanager, taskmanager-1, kafka, influxd, dashboard)
                  stop, start  one process (the fault tests' tools)""");
    }

    // ------------------------------------------------------------------------------------------------------- up

    int up() throws Exception {
        List<String> running = new ArrayList<>();
        for (String name : ORDER) {
            if (pid(name).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)) {
                running.add(name);
            }
        }
        if (!running.isEmpty()) {
            System.out.println("already running: " + running + " (./ioc cluster down first, or ./ioc cluster status)");
            return 1;
        }
        for (Path p : List.of(s.jobJar(), s.flinkClasspath(), s.appClasspath())) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " is missing: run ./ioc cluster up (it builds them)");
            }
        }
        Files.createDirectories(s.logs());
        Files.createDirectories(s.pids());
        long t0 = System.nanoTime();
        String job;
        try {
            for (String name : ORDER) {
                if (name.startsWith("taskmanager-") && Integer.parseInt(name.substring(12)) > s.taskManagers()
                        || name.equals("simulator") && !s.simulator()) {
                    continue;
                }
                start(name);
            }
            job = submit(null);
            if (job == null) {
                throw new IllegalStateException("the KPI job did not start");
            }
            awaitHttp("dashboard API ready", "http://127.0.0.1:" + s.dashboardPort() + "/ready",
                    Duration.ofSeconds(120));
            awaitHttp("ingest gateway ready", "http://127.0.0.1:" + s.ingestPort() + "/ready", Duration.ofSeconds(60));
        } catch (Exception e) {
            System.out.println("cluster NOT up: " + e.getMessage() + " — stopping what was started (logs kept in "
                    + s.logs() + ")");
            down(false);
            return 1;
        }
        System.out.printf("""

                IOC Pulse local cluster up in %.0f s (separate processes; logs in %s)
                  wall screen     http://127.0.0.1:%d/
                  dashboard API   http://127.0.0.1:%d/api/v1/kpis/values   (docs: /api/docs)
                  ingest gateway  http://127.0.0.1:%d/api/v1/events
                  Flink web UI    %s/   (KPI job %s)
                  Kafka           %s      InfluxDB %s (database ioc)
                  auth            %s
                stop with: ./ioc cluster down
                """, (System.nanoTime() - t0) / 1e9, s.logs(), s.dashboardPort(), s.dashboardPort(), s.ingestPort(),
                s.flinkUrl(), job, s.kafka(), s.influxUrl(), auth().equals("off")
                        ? "OFF (IOC_AUTH=on with IOC_AUTH_JWT_SECRET or a key to turn it on)" : "on");
        return 0;
    }

    private String auth() {
        return s.env().getOrDefault("IOC_AUTH", "off");
    }

    /** Starts one process and waits until it serves. */
    void start(String name) throws Exception {
        List<String> cmd = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IOC_KAFKA_BOOTSTRAP", s.kafka());
        env.put("IOC_BIND_ADDRESS", s.env().getOrDefault("IOC_BIND_ADDRESS", "127.0.0.1"));
        env.put("IOC_AUTH", auth());
        String app = classpath(s.appClasspath());
        switch (name) {
            case "kafka" -> {
                javaCmd(cmd, "-Xmx768m", app);
                cmd.add("vn.ioc.pulse.embedded.KafkaBrokerMain");
                cmd.add(s.dir().resolve("kafka").toString());
                cmd.add(String.valueOf(s.kafkaPort()));
            }
            case "influxd" -> cmd.addAll(List.of(influxd(), "-config", influxConfig().toString()));
            case "jobmanager" -> {
                Path conf = flinkConf();
                cmd.add(s.java());
                cmd.addAll(s.javaOpens());
                cmd.addAll(resourceParams("GET_JM_RESOURCE_PARAMS", conf, 0));
                cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml"));
                cmd.addAll(List.of("-cp", classpath(s.flinkClasspath()),
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir",
                        conf.toString()));
                cmd.addAll(resourceParams("GET_JM_RESOURCE_PARAMS", conf, 1));
                jobEnv(env);
            }
            case "taskmanager-1", "taskmanager-2", "taskmanager-3", "taskmanager-4" -> {
                Path conf = flinkConf();
                cmd.add(s.java());
                cmd.addAll(s.javaOpens());
                cmd.addAll(resourceParams("GET_TM_RESOURCE_PARAMS", conf, 0));
                cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml"));
                cmd.addAll(List.of("-cp", classpath(s.flinkClasspath()),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir", conf.toString(),
                        "-D", "taskmanager.resource-id=" + name));
                cmd.addAll(resourceParams("GET_TM_RESOURCE_PARAMS", conf, 1));
                jobEnv(env);
            }
            case "ingest" -> {
                javaCmd(cmd, "-Xmx512m", app);
                cmd.add("vn.ioc.pulse.ingest.IngestMain");
                env.put("IOC_INGEST_PORT", String.valueOf(s.ingestPort()));
            }
            case "dashboard" -> {
                javaCmd(cmd, "-Xmx1g", app);
                cmd.add("vn.ioc.pulse.dashboard.DashboardMain");
                env.put("IOC_DASHBOARD_PORT", String.valueOf(s.dashboardPort()));
                env.put("IOC_INFLUX_URL", s.influxUrl());
            }
            case "simulator" -> {
                javaCmd(cmd, "-Xmx512m", app);
                cmd.add("vn.ioc.pulse.ingest.sim.LiveSimulatorMain");
            }
            default -> throw new IllegalArgumentException("unknown process " + name);
        }
        // the operator's other IOC_* settings reach every process (auth keys, alert receivers, …)
        s.env().forEach((k, v) -> {
            if (k.startsWith("IOC_") && !env.containsKey(k)) {
                env.put(k, v);
            }
        });
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(s.logs().resolve(name + ".log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        Files.writeString(s.pids().resolve(name + ".pid"), Long.toString(p.pid()));
        System.out.printf("  %-14s pid %-7d log %s%n", name, p.pid(), s.logs().resolve(name + ".log"));
        BooleanSupplier alive = p::isAlive;
        switch (name) {
            case "kafka" -> awaitPort("Kafka", s.kafkaPort(), alive, Duration.ofSeconds(60));
            case "influxd" -> awaitHttp("influxd", s.influxUrl() + "/ping", Duration.ofSeconds(30));
            case "jobmanager" -> awaitHttp("Flink JobManager", s.flinkUrl() + "/overview", Duration.ofSeconds(90));
            case "ingest" -> awaitPort("ingest gateway", s.ingestPort(), alive, Duration.ofSeconds(60));
            case "dashboard" -> awaitPort("dashboard API", s.dashboardPort(), alive, Duration.ofSeconds(90));
            default -> {
                if (name.startsWith("taskmanager-")) {
                    int n = Integer.parseInt(name.substring(12));
                    await(name + " registered", () -> taskManagers() >= n, alive, Duration.ofSeconds(90));
                }
            }
        }
        if (name.equals("influxd")) {
            post(s.influxUrl() + "/query", "q=CREATE+DATABASE+ioc", "application/x-www-form-urlencoded");
        }
    }

    private void javaCmd(List<String> cmd, String heap, String classpath) {
        cmd.add(s.java());
        cmd.addAll(s.javaOpens());
        cmd.add(heap);
        cmd.add("-cp");
        cmd.add(classpath);
    }

    /** The KPI job reads its settings from the environment of the process running its main (the JobManager). */
    private void jobEnv(Map<String, String> env) {
        env.put("IOC_INFLUX_URL", s.influxUrl());
        env.put("IOC_CHECKPOINT_DIR", s.dir().resolve("flink/checkpoints").toUri().toString());
        env.putIfAbsent("IOC_CHECKPOINT_INTERVAL_MS", s.env().getOrDefault("IOC_CHECKPOINT_INTERVAL_MS", "10000"));
        env.put("IOC_PARALLELISM", s.env().getOrDefault("IOC_PARALLELISM", "2"));
    }

    /** Flink's own computation of a process's memory flags (what its start scripts do): line 0 JVM, 1 dynamic config. */
    private List<String> resourceParams(String command, Path conf, int line) throws Exception {
        Process p = new ProcessBuilder(s.java(), "-cp", classpath(s.flinkClasspath()),
                "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", conf.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (results.size() <= line) {
            throw new IllegalStateException("Flink's BashJavaUtils " + command + " printed no result:\n" + out);
        }
        List<String> parts = new ArrayList<>();
        Matcher m = Pattern.compile("(-D)\\s+(\\S+)|(\\S+)").matcher(results.get(line));
        while (m.find()) {
            if (m.group(1) != null) {
                parts.add("-D");
                parts.add(m.group(2));
            } else {
                parts.add(m.group(3));
            }
        }
        return parts;
    }

    /** Flink's configuration for this cluster: the production shape (RocksDB, incremental checkpoints, restarts). */
    Path flinkConf() throws IOException {
        Path conf = Files.createDirectories(s.dir().resolve("flink/conf"));
        Path data = s.dir().resolve("flink");
        String yaml = String.join("\n",
                "# written by ./ioc cluster up (docs/local-cluster.md); edit IOC_* settings instead",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: 6123",
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + s.flinkPort(),
                "blob.server.port: 6124",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.memory.process.size: 1728m",
                "taskmanager.numberOfTaskSlots: 2",
                "parallelism.default: 2",
                // hashmap until the scope state is split (docs/local-cluster.md, "State backend"): with RocksDB the
                // scope operator deserializes a scope's whole state per record (measured: 87 records/s)
                "state.backend.type: " + s.env().getOrDefault("IOC_STATE_BACKEND", "hashmap"),
                "execution.checkpointing.incremental: " + "rocksdb".equals(s.env().get("IOC_STATE_BACKEND")),
                "execution.checkpointing.dir: " + data.resolve("checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir: " + data.resolve("savepoints").toUri(),
                "execution.checkpointing.num-retained: 3",
                "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
                "restart-strategy.type: exponential-delay",
                "restart-strategy.exponential-delay.initial-backoff: 1 s",
                "restart-strategy.exponential-delay.max-backoff: 30 s",
                "restart-strategy.exponential-delay.reset-backoff-threshold: 10 min",
                "heartbeat.timeout: 20000",
                "web.submit.enable: false",
                "web.cancel.enable: false",
                "web.upload.dir: " + Files.createDirectories(data.resolve("uploads")),
                "io.tmp.dirs: " + Files.createDirectories(data.resolve("tmp")),
                "classloader.check-leaked-classloader: false",
                "");
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j2.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders><Console name="out" target="SYSTEM_OUT">
                    <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                  </Console></Appenders>
                  <Loggers>
                    <Logger name="org.apache.kafka" level="WARN"/>
                    <Logger name="org.apache.pekko" level="WARN"/>
                    <Logger name="org.apache.flink.metrics.MetricGroup" level="ERROR"/>
                    <Root level="INFO"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """);
        return conf;
    }

    private Path influxConfig() throws IOException {
        Path dir = Files.createDirectories(s.dir().resolve("influxdb"));
        Path conf = dir.resolve("influxd.conf");
        Files.writeString(conf, String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + (s.influxPort() + 2) + "\"",
                "[meta]", "  dir = \"" + dir.resolve("meta") + "\"", "  logging-enabled = false",
                "[data]", "  dir = \"" + dir.resolve("data") + "\"", "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[http]", "  enabled = true", "  bind-address = \"127.0.0.1:" + s.influxPort() + "\"",
                "  log-enabled = false",
                "[monitor]", "  store-enabled = false",
                "[continuous_queries]", "  enabled = false", ""));
        return conf;
    }

    private static String influxd() {
        for (String p : List.of("/usr/bin/influxd", "/usr/local/bin/influxd")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("influxd not found: install Debian's package (apt-get install -y influxdb)");
    }

    // ---------------------------------------------------------------------------------------------- the job

    /**
     * Submits the job jar the way production does, with Flink's own command-line client ({@code flink run
     * --detached}, {@code CliFrontend}): the job's main runs in the client process with the KPI job's environment
     * and the job graph goes to the JobManager's REST API — whose jar-upload endpoints stay off
     * ({@code web.submit.enable: false}). From {@code savepoint} when given. Returns the job id, null on failure.
     */
    String submit(String savepoint) throws Exception {
        Path conf = flinkConf();
        List<String> cmd = new ArrayList<>();
        cmd.add(s.java());
        cmd.addAll(s.javaOpens());
        cmd.addAll(List.of("-Xmx512m", "-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml"), "-cp",
                classpath(s.flinkClasspath()), "org.apache.flink.client.cli.CliFrontend", "run", "--detached"));
        if (savepoint != null) {
            cmd.addAll(List.of("--fromSavepoint", savepoint));
        }
        cmd.addAll(List.of("--class", "vn.ioc.pulse.jobs.KpiJobMain", s.jobJar().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IOC_KAFKA_BOOTSTRAP", s.kafka());
        jobEnv(env);
        s.env().forEach((k, v) -> {
            if (k.startsWith("IOC_") && !env.containsKey(k)) {
                env.put(k, v);
            }
        });
        pb.environment().putAll(env);
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Files.writeString(s.logs().resolve("submit.log"), out, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            System.out.println("KPI job not submitted (flink run exited " + p.exitValue() + "): see "
                    + s.logs().resolve("submit.log"));
            return null;
        }
        String job = m.group(1);
        await("KPI job " + job + " RUNNING", () -> "RUNNING".equals(jobState(job)), () -> true, Duration.ofSeconds(90));
        System.out.println("  KPI job        " + job + (savepoint == null ? "" : " (from savepoint " + savepoint + ")"));
        return job;
    }

    /** The id of the running KPI job, if any. */
    Optional<String> runningJob() {
        try {
            String body = get(s.flinkUrl() + "/jobs/overview");
            Matcher m = Pattern.compile("\\{\"jid\":\"([0-9a-f]+)\",\"name\":\"" + JOB_NAME + "\"[^}]*?\"state\":\"(\\w+)\"")
                    .matcher(body);
            while (m.find()) {
                if (!List.of("FINISHED", "CANCELED", "FAILED").contains(m.group(2))) {
                    return Optional.of(m.group(1));
                }
            }
        } catch (Exception e) {
            // no JobManager
        }
        return Optional.empty();
    }

    String jobState(String job) {
        try {
            return field(get(s.flinkUrl() + "/jobs/" + job), "state");
        } catch (Exception e) {
            return "UNREACHABLE";
        }
    }

    /** Triggers a savepoint (or stop-with-savepoint) and waits for it; returns its path. */
    String savepoint(boolean stop) throws Exception {
        Optional<String> job = runningJob();
        if (job.isEmpty()) {
            System.out.println("no running KPI job");
            return null;
        }
        String target = s.dir().resolve("flink/savepoints").toUri().toString();
        String path = stop ? "/jobs/" + job.get() + "/stop" : "/jobs/" + job.get() + "/savepoints";
        String body = stop ? "{\"targetDirectory\":\"" + target + "\",\"drain\":false}"
                : "{\"target-directory\":\"" + target + "\",\"cancel-job\":false}";
        String trigger = field(post(s.flinkUrl() + path, body, "application/json"), "request-id");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            String st = get(s.flinkUrl() + "/jobs/" + job.get() + "/savepoints/" + trigger);
            if (st.contains("\"COMPLETED\"")) {
                String location = field(st, "location");
                if (location == null) {
                    System.out.println("savepoint failed: " + st);
                    return null;
                }
                System.out.println("savepoint " + location + (stop ? " (job stopped)" : ""));
                return location;
            }
            Thread.sleep(500);
        }
        System.out.println("savepoint did not complete within 5 minutes");
        return null;
    }

    int taskManagers() {
        try {
            return Integer.parseInt(Optional.ofNullable(field(get(s.flinkUrl() + "/overview"), "taskmanagers"))
                    .orElse("0"));
        } catch (Exception e) {
            return 0;
        }
    }

    // ----------------------------------------------------------------------------------------- down, status

    int down(boolean clean) throws Exception {
        List<String> names = new ArrayList<>(ORDER);
        java.util.Collections.reverse(names);
        for (String name : names) {
            stop(name);
        }
        if (clean && Files.exists(s.dir())) {
            try (var walk = Files.walk(s.dir())) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            System.out.println("removed " + s.dir());
        }
        return 0;
    }

    /** SIGTERM, 20 s to go, then SIGKILL. */
    void stop(String name) throws Exception {
        Optional<ProcessHandle> h = pid(name).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (h.isPresent()) {
            h.get().destroy();
            try {
                h.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
                System.out.printf("  %-14s stopped%n", name);
            } catch (java.util.concurrent.TimeoutException e) {
                h.get().destroyForcibly();
                System.out.printf("  %-14s killed (did not stop within 20 s)%n", name);
            }
        }
        Files.deleteIfExists(s.pids().resolve(name + ".pid"));
    }

    int restart(String name) throws Exception {
        stop(name);
        start(name);
        return 0;
    }

    int status() {
        for (String name : ORDER) {
            Optional<Long> pid = pid(name);
            if (pid.isEmpty()) {
                continue;
            }
            boolean alive = ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false);
            System.out.printf("  %-14s pid %-7d %s%n", name, pid.get(), alive ? "running" : "DEAD");
        }
        runningJob().ifPresentOrElse(j -> System.out.println("  KPI job        " + j + " " + jobState(j)),
                () -> System.out.println("  KPI job        not running"));
        return 0;
    }

    Optional<Long> pid(String name) {
        try {
            return Optional.of(Long.parseLong(Files.readString(s.pids().resolve(name + ".pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // -------------------------------------------------------------------------------------------- helpers

    static String classpath(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    /** A top-level or nested string/number field of a small JSON answer (the launcher stays JDK-only). */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?[0-9.]+))")
                .matcher(json == null ? "" : json);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static String post(String url, String body, String type) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void awaitHttp(String what, String url, Duration patience) throws Exception {
        await(what, () -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
            } catch (Exception e) {
                return false;
            }
        }, () -> true, patience);
    }

    static void awaitPort(String what, int port, BooleanSupplier alive, Duration patience) throws Exception {
        await(what + " listening on " + port, () -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, alive, patience);
    }

    /** Polls {@code ok} every 200 ms; fails when {@code alive} turns false or the patience runs out. */
    static void await(String what, BooleanSupplier ok, BooleanSupplier alive, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!ok.getAsBoolean()) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(what + ": the process exited (see its log)");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + patience.toSeconds() + " s (see its log)");
            }
            Thread.sleep(200);
        }
    }
}
