package vn.ioc.pulse.dashboard.alerts.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.model.AlertEvent;

/** Named times and alert records shared by the delivery tests. */
abstract class AlertFixtures {
    /** 2026-03-02 09:00 in +07:00. */
    static final Instant T0 = Instant.parse("2026-03-02T02:00:00Z");
    static final Instant TEN_MINUTES_LATER = T0.plus(Duration.ofMinutes(10));
    static final Instant COMPUTED = Instant.parse("2026-03-02T02:00:01.500Z");
    static final String ON_TIME_LOW = "on_time_ratio_low";
    static final String OVERDUE = "overdue_dossiers";

    /** {@code rule} firing for commune {@code communeId}, seq {@code seq}, with the labels and vi/en texts of a KPI rule. */
    static AlertEvent firing(String rule, String communeId, long seq) {
        return alert(rule, "commune", communeId, AlertEvent.Status.FIRING, seq);
    }

    static AlertEvent resolved(String rule, String communeId, long seq) {
        return alert(rule, "commune", communeId, AlertEvent.Status.RESOLVED, seq);
    }

    static AlertEvent alert(String rule, String scopeType, String scopeId, AlertEvent.Status status, long seq) {
        boolean firing = status == AlertEvent.Status.FIRING;
        return new AlertEvent(AlertEvent.fingerprint(rule, scopeType, scopeId), rule, status,
                AlertEvent.Severity.WARNING, scopeType, scopeId, "on_time_ratio", "day", 0.62, 0.8, List.of(), 0,
                Map.of("alertname", rule, "severity", "warning", "scope_type", scopeType, "scope_id", scopeId,
                        "kpi", "on_time_ratio", "window", "day"),
                Map.of("summary_vi", "Tỷ lệ đúng hạn thấp: " + scopeId, "summary_en", "Low on-time ratio: " + scopeId,
                        "description_vi", "Tỷ lệ 62% dưới ngưỡng 80%", "description_en", "62% is below 80%"),
                T0, firing ? null : TEN_MINUTES_LATER, firing ? T0 : TEN_MINUTES_LATER, COMPUTED, seq);
    }
}
