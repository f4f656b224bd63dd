package vn.ioc.pulse.jobs.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by event_id: counts each PAYMENT_SUCCEEDED / PAYMENT_FAILED once (every retry is its own event and counts),
 * at its occurred_at, for the province and the event's own agency and commune. The "seen" mark is kept for
 * {@code retentionMs} of event time.
 */
public class PaymentProcessor extends KeyedProcessFunction<String, ServiceEvent, ContributionBatch> {
    private final String provinceCode;
    private final long retentionMs;
    private transient ValueState<Boolean> seen;

    public PaymentProcessor(String provinceCode, long retentionMs) {
        this.provinceCode = provinceCode;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
    }

    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<ContributionBatch> out) throws Exception {
        if (seen.value() != null) {
            return;
        }
        seen.update(true);
        long t = e.occurredAt().toEpochMilli();
        ctx.timerService().registerEventTimeTimer(t + retentionMs);
        Measure m = e.type() == ServiceEvent.Type.PAYMENT_SUCCEEDED ? Measure.PAYMENT_SUCCEEDED : Measure.PAYMENT_FAILED;
        java.util.List<Contribution> all = new java.util.ArrayList<>();
        all.add(new Contribution("province", provinceCode, m, t, t, 1));
        if (e.agencyCode() != null) {
            all.add(new Contribution("agency", e.agencyCode(), m, t, t, 1));
        }
        if (e.communeCode() != null) {
            all.add(new Contribution("commune", e.communeCode(), m, t, t, 1));
        }
        ContributionBatch.byScope(all).forEach(out::collect);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) {
        seen.clear();
    }
}
