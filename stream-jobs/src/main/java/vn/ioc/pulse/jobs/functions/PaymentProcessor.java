package vn.ioc.pulse.jobs.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by event_id: counts each PAYMENT_SUCCEEDED / PAYMENT_FAILED once (every retry is its own event and counts),
 * at its occurred_at, for the province and the event's own agency and commune. The "seen" mark is kept for ever
 * (one small entry per payment id): DOMAIN.md §7 — the first accepted event with an id wins, and no clean-up may
 * change a KPI for events that arrive in event-time order; an id forgotten after a retention would count again.
 */
public class PaymentProcessor extends KeyedProcessFunction<String, ServiceEvent, ContributionBatch> {
    static final String OPERATOR = "payment-dedup";

    private final String provinceCode;
    private transient ValueState<Boolean> seen;
    private transient RecordFailures failures;

    public PaymentProcessor(String provinceCode) {
        this.provinceCode = provinceCode;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Events this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /** The payment is checked and its contributions built before it is marked as seen. */
    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<ContributionBatch> out) throws Exception {
        if (seen.value() != null) {
            return;
        }
        List<ContributionBatch> batches;
        long t;
        try {
            t = EventTime.millis(e.occurredAt(), "occurred_at");
            Measure m = e.type() == ServiceEvent.Type.PAYMENT_SUCCEEDED ? Measure.PAYMENT_SUCCEEDED
                    : e.type() == ServiceEvent.Type.PAYMENT_FAILED ? Measure.PAYMENT_FAILED : null;
            if (m == null) {
                throw new IllegalArgumentException("type " + e.type() + " is not a payment result");
            }
            List<Contribution> all = new ArrayList<>(3);
            all.add(new Contribution("province", provinceCode, m, t, t, 1));
            if (e.agencyCode() != null) {
                all.add(new Contribution("agency", e.agencyCode(), m, t, t, 1));
            }
            if (e.communeCode() != null) {
                all.add(new Contribution("commune", e.communeCode(), m, t, t, 1));
            }
            batches = ContributionBatch.byScope(all);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), e.eventId(), e, ex));
            return;
        }
        seen.update(true);
        batches.forEach(out::collect);
    }

    /** Timers of checkpoints written when ids were forgotten after a retention: the mark is now kept. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) {
        // nothing to forget
    }
}
