package vn.ioc.pulse.jobs.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.CaseEventType;

/**
 * Keyed by dossier_code: keeps the dossier's distinct inputs (first accepted event_id wins) and, when a new one
 * arrives, emits the difference between the contributions of the new and the old input set (retractions first).
 * A dossier that has ended (or was refused, or never received) is forgotten {@code retentionMs} of event time
 * after its last input: its contributions stay counted, but a later event would start a new state.
 */
public class DossierProcessor extends KeyedProcessFunction<String, DossierInput, ContributionBatch> {
    private final DossierRules rules;
    private final long retentionMs;
    private transient ListState<DossierInput> inputs;

    public DossierProcessor(DossierRules rules, long retentionMs) {
        this.rules = rules;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        inputs = getRuntimeContext().getListState(
                new ListStateDescriptor<>("inputs", TypeInformation.of(DossierInput.class)));
    }

    @Override
    public void processElement(DossierInput input, Context ctx, Collector<ContributionBatch> out) throws Exception {
        List<DossierInput> old = new ArrayList<>();
        for (DossierInput e : inputs.get()) {
            if (e.eventId().equals(input.eventId())) {
                return; // duplicate: the first accepted event with this id wins
            }
            old.add(e);
        }
        inputs.add(input);
        old.sort(DossierRules.INPUT_ORDER);
        List<DossierInput> updated = new ArrayList<>(old);
        updated.add(input);
        updated.sort(DossierRules.INPUT_ORDER);
        emitDifference(rules.contributions(old), rules.contributions(updated), out);
        if (!stillOpen(updated)) {
            long last = updated.get(updated.size() - 1).at().toEpochMilli();
            ctx.timerService().registerEventTimeTimer(saturatedAdd(last, retentionMs));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ContributionBatch> out) throws Exception {
        List<DossierInput> all = new ArrayList<>();
        inputs.get().forEach(all::add);
        if (all.isEmpty()) {
            return;
        }
        all.sort(DossierRules.INPUT_ORDER);
        long last = all.get(all.size() - 1).at().toEpochMilli();
        if (!stillOpen(all) && saturatedAdd(last, retentionMs) <= timestamp) {
            inputs.clear();
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

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Emits new − old as signed contributions (a multiset difference), one batch per scope. */
    static void emitDifference(List<Contribution> before, List<Contribution> after, Collector<ContributionBatch> out) {
        List<Contribution> diff = new java.util.ArrayList<>();
        difference(before, after, diff::add);
        for (ContributionBatch b : ContributionBatch.byScope(diff)) {
            out.collect(b);
        }
    }

    /** new − old as signed contributions (a multiset difference), retractions first. */
    static void difference(List<Contribution> before, List<Contribution> after,
                           java.util.function.Consumer<Contribution> out) {
        Map<Contribution, Integer> count = new HashMap<>();
        for (Contribution c : after) {
            count.merge(c, 1, Integer::sum);
        }
        for (Contribution c : before) {
            count.merge(c, -1, Integer::sum);
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < -e.getValue(); i++) {
                out.accept(e.getKey().negate());
            }
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                out.accept(e.getKey());
            }
        }
    }
}
