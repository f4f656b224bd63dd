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
    private final List<String> paused = new ArrayList<>();
    private final List<String> openFeedback = new ArrayList<>();
    private long feedbackCounter;
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

    /**
     * Generates and publishes one second of events at {@code now}: receipts, supplement requests and documents,
     * resolutions (with electronic results and fees paid online or not), ratings, payment attempts, citizen
     * feedback and the availability of the online components.
     */
    void step(Instant now) {
        int arrivals = poisson(dossiersPerSecond);
        for (int i = 0; i < arrivals; i++) {
            publish(received(now));
        }
        if (!paused.isEmpty() && random.nextDouble() < dossiersPerSecond * 0.08) {
            String dossier = paused.remove(random.nextInt(paused.size()));
            publish(base(dossier, "SUPPLEMENT_RECEIVED", now));
            open.add(dossier);
        }
        if (!open.isEmpty() && random.nextDouble() < dossiersPerSecond * 0.1) {
            String dossier = open.remove(random.nextInt(open.size()));
            publish(base(dossier, "SUPPLEMENT_REQUESTED", now));
            paused.add(dossier);
        }
        if (!open.isEmpty() && random.nextDouble() < dossiersPerSecond * 0.8) {
            String dossier = open.remove(random.nextInt(open.size()));
            if (random.nextDouble() < 0.4) {
                ObjectNode paid = base(dossier, "PAYMENT_COMPLETED", now);
                boolean online = random.nextDouble() < 0.65;
                paid.putObject("payment").put("online", online).put("gateway", online ? "DVCQG" : "LOCAL");
                publish(paid);
                publishService("PAYMENT_SUCCEEDED", now, o -> o.put("dossier_code", dossier).put("gateway", "DVCQG"));
            }
            ObjectNode resolved = base(dossier, "RESOLVED", now);
            resolved.putObject("digitisation").put("inputs_digitised", random.nextDouble() < 0.7)
                    .put("e_result", random.nextDouble() < 0.8);
            publish(resolved);
            if (random.nextDouble() < 0.3) {
                ObjectNode rated = base(dossier, "RATED", now);
                double r = random.nextDouble();
                rated.put("rating", r < 0.06 ? "DISSATISFIED" : r < 0.5 ? "SATISFIED" : "VERY_SATISFIED");
                publish(rated);
            }
        }
        if (random.nextDouble() < 0.05) {
            publishService("PAYMENT_FAILED", now, o -> o.put("gateway", "DVCQG"));
        }
        if (random.nextDouble() < 0.03) {
            String id = "PAKN-" + (++feedbackCounter);
            openFeedback.add(id);
            publishService("FEEDBACK_RECEIVED", now, o -> o.put("feedback_id", id));
        }
        if (!openFeedback.isEmpty() && random.nextDouble() < 0.025) {
            String id = openFeedback.remove(random.nextInt(openFeedback.size()));
            publishService("FEEDBACK_ANSWERED", now, o -> o.put("feedback_id", id));
        }
        if (now.getEpochSecond() % 30 == 0) {
            for (String component : new String[] {"PORTAL", "PAYMENT_GATEWAY", "DVCQG_SYNC", "VNEID", "ONE_STOP"}) {
                String state = random.nextDouble() < 0.01 ? "DOWN" : random.nextDouble() < 0.02 ? "DEGRADED" : "UP";
                publishService("AVAILABILITY", now, o -> o.put("component", component).put("state", state)
                        .put("latency_ms", 80 + random.nextInt(400)));
            }
        }
    }

    private void publishService(String type, Instant now, java.util.function.Consumer<ObjectNode> fields) {
        ReferenceData.Unit commune = ref.communes().get(random.nextInt(ref.communes().size()));
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("schema", "ioc.service.v1");
        o.put("event_id", "sim-" + clock.millis() + "-" + (++eventCounter));
        o.put("type", type);
        o.put("occurred_at", KpiValue.formatTime(now));
        o.put("agency_code", "UBND-" + commune.code());
        o.put("commune_code", commune.code());
        fields.accept(o);
        publish(o);
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
        o.put("service_level", p.online() ? (random.nextBoolean() ? "FULL" : "PARTIAL") : "NONE");
        o.putObject("digitisation").put("reused_data", random.nextDouble() < 0.5);
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
