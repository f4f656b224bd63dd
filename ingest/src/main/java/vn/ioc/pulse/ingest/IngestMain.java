package vn.ioc.pulse.ingest;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest gateway as its own deployable, configured from the environment ({@link IngestConfig}), with the
 * live clock (one tick per second to every event partition) unless {@code IOC_LIVE_CLOCK=off}. Ticks are
 * idempotent, so every gateway instance may run its own clock. Bearer-token auth is on unless {@code IOC_AUTH=off}
 * (see {@link vn.ioc.pulse.web.auth.BearerAuth.Config#fromEnv}); without a configured key it refuses to start.
 */
public final class IngestMain {
    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

    private IngestMain() {
    }

    public static void main(String[] args) {
        IngestConfig config;
        try {
            config = IngestConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("ingest gateway not started: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = vn.ioc.pulse.web.Metrics.vertx();
        EventPublisher publisher = new EventPublisher(config);
        java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        if (!"off".equalsIgnoreCase(System.getenv().getOrDefault("IOC_LIVE_CLOCK", "on"))) {
            new LiveClock(publisher, java.time.Clock.systemUTC()).start(scheduler);
        }
        vertx.deployVerticle(new IngestVerticle(config, publisher))
                .onFailure(e -> {
                    LOG.error("ingest gateway failed to start", e);
                    System.exit(1);
                });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
            vertx.close().await();
            publisher.close();
        }));
    }
}
