package vn.ioc.pulse.standalone;

import java.util.Map;

/** The whole system for tests: free ports, no simulator, no live clock, checkpoints every second. */
final class QuietSystem {
    private QuietSystem() {
    }

    static Standalone start() throws Exception {
        return Standalone.start(StandaloneConfig.fromEnv(Map.of(
                "IOC_DASHBOARD_PORT", "0", "IOC_INGEST_PORT", "0",
                "IOC_SIMULATOR", "off", "IOC_LIVE_CLOCK", "off", "IOC_CHECKPOINT_INTERVAL_MS", "1000")));
    }
}
