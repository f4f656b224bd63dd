package vn.ioc.pulse.ingest;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the ingest gateway as its own deployable, configured from the environment ({@link IngestConfig}). */
public final class IngestMain {
    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);

    private IngestMain() {
    }

    public static void main(String[] args) {
        IngestConfig config = IngestConfig.fromEnv(System.getenv());
        Vertx vertx = Vertx.vertx();
        EventPublisher publisher = new EventPublisher(config);
        vertx.deployVerticle(new IngestVerticle(config, publisher))
                .onFailure(e -> {
                    LOG.error("ingest gateway failed to start", e);
                    System.exit(1);
                });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            vertx.close().await();
            publisher.close();
        }));
    }
}
