package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.AlertState;
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.jobs.rules.AlertRules.KpiRule;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiValue;

/**
 * Keyed by KPI key ({@code kpi/scope_type/scope_id/window}): the {@code kpi} alert rules on the key's live values, in
 * event time (as_of). Per matching rule a breach starts pending, FIRES when it has held through {@code for} (an
 * event-time timer at pending-since + for: values are published only on change), a non-breaching or null value while
 * pending resets it, and a firing alert RESOLVES only at a value on the right side of {@code clear} (hysteresis; no
 * data never clears). Revisions are ignored; a value older than the last applied one is ignored.
 */
public class KpiAlertEvaluator extends KeyedProcessFunction<String, KpiValue, AlertEvent> {
    static final String OPERATOR = "kpi-alerts";

    private final List<KpiRule> rules;
    private transient Map<String, KpiRule> byId;
    private transient MapState<String, AlertState> states;
    private transient RecordFailures failures;

    public KpiAlertEvaluator(List<KpiRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The values worth sending to this operator: live values some rule watches (cheap, chained upstream). */
    public static FilterFunction<KpiValue> watched(List<KpiRule> rules) {
        List<KpiRule> copy = List.copyOf(rules);
        return v -> {
            if (v.revision() > 0) {
                return false;
            }
            for (KpiRule r : copy) {
                if (r.matches(v)) {
                    return true;
                }
            }
            return false;
        };
    }

    @Override
    public void open(OpenContext openContext) {
        byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        states = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("kpi-alerts", Types.STRING, TypeInformation.of(AlertState.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Values this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    @Override
    public void processElement(KpiValue v, Context ctx, Collector<AlertEvent> out) throws Exception {
        if (v.revision() > 0) {
            return; // a restated closed period is not the live value
        }
        long t;
        try {
            t = EventTime.millis(v.asOf(), "as_of");
            if (v.kpi() == null || v.scopeType() == null || v.scopeId() == null || v.window() == null) {
                throw new IllegalArgumentException("KPI value without kpi, scope or window");
            }
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null, v, ex));
            return;
        }
        for (KpiRule rule : rules) {
            if (!rule.matches(v)) {
                continue;
            }
            AlertState s = states.get(rule.id());
            if (s == null) {
                s = new AlertState();
            }
            if (s.lastAsOf != AlertState.NONE && t < s.lastAsOf) {
                continue; // older than what was applied
            }
            // a breach that held through its deadline fires before a later value is applied (whether or not the
            // deadline's timer came first): the value at the deadline instant itself is applied first
            if (!s.firing && s.pending() && s.pendingSince + rule.forMs() < t) {
                fire(rule, s, s.pendingSince + rule.forMs(), v.kpi(), v.scopeType(), v.scopeId(), v.window(), out);
            }
            apply(rule, s, v, t, ctx, out);
            s.lastAsOf = t;
            s.lastValue = v.value();
            save(rule, s);
        }
    }

    private void apply(KpiRule rule, AlertState s, KpiValue v, long t, Context ctx, Collector<AlertEvent> out) {
        if (s.firing) {
            if (rule.clears(v.value())) {
                s.firing = false;
                s.seq++;
                out.collect(AlertRules.event(rule, AlertEvent.Status.RESOLVED, v.scopeType(), v.scopeId(), v.kpi(),
                        v.window(), v.value(), rule.threshold(), List.of(), 0, Map.of(), s.startsAt, t, t, s.seq));
            }
        } else if (rule.breaches(v.value())) {
            if (!s.pending()) {
                s.pendingSince = t;
                s.lastValue = v.value();
                if (rule.forMs() == 0) {
                    fire(rule, s, t, v.kpi(), v.scopeType(), v.scopeId(), v.window(), out);
                } else {
                    ctx.timerService().registerEventTimeTimer(t + rule.forMs());
                }
            }
        } else if (s.pending()) {
            long deadline = s.pendingSince + rule.forMs();
            s.pendingSince = AlertState.NONE;
            if (!deadlineShared(deadline, rule.id())) {
                ctx.timerService().deleteEventTimeTimer(deadline);
            }
        }
    }

    private void fire(KpiRule rule, AlertState s, long at, String kpi, String scopeType, String scopeId,
                      String window, Collector<AlertEvent> out) {
        s.firing = true;
        s.pendingSince = AlertState.NONE;
        s.startsAt = at;
        s.seq++;
        out.collect(AlertRules.event(rule, AlertEvent.Status.FIRING, scopeType, scopeId, kpi, window, s.lastValue,
                rule.threshold(), List.of(), 0, Map.of(), at, null, at, s.seq));
    }

    /** Another rule of this key waits for the same deadline (its timer must stay). */
    private boolean deadlineShared(long deadline, String except) throws RuntimeException {
        try {
            for (Map.Entry<String, AlertState> e : states.entries()) {
                KpiRule r = byId.get(e.getKey());
                AlertState o = e.getValue();
                if (r != null && !e.getKey().equals(except) && !o.firing && o.pending()
                        && o.pendingSince + r.forMs() == deadline) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private void save(KpiRule rule, AlertState s) throws Exception {
        if (s.idle() && s.seq == 0) {
            states.remove(rule.id()); // never wrote a record: nothing to remember
        } else {
            states.put(rule.id(), s);
        }
    }

    /** Fires the pending breaches whose {@code for} has elapsed. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        List<AlertEvent> fired = new ArrayList<>();
        try {
            String key = ctx.getCurrentKey();
            int a = key.indexOf('/');
            int b = key.indexOf('/', a + 1);
            int c = key.lastIndexOf('/');
            String kpi = key.substring(0, a);
            String scopeType = key.substring(a + 1, b);
            String scopeId = key.substring(b + 1, c);
            String window = key.substring(c + 1);
            List<Map.Entry<String, AlertState>> entries = new ArrayList<>();
            states.entries().forEach(entries::add);
            for (Map.Entry<String, AlertState> e : entries) {
                KpiRule rule = byId.get(e.getKey());
                AlertState s = e.getValue();
                if (rule != null && !s.firing && s.pending() && s.pendingSince + rule.forMs() <= timestamp) {
                    fire(rule, s, s.pendingSince + rule.forMs(), kpi, scopeType, scopeId, window, new ListCollector<>(fired));
                    states.put(rule.id(), s);
                }
            }
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "kpi alert timer at " + Instant.ofEpochMilli(timestamp), ex));
            return;
        }
        fired.forEach(out::collect);
    }
}
