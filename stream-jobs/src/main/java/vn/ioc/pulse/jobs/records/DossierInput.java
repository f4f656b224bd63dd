package vn.ioc.pulse.jobs.records;

import java.time.Instant;
import vn.ioc.pulse.model.CaseEvent;

/**
 * One input of a dossier's state: a case event, or a complaint link (a FEEDBACK_* service event carrying the
 * dossier's code, with its event_id and time). A Flink POJO.
 */
public class DossierInput {
    public CaseEvent caseEvent;
    public String complaintEventId;
    public Instant complaintAt;
    /** The dossier a complaint link belongs to (its key). */
    public String complaintDossier;

    public DossierInput() {
    }

    public static DossierInput of(CaseEvent e) {
        DossierInput d = new DossierInput();
        d.caseEvent = e;
        return d;
    }

    public static DossierInput complaint(String eventId, Instant at) {
        DossierInput d = new DossierInput();
        d.complaintEventId = eventId;
        d.complaintAt = at;
        return d;
    }

    /** The dossier_code this input belongs to (the key of the dossier state). */
    public String dossierCode() {
        return caseEvent != null ? caseEvent.dossierCode() : complaintDossier;
    }

    public String eventId() {
        return caseEvent != null ? caseEvent.eventId() : complaintEventId;
    }

    public Instant at() {
        return caseEvent != null ? caseEvent.occurredAt() : complaintAt;
    }

    public long sequence() {
        return caseEvent != null ? caseEvent.sequence() : 0;
    }
}
