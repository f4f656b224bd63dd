package vn.ioc.pulse.standalone;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.dashboard.DashboardConfig;
import vn.ioc.pulse.dashboard.DashboardMain;
import vn.ioc.pulse.dashboard.DashboardVerticle;
import vn.ioc.pulse.embedded.EmbeddedKafka;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.ingest.IngestVerticle;
import vn.ioc.pulse.ingest.LiveClock;
import vn.ioc.pulse.ingest.sim.ReferenceData;
import vn.ioc.pulse.ingest.sim.SimulatorParams;
import vn.ioc.pulse.ingest.sim.SimulatorRunner;
import vn.ioc.pulse.jobs.JobConfig;
import vn.ioc.pulse.jobs.KpiJobMain;
import vn.ioc.pulse.model.Topics;
import vn.ioc.pulse.web.Readiness;

/**
 * The whole system in one JVM: a KRaft Kafka broker, the KPI job on a local Flink MiniCluster, the dashboard API,
 * the ingest gateway, and (unless switched off) the live clock and the Sơn La simulator (docs/simulator.md) in live
 * mode. Components talk only through Kafka, exactly as the separate deployables do.
 */
public final class Standalone implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);

    private final EmbeddedKafka kafka;
    private final JobClient job;
    private final Vertx vertx;
    private final EventPublisher publisher;
    private final ScheduledExecutorService scheduler;
    private final DashboardVerticle dashboard;
    private final IngestVerticle ingest;

    private Standalone(EmbeddedKafka kafka, JobClient job, Vertx vertx, EventPublisher publisher,
                       ScheduledExecutorService scheduler, DashboardVerticle dashboard, IngestVerticle ingest) {
        this.kafka = kafka;
        this.job = job;
        this.vertx = vertx;
        this.publisher = publisher;
        this.scheduler = scheduler;
        this.dashboard = dashboard;
        this.ingest = ingest;
    }

    public static Standalone start(StandaloneConfig config) throws Exception {
        Path data = config.dataDir() != null ? Files.createDirectories(Path.of(config.dataDir()))
                : Files.createTempDirectory("ioc-demo-");
        LOG.info("state in {}", data);
        EmbeddedKafka kafka = new EmbeddedKafka(data.resolve("kafka"), config.kafkaPort()).start();
        kafka.createTopics(vn.ioc.pulse.embedded.KafkaBrokerMain.topics(4));

        Map<String, String> env = new LinkedHashMap<>(config.env());
        env.put("IOC_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("IOC_BIND_ADDRESS", config.bindAddress());
        env.putIfAbsent("IOC_CHECKPOINT_DIR", data.resolve("checkpoints").toUri().toString());
        env.putIfAbsent("IOC_CHECKPOINT_INTERVAL_MS", "5000");
        if (config.influxUrl() == null) {
            env.remove("IOC_INFLUX_URL");
        }
        JobConfig jobConfig = JobConfig.fromEnv(env);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironment(
                jobConfig.parallelism(), loopbackOnly(KpiJobMain.flinkConfiguration(jobConfig)));
        JobClient job = KpiJobMain.start(flink, jobConfig);
        LOG.info("KPI job {} submitted to the local Flink MiniCluster", job.getJobID());
        List<Readiness.Check> jobCheck = List.of(new Readiness.Check("kpi_job", () -> jobState(job)));

        Vertx vertx = vn.ioc.pulse.web.Metrics.vertx();
        DashboardConfig dashboardConfig = DashboardConfig.fromEnv(withAuthSwitch(env, config.auth()));
        dashboardConfig = dashboardConfig.withPort(config.dashboardPort());
        DashboardVerticle dashboard = DashboardMain.verticle(dashboardConfig, jobCheck);
        vertx.deployVerticle(dashboard).await();

        IngestConfig ingestConfig = IngestConfig.fromEnv(withAuthSwitch(env, config.auth()))
                .withPort(config.ingestPort());
        EventPublisher publisher = new EventPublisher(ingestConfig);
        IngestVerticle ingest = new IngestVerticle(ingestConfig, publisher, jobCheck);
        vertx.deployVerticle(ingest).await();

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "demo-clock-and-simulator");
            t.setDaemon(true);
            return t;
        });
        // Order matters: the simulator's backfill (the last IOC_SIM_BACKFILL_DAYS days of simulated traffic) is
        // published before the live clock's first tick at wall time, so that no back-filled event arrives behind event
        // time. Both go through the same producer, which keeps this order on every partition. The backfill runs on
        // the (single) scheduler thread, so the system is up — and the live steps queue behind it — at once.
        SimulatorRunner simulator = config.simulator() ? new SimulatorRunner(ReferenceData.load(), jobConfig.calendar(),
                SimulatorParams.defaults().withSeed(config.simSeed()).withScale(config.simScale()),
                Duration.ofDays(config.simBackfillDays()), Clock.systemUTC(), SimulatorRunner.publishingTo(publisher))
                : null;
        if (simulator == null) {
            LOG.info("simulator OFF (IOC_SIMULATOR=off): only posted or replayed events flow");
        }
        if (!config.liveClock()) {
            LOG.info("live clock OFF (IOC_LIVE_CLOCK=off): event time moves only with posted events and ticks");
        }
        scheduler.execute(() -> {
            if (simulator != null) {
                try {
                    simulator.backfill();
                } catch (RuntimeException e) {
                    LOG.error("simulator backfill failed; live traffic and the clock start anyway", e);
                }
            }
            if (config.liveClock()) {
                new LiveClock(publisher, Clock.systemUTC()).start(scheduler);
            }
            if (simulator != null) {
                simulator.start(scheduler);
            }
        });
        return new Standalone(kafka, job, vertx, publisher, scheduler, dashboard, ingest);
    }

    /**
     * The local Flink cluster listens on loopback only: REST API and web UI, RPC, BlobServer and data exchange bind to
     * 127.0.0.1; the web UI cannot submit, cancel or rescale, and no cross-origin page may read the REST API. (Flink's
     * REST API has no switch to remove its cancel endpoint — {@code web.cancel.enable} only hides the UI's button —
     * so loopback is what keeps other machines out; a job cancelled anyway turns {@code /ready} 503.)
     */
    static org.apache.flink.configuration.Configuration loopbackOnly(org.apache.flink.configuration.Configuration c) {
        String loopback = "127.0.0.1";
        c.set(org.apache.flink.configuration.RestOptions.ADDRESS, loopback);
        c.set(org.apache.flink.configuration.RestOptions.BIND_ADDRESS, loopback);
        c.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        c.set(org.apache.flink.configuration.JobManagerOptions.ADDRESS, loopback);
        c.set(org.apache.flink.configuration.JobManagerOptions.BIND_HOST, loopback);
        c.set(org.apache.flink.configuration.TaskManagerOptions.HOST, loopback);
        c.set(org.apache.flink.configuration.TaskManagerOptions.BIND_HOST, loopback);
        c.set(org.apache.flink.configuration.WebOptions.SUBMIT_ENABLE, false);
        c.set(org.apache.flink.configuration.WebOptions.CANCEL_ENABLE, false);
        c.set(org.apache.flink.configuration.WebOptions.RESCALE_ENABLE, false);
        c.set(org.apache.flink.configuration.WebOptions.ACCESS_CONTROL_ALLOW_ORIGIN, "");
        return c;
    }

    /** Readiness of the KPI job: "RUNNING", or throws naming its state (cancelled, failed, restarting …). */
    static String jobState(JobClient job) throws Exception {
        org.apache.flink.api.common.JobStatus status = job.getJobStatus().get(3, java.util.concurrent.TimeUnit.SECONDS);
        if (status != org.apache.flink.api.common.JobStatus.RUNNING) {
            throw new IllegalStateException("KPI job " + job.getJobID() + " is " + status);
        }
        return "RUNNING";
    }

    /** The demo's auth switch ({@code IOC_AUTH}, default off here) decides, whatever the modules' own default. */
    private static Map<String, String> withAuthSwitch(Map<String, String> env, boolean auth) {
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.put("IOC_AUTH", auth ? "on" : "off");
        return copy;
    }

    public int dashboardPort() {
        return dashboard.port();
    }

    public int ingestPort() {
        return ingest.port();
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    /** The KPI job's client (its state, its id). */
    public JobClient job() {
        return job;
    }

    /**
     * Stops everything in order, within {@link #CLOSE_BUDGET_MS} in all: simulator and clock, then the HTTP servers
     * (no new input), the ingest producer (flushes what it holds), the KPI job, the Kafka broker. Each step gets what
     * is left of the budget; a step that overruns is logged and the next one runs.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_BUDGET_MS * 1_000_000;
        step("simulator and clock", deadline, () -> {
            scheduler.shutdownNow();
            scheduler.awaitTermination(left(deadline) / 4, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
        step("HTTP servers", deadline, () -> vertx.close().toCompletionStage().toCompletableFuture()
                .get(left(deadline) / 2, java.util.concurrent.TimeUnit.MILLISECONDS));
        step("ingest producer", deadline, publisher::close);
        step("KPI job", deadline, () -> job.cancel().get(left(deadline) / 2, java.util.concurrent.TimeUnit.MILLISECONDS));
        step("Kafka broker", deadline, kafka::close);
    }

    /** The whole shutdown's budget: a SIGTERM must leave the process within 10 s. */
    static final long CLOSE_BUDGET_MS = 8_000;

    private interface Step {
        void run() throws Exception;
    }

    private static long left(long deadline) {
        return Math.max(100, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static void step(String what, long deadline, Step step) {
        long t0 = System.nanoTime();
        try {
            step.run();
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("stopping {}: still busy after {} ms, going on", what, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            LOG.warn("stopping {}: {}", what, e.toString());
        }
        LOG.debug("stopped {} in {} ms", what, (System.nanoTime() - t0) / 1_000_000);
    }
}
