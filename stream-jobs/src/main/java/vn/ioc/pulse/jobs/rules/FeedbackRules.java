package vn.ioc.pulse.jobs.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * A citizen feedback item (PAKN, DOMAIN.md §7 feedback_on_time_ratio) as a pure function of its events: opened by
 * its first FEEDBACK_RECEIVED, due within 15 working days, answered by the first FEEDBACK_ANSWERED at or after
 * the receipt; scopes province and the agency/commune of the receipt, else of the earliest event carrying them —
 * all as known at each instant.
 */
public final class FeedbackRules implements Serializable {
    public static final Comparator<ServiceEvent> ORDER = Comparator.comparing(ServiceEvent::occurredAt)
            .thenComparing(ServiceEvent::eventId);
    private static final long DEADLINE_WORKING_DAYS = 15;

    private final WorkingCalendar calendar;
    private final String provinceCode;

    public FeedbackRules(WorkingCalendar calendar, String provinceCode) {
        this.calendar = calendar;
        this.provinceCode = provinceCode;
    }

    /** The first FEEDBACK_RECEIVED of {@code sorted}, or null. */
    public static ServiceEvent received(List<ServiceEvent> sorted) {
        for (ServiceEvent s : sorted) {
            if (s.type() == ServiceEvent.Type.FEEDBACK_RECEIVED) {
                return s;
            }
        }
        return null;
    }

    /** The first FEEDBACK_ANSWERED at or after the receipt, or null. */
    public static ServiceEvent answer(List<ServiceEvent> sorted) {
        ServiceEvent received = received(sorted);
        if (received == null) {
            return null;
        }
        for (ServiceEvent s : sorted) {
            if (s.type() == ServiceEvent.Type.FEEDBACK_ANSWERED && !s.occurredAt().isBefore(received.occurredAt())) {
                return s;
            }
        }
        return null;
    }

    /**
     * Checks one event on its own, before it joins an item's state: event_id, type and an occurred_at inside
     * {@link EventTime}'s range (for a FEEDBACK_RECEIVED, also a deadline inside it).
     *
     * @throws IllegalArgumentException naming the field and value
     */
    public void validate(ServiceEvent e) {
        if (e.eventId() == null) {
            throw new IllegalArgumentException("event_id is missing");
        }
        if (e.type() == null) {
            throw new IllegalArgumentException("type is missing");
        }
        EventTime.millis(e.occurredAt(), "occurred_at");
        if (e.type() == ServiceEvent.Type.FEEDBACK_RECEIVED) {
            deadline(e);
        }
    }

    /** The answer deadline of an item received by {@code received}: 15 working days (WORKING_DAY rule). */
    private long deadline(ServiceEvent received) {
        return EventTime.millis(calendar.due(received.occurredAt(), DEADLINE_WORKING_DAYS,
                CaseEvent.DurationUnit.WORKING_DAY), "feedback deadline");
    }

    /** Contributions of one item; {@code sorted} deduplicated and in {@link #ORDER}. */
    public List<Contribution> contributions(List<ServiceEvent> sorted) {
        Segments segments = new Segments();
        Segments.forEachInstant(sorted, e -> EventTime.millis(e.occurredAt(), "occurred_at"), (known, start, end) -> {
            ServiceEvent received = received(known);
            if (received == null) {
                return;
            }
            long deadline = deadline(received);
            ServiceEvent answer = answer(known);
            for (String[] scope : scopes(known, received)) {
                if (answer == null) {
                    segments.gauge(scope, Measure.FEEDBACK_OPEN, start, end);
                    segments.gauge(scope, Measure.FEEDBACK_OPEN_ON_TIME, start, Math.min(end, deadline + 1));
                } else {
                    long a = EventTime.millis(answer.occurredAt(), "occurred_at");
                    segments.windowed(scope, Measure.FEEDBACK_ANSWERED, a, 1, start, end);
                    segments.windowed(scope, Measure.FEEDBACK_ANSWERED_ON_TIME, a, a <= deadline ? 1 : 0, start, end);
                }
            }
        });
        return segments.contributions();
    }

    private List<String[]> scopes(List<ServiceEvent> known, ServiceEvent received) {
        String agency = received.agencyCode();
        String commune = received.communeCode();
        for (ServiceEvent s : known) {
            agency = agency != null ? agency : s.agencyCode();
            commune = commune != null ? commune : s.communeCode();
        }
        List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {"province", provinceCode});
        if (agency != null) {
            scopes.add(new String[] {"agency", agency});
        }
        if (commune != null) {
            scopes.add(new String[] {"commune", commune});
        }
        return scopes;
    }
}
