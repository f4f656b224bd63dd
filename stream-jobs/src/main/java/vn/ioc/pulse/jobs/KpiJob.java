package vn.ioc.pulse.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import vn.ioc.pulse.jobs.functions.AvailabilityProcessor;
import vn.ioc.pulse.jobs.functions.ComponentDownEvaluator;
import vn.ioc.pulse.jobs.functions.KpiAlertEvaluator;
import vn.ioc.pulse.jobs.functions.OverdueAlertEvaluator;
import vn.ioc.pulse.jobs.functions.ClockWatermarks;
import vn.ioc.pulse.jobs.functions.DossierProcessor;
import vn.ioc.pulse.jobs.functions.FeedbackProcessor;
import vn.ioc.pulse.jobs.functions.PaymentProcessor;
import vn.ioc.pulse.jobs.functions.RouteEvents;
import vn.ioc.pulse.jobs.functions.ScopeAggregator;
import vn.ioc.pulse.jobs.records.AlertEventTypeInfo;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.jobs.records.OverdueChange;
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.jobs.rules.FeedbackRules;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.jobs.rules.KpiWindow;
import vn.ioc.pulse.jobs.rules.ScopeState;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * The KPI job: events (case, service, clock ticks) → dossier / feedback / payment / availability state →
 * per-scope KPI values → KPI topic and history store; alert rules on them → alerts topic. Source and sinks come in through the constructor:
 * {@link KpiJobMain} wires Kafka and InfluxDB, tests wire bounded sources and collecting sinks.
 */
public final class KpiJob {
    private final Source<Envelope, ?, ?> source;
    private final Sink<KpiValue> kpiSink;
    private final Sink<KpiValue> historySink;
    private final Sink<String> deadLetterSink;
    private final Sink<AlertEvent> alertSink;
    private final JobConfig config;

    /** Without alerts: {@code historySink} and {@code deadLetterSink} may be null (not wired). */
    public KpiJob(Source<Envelope, ?, ?> source, Sink<KpiValue> kpiSink, Sink<KpiValue> historySink,
                  Sink<String> deadLetterSink, JobConfig config) {
        this(source, kpiSink, historySink, deadLetterSink, null, config);
    }

    /**
     * {@code historySink}, {@code deadLetterSink} and {@code alertSink} may be null (not wired); with an alert sink the
     * job evaluates the alert rules ({@link JobConfig#alertRules()}) and writes their records to it.
     */
    public KpiJob(Source<Envelope, ?, ?> source, Sink<KpiValue> kpiSink, Sink<KpiValue> historySink,
                  Sink<String> deadLetterSink, Sink<AlertEvent> alertSink, JobConfig config) {
        this.source = source;
        this.kpiSink = kpiSink;
        this.historySink = historySink;
        this.deadLetterSink = deadLetterSink;
        this.alertSink = alertSink;
        this.config = config;
    }

    /** The job's output streams: published KPI values and alert records (null without alert evaluation or rules). */
    public record Outputs(DataStream<KpiValue> kpis, DataStream<AlertEvent> alerts) {
    }

    /** Adds the pipeline to {@code env}; returns the stream of published KPI values. */
    public DataStream<KpiValue> build(StreamExecutionEnvironment env) {
        return build(env, s -> s);
    }

    /** As {@link #build(StreamExecutionEnvironment)}, with {@code tap} applied right after the source (tests). */
    public DataStream<KpiValue> build(StreamExecutionEnvironment env,
                                      java.util.function.UnaryOperator<DataStream<Envelope>> tap) {
        return build(env, tap, alertSink != null).kpis();
    }

    /**
     * Adds the pipeline to {@code env} with alert evaluation on (the alert sink, if any, is wired too); returns both
     * output streams (tests collect the alerts from it).
     */
    public Outputs buildWithAlerts(StreamExecutionEnvironment env,
                                   java.util.function.UnaryOperator<DataStream<Envelope>> tap) {
        return build(env, tap, true);
    }

    private Outputs build(StreamExecutionEnvironment env, java.util.function.UnaryOperator<DataStream<Envelope>> tap,
                          boolean withAlerts) {
        WorkingCalendar calendar = config.calendar();
        KpiCatalog catalog = config.catalog();
        ScopeState.StatusRule status = KpiFormulas.status(catalog);
        long retention = config.retention().toMillis();
        String province = config.provinceCode();

        SingleOutputStreamOperator<Envelope> events = env
                .fromSource(source, ClockWatermarks.strategy(config.outOfOrderness(), config.sourceIdleness()), "events")
                .uid("events-source");
        if (config.sourceParallelism() > 0) {
            events.setParallelism(config.sourceParallelism());
        }
        // routing runs at the source's parallelism (chained to it), so the events of one partition keep their order
        // up to the keyed operators: "the first accepted event with an id wins" is decided in Kafka's order
        SingleOutputStreamOperator<DossierInput> dossierInputs = tap.apply(events)
                .process(new RouteEvents(), TypeInformation.of(DossierInput.class))
                .name("route-events").uid("route-events");
        if (config.sourceParallelism() > 0) {
            dossierInputs.setParallelism(config.sourceParallelism());
        }
        DataStream<ServiceEvent> service = dossierInputs.getSideOutput(RouteEvents.SERVICE);

        SingleOutputStreamOperator<ContributionBatch> fromDossiers = dossierInputs
                .keyBy(DossierInput::dossierCode)
                .process(new DossierProcessor(new DossierRules(calendar, province), retention),
                        TypeInformation.of(ContributionBatch.class))
                .name("dossier-state").uid("dossier-state");
        SingleOutputStreamOperator<ContributionBatch> fromPayments = service
                .filter(s -> s.type() == ServiceEvent.Type.PAYMENT_SUCCEEDED
                        || s.type() == ServiceEvent.Type.PAYMENT_FAILED)
                .name("payments").uid("payments-filter")
                .keyBy(ServiceEvent::eventId)
                .process(new PaymentProcessor(province), TypeInformation.of(ContributionBatch.class))
                .name("payment-dedup").uid("payment-dedup");
        SingleOutputStreamOperator<ContributionBatch> fromFeedback = service
                .filter(s -> s.feedbackId() != null && (s.type() == ServiceEvent.Type.FEEDBACK_RECEIVED
                        || s.type() == ServiceEvent.Type.FEEDBACK_ANSWERED))
                .name("feedback").uid("feedback-filter")
                .keyBy(ServiceEvent::feedbackId)
                .process(new FeedbackProcessor(new FeedbackRules(calendar, province)),
                        TypeInformation.of(ContributionBatch.class))
                .name("feedback-state").uid("feedback-state");

        SingleOutputStreamOperator<KpiValue> scopeKpis = fromDossiers.union(fromPayments, fromFeedback)
                .keyBy(ContributionBatch::scopeKey)
                .process(new ScopeAggregator(KpiFormulas.from(catalog), status, config.catchUpPublishMs())
                        .withHeartbeat(config.heartbeatMs()),
                        TypeInformation.of(KpiValue.class))
                .name("scope-kpis").uid("scope-kpis");

        List<KpiWindow> availabilityWindows = new ArrayList<>();
        catalog.get(KpiFormulas.AVAILABILITY).ifPresent(d -> d.windows().forEach(w -> availabilityWindows.add(KpiWindow.byId(w))));
        SingleOutputStreamOperator<ServiceEvent> availabilityEvents = service
                .filter(s -> s.type() == ServiceEvent.Type.AVAILABILITY)
                .name("availability").uid("availability-filter");
        SingleOutputStreamOperator<KpiValue> availability = availabilityEvents
                .keyBy(s -> s.component().name())
                .process(new AvailabilityProcessor(availabilityWindows, status), TypeInformation.of(KpiValue.class))
                .name("availability-kpis").uid("availability-kpis");

        DataStream<KpiValue> kpis = scopeKpis.union(availability);
        kpis.sinkTo(kpiSink).name("kpi-updates").uid("kpi-updates-sink");
        if (historySink != null) {
            kpis.sinkTo(historySink).name("kpi-history").uid("kpi-history-sink");
        }
        List<SingleOutputStreamOperator<AlertEvent>> evaluators = new ArrayList<>();
        DataStream<AlertEvent> alerts = null;
        if (withAlerts) {
            AlertRules rules = config.alertRules();
            evaluators = alertEvaluators(rules, kpis, fromDossiers.getSideOutput(DossierProcessor.OVERDUE),
                    availabilityEvents);
            for (SingleOutputStreamOperator<AlertEvent> e : evaluators) {
                alerts = alerts == null ? e : alerts.union(e);
            }
            if (alerts != null && alertSink != null) {
                // at-least-once like the KPI sink: see KpiJobMain for the guarantee and how consumers deduplicate
                alerts.sinkTo(alertSink).name("alerts").uid("alerts-sink");
            }
        }
        if (deadLetterSink != null) {
            // invalid input (route-events) and every record a keyed operator could not process: one topic
            DataStream<String> deadLetters = dossierInputs.getSideOutput(RouteEvents.DEAD_LETTER)
                    .union(fromDossiers.getSideOutput(RouteEvents.DEAD_LETTER),
                            fromPayments.getSideOutput(RouteEvents.DEAD_LETTER),
                            fromFeedback.getSideOutput(RouteEvents.DEAD_LETTER),
                            scopeKpis.getSideOutput(RouteEvents.DEAD_LETTER),
                            availability.getSideOutput(RouteEvents.DEAD_LETTER));
            for (SingleOutputStreamOperator<AlertEvent> e : evaluators) {
                deadLetters = deadLetters.union(e.getSideOutput(RouteEvents.DEAD_LETTER));
            }
            deadLetters.sinkTo(deadLetterSink).name("dead-letter").uid("dead-letter-sink");
        }
        return new Outputs(kpis, alerts);
    }

    /**
     * The alert stage (docs/alerting.md, "Evaluation in the KPI job"): one keyed evaluator per rule type that has
     * rules — {@code kpi-alerts} on the live KPI values some rule watches (keyed by KPI key), {@code overdue-alerts}
     * on the dossier operator's {@link DossierProcessor#OVERDUE} side output (keyed by agency),
     * {@code component-down-alerts} on the AVAILABILITY events (keyed by component). Each has a dead-letter side
     * output ({@link RouteEvents#DEAD_LETTER}).
     */
    public static List<SingleOutputStreamOperator<AlertEvent>> alertEvaluators(
            AlertRules rules, DataStream<KpiValue> kpis, DataStream<OverdueChange> overdue,
            DataStream<ServiceEvent> availabilityEvents) {
        List<SingleOutputStreamOperator<AlertEvent>> out = new ArrayList<>();
        if (!rules.kpi().isEmpty()) {
            out.add(kpis.filter(KpiAlertEvaluator.watched(rules.kpi())).name("kpi-alert-input")
                    .uid("kpi-alert-input")
                    .keyBy(KpiValue::key)
                    .process(new KpiAlertEvaluator(rules.kpi()), AlertEventTypeInfo.INSTANCE)
                    .name("kpi-alerts").uid("kpi-alerts"));
        }
        if (!rules.overdue().isEmpty()) {
            out.add(overdue.keyBy(c -> c.agency)
                    .process(new OverdueAlertEvaluator(rules.overdue()), AlertEventTypeInfo.INSTANCE)
                    .name("overdue-alerts").uid("overdue-alerts"));
        }
        if (!rules.componentDown().isEmpty()) {
            out.add(availabilityEvents.keyBy(s -> s.component().name())
                    .process(new ComponentDownEvaluator(rules.componentDown()), AlertEventTypeInfo.INSTANCE)
                    .name("component-down-alerts").uid("component-down-alerts"));
        }
        return out;
    }
}
