package vn.ioc.pulse.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vn.ioc.pulse.embedded.InfluxdProcess;

/** The store contract against a real influxd (Debian's InfluxDB 1.x) started as a child process. */
class InfluxKpiHistoryStoreIntegrationTest extends KpiHistoryStoreContract {
    private static InfluxdProcess influxd;
    private static InfluxKpiHistoryStore store;

    @BeforeAll
    static void startInflux() {
        influxd = InfluxdProcess.start();
        store = new InfluxKpiHistoryStore(influxd.url(), "ioc", null);
    }

    @AfterAll
    static void stopInflux() {
        if (store != null) {
            store.close();
        }
        if (influxd != null) {
            influxd.close();
        }
    }

    @Override
    KpiHistoryStore store() {
        return store;
    }
}
