package vn.ioc.pulse.model;

/** Dossier lifecycle event types (DOMAIN.md §1) with the national status code (TrangThaiHoSo) they imply. */
public enum CaseEventType {
    SUBMITTED(1), RECEIVED(2), REFUSED(3), PROCESSING(4), SUPPLEMENT_REQUESTED(5), SUPPLEMENT_RECEIVED(4),
    FINANCIAL_OBLIGATION(6), WITHDRAWN(7), STOPPED(8), RESOLVED(9), RESULT_RETURNED(10),
    DUE_DATE_CHANGED(0), PAYMENT_COMPLETED(0), RATED(0);

    /** National status after the event, 0 when the event does not change the status. */
    public final int statusCode;

    CaseEventType(int statusCode) {
        this.statusCode = statusCode;
    }

    /** True for the events that can end processing (DOMAIN.md §2 rule 1). */
    public boolean isTerminal() {
        return this == RESOLVED || this == RESULT_RETURNED || this == STOPPED || this == WITHDRAWN;
    }
}
