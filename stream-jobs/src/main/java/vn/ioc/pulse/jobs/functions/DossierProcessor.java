package vn.ioc.pulse.jobs.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.OverdueChange;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.CaseEventType;

/**
 * Keyed by dossier_code: keeps the dossier's distinct inputs (first accepted event_id wins) and, when a new one
 * arrives, emits the difference between the contributions of the new and the old input set (retractions first).
 * A dossier that is not open (ended, refused, or not received yet) is never forgotten — a rating, payment or
 * complaint can come months later, a RECEIVED long after a complaint — but {@code retentionMs} of event time after
 * its last input its list is replaced by its compact form ({@link DossierRules#compact}): the few inputs that give
 * the same facts now and after any later event. An open dossier keeps every input.
 */
public class DossierProcessor extends KeyedProcessFunction<String, DossierInput, ContributionBatch> {
    static final String OPERATOR = "dossier-state";
    /**
     * Side output: a dossier's OVERDUE interval changes at its agency ({@link OverdueChange}), emitted only when its
     * difference touches {@link vn.ioc.pulse.jobs.records.Measure#OPEN_OVERDUE} there (the overdue alerts' input).
     */
    public static final OutputTag<OverdueChange> OVERDUE = new OutputTag<>("overdue-changes") {
    };
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DossierProcessor.class);

    private final DossierRules rules;
    private final long retentionMs;
    private transient ListState<DossierInput> inputs;
    private transient RecordFailures failures;

    public DossierProcessor(DossierRules rules, long retentionMs) {
        this.rules = rules;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        inputs = getRuntimeContext().getListState(
                new ListStateDescriptor<>("inputs", TypeInformation.of(DossierInput.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Inputs this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /**
     * Everything is computed before the state changes: an input whose rules fail (an instant outside the job's
     * range, a regulated duration that gives no due date, a missing field …) goes to the dead letter and leaves
     * the dossier exactly as it was.
     */
    @Override
    public void processElement(DossierInput input, Context ctx, Collector<ContributionBatch> out) throws Exception {
        List<DossierInput> old = new ArrayList<>();
        for (DossierInput e : inputs.get()) {
            old.add(e);
        }
        List<ContributionBatch> batches;
        List<OverdueChange> overdue;
        long retentionTimer;
        try {
            String id = input.eventId();
            for (DossierInput e : old) {
                if (e.eventId().equals(id)) {
                    return; // duplicate: the first accepted event with this id wins
                }
            }
            rules.validate(input);
            old.sort(DossierRules.INPUT_ORDER);
            List<DossierInput> updated = new ArrayList<>(old.size() + 1);
            updated.addAll(old);
            updated.add(input);
            updated.sort(DossierRules.INPUT_ORDER);
            // only what the new event can change: the segments from its instant on (DossierRules.contributionsFrom)
            long from = EventTime.millis(input.at(), "occurred_at");
            batches = batches(rules.differenceFrom(old, updated, from));
            overdue = OverdueChange.of(ctx.getCurrentKey(), batches);
            retentionTimer = stillOpen(updated) ? Long.MIN_VALUE
                    : EventTime.plus(EventTime.saturatedMillis(updated.get(updated.size() - 1).at()), retentionMs);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), safeEventId(input), input, ex));
            return;
        }
        inputs.add(input);
        for (ContributionBatch b : batches) {
            out.collect(b);
        }
        for (OverdueChange c : overdue) {
            ctx.output(OVERDUE, c);
        }
        if (retentionTimer != Long.MIN_VALUE) {
            ctx.timerService().registerEventTimeTimer(retentionTimer);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) throws Exception {
        List<DossierInput> all = new ArrayList<>();
        inputs.get().forEach(all::add);
        if (all.isEmpty()) {
            return;
        }
        List<DossierInput> compact;
        try {
            all.sort(DossierRules.INPUT_ORDER);
            long last = EventTime.saturatedMillis(all.get(all.size() - 1).at());
            if (stillOpen(all) || EventTime.plus(last, retentionMs) > timestamp) {
                return; // open, or a newer input moved the compaction later (its own timer)
            }
            compact = rules.compact(all);
        } catch (RuntimeException ex) {
            // the state is left as it is (kept in full)
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "retention timer at " + java.time.Instant.ofEpochMilli(timestamp), ex));
            return;
        }
        if (compact == null) {
            LOG.warn("dossier {}: the compact form would not give the same facts; its {} inputs are kept in full",
                    ctx.getCurrentKey(), all.size());
        } else {
            inputs.update(compact);
        }
    }

    /**
     * Every position and validFrom of a dossier's or feedback item's contributions must lie in {@link EventTime}'s
     * range: the scope aggregator relies on it. The rules already guarantee it for validated inputs; this is the
     * cheap check that a bug cannot turn one record into an absurd timer or window in a whole scope.
     */
    static void checkRange(List<Contribution> contributions) {
        for (Contribution c : contributions) {
            if (!EventTime.inRange(c.position()) || !EventTime.inRange(c.validFrom())) {
                throw new IllegalArgumentException("contribution " + c + " lies outside the years 1900–2199");
            }
        }
    }

    static String safeEventId(DossierInput in) {
        try {
            return in.eventId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Open = received, not refused, no terminal event after the receipt: such a dossier is never forgotten. */
    static boolean stillOpen(List<DossierInput> sorted) {
        boolean received = false;
        for (DossierInput in : sorted) {
            if (in.caseEvent == null) {
                continue;
            }
            CaseEventType t = in.caseEvent.type();
            if (t == CaseEventType.REFUSED) {
                return false;
            }
            if (t == CaseEventType.RECEIVED) {
                received = true;
            } else if (received && t.isTerminal()) {
                return false;
            }
        }
        return received;
    }

    /**
     * new − old as batches, one per scope, after checking every contribution's range ({@link #checkRange}).
     *
     * @throws IllegalArgumentException if a contribution lies outside the job's range
     */
    static List<ContributionBatch> differenceBatches(List<Contribution> before, List<Contribution> after) {
        List<Contribution> diff = new ArrayList<>();
        DossierRules.difference(before, after, diff::add);
        return batches(diff);
    }

    /**
     * A difference as batches, one per scope, after checking every contribution's range ({@link #checkRange}).
     *
     * @throws IllegalArgumentException if a contribution lies outside the job's range
     */
    static List<ContributionBatch> batches(List<Contribution> diff) {
        checkRange(diff);
        return ContributionBatch.byScope(diff);
    }
}
