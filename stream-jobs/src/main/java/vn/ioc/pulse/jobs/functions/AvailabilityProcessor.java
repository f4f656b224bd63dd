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
    private final List<KpiWindow> windows;
    private final ScopeState.StatusRule status;
    private transient ValueState<AvailabilityHistory> history;

    public AvailabilityProcessor(List<KpiWindow> windows, ScopeState.StatusRule status) {
        this.windows = windows;
        this.status = status;
    }

    @Override
    public void open(OpenContext openContext) {
        history = getRuntimeContext().getState(
                new ValueStateDescriptor<>("availability", TypeInformation.of(AvailabilityHistory.class)));
    }

    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<KpiValue> out) throws Exception {
        AvailabilityHistory h = history.value();
        if (h == null) {
            h = new AvailabilityHistory();
            h.published = new long[windows.size() * 2];
            java.util.Arrays.fill(h.published, -1);
        }
        if (h.insert(e.occurredAt().toEpochMilli(), e.eventId(), e.state() == ServiceEvent.State.UP)) {
            history.update(h);
            ctx.timerService().registerEventTimeTimer(ctx.timerService().currentWatermark() + 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiValue> out) throws Exception {
        long now = ctx.timerService().currentWatermark();
        AvailabilityHistory h = history.value();
        if (h == null || now == Long.MAX_VALUE) {
            return;
        }
        Instant computedAt = Instant.now();
        for (int i = 0; i < windows.size(); i++) {
            KpiWindow w = windows.get(i);
            long[] uk = h.upAndKnown(now - w.length, now);
            if (h.published[2 * i] == uk[0] && h.published[2 * i + 1] == uk[1]) {
                continue;
            }
            h.published[2 * i] = uk[0];
            h.published[2 * i + 1] = uk[1];
            Double value = uk[1] == 0 ? null : (double) uk[0] / uk[1];
            out.collect(new KpiValue("availability_ratio", "component", ctx.getCurrentKey(), w.id, value,
                    uk[0] / 1000.0, uk[1] / 1000.0, status.statusOf("availability_ratio", value),
                    Instant.ofEpochMilli(now), computedAt, 0));
        }
        h.forgetBefore(now - KpiWindow.LONGEST_ROLLING);
        history.update(h);
        ctx.timerService().registerEventTimeTimer(now + 1);
    }
}
