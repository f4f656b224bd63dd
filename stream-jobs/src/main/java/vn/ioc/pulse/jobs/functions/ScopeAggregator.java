package vn.ioc.pulse.jobs.functions;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.jobs.rules.KpiFormula;
import vn.ioc.pulse.jobs.rules.ScopeState;
import vn.ioc.pulse.jobs.rules.ScopeStateSerializer;
import vn.ioc.pulse.model.KpiValue;

/**
 * Keyed by {@code scope_type/scope_id}: sums contributions per measure and window and publishes the scope's KPI
 * values as of the event-time clock (the watermark). Publishing happens on event-time timers: at the next
 * watermark after a change (coalescing all changes in between into one value per key), and at every instant where
 * time alone changes a value (a contribution leaving a rolling window, local midnight, a pending status change).
 * Every live value carries its key's {@code seq} (+1 per live value published for the key, kept in the scope's
 * checkpointed state: {@link ScopeState#changedValues}); revisions carry seq 0.
 */
public class ScopeAggregator extends KeyedProcessFunction<String, ContributionBatch, KpiValue> {
    /** Event time this far behind processing time means the job is catching up (replaying history). */
    static final long CATCH_UP_LAG_MS = 60_000;
    static final String OPERATOR = "scope-kpis";
    /** The value the province publishes again as the job's heartbeat (a live gauge: "the backlog now"). */
    static final String HEARTBEAT_KPI = "backlog";

    private final List<KpiFormula> formulas;
    private final ScopeState.StatusRule status;
    private final long catchUpPublishMs;
    /** Live heartbeat period in event-time ms (0 = off): see {@link #withHeartbeat}. */
    private long heartbeatMs;
    /** The serializer of the scope state; only tests change it (to write state as the job did before seqs). */
    private ScopeStateSerializer stateSerializer = ScopeStateSerializer.INSTANCE;
    private transient ValueState<ScopeState> state;
    private transient RecordFailures failures;

    /**
     * @param catchUpPublishMs while catching up, publish each scope at most once per this many ms of processing
     *                         time (the latest state is still published within that time); 0 publishes every step
     */
    public ScopeAggregator(List<KpiFormula> formulas, ScopeState.StatusRule status, long catchUpPublishMs) {
        this.formulas = formulas;
        this.status = status;
        this.catchUpPublishMs = catchUpPublishMs;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("scope", stateSerializer));
        failures = new RecordFailures(getRuntimeContext(), OPERATOR);
    }

    /**
     * While live (event time within a minute of the wall clock), the province scope publishes its {@code backlog}
     * again at every multiple of {@code ms} of event time at which nothing of it changed: readers (the wall screen)
     * then see the job's event time move on in quiet hours and can tell a quiet province from a stalled job. At most one
     * extra record per {@code ms}; never while replaying history.
     */
    public ScopeAggregator withHeartbeat(long ms) {
        this.heartbeatMs = Math.max(0, ms);
        return this;
    }

    /** Tests only: keeps the scope state with {@code serializer} (e.g. {@link ScopeStateSerializer#NO_SEQ}). */
    ScopeAggregator withStateSerializer(ScopeStateSerializer serializer) {
        this.stateSerializer = serializer;
        return this;
    }

    /** Batches and timers this instance has dead-lettered (the {@value RecordFailures#METRIC} counter; for tests). */
    long failedRecords() {
        return failures.count();
    }

    /**
     * Safe by construction: a batch is checked (consistent arrays, known measures, every position and validFrom in
     * {@link EventTime}'s range) before the scope's state is touched, so adding it cannot fail half-way. The upstream
     * operators never emit such a batch; one that fails the check is dead-lettered as a description.
     */
    @Override
    public void processElement(ContributionBatch batch, Context ctx, Collector<KpiValue> out) throws Exception {
        try {
            check(batch);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null, batch, ex));
            return;
        }
        ScopeState s = state.value();
        if (s == null) {
            s = new ScopeState();
        }
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < batch.size(); i++) {
            s.add(batch.get(i));
            earliest = Math.min(earliest, batch.validFroms[i]);
        }
        // one timer, at the next watermark at or after the earliest validFrom: the step it fires counts every
        // contribution valid by then and registers the scope's next change (ScopeState.nextChange, which includes the
        // first pending validFrom), so the later ones are reached by that chain — a timer per contribution only fed
        // the timer queue (a quarter of this operator's time)
        if (earliest != Long.MAX_VALUE) {
            // never at or before the scope's own clock: a contribution already valid there waits in the scope for
            // the next step, which is after asOf — after a restore the sources' watermark starts again below the
            // clock the scope had reached, and a step at or before it would find nothing to do (and set no timer)
            long after = s.asOf() == Long.MIN_VALUE ? Long.MIN_VALUE : EventTime.plus(s.asOf(), 1);
            ctx.timerService().registerEventTimeTimer(Math.max(Math.max(earliest, after),
                    EventTime.plus(ctx.timerService().currentWatermark(), 1)));
        }
        state.update(s);
    }

    static void check(ContributionBatch b) {
        int n = b.measures == null ? -1 : b.measures.length;
        if (n < 0 || b.positions == null || b.positions.length != n || b.validFroms == null
                || b.validFroms.length != n || b.weights == null || b.weights.length != n) {
            throw new IllegalArgumentException("contribution batch arrays are missing or of different lengths");
        }
        int measures = Measure.values().length;
        for (int i = 0; i < n; i++) {
            if (b.measures[i] < 0 || b.measures[i] >= measures) {
                throw new IllegalArgumentException("unknown measure ordinal " + b.measures[i]);
            }
            EventTime.check(b.positions[i], "position");
            EventTime.check(b.validFroms[i], "validFrom");
        }
    }

    /**
     * Advances and publishes the scope. Last resort: the inputs are checked, so this cannot fail on a record; if it
     * fails anyway (a bug) the failure is counted, logged and dead-lettered as a description of the timer, the job
     * keeps running and the scope resumes with its next batch. The state object may then have been advanced
     * part-way (it is updated in place: copying a scope's state at every step would cost more than the step).
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KpiValue> out) throws Exception {
        try {
            step(timestamp, ctx, out);
        } catch (RuntimeException ex) {
            ctx.output(RouteEvents.DEAD_LETTER, failures.failed(ctx.getCurrentKey(), null,
                    ctx.timeDomain() + " timer at " + Instant.ofEpochMilli(timestamp), ex));
        }
    }

    private void step(long timestamp, OnTimerContext ctx, Collector<KpiValue> out) throws Exception {
        long now = ctx.timerService().currentWatermark();
        ScopeState s = state.value();
        if (s == null || now == Long.MAX_VALUE) {
            return; // end of a bounded input
        }
        boolean flush = ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME;
        if (now <= s.asOf() && !(flush && s.unpublished)) {
            // this instant is already published; if contributions wait (the watermark is behind the scope's clock,
            // as after a restore), come back once it has passed that clock
            if (!flush && s.nextChange() != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(Math.max(s.nextChange(), EventTime.plus(s.asOf(), 1)));
            }
            return;
        }
        s.advance(now);
        long wall = ctx.timerService().currentProcessingTime();
        boolean live = now >= wall - CATCH_UP_LAG_MS;
        boolean catchingUp = catchUpPublishMs > 0 && !live;
        if (!flush && catchingUp && wall - s.lastPublishedWall < catchUpPublishMs) {
            // catching up: keep the sums moving, publish the latest state once the interval is over
            s.unpublished = true;
            ctx.timerService().registerProcessingTimeTimer((wall / catchUpPublishMs + 1) * catchUpPublishMs);
            state.update(s);
            long next = s.nextChange();
            if (next != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(next);
            }
            return;
        }
        s.unpublished = false;
        s.lastPublishedWall = wall;
        String key = ctx.getCurrentKey();
        int slash = key.indexOf('/');
        String scopeType = key.substring(0, slash);
        String scopeId = key.substring(slash + 1);
        List<KpiValue> changed = s.changedValues(scopeType, scopeId, formulas, status, Instant.ofEpochMilli(wall),
                !catchingUp);
        for (KpiValue v : changed) {
            out.collect(v);
        }
        if (heartbeatMs > 0 && "province".equals(scopeType) && live) {
            if (changed.isEmpty() && !flush && timestamp % heartbeatMs == 0) {
                KpiValue beat = s.heartbeat(scopeType, scopeId, formulas, HEARTBEAT_KPI, status,
                        Instant.ofEpochMilli(wall));
                if (beat != null) {
                    out.collect(beat);
                }
            }
            ctx.timerService().registerEventTimeTimer((now / heartbeatMs + 1) * heartbeatMs);
        }
        state.update(s);
        long next = s.nextChange();
        if (next != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }
}
