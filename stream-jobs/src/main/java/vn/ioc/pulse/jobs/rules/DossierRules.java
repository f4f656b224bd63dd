package vn.ioc.pulse.jobs.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;

/**
 * The dossier rules of DOMAIN.md §2 and §7 as a pure function: the set of a dossier's events in, its
 * contributions to every scope out. The same set gives the same contributions whatever order it arrived in.
 */
public final class DossierRules {
    /** Event order within a dossier: occurred_at, then sequence (absent = 0), then event_id (DOMAIN.md §7). */
    public static final Comparator<CaseEvent> EVENT_ORDER = Comparator.comparing(CaseEvent::occurredAt)
            .thenComparingLong(CaseEvent::sequence)
            .thenComparing(CaseEvent::eventId);

    private DossierRules() {
    }

    /** Contributions of one dossier; {@code events} must be deduplicated and in {@link #EVENT_ORDER}. */
    public static List<Contribution> contributions(List<CaseEvent> events, String provinceCode) {
        CaseEvent received = null;
        CaseEvent refused = null;
        for (CaseEvent e : events) {
            if (e.type() == CaseEventType.RECEIVED && received == null) {
                received = e;
            } else if (e.type() == CaseEventType.REFUSED && refused == null) {
                refused = e;
            }
        }
        List<Contribution> out = new ArrayList<>();
        if (received == null) {
            return out;
        }
        long receivedAt = (received.receivedAt() != null ? received.receivedAt() : received.occurredAt()).toEpochMilli();
        long knownFrom = received.occurredAt().toEpochMilli();
        // A REFUSED dossier never counts as received: from the refusal on, its receipt is withdrawn again.
        long refusedFrom = refused == null ? Long.MAX_VALUE : refused.occurredAt().toEpochMilli();
        if (refusedFrom <= knownFrom) {
            return out;
        }
        for (String[] scope : scopes(events, received, provinceCode)) {
            out.add(new Contribution(scope[0], scope[1], Measure.RECEIVED, receivedAt, knownFrom, 1));
            if (refused != null) {
                out.add(new Contribution(scope[0], scope[1], Measure.RECEIVED, receivedAt, refusedFrom, -1));
            }
        }
        return out;
    }

    /**
     * The scopes a dossier counts in: province always; agency, commune, field, channel and procedure from its first
     * RECEIVED, or else from the earliest event carrying them (a later transfer does not move it).
     */
    static List<String[]> scopes(List<CaseEvent> events, CaseEvent received, String provinceCode) {
        List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {"province", provinceCode});
        addScope(scopes, "agency", first(received.agencyCode(), events, CaseEvent::agencyCode));
        addScope(scopes, "commune", first(received.communeCode(), events, CaseEvent::communeCode));
        addScope(scopes, "field", first(received.fieldCode(), events, CaseEvent::fieldCode));
        addScope(scopes, "channel", received.channel() == null ? null : received.channel().name());
        addScope(scopes, "procedure", first(received.procedureCode(), events, CaseEvent::procedureCode));
        return scopes;
    }

    private static void addScope(List<String[]> scopes, String type, String id) {
        if (id != null) {
            scopes.add(new String[] {type, id});
        }
    }

    private static String first(String fromReceived, List<CaseEvent> events,
                                java.util.function.Function<CaseEvent, String> attribute) {
        if (fromReceived != null) {
            return fromReceived;
        }
        for (CaseEvent e : events) {
            String v = attribute.apply(e);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
