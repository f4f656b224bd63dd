package vn.ioc.pulse.model;

import java.time.Instant;

/**
 * Case event {@code ioc.case.v1} (CONTRACT.md §1): one step of one dossier's lifecycle.
 * Optional fields are null when absent; {@code sequence} is 0 when absent.
 */
public record CaseEvent(
        String eventId,
        String dossierCode,
        CaseEventType type,
        Instant occurredAt,
        long sequence,
        Integer statusCode,
        String procedureCode,
        String fieldCode,
        String agencyCode,
        String communeCode,
        Channel channel,
        ServiceLevel serviceLevel,
        ApplicantType applicantType,
        Instant receivedAt,
        Instant dueAt,
        RegulatedDuration regulatedDuration,
        Boolean feeRequired,
        Payment payment,
        Digitisation digitisation,
        Rating rating,
        String sourceSystem) implements IocEvent {

    @Override
    public Instant eventTime() {
        return occurredAt;
    }

    public enum Channel { DIRECT, ONLINE, POSTAL }

    public enum ServiceLevel { NONE, PARTIAL, FULL }

    public enum ApplicantType { CITIZEN, BUSINESS }

    public enum Rating { VERY_SATISFIED, SATISFIED, DISSATISFIED }

    public enum Gateway { DVCQG, LOCAL }

    public enum DurationUnit { WORKING_DAY, DAY, HOUR }

    /** Regulated processing time of the procedure. */
    public record RegulatedDuration(long value, DurationUnit unit) {
    }

    /** Fee payment of PAYMENT_COMPLETED. */
    public record Payment(boolean online, Gateway gateway) {
    }

    /** Digitisation flags; null members are absent. */
    public record Digitisation(Boolean inputsDigitised, Boolean reusedData, Boolean eResult) {
    }
}
