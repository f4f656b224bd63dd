package vn.ioc.pulse.ingest;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Named fixtures for the ingest tests: timestamps and contract-valid (or deliberately broken) input events. */
abstract class IngestTestBase {
    /** 2026-03-02T09:15:00+07:00, the contract's example timestamp. */
    static final String T0 = "2026-03-02T09:15:00+07:00";
    /** One week after {@link #T0}, at the end of the working day: a due date. */
    static final String ONE_WEEK_LATER = "2026-03-09T17:00:00+07:00";

    /** The smallest valid RECEIVED case event (with due_at, so no regulated_duration). */
    static JsonObject received(String eventId, String dossier) {
        return new JsonObject().put("schema", "ioc.case.v1").put("event_id", eventId).put("dossier_code", dossier)
                .put("type", "RECEIVED").put("occurred_at", T0).put("procedure_code", "2.000815")
                .put("agency_code", "H01.10").put("channel", "ONLINE").put("due_at", ONE_WEEK_LATER);
    }

    /** A RECEIVED case event without its conditionally required agency_code: invalid, naming agency_code. */
    static JsonObject receivedWithoutAgency(String eventId, String dossier) {
        JsonObject o = received(eventId, dossier);
        o.remove("agency_code");
        return o;
    }

    /** A RECEIVED case event whose occurred_at has no offset: invalid, naming occurred_at. */
    static JsonObject receivedWithoutOffset(String eventId, String dossier) {
        return received(eventId, dossier).put("occurred_at", "2026-03-02T09:15:00");
    }

    /** A RESOLVED case event: only the always-required fields, so it is short. */
    static JsonObject resolved(String eventId, String dossier) {
        return new JsonObject().put("schema", "ioc.case.v1").put("event_id", eventId).put("dossier_code", dossier)
                .put("type", "RESOLVED").put("occurred_at", T0);
    }

    /** A FEEDBACK_RECEIVED service event: keyed by feedback_id on the service topic. */
    static JsonObject feedbackReceived(String eventId, String feedbackId) {
        return new JsonObject().put("schema", "ioc.service.v1").put("event_id", eventId)
                .put("type", "FEEDBACK_RECEIVED").put("occurred_at", T0).put("feedback_id", feedbackId);
    }

    /** An AVAILABILITY service event: keyed by event_id on the service topic. */
    static JsonObject portalUp(String eventId) {
        return new JsonObject().put("schema", "ioc.service.v1").put("event_id", eventId).put("type", "AVAILABILITY")
                .put("occurred_at", T0).put("component", "PORTAL").put("state", "UP");
    }

    /** A clock tick at {@code now}. */
    static JsonObject clockTick(String now) {
        return new JsonObject().put("schema", "ioc.clock.v1").put("now", now);
    }

    /** A JSON array of the given events. */
    static String array(JsonObject... events) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < events.length; i++) {
            sb.append(i == 0 ? "" : ",").append(events[i].encode());
        }
        return sb.append(']').toString();
    }

    /** {@code depth} nested empty arrays: {@code [[[…]]]}. */
    static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
