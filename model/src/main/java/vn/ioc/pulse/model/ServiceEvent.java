package vn.ioc.pulse.model;

import java.time.Instant;

/** Service event {@code ioc.service.v1} (CONTRACT.md §1): payments, feedback, availability, portal actions. */
public record ServiceEvent(
        String eventId,
        Type type,
        Instant occurredAt,
        Component component,
        State state,
        Long latencyMs,
        String agencyCode,
        String communeCode,
        String procedureCode,
        String dossierCode,
        String feedbackId,
        Reaction reaction,
        Long amountVnd,
        CaseEvent.Gateway gateway,
        Action action) implements IocEvent {

    @Override
    public Instant eventTime() {
        return occurredAt;
    }

    /** The Kafka key of CONTRACT.md §3: feedback_id for feedback events, else event_id. */
    public String kafkaKey() {
        return feedbackId != null ? feedbackId : eventId;
    }

    public enum Type {
        PAYMENT_INITIATED, PAYMENT_SUCCEEDED, PAYMENT_FAILED, FEEDBACK_RECEIVED, FEEDBACK_ANSWERED,
        FEEDBACK_REACTION, AVAILABILITY, PORTAL_ACTION
    }

    public enum Component { PORTAL, PAYMENT_GATEWAY, DVCQG_SYNC, VNEID, ONE_STOP }

    public enum State { UP, DEGRADED, DOWN }

    public enum Reaction { LIKE, DISLIKE }

    public enum Action { VIEW, START, SUBMIT, ABANDON }
}
