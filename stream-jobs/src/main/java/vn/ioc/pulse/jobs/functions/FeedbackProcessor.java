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
import vn.ioc.pulse.jobs.rules.FeedbackRules;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by feedback_id: keeps the item's distinct events and emits the difference of its contributions
 * ({@link FeedbackRules}) when a new one arrives. Items are kept for ever (a few hundred bytes each; PAKN volumes are
 * small): DOMAIN.md §7 — no clean-up may change a KPI for events that arrive in event-time order, and a forgotten
 * answered item was reopened by a later receipt.
 * An event whose rules fail goes to the dead letter and leaves the item's state as it was.
 */
public class FeedbackProcessor extends KeyedProcessFunction<String, ServiceEvent, ContributionBatch> {
    static final String OPERATOR = "feedback-state";

    private final FeedbackRules rules;
    private transient ListState<ServiceEvent> events;
    private transient RecordFailures failures;

    public FeedbackProcessor(FeedbackRules rules) {
        this.rules = rules;
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
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), e.eventId(), e, ex));
            return;
        }
        events.add(e);
        for (ContributionBatch b : batches) {
            out.collect(b);
        }
    }

    /** Timers of checkpoints written when answered items were forgotten after a retention: items are now kept. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) {
        // nothing to forget
    }
}
