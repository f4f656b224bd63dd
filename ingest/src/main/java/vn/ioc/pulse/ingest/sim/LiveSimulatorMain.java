package vn.ioc.pulse.ingest.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * The demo's live Sơn La simulator as its own process, publishing to Kafka like the gateway does (the local cluster,
 * {@code ./ioc cluster up}, runs it beside the gateway so the wall screen has traffic). Settings from the environment:
 * {@link IngestConfig} (Kafka), {@code IOC_SIM_SCALE} [1], {@code IOC_SIM_SEED} [2025], {@code IOC_SIM_BACKFILL_DAYS}
 * [7: simulated days emitted at start, before the live traffic], {@code IOC_CALENDAR_FILE}. Not for production.
 */
public final class LiveSimulatorMain {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSimulatorMain.class);

    private LiveSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        IngestConfig config = IngestConfig.fromEnv(Map.of("IOC_KAFKA_BOOTSTRAP",
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"), "IOC_AUTH", "off"));
        String calendarFile = env.get("IOC_CALENDAR_FILE");
        WorkingCalendar calendar = calendarFile == null || calendarFile.isBlank() ? WorkingCalendar.load()
                : WorkingCalendar.load(Path.of(calendarFile));
        EventPublisher publisher = new EventPublisher(config);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        SimulatorRunner simulator = new SimulatorRunner(ReferenceData.load(), calendar, SimulatorParams.defaults()
                .withSeed(Long.parseLong(env.getOrDefault("IOC_SIM_SEED", "2025")))
                .withScale(Double.parseDouble(env.getOrDefault("IOC_SIM_SCALE", "1"))),
                Duration.ofDays(Integer.parseInt(env.getOrDefault("IOC_SIM_BACKFILL_DAYS", "7"))), Clock.systemUTC(),
                SimulatorRunner.publishingTo(publisher));
        scheduler.execute(() -> {
            try {
                simulator.backfill();
            } catch (RuntimeException e) {
                LOG.error("simulator backfill failed; live traffic starts anyway", e);
            }
            simulator.start(scheduler);
        });
        LOG.info("live simulator publishing to Kafka {}", config.kafkaBootstrap());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
            publisher.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
