package vn.ioc.pulse.standalone;

import java.util.Map;

/** The whole system for tests: free ports, no simulator, no live clock, checkpoints every second. */
final class QuietSystem {
    private QuietSystem() {
    }

    static Standalone start() throws Exception {
        return start(Map.of());
    }

    /** With more settings (e.g. alert receivers). */
    static Standalone start(Map<String, String> more) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "IOC_DASHBOARD_PORT", "0", "IOC_INGEST_PORT", "0",
                "IOC_SIMULATOR", "off", "IOC_LIVE_CLOCK", "off", "IOC_CHECKPOINT_INTERVAL_MS", "1000"));
        env.putAll(more);
        return Standalone.start(StandaloneConfig.fromEnv(env));
    }
}
