package vn.ioc.pulse.jobs;

import java.time.Instant;
import java.time.OffsetDateTime;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEventType;

/** Named fixtures for dossier events (times are written in +07:00, as the sources send them). */
final class CaseEvents {
    private CaseEvents() {
    }

    static Instant at(String localDateTime) {
        return OffsetDateTime.parse(localDateTime + "+07:00").toInstant();
    }

    static CaseEvent received(String eventId, String dossier, Instant t, String agency, String commune, Channel channel) {
        return new CaseEvent(eventId, dossier, CaseEventType.RECEIVED, t, 0, null, "1.001", "F1", agency, commune,
                channel, null, null, null, t.plusSeconds(5 * 86_400), null, null, null, null, null, null);
    }

    static CaseEvent event(String eventId, String dossier, CaseEventType type, Instant t) {
        return new CaseEvent(eventId, dossier, type, t, 0, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }
}
