package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.AvailabilityHistory;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.jobs.rules.KpiWindow;
import vn.ioc.pulse.jobs.rules.ScopeState;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by component: {@code availability_ratio} = seconds UP ÷ seconds with a known state inside the window
 * (DOMAIN.md §7): a component's state is that of its latest AVAILABILITY event, only UP is up, and time before its
 * first event is unknown. The value changes continuously, so it is recomputed at every clock step and published
 * when it changed.
 */
public class AvailabilityProcessor extends KeyedProcessFunction<String, ServiceEvent, KpiValue> {
    static final String OPERATOR = "availability-kpis";

    private final List<KpiWindow> windows;
    private final ScopeState.StatusRule status;
    private transient ValueState<AvailabilityHistory> history;
    private transient RecordFailures failures;

    public AvailabilityProcessor(List<KpiWindow> windows, ScopeState.StatusRule status) {
        this.windows = windows;
        this.status = status;
    }

    @Override
    public void open(OpenContext openContext) {
        history = getRuntimeContext().getState(
                new ValueStateDescriptor<>("availability", TypeInformation.of(AvailabilityHistory.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Events and timers this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /** The event is checked before the component's history (a live object on the heap backend) is touched. */
    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<KpiValue> out) throws Exception {
        long t;
        try {
            if (e.eventId() == null) {
                throw new IllegalArgumentException("event_id is missing");
            }
            t = EventTime.millis(e.occurredAt(), "occurred_at");
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), e.eventId(), e, ex));
            return;
        }
        AvailabilityHistory h = history.value();
        if (h == null) {
            h = new AvailabilityHistory();
            h.published = new long[windows.size() * 2];
            java.util.Arrays.fill(h.published, -1);
        }
        if (h.insert(t, e.eventId(), e.state() == ServiceEvent.State.UP)) {
            history.update(h);
            ctx.timerService().registerEventTimeTimer(EventTime.plus(ctx.timerService().currentWatermark(), 1));
        }
    }

    /**
     * Publishes the changed windows. The values are computed before the history's published marks change; a failure
     * is counted, logged and dead-lettered (as a description of the timer); the history is untouched.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiValue> out) throws Exception {
        long now = ctx.timerService().currentWatermark();
        AvailabilityHistory h = history.value();
        if (h == null || now == Long.MAX_VALUE) {
            return;
        }
        List<KpiValue> values = new java.util.ArrayList<>(windows.size());
        long[] published = h.published.clone();
        long[] seqs = h.seqs == null ? new long[windows.size()] : java.util.Arrays.copyOf(h.seqs,
                Math.max(h.seqs.length, windows.size()));
        try {
            Instant computedAt = Instant.now();
            for (int i = 0; i < windows.size(); i++) {
                KpiWindow w = windows.get(i);
                long[] uk = h.upAndKnown(EventTime.minus(now, w.length), now);
                if (published[2 * i] == uk[0] && published[2 * i + 1] == uk[1]) {
                    continue;
                }
                published[2 * i] = uk[0];
                published[2 * i + 1] = uk[1];
                Double value = uk[1] == 0 ? null : (double) uk[0] / uk[1];
                values.add(new KpiValue("availability_ratio", "component", ctx.getCurrentKey(), w.id, value,
                        uk[0] / 1000.0, uk[1] / 1000.0, status.statusOf("availability_ratio", value),
                        Instant.ofEpochMilli(now), computedAt, 0, ++seqs[i]));
            }
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "availability timer at " + Instant.ofEpochMilli(timestamp), ex));
            return; // the next event of the component schedules the next step

        }
        values.forEach(out::collect);
        h.published = published;
        h.seqs = seqs;
        h.forgetBefore(EventTime.minus(now, KpiWindow.LONGEST_ROLLING));
        history.update(h);
        ctx.timerService().registerEventTimeTimer(EventTime.plus(now, 1));
    }
}
