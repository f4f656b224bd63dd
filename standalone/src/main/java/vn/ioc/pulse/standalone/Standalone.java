package vn.ioc.pulse.standalone;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
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
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(Topics.CASE_EVENTS, 4);
        topics.put(Topics.SERVICE_EVENTS, 4);
        topics.put(Topics.KPI_UPDATES, 4);
        topics.put(Topics.ALERTS, 1);
        topics.put(Topics.DEAD_LETTER, 1);
        kafka.createTopics(topics);

        Map<String, String> env = new LinkedHashMap<>(config.env());
        env.put("IOC_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.putIfAbsent("IOC_CHECKPOINT_DIR", data.resolve("checkpoints").toUri().toString());
        env.putIfAbsent("IOC_CHECKPOINT_INTERVAL_MS", "5000");
        if (config.influxUrl() == null) {
            env.remove("IOC_INFLUX_URL");
        }
        JobConfig jobConfig = JobConfig.fromEnv(env);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironment(
                jobConfig.parallelism(), KpiJobMain.flinkConfiguration(jobConfig));
        JobClient job = KpiJobMain.start(flink, jobConfig);
        LOG.info("KPI job {} submitted to the local Flink MiniCluster", job.getJobID());

        Vertx vertx = Vertx.vertx();
        DashboardConfig dashboardConfig = DashboardConfig.fromEnv(env);
        dashboardConfig = new DashboardConfig(config.dashboardPort(), dashboardConfig.kafkaBootstrap(),
                dashboardConfig.influxUrl(), dashboardConfig.influxDb(), dashboardConfig.influxToken(),
                dashboardConfig.historyMemoryPoints());
        DashboardVerticle dashboard = DashboardMain.verticle(dashboardConfig);
        vertx.deployVerticle(dashboard).await();

        IngestConfig ingestConfig = IngestConfig.fromEnv(withAuthSwitch(env, config.auth()))
                .withPort(config.ingestPort());
        EventPublisher publisher = new EventPublisher(ingestConfig);
        IngestVerticle ingest = new IngestVerticle(ingestConfig, publisher);
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

    /** The KPI job on the local MiniCluster (its status is a health signal, e.g. for {@code ./ioc fuzz}). */
    public JobClient kpiJob() {
        return job;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            vertx.close().await();
        } catch (RuntimeException e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
        publisher.close();
        try {
            job.cancel().get();
        } catch (Exception e) {
            LOG.warn("cancelling the KPI job: {}", e.toString());
        }
        kafka.close();
    }
}
