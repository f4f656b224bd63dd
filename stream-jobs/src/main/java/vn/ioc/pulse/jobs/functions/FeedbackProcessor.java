package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Keyed by feedback_id: a citizen feedback item (PAKN) opened by its first FEEDBACK_RECEIVED, due within 15
 * working days, answered by the first FEEDBACK_ANSWERED (DOMAIN.md §7 feedback_on_time_ratio). Emits the
 * difference of contributions when its event set changes; forgotten {@code retentionMs} after the answer.
 */
public class FeedbackProcessor extends KeyedProcessFunction<String, ServiceEvent, Contribution> {
    static final Comparator<ServiceEvent> ORDER = Comparator.comparing(ServiceEvent::occurredAt)
            .thenComparing(ServiceEvent::eventId);
    private static final long DEADLINE_WORKING_DAYS = 15;

    private final WorkingCalendar calendar;
    private final String provinceCode;
    private final long retentionMs;
    private transient ListState<ServiceEvent> events;

    public FeedbackProcessor(WorkingCalendar calendar, String provinceCode, long retentionMs) {
        this.calendar = calendar;
        this.provinceCode = provinceCode;
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        events = getRuntimeContext().getListState(
                new ListStateDescriptor<>("feedback-events", TypeInformation.of(ServiceEvent.class)));
    }

    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<Contribution> out) throws Exception {
        List<ServiceEvent> old = new ArrayList<>();
        for (ServiceEvent s : events.get()) {
            if (s.eventId().equals(e.eventId())) {
                return;
            }
            old.add(s);
        }
        events.add(e);
        List<ServiceEvent> updated = new ArrayList<>(old);
        updated.add(e);
        old.sort(ORDER);
        updated.sort(ORDER);
        DossierProcessor.emitDifference(contributions(old), contributions(updated), out);
        ServiceEvent answer = answer(updated);
        if (answer != null) {
            ctx.timerService().registerEventTimeTimer(answer.occurredAt().toEpochMilli() + retentionMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Contribution> out) throws Exception {
        List<ServiceEvent> all = new ArrayList<>();
        events.get().forEach(all::add);
        all.sort(ORDER);
        ServiceEvent answer = answer(all);
        if (answer != null && answer.occurredAt().toEpochMilli() + retentionMs <= timestamp) {
            events.clear();
        }
    }

    private static ServiceEvent received(List<ServiceEvent> sorted) {
        for (ServiceEvent s : sorted) {
            if (s.type() == ServiceEvent.Type.FEEDBACK_RECEIVED) {
                return s;
            }
        }
        return null;
    }

    /** The first FEEDBACK_ANSWERED at or after the receipt. */
    private static ServiceEvent answer(List<ServiceEvent> sorted) {
        ServiceEvent received = received(sorted);
        if (received == null) {
            return null;
        }
        for (ServiceEvent s : sorted) {
            if (s.type() == ServiceEvent.Type.FEEDBACK_ANSWERED && !s.occurredAt().isBefore(received.occurredAt())) {
                return s;
            }
        }
        return null;
    }

    /** Contributions of one feedback item: open gauges until the answer, answered counts at the answer. */
    List<Contribution> contributions(List<ServiceEvent> sorted) {
        List<Contribution> out = new ArrayList<>();
        ServiceEvent received = received(sorted);
        if (received == null) {
            return out;
        }
        long r = received.occurredAt().toEpochMilli();
        long deadline = calendar.due(Instant.ofEpochMilli(r), DEADLINE_WORKING_DAYS, CaseEvent.DurationUnit.WORKING_DAY)
                .toEpochMilli();
        ServiceEvent answer = answer(sorted);
        long a = answer == null ? Long.MAX_VALUE : answer.occurredAt().toEpochMilli();
        List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {"province", provinceCode});
        String agency = received.agencyCode();
        String commune = received.communeCode();
        for (ServiceEvent s : sorted) {
            agency = agency != null ? agency : s.agencyCode();
            commune = commune != null ? commune : s.communeCode();
        }
        if (agency != null) {
            scopes.add(new String[] {"agency", agency});
        }
        if (commune != null) {
            scopes.add(new String[] {"commune", commune});
        }
        for (String[] scope : scopes) {
            gauge(out, scope, Measure.FEEDBACK_OPEN, r, a);
            gauge(out, scope, Measure.FEEDBACK_OPEN_ON_TIME, r, Math.min(a, deadline + 1));
            if (answer != null) {
                out.add(new Contribution(scope[0], scope[1], Measure.FEEDBACK_ANSWERED, a, a, 1));
                if (a <= deadline) {
                    out.add(new Contribution(scope[0], scope[1], Measure.FEEDBACK_ANSWERED_ON_TIME, a, a, 1));
                }
            }
        }
        return out;
    }

    private static void gauge(List<Contribution> out, String[] scope, Measure m, long from, long to) {
        if (from >= to) {
            return;
        }
        out.add(new Contribution(scope[0], scope[1], m, from, from, 1));
        if (to != Long.MAX_VALUE) {
            out.add(new Contribution(scope[0], scope[1], m, to, to, -1));
        }
    }
}
