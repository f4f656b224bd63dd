package vn.ioc.pulse.ingest.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ValidationException;

/**
 * A small live event generator for the demo: seeded, using the Sơn La communes and the real procedure sample.
 * Every second it receives new dossiers (online share by procedure) and resolves some open ones. Events go
 * through the same codec validation and publisher as the gateway.
 */
public final class DemoSimulator {
    private static final Logger LOG = LoggerFactory.getLogger(DemoSimulator.class);

    private final ReferenceData ref;
    private final EventPublisher publisher;
    private final Random random;
    private final double dossiersPerSecond;
    private final Clock clock;
    private final List<String> open = new ArrayList<>();
    private long dossierCounter;
    private long eventCounter;

    public DemoSimulator(ReferenceData ref, EventPublisher publisher, long seed, double dossiersPerSecond, Clock clock) {
        this.ref = ref;
        this.publisher = publisher;
        this.random = new Random(seed);
        this.dossiersPerSecond = dossiersPerSecond;
        this.clock = clock;
    }

    public void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleAtFixedRate(this::safeStep, 0, 1, TimeUnit.SECONDS);
        LOG.info("demo simulator on: about {} dossiers/s over {} communes and {} procedures", dossiersPerSecond,
                ref.communes().size(), ref.procedures().size());
    }

    private void safeStep() {
        try {
            step(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("simulator step failed: {}", e.toString());
        }
    }

    /** Generates and publishes one second of events at {@code now}. */
    void step(Instant now) {
        int arrivals = poisson(dossiersPerSecond);
        for (int i = 0; i < arrivals; i++) {
            publish(received(now));
        }
        if (!open.isEmpty() && random.nextDouble() < dossiersPerSecond * 0.8) {
            String dossier = open.remove(random.nextInt(open.size()));
            ObjectNode resolved = base(dossier, "RESOLVED", now);
            publish(resolved);
        }
    }

    private ObjectNode received(Instant now) {
        ReferenceData.Procedure p = ref.procedures().get(random.nextInt(ref.procedures().size()));
        ReferenceData.Unit commune = ref.communes().get(random.nextInt(ref.communes().size()));
        String dossier = "SL-" + now.atZone(KpiValue.ZONE).toLocalDate().toString().replace("-", "") + "-"
                + (++dossierCounter);
        open.add(dossier);
        ObjectNode o = base(dossier, "RECEIVED", now);
        o.put("procedure_code", p.code());
        o.put("field_code", p.fieldCode());
        String agency = p.communeLevel() && (!p.provinceLevel() || random.nextBoolean())
                ? "UBND-" + commune.code() : ref.agencyByMinistry().getOrDefault(p.ministry(), "UBND-TINH");
        o.put("agency_code", agency);
        o.put("commune_code", commune.code());
        o.put("channel", p.online() && random.nextDouble() < 0.6 ? "ONLINE" : random.nextDouble() < 0.9 ? "DIRECT" : "POSTAL");
        ObjectNode duration = o.putObject("regulated_duration");
        duration.put("value", p.durationValue() != null ? p.durationValue() : 5);
        duration.put("unit", p.durationUnit() != null ? p.durationUnit() : "WORKING_DAY");
        return o;
    }

    private ObjectNode base(String dossier, String type, Instant now) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("schema", "ioc.case.v1");
        o.put("event_id", "sim-" + clock.millis() + "-" + (++eventCounter));
        o.put("dossier_code", dossier);
        o.put("type", type);
        o.put("occurred_at", KpiValue.formatTime(now));
        o.put("source_system", "ioc-demo-simulator");
        return o;
    }

    private void publish(ObjectNode event) {
        String json = event.toString();
        try {
            publisher.publish(EventCodec.parse(json), json);
        } catch (ValidationException e) {
            throw new IllegalStateException("simulator produced an invalid event: " + e.getMessage() + " " + json, e);
        }
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
