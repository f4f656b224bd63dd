package vn.ioc.pulse.standalone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./ioc demo}: starts the whole system in this JVM and prints where to look. */
public final class StandaloneMain {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneMain.class);

    private StandaloneMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        StandaloneConfig config = StandaloneConfig.fromEnv(System.getenv());
        if (config.auth()) {
            LOG.warn("IOC_AUTH=on was asked for, but authentication is not implemented yet: "
                    + "the ingest gateway and dashboard API are OPEN. Do not expose this demo.");
        } else {
            LOG.warn("AUTH IS OFF (demo): the ingest gateway and the dashboard API accept anyone on this machine.");
        }
        Standalone system = Standalone.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(system::close, "ioc-demo-shutdown"));
        String host = "http://localhost:";
        System.out.printf("%n  IOC Pulse demo is up (%.1f s)%n"
                        + "    Wall screen (WebSocket):  ws://localhost:%d/ws/v1%n"
                        + "    KPI values (REST):        %s%d/api/v1/kpis/values?kpi=received&scope_type=province%n"
                        + "    KPI catalogue:            %s%d/api/v1/kpis%n"
                        + "    Ingest gateway:           POST %s%d/api/v1/events%n"
                        + "    Kafka bootstrap:          %s%n"
                        + "    simulator %s, live clock %s, history %s. Ctrl-C stops everything.%n%n",
                (System.nanoTime() - t0) / 1e9, system.dashboardPort(), host, system.dashboardPort(), host,
                system.dashboardPort(), host, system.ingestPort(), system.kafkaBootstrap(),
                config.simulator() ? "on (scale " + config.simScale() + ", " + config.simBackfillDays()
                        + " days back-filled)" : "off", config.liveClock() ? "on" : "off",
                config.influxUrl() == null ? "in memory" : "InfluxDB " + config.influxUrl());
    }
}
