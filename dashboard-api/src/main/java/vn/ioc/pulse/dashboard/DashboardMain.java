package vn.ioc.pulse.dashboard;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.store.InMemoryKpiHistoryStore;
import vn.ioc.pulse.store.InfluxKpiHistoryStore;
import vn.ioc.pulse.store.KpiHistoryStore;

/** Runs the dashboard API as its own deployable, configured from the environment ({@link DashboardConfig}). */
public final class DashboardMain {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardMain.class);

    private DashboardMain() {
    }

    /** The verticle for a configuration: InfluxDB history when configured, else in memory from the KPI topic. */
    public static DashboardVerticle verticle(DashboardConfig config) {
        return verticle(config, java.util.List.of());
    }

    /** As {@link #verticle(DashboardConfig)}, with more readiness checks (the demo adds the KPI job's state). */
    public static DashboardVerticle verticle(DashboardConfig config,
                                             java.util.List<vn.ioc.pulse.web.Readiness.Check> extraChecks) {
        boolean memory = config.influxUrl() == null;
        KpiHistoryStore store = memory
                ? new InMemoryKpiHistoryStore(10_000, config.historyMemoryPoints())
                : new InfluxKpiHistoryStore(config.influxUrl(), config.influxDb(), config.influxToken());
        return new DashboardVerticle(config, store, memory, KpiCatalog.load(), extraChecks);
    }

    public static void main(String[] args) {
        DashboardConfig config = DashboardConfig.fromEnv(System.getenv());
        Vertx vertx = vn.ioc.pulse.web.Metrics.vertx();
        vertx.deployVerticle(verticle(config)).onFailure(e -> {
            LOG.error("dashboard API failed to start", e);
            System.exit(1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    }
}
