package vn.ioc.pulse.dashboard;

import java.util.Map;
import vn.ioc.pulse.dashboard.alerts.delivery.DeliveryConfig;
import vn.ioc.pulse.web.ServerLimits;
import vn.ioc.pulse.web.auth.BearerAuth;

/**
 * Configuration of the dashboard API, read once from environment variables (defaults in brackets):
 * {@code IOC_DASHBOARD_PORT} [8080], {@code IOC_KAFKA_BOOTSTRAP} [localhost:9092], {@code IOC_INFLUX_URL} [none:
 * KPI history kept in memory from the KPI topic], {@code IOC_INFLUX_DB} [ioc], {@code IOC_INFLUX_TOKEN} [none],
 * {@code IOC_HISTORY_MEMORY_POINTS} [300000 in all series together, ≈ 50 MB; at most 10000 per series]: the bound of
 * the in-memory history; bind address, connection cap and timeouts from {@link ServerLimits#fromEnv}
 * ({@code IOC_BIND_ADDRESS} [0.0.0.0], {@code IOC_HTTP_MAX_CONNECTIONS} [25000] …); bearer-token auth from
 * {@link BearerAuth.Config#fromEnv} ({@code IOC_AUTH} [on]: every read needs a token with one of the roles screen,
 * leader, operator, integration, admin; {@code IOC_AUTH_UNITS_CLAIM} limits what it may read); the WebSocket
 * protocol's limits and timings from {@link WsSettings#fromEnv}; alert receivers from {@link DeliveryConfig#fromEnv}
 * ({@code IOC_ALERT_RECEIVERS_FILE}, {@code IOC_ALERT_WEBHOOK_URL} + {@code IOC_ALERT_WEBHOOK_SECRET}; none = no
 * delivery).
 */
public record DashboardConfig(int port, String kafkaBootstrap, String influxUrl, String influxDb, String influxToken,
                              int historyMemoryPoints, ServerLimits limits, BearerAuth.Config auth, WsSettings ws,
                              DeliveryConfig delivery) {

    /** Connections (wall screens' WebSockets included) held at most unless {@code IOC_HTTP_MAX_CONNECTIONS} says. */
    public static final int DEFAULT_MAX_CONNECTIONS = 25_000;

    /** Loopback-only defaults for the server limits (tests). */
    public DashboardConfig(int port, String kafkaBootstrap, String influxUrl, String influxDb, String influxToken,
                           int historyMemoryPoints) {
        this(port, kafkaBootstrap, influxUrl, influxDb, influxToken, historyMemoryPoints,
                ServerLimits.defaults(DEFAULT_MAX_CONNECTIONS).withBindAddress("127.0.0.1"), BearerAuth.Config.OFF,
                WsSettings.defaults(), DeliveryConfig.none());
    }

    public DashboardConfig withAuth(BearerAuth.Config newAuth) {
        return new DashboardConfig(port, kafkaBootstrap, influxUrl, influxDb, influxToken, historyMemoryPoints, limits,
                newAuth, ws, delivery);
    }

    public DashboardConfig withWs(WsSettings newWs) {
        return new DashboardConfig(port, kafkaBootstrap, influxUrl, influxDb, influxToken, historyMemoryPoints, limits,
                auth, newWs, delivery);
    }

    public DashboardConfig withPort(int newPort) {
        return new DashboardConfig(newPort, kafkaBootstrap, influxUrl, influxDb, influxToken, historyMemoryPoints,
                limits, auth, ws, delivery);
    }

    public DashboardConfig withDelivery(DeliveryConfig newDelivery) {
        return new DashboardConfig(port, kafkaBootstrap, influxUrl, influxDb, influxToken, historyMemoryPoints,
                limits, auth, ws, newDelivery);
    }

    public static DashboardConfig fromEnv(Map<String, String> env) {
        String influx = env.get("IOC_INFLUX_URL");
        return new DashboardConfig(
                Integer.parseInt(env.getOrDefault("IOC_DASHBOARD_PORT", "8080")),
                env.getOrDefault("IOC_KAFKA_BOOTSTRAP", "localhost:9092"),
                influx == null || influx.isBlank() ? null : influx,
                env.getOrDefault("IOC_INFLUX_DB", "ioc"),
                env.get("IOC_INFLUX_TOKEN"),
                Integer.parseInt(env.getOrDefault("IOC_HISTORY_MEMORY_POINTS", "300000")),
                ServerLimits.fromEnv(env, DEFAULT_MAX_CONNECTIONS),
                BearerAuth.Config.fromEnv(env),
                WsSettings.fromEnv(env),
                DeliveryConfig.fromEnv(env));
    }
}
