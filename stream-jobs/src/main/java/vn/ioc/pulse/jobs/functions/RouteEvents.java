package vn.ioc.pulse.jobs.functions;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.CaseEvent;

/**
 * Routes envelopes: case events to the main output; invalid input to the dead-letter side output (with its
 * reason, counted); clock ticks only move the watermark and go no further.
 */
public class RouteEvents extends ProcessFunction<Envelope, CaseEvent> {
    public static final OutputTag<String> DEAD_LETTER = new OutputTag<>("dead-letter") {
    };

    private transient org.apache.flink.metrics.Counter invalid;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<CaseEvent> out) {
        if (e.caseEvent != null) {
            out.collect(e.caseEvent);
        } else if (e.invalidInput != null) {
            invalid.inc();
            com.fasterxml.jackson.databind.node.ObjectNode o = vn.ioc.pulse.model.EventCodec.mapper().createObjectNode();
            o.put("source", "kpi-job");
            o.put("error", e.invalidReason);
            o.put("input", e.invalidInput);
            ctx.output(DEAD_LETTER, o.toString());
        }
    }
}
