package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.AlertState;
import vn.ioc.pulse.jobs.records.OverdueChange;
import vn.ioc.pulse.jobs.records.OverdueEdges;
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.jobs.rules.AlertRules.OverdueRule;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.AlertEvent;

/**
 * Keyed by agency: the {@code overdue} alert rules. Keeps each dossier's OVERDUE interval edges (from the dossier
 * operator's {@link OverdueChange}s) and evaluates the agency at every edge instant (event-time timers): one alert per
 * agency and rule while at least {@code min_count} of its dossiers are overdue — FIRING when it starts (after
 * {@code for}), FIRING again with the next seq when the set of overdue dossiers changes, RESOLVED when fewer than
 * {@code min_count} are left. A dossier's entry is dropped once its last interval has ended and the clock passed it.
 */
public class OverdueAlertEvaluator extends KeyedProcessFunction<String, OverdueChange, AlertEvent> {
    static final String OPERATOR = "overdue-alerts";
    /** The KPI the alert mirrors (labels kpi and window): open dossiers OVERDUE at now. */
    static final String KPI = "overdue_open";
    static final String WINDOW = "live";

    private final List<OverdueRule> rules;
    private transient MapState<String, OverdueEdges> dossiers;
    private transient MapState<String, AlertState> states;
    private transient RecordFailures failures;

    public OverdueAlertEvaluator(List<OverdueRule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        dossiers = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("overdue-dossiers", Types.STRING, TypeInformation.of(OverdueEdges.class)));
        states = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("overdue-alerts", Types.STRING, TypeInformation.of(AlertState.class)));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /** Changes and timers this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /** Adds the change to the dossier's edges and schedules an evaluation at each edge (the next step if past). */
    @Override
    public void processElement(OverdueChange c, Context ctx, Collector<AlertEvent> out) throws Exception {
        try {
            if (c.dossierCode == null || c.positions == null || c.weights == null
                    || c.positions.length != c.weights.length) {
                throw new IllegalArgumentException("overdue change without dossier_code or with unequal arrays");
            }
            for (long p : c.positions) {
                EventTime.check(p, "overdue edge");
            }
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "overdue change of " + c.dossierCode + " " + Arrays.toString(c.positions) + " "
                            + Arrays.toString(c.weights), ex));
            return;
        }
        OverdueEdges edges = dossiers.get(c.dossierCode);
        if (edges == null) {
            edges = new OverdueEdges();
        }
        edges.add(c.positions, c.weights);
        if (edges.isEmpty()) {
            dossiers.remove(c.dossierCode);
        } else {
            dossiers.put(c.dossierCode, edges);
        }
        long next = EventTime.plus(ctx.timerService().currentWatermark(), 1);
        for (long p : c.positions) {
            ctx.timerService().registerEventTimeTimer(Math.max(p, next));
        }
    }

    /** Evaluates the agency as of the timer's instant. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        List<AlertEvent> records = new ArrayList<>();
        try {
            evaluate(timestamp, ctx, new ListCollector<>(records));
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    "overdue alert timer at " + Instant.ofEpochMilli(timestamp), ex));
            return;
        }
        records.forEach(out::collect);
    }

    private record Overdue(String code, long since) {
    }

    private static final Comparator<Overdue> LONGEST_FIRST = Comparator.comparingLong(Overdue::since)
            .thenComparing(Overdue::code);

    private void evaluate(long t, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        List<Overdue> overdue = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, OverdueEdges> e : dossiers.entries()) {
            long since = e.getValue().overdueSince(t);
            if (since != AlertState.NONE) {
                overdue.add(new Overdue(e.getKey(), since));
            } else if (e.getValue().closedBy(t)) {
                closed.add(e.getKey());
            }
        }
        for (String code : closed) {
            dossiers.remove(code);
        }
        overdue.sort(LONGEST_FIRST);
        String[] codes = new String[overdue.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = overdue.get(i).code();
        }
        Arrays.sort(codes);
        String agency = ctx.getCurrentKey();
        for (OverdueRule rule : rules) {
            AlertState s = states.get(rule.id());
            if (s == null) {
                s = new AlertState();
            }
            boolean holds = overdue.size() >= rule.minCount();
            if (s.firing) {
                if (!holds) {
                    s.firing = false;
                    s.reported = new String[0];
                    s.seq++;
                    out.collect(record(rule, AlertEvent.Status.RESOLVED, agency, overdue, s.startsAt, t, t, s.seq));
                } else if (!Arrays.equals(codes, s.reported)) {
                    s.reported = codes;
                    s.seq++;
                    out.collect(record(rule, AlertEvent.Status.FIRING, agency, overdue, s.startsAt, null, t, s.seq));
                }
            } else if (holds) {
                if (!s.pending()) {
                    s.pendingSince = t;
                }
                long deadline = s.pendingSince + rule.forMs();
                if (deadline <= t) {
                    s.pendingSince = AlertState.NONE;
                    s.firing = true;
                    s.startsAt = t;
                    s.reported = codes;
                    s.seq++;
                    out.collect(record(rule, AlertEvent.Status.FIRING, agency, overdue, t, null, t, s.seq));
                } else {
                    ctx.timerService().registerEventTimeTimer(deadline);
                }
            } else {
                s.pendingSince = AlertState.NONE; // a `for` not held through: its timer finds nothing to do
            }
            if (s.idle() && s.seq == 0) {
                states.remove(rule.id());
            } else {
                states.put(rule.id(), s);
            }
        }
    }

    private static AlertEvent record(OverdueRule rule, AlertEvent.Status status, String agency, List<Overdue> overdue,
                                     long startsAt, Long endsAt, long asOf, long seq) {
        List<String> listed = new ArrayList<>();
        if (status == AlertEvent.Status.FIRING) {
            for (int i = 0; i < Math.min(rule.maxListed(), overdue.size()); i++) {
                listed.add(overdue.get(i).code());
            }
        }
        return AlertRules.event(rule, status, "agency", agency, KPI, WINDOW, (double) overdue.size(),
                (double) rule.minCount(), listed, overdue.size(), Map.of(), startsAt, endsAt, asOf, seq);
    }
}
