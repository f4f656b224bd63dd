package vn.ioc.pulse.dashboard;

import java.time.Duration;
import java.time.Instant;
import vn.ioc.pulse.model.KpiValue;

/** Named times and KPI values shared by the dashboard API tests. */
abstract class DashboardTestBase {

    /** 2026-03-02 09:00 in +07:00. */
    static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    static final Instant ONE_MINUTE_LATER = T0.plus(Duration.ofMinutes(1));
    static final Instant TWO_MINUTES_LATER = T0.plus(Duration.ofMinutes(2));
    static final Instant ONE_HOUR_LATER = T0.plus(Duration.ofHours(1));
    static final Instant COMPUTED = Instant.parse("2026-03-02T03:00:00.250Z");

    /** A count KPI value: value = numerator = n, no denominator. */
    static KpiValue count(String kpi, String scopeType, String scopeId, String window, Instant asOf, double n,
                          long revision) {
        return new KpiValue(kpi, scopeType, scopeId, window, n, n, null, KpiValue.Status.GREEN, asOf, COMPUTED,
                revision);
    }

    /** A {@code received} count at {@code asOf}. */
    static KpiValue received(String scopeType, String scopeId, String window, Instant asOf, double n) {
        return count("received", scopeType, scopeId, window, asOf, n, 0);
    }

    /** An {@code on_time_ratio} value: numerator ÷ denominator, null (GREY) when the denominator is 0. */
    static KpiValue onTimeRatio(String scopeType, String scopeId, String window, Instant asOf, double numerator,
                                double denominator) {
        boolean empty = denominator == 0;
        return new KpiValue("on_time_ratio", scopeType, scopeId, window, empty ? null : numerator / denominator,
                numerator, denominator, empty ? KpiValue.Status.GREY : KpiValue.Status.YELLOW, asOf, COMPUTED, 0);
    }

    /** A {@code received} count at {@code asOf} with the KPI job's {@code seq}. */
    static KpiValue received(String scopeType, String scopeId, String window, Instant asOf, double n, long seq) {
        return received(scopeType, scopeId, window, asOf, n).withSeq(seq);
    }

    /** The same value with another revision. */
    static KpiValue withRevision(KpiValue v, long revision) {
        return new KpiValue(v.kpi(), v.scopeType(), v.scopeId(), v.window(), v.value(), v.numerator(),
                v.denominator(), v.status(), v.asOf(), v.computedAt(), revision, v.seq());
    }
}
