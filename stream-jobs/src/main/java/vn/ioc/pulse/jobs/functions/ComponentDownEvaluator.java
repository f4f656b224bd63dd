package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.AlertState;
import vn.ioc.pulse.jobs.records.ComponentStatus;
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.jobs.rules.AlertRules.ComponentDownRule;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * Keyed by component: the {@code component_down} alert rules on AVAILABILITY events, applied in event order once the
 * watermark passes them (duplicates and events older than the last applied one change nothing). DOWN continuously
 * through {@code for} → FIRING with starts_at = DOWN-since + for (annotation {@code down_since}); the first non-DOWN
 * event → RESOLVED at its time. An event at the deadline instant is applied before the deadline is judged.
 */
public class ComponentDownEvaluator extends KeyedProcessFunction<String, ServiceEvent, AlertEvent> {
    static final String OPERATOR = "component-down-alerts";

    private final List<ComponentDownRule> rules;
    private transient ValueState<ComponentStatus> status;
    private transient MapState<String, AlertState> states;
    private transient RecordFailures failures;

    public ComponentDownEvaluator(List<ComponentDownRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        status = getRuntimeContext().getState(
                new ValueStateDescriptor<>("component-status", TypeInformation.of(ComponentStatus.class)));
        states = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("component-alerts", Types.STRING, TypeInformation.of(AlertState.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Events and timers this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /** Buffers the event until the watermark passes it. */
    @Override
    public void processElement(ServiceEvent e, Context ctx, Collector<AlertEvent> out) throws Exception {
        long t;
        try {
            if (e.eventId() == null) {
                throw new IllegalArgumentException("event_id is missing");
            }
            if (e.state() == null) {
                throw new IllegalArgumentException("state is missing");
            }
            t = EventTime.millis(e.occurredAt(), "occurred_at");
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), e.eventId(), e, ex));
            return;
        }
        ComponentStatus st = status.value();
        if (st == null) {
            st = new ComponentStatus();
        }
        if (st.buffer(t, e.eventId(), e.state() == ServiceEvent.State.DOWN)) {
            status.update(st);
            ctx.timerService().registerEventTimeTimer(Math.max(t,
                    EventTime.plus(ctx.timerService().currentWatermark(), 1)));
        }
    }

    /** Applies the events up to the timer's instant in order, then judges the deadlines up to it. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        ComponentStatus st = status.value();
        if (st == null) {
            return;
        }
        List<AlertEvent> records = new ArrayList<>();
        Collector<AlertEvent> collect = new ListCollector<>(records);
        String component = ctx.getCurrentKey();
        try {
            int n = st.readyBy(timestamp);
            for (int i = 0; i < n; i++) {
                long t = st.times[i];
                fireDue(st, component, t - 1, collect);
                if (st.down[i] && !st.isDown) {
                    st.isDown = true;
                    st.downSince = t;
                    for (ComponentDownRule rule : rules) {
                        if (rule.watches(component)) {
                            AlertState s = state(rule);
                            s.pendingSince = t;
                            states.put(rule.id(), s);
                            if (rule.forMs() > 0) {
                                ctx.timerService().registerEventTimeTimer(t + rule.forMs());
                            }
                        }
                    }
                } else if (!st.down[i] && st.isDown) {
                    st.isDown = false;
                    for (ComponentDownRule rule : rules) {
                        AlertState s = states.get(rule.id());
                        if (s == null) {
                            continue;
                        }
                        if (s.firing) {
                            s.firing = false;
                            s.seq++;
                            collect.collect(record(rule, AlertEvent.Status.RESOLVED, component, st.downSince,
                                    s.startsAt, t, t, s.seq));
                        } else if (s.pending() && rule.forMs() > 0) {
                            ctx.timerService().deleteEventTimeTimer(s.pendingSince + rule.forMs());
                        }
                        s.pendingSince = AlertState.NONE;
                        save(rule, s);
                    }
                }
                st.lastTime = t;
                st.lastId = st.ids[i];
            }
            st.dropFirst(n);
            fireDue(st, component, timestamp, collect);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(component, null,
                    "component-down timer at " + Instant.ofEpochMilli(timestamp), ex));
            return;
        }
        status.update(st);
        records.forEach(out::collect);
    }

    /** Fires the rules whose deadline (DOWN since + for) lies at or before {@code upTo} while still DOWN. */
    private void fireDue(ComponentStatus st, String component, long upTo, Collector<AlertEvent> out) throws Exception {
        if (!st.isDown) {
            return;
        }
        for (ComponentDownRule rule : rules) {
            AlertState s = states.get(rule.id());
            if (s == null || s.firing || !s.pending() || s.pendingSince + rule.forMs() > upTo) {
                continue;
            }
            long at = s.pendingSince + rule.forMs();
            s.pendingSince = AlertState.NONE;
            s.firing = true;
            s.startsAt = at;
            s.seq++;
            out.collect(record(rule, AlertEvent.Status.FIRING, component, st.downSince, at, null, at, s.seq));
            states.put(rule.id(), s);
        }
    }

    private AlertState state(ComponentDownRule rule) throws Exception {
        AlertState s = states.get(rule.id());
        return s == null ? new AlertState() : s;
    }

    private void save(ComponentDownRule rule, AlertState s) throws Exception {
        if (s.idle() && s.seq == 0) {
            states.remove(rule.id());
        } else {
            states.put(rule.id(), s);
        }
    }

    private static AlertEvent record(ComponentDownRule rule, AlertEvent.Status status, String component,
                                     long downSince, long startsAt, Long endsAt, long asOf, long seq) {
        return AlertRules.event(rule, status, "component", component, null, null, null, null, List.of(), 0,
                Map.of("down_since", KpiValue.formatTime(Instant.ofEpochMilli(downSince))), startsAt, endsAt, asOf,
                seq);
    }
}
