package vn.ioc.pulse.jobs.functions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Routes envelopes: case events, and feedback events that name a dossier (complaint links), to the dossier
 * stream; service events to the {@link #SERVICE} side output; invalid input to the dead-letter side output (with
 * its reason, counted). Clock ticks only move the watermark and go no further.
 */
public class RouteEvents extends ProcessFunction<Envelope, DossierInput> {
    public static final OutputTag<String> DEAD_LETTER = new OutputTag<>("dead-letter") {
    };
    public static final OutputTag<ServiceEvent> SERVICE = new OutputTag<>("service-events") {
    };

    static final String OPERATOR = "route-events";

    private transient Counter invalid;
    private transient RecordFailures failures;

    @Override
    public void open(OpenContext openContext) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<DossierInput> out) {
        String problem;
        try {
            problem = structuralProblem(e);
        } catch (RuntimeException ex) {
            problem = RecordFailures.reason(ex);
        }
        if (problem != null) {
            // a record built without the codec (another producer, a test): the keyed operators could not even be
            // reached with it, since keyBy needs these fields
            IllegalArgumentException ex = new IllegalArgumentException(problem);
            Object input = e.caseEvent != null ? e.caseEvent : e.serviceEvent != null ? e.serviceEvent : e.tick;
            String key = e.caseEvent != null ? e.caseEvent.dossierCode()
                    : e.serviceEvent != null ? e.serviceEvent.kafkaKey() : null;
            String id = e.caseEvent != null ? e.caseEvent.eventId() : e.serviceEvent != null ? e.serviceEvent.eventId() : null;
            ctx.output(DEAD_LETTER, failures.failed(key, id, input, ex));
            return;
        }
        if (e.caseEvent != null) {
            out.collect(DossierInput.of(e.caseEvent));
        } else if (e.serviceEvent != null) {
            ServiceEvent s = e.serviceEvent;
            ctx.output(SERVICE, s);
            if (s.dossierCode() != null && s.type().name().startsWith("FEEDBACK_")) {
                DossierInput link = DossierInput.complaint(s.eventId(), s.occurredAt());
                link.complaintDossier = s.dossierCode();
                out.collect(link);
            }
        } else if (e.invalidInput != null) {
            invalid.inc();
            ObjectNode o = EventCodec.mapper().createObjectNode();
            o.put("source", "kpi-job");
            o.put("error", e.invalidReason);
            o.put("input", e.invalidInput);
            ctx.output(DEAD_LETTER, o.toString());
        }
    }

    /**
     * What makes a parsed record unroutable: a missing field that a key selector or a filter of the job reads, or a
     * clock tick outside {@link EventTime}'s range (it would move every dossier's clock); null if routable. Other
     * bad values (a year-9999 occurred_at, an absurd duration) are left to the keyed operators, which dead-letter
     * them with their key.
     */
    static String structuralProblem(Envelope e) {
        if (e.caseEvent != null) {
            CaseEvent c = e.caseEvent;
            return c.dossierCode() == null ? "dossier_code is missing"
                    : c.eventId() == null ? "event_id is missing"
                    : c.type() == null ? "type is missing"
                    : c.occurredAt() == null ? "occurred_at is missing" : null;
        }
        if (e.serviceEvent != null) {
            ServiceEvent s = e.serviceEvent;
            return s.eventId() == null ? "event_id is missing"
                    : s.type() == null ? "type is missing"
                    : s.occurredAt() == null ? "occurred_at is missing"
                    : s.type() == ServiceEvent.Type.AVAILABILITY && s.component() == null ? "component is missing"
                    : null;
        }
        if (e.tick != null) {
            return e.tick.now() == null ? "clock tick without now"
                    : !EventTime.inRange(EventTime.saturatedMillis(e.tick.now()))
                    ? "clock tick " + e.tick.now() + " is outside the years 1900–2199 the job accepts" : null;
        }
        return null;
    }
}
