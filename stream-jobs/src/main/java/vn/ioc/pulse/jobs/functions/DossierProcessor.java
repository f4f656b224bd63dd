package vn.ioc.pulse.jobs.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.CaseEvent;

/**
 * Keyed by dossier_code: keeps the dossier's distinct events (first accepted event_id wins) and, when a new one
 * arrives, emits the difference between the contributions of the new and the old event set (retractions first).
 */
public class DossierProcessor extends KeyedProcessFunction<String, CaseEvent, Contribution> {
    private final String provinceCode;
    private transient ListState<CaseEvent> events;

    public DossierProcessor(String provinceCode) {
        this.provinceCode = provinceCode;
    }

    @Override
    public void open(OpenContext openContext) {
        events = getRuntimeContext().getListState(
                new ListStateDescriptor<>("events", TypeInformation.of(CaseEvent.class)));
    }

    @Override
    public void processElement(CaseEvent event, Context ctx, Collector<Contribution> out) throws Exception {
        List<CaseEvent> old = new ArrayList<>();
        for (CaseEvent e : events.get()) {
            if (e.eventId().equals(event.eventId())) {
                return; // duplicate: the first accepted event with this id wins
            }
            old.add(e);
        }
        List<CaseEvent> updated = new ArrayList<>(old);
        updated.add(event);
        updated.sort(DossierRules.EVENT_ORDER);
        events.add(event);
        old.sort(DossierRules.EVENT_ORDER);
        emitDifference(DossierRules.contributions(old, provinceCode),
                DossierRules.contributions(updated, provinceCode), out);
    }

    /** Emits new − old as signed contributions (a multiset difference). */
    static void emitDifference(List<Contribution> before, List<Contribution> after, Collector<Contribution> out) {
        Map<Contribution, Integer> count = new HashMap<>();
        for (Contribution c : after) {
            count.merge(c, 1, Integer::sum);
        }
        for (Contribution c : before) {
            count.merge(c, -1, Integer::sum);
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < -e.getValue(); i++) {
                out.collect(e.getKey().negate());
            }
        }
        for (var e : count.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                out.collect(e.getKey());
            }
        }
    }
}
