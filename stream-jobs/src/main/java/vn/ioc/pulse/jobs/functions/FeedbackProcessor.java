package vn.ioc.pulse.jobs.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.jobs.rules.FeedbackRules;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by feedback_id: keeps the item's distinct events and emits the difference of its contributions
 * ({@link FeedbackRules}) when a new one arrives; forgotten {@code retentionMs} of event time after the answer.
 * An event whose rules fail goes to the dead letter and leaves the item's state as it was.
 */
public class FeedbackProcessor extends KeyedProcessFunction<String, ServiceEvent, ContributionBatch> {
    static final String OPERATOR = "feedback-state";

    private final FeedbackRules rules;
    private final long retentionMs;
    private transient ListState<ServiceEvent> events;
    private transient RecordFailures failures;

    public FeedbackProcessor(FeedbackRules rules, long retentionMs) {
        this.rules = rules;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        events = getRuntimeContext().getListState(
                new ListStateDescriptor<>("feedback-events", TypeInformation.of(ServiceEvent.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Events this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<ContributionBatch> out) throws Exception {
        List<ServiceEvent> old = new ArrayList<>();
        for (ServiceEvent s : events.get()) {
            old.add(s);
        }
        List<ContributionBatch> batches;
        long retentionTimer;
        try {
            for (ServiceEvent s : old) {
                if (s.eventId().equals(e.eventId())) {
                    return; // duplicate: the first accepted event with this id wins
                }
            }
            rules.validate(e);
            List<ServiceEvent> updated = new ArrayList<>(old.size() + 1);
            updated.addAll(old);
            updated.add(e);
            old.sort(FeedbackRules.ORDER);
            updated.sort(FeedbackRules.ORDER);
            batches = DossierProcessor.differenceBatches(rules.contributions(old), rules.contributions(updated));
            long settled = FeedbackRules.settledAt(updated);
            retentionTimer = settled == Long.MAX_VALUE ? Long.MIN_VALUE : EventTime.plus(settled, retentionMs);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), e.eventId(), e, ex));
            return;
        }
        events.add(e);
        for (ContributionBatch b : batches) {
            out.collect(b);
        }
        if (retentionTimer != Long.MIN_VALUE) {
            ctx.timerService().registerEventTimeTimer(retentionTimer);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) throws Exception {
        List<ServiceEvent> all = new ArrayList<>();
        events.get().forEach(all::add);
        boolean forget;
        try {
            all.sort(FeedbackRules.ORDER);
            long settled = FeedbackRules.settledAt(all);
            forget = settled != Long.MAX_VALUE && EventTime.plus(settled, retentionMs) <= timestamp;
        } catch (RuntimeException ex) {
            // the state is left as it is (kept, not forgotten)
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "retention timer at " + java.time.Instant.ofEpochMilli(timestamp), ex));
            return;
        }
        if (forget) {
            events.clear();
        }
    }
}
