package vn.ioc.pulse.dashboard;

import java.util.Map;

/**
 * Configuration of the dashboard API, read once from environment variables (defaults in brackets):
 * {@code IOC_DASHBOARD_PORT} [8080], {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092], {@code IOC_INFLUX_URL} [none:
 * KPI history kept in memory from the KPI topic], {@code IOC_INFLUX_DB} [ioc], {@code IOC_INFLUX_TOKEN} [none],
 * {@code IOC_HISTORY_MEMORY_POINTS} [300000 in all series together, ≈ 50 MB; at most 10000 per series]: the bound of
 * the in-memory history.
 */
public record DashboardConfig(int port, String kafkaBootstrap, String influxUrl, String influxDb, String influxToken,
                              int historyMemoryPoints) {

    public static DashboardConfig fromEnv(Map<String, String> env) {
        String influx = env.get("IOC_INFLUX_URL");
        return new DashboardConfig(
                Integer.parseInt(env.getOrDefault("IOC_DASHBOARD_PORT", "8080")),
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"),
                influx == null || influx.isBlank() ? null : influx,
                env.getOrDefault("IOC_INFLUX_DB", "ioc"),
                env.get("IOC_INFLUX_TOKEN"),
                Integer.parseInt(env.getOrDefault("IOC_HISTORY_MEMORY_POINTS", "300000")));
    }
}
