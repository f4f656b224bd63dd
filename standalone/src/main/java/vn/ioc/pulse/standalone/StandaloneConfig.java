package vn.ioc.pulse.standalone;

import java.util.HashMap;
import java.util.Map;

/**
 * The demo's settings, from environment variables (defaults in brackets): {@code IOC_DASHBOARD_PORT} [8080],
 * {@code IOC_INGEST_PORT} [8081], {@code IOC_KAFKA_PORT} [0: a free port], {@code IOC_DATA_DIR} [none: a fresh
 * temp folder, i.e. empty state], {@code IOC_SIMULATOR} [on], {@code IOC_LIVE_CLOCK} [on], {@code IOC_SIM_SCALE}
 * [1: the simulator's Sơn La volume, about 1,500 dossiers per working day; 2 doubles it], {@code IOC_SIM_SEED}
 * [2025], {@code IOC_SIM_BACKFILL_DAYS} [7: simulated days emitted at start-up, so the today/24 h/7 d windows have
 * data at once; 0 = live only], {@code IOC_INFLUX_URL} [none: in-memory KPI history], {@code IOC_AUTH} [off],
 * {@code IOC_BIND_ADDRESS} [127.0.0.1: the gateway and the API are reachable from this machine only; 0.0.0.0 opens
 * them to the network — Kafka and Flink stay on loopback]. Every
 * other IOC_* variable is passed to the modules (see their config records). The simulator is described in
 * docs/simulator.md.
 */
public record StandaloneConfig(int dashboardPort, int ingestPort, int kafkaPort, String dataDir, boolean simulator,
                               boolean liveClock, double simScale, long simSeed, int simBackfillDays, String influxUrl,
                               boolean auth, String bindAddress, Map<String, String> env) {

    public static StandaloneConfig fromEnv(Map<String, String> env) {
        String influx = env.get("IOC_INFLUX_URL");
        return new StandaloneConfig(
                Integer.parseInt(env.getOrDefault("IOC_DASHBOARD_PORT", "8080")),
                Integer.parseInt(env.getOrDefault("IOC_INGEST_PORT", "8081")),
                Integer.parseInt(env.getOrDefault("IOC_KAFKA_PORT", "0")),
                blankToNull(env.get("IOC_DATA_DIR")),
                on(env.getOrDefault("IOC_SIMULATOR", "on")),
                on(env.getOrDefault("IOC_LIVE_CLOCK", "on")),
                Double.parseDouble(env.getOrDefault("IOC_SIM_SCALE", "1")),
                Long.parseLong(env.getOrDefault("IOC_SIM_SEED", "2025")),
                Integer.parseInt(env.getOrDefault("IOC_SIM_BACKFILL_DAYS", "7")),
                blankToNull(influx),
                on(env.getOrDefault("IOC_AUTH", "off")),
                env.getOrDefault("IOC_BIND_ADDRESS", "127.0.0.1").trim(),
                new HashMap<>(env));
    }

    private static boolean on(String v) {
        return switch (v.trim().toLowerCase()) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("expected on or off, got '" + v + "'");
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
