package vn.ioc.pulse.jobs;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import vn.ioc.pulse.jobs.functions.ClockWatermarks;
import vn.ioc.pulse.jobs.functions.DossierProcessor;
import vn.ioc.pulse.jobs.functions.RouteEvents;
import vn.ioc.pulse.jobs.functions.ScopeAggregator;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.KpiValue;

/**
 * The KPI job: events (case, service, clock ticks) → dossier state → per-scope KPI values → KPI topic and
 * history store. Source and sinks come in through the constructor: {@link KpiJobMain} wires Kafka and InfluxDB,
 * tests wire bounded sources and collecting sinks.
 */
public final class KpiJob {
    private final Source<Envelope, ?, ?> source;
    private final Sink<KpiValue> kpiSink;
    private final Sink<KpiValue> historySink;
    private final Sink<String> deadLetterSink;
    private final JobConfig config;

    /** {@code historySink} and {@code deadLetterSink} may be null (not wired). */
    public KpiJob(Source<Envelope, ?, ?> source, Sink<KpiValue> kpiSink, Sink<KpiValue> historySink,
                  Sink<String> deadLetterSink, JobConfig config) {
        this.source = source;
        this.kpiSink = kpiSink;
        this.historySink = historySink;
        this.deadLetterSink = deadLetterSink;
        this.config = config;
    }

    /** Adds the pipeline to {@code env}; returns the stream of published KPI values. */
    public DataStream<KpiValue> build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Envelope> events = env
                .fromSource(source, ClockWatermarks.strategy(config.outOfOrderness(), config.sourceIdleness()), "events")
                .uid("events-source");
        if (config.sourceParallelism() > 0) {
            events.setParallelism(config.sourceParallelism());
        }
        SingleOutputStreamOperator<CaseEvent> cases = events
                .process(new RouteEvents(), TypeInformation.of(CaseEvent.class))
                .name("route-events").uid("route-events");
        DataStream<KpiValue> kpis = cases
                .keyBy(CaseEvent::dossierCode)
                .process(new DossierProcessor(config.provinceCode()), TypeInformation.of(Contribution.class))
                .name("dossier-state").uid("dossier-state")
                .keyBy(Contribution::scopeKey)
                .process(new ScopeAggregator(KpiFormulas.all(), KpiFormulas.defaultStatus()),
                        TypeInformation.of(KpiValue.class))
                .name("scope-kpis").uid("scope-kpis");
        kpis.sinkTo(kpiSink).name("kpi-updates").uid("kpi-updates-sink");
        if (historySink != null) {
            kpis.sinkTo(historySink).name("kpi-history").uid("kpi-history-sink");
        }
        if (deadLetterSink != null) {
            cases.getSideOutput(RouteEvents.DEAD_LETTER).sinkTo(deadLetterSink).name("dead-letter").uid("dead-letter-sink");
        }
        return kpis;
    }
}
