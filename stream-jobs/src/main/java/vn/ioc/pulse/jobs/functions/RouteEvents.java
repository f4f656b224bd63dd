package vn.ioc.pulse.jobs.functions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Envelope;
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

    private transient Counter invalid;

    @Override
    public void open(OpenContext openContext) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<DossierInput> out) {
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
}
