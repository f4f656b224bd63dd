package vn.ioc.pulse.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * The process's metrics, served at {@code GET /metrics} in Prometheus text format by both HTTP servers: Vert.x's
 * own HTTP and WebSocket metrics (labelled by server address, route template, method and status — never by raw
 * path, which would be unbounded), the JVM's, and ours ({@code ioc_*}: connections shed, records accepted and
 * rejected by field, screens, messages out, Kafka consumer lag …; docs/reliability.md lists them). One registry per
 * process, so the demo's two servers share it (the {@code local} label tells them apart).
 */
public final class Metrics {
    private static final PrometheusMeterRegistry REGISTRY = newRegistry();

    private Metrics() {
    }

    private static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        return r;
    }

    public static MeterRegistry registry() {
        return REGISTRY;
    }

    /** A Vert.x instance reporting its HTTP and WebSocket metrics to this process's registry. */
    public static Vertx vertx() {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true)
                .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
                        Label.POOL_TYPE, Label.POOL_NAME));
        return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(REGISTRY)).build();
    }

    /** Adds {@code GET /metrics} (open, like /health) to {@code router}; the scrape runs on a worker thread. */
    public static void route(Vertx vertx, Router router) {
        router.get("/metrics").handler(ctx -> vertx.executeBlocking(REGISTRY::scrape, false)
                .onSuccess(text -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                .onFailure(ctx::fail));
    }
}
