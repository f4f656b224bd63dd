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
 * ({@link FeedbackRules}) when a new one arrives; forgotten {@code retentionMs} of event time after the answer.
 */
public class FeedbackProcessor extends KeyedProcessFunction<String, ServiceEvent, ContributionBatch> {
    private final FeedbackRules rules;
    private final long retentionMs;
    private transient ListState<ServiceEvent> events;

    public FeedbackProcessor(FeedbackRules rules, long retentionMs) {
        this.rules = rules;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        events = getRuntimeContext().getListState(
                new ListStateDescriptor<>("feedback-events", TypeInformation.of(ServiceEvent.class)));
    }

    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<ContributionBatch> out) throws Exception {
        List<ServiceEvent> old = new ArrayList<>();
        for (ServiceEvent s : events.get()) {
            if (s.eventId().equals(e.eventId())) {
                return; // duplicate: the first accepted event with this id wins
            }
            old.add(s);
        }
        events.add(e);
        List<ServiceEvent> updated = new ArrayList<>(old);
        updated.add(e);
        old.sort(FeedbackRules.ORDER);
        updated.sort(FeedbackRules.ORDER);
        DossierProcessor.emitDifference(rules.contributions(old), rules.contributions(updated), out);
        long settled = FeedbackRules.settledAt(updated);
        if (settled != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(settled + retentionMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) throws Exception {
        List<ServiceEvent> all = new ArrayList<>();
        events.get().forEach(all::add);
        all.sort(FeedbackRules.ORDER);
        long settled = FeedbackRules.settledAt(all);
        if (settled != Long.MAX_VALUE && settled + retentionMs <= timestamp) {
            events.clear();
        }
    }
}
