package vn.ioc.pulse.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.KpiValue;

/** Writes fixture events as the contract JSON a source system would send (test-only encoder). */
final class EventJson {
    private EventJson() {
    }

    static String of(CaseEvent e) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("schema", "ioc.case.v1");
        o.put("event_id", e.eventId());
        o.put("dossier_code", e.dossierCode());
        o.put("type", e.type().name());
        o.put("occurred_at", KpiValue.formatTime(e.occurredAt()));
        if (e.sequence() != 0) {
            o.put("sequence", e.sequence());
        }
        putIfSet(o, "procedure_code", e.procedureCode());
        putIfSet(o, "field_code", e.fieldCode());
        putIfSet(o, "agency_code", e.agencyCode());
        putIfSet(o, "commune_code", e.communeCode());
        putIfSet(o, "channel", e.channel() == null ? null : e.channel().name());
        putIfSet(o, "received_at", KpiValue.formatTime(e.receivedAt()));
        putIfSet(o, "due_at", KpiValue.formatTime(e.dueAt()));
        return o.toString();
    }

    static String tick(Instant now) {
        return "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + KpiValue.formatTime(now) + "\"}";
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
