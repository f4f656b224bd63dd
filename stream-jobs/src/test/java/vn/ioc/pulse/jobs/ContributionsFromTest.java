package vn.ioc.pulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * The dossier operator computes only what a new event can change ({@code DossierRules.contributionsFrom} its instant)
 * instead of every prefix of the old and the new event set. Reference: the full recomputation (kept as
 * {@code contributions}). For every arrival order of each fixture dossier, event by event, the net effect (weight per
 * scope, measure, position and validFrom, zeros dropped) of the suffix difference — and of {@code differenceFrom}, which
 * compares scope-free and fans the difference out to the scopes — equals that of the full difference. The second
 * fixture has an event before the receipt (other scopes then: the scope-by-scope path).
 */
@DisplayName("Dossier contributions from the new event's instant on have the same effect as the full recomputation")
class ContributionsFromTest {
    private static final DossierRules RULES = new DossierRules(WorkingCalendar.load(), "SL");
    private static final Instant T = CaseEvents.at("2026-03-02T09:00:00");

    private static DossierInput ev(String id, CaseEventType type, long minutes) {
        return DossierInput.of(CaseEvents.event(id, "D", type, T.plusSeconds(60 * minutes)));
    }

    private static DossierInput received(String id, long minutes) {
        return DossierInput.of(CaseEvents.received(id, "D", T.plusSeconds(60 * minutes), "STP", "03646", Channel.ONLINE));
    }

    static Map<String, Long> net(List<Contribution> plus, List<Contribution> minus) {
        Map<String, Long> m = new TreeMap<>();
        for (Contribution c : plus) {
            m.merge(c.scopeKey() + "/" + c.measure() + "@" + c.position() + "|" + c.validFrom(), c.weight(), Long::sum);
        }
        for (Contribution c : minus) {
            m.merge(c.scopeKey() + "/" + c.measure() + "@" + c.position() + "|" + c.validFrom(), -c.weight(), Long::sum);
        }
        m.values().removeIf(v -> v == 0);
        return m;
    }

    /** Every arrival order of {@code events}: after each arrival, the suffix difference ≡ the full difference. */
    private static int checkAllOrders(List<DossierInput> events) {
        int[] checked = {0};
        permute(new ArrayList<>(events), 0, order -> {
            List<DossierInput> known = new ArrayList<>();
            for (DossierInput in : order) {
                List<DossierInput> old = new ArrayList<>(known);
                old.sort(DossierRules.INPUT_ORDER);
                known.add(in);
                List<DossierInput> updated = new ArrayList<>(known);
                updated.sort(DossierRules.INPUT_ORDER);
                long from = in.at().toEpochMilli();
                Map<String, Long> full = net(RULES.contributions(updated), RULES.contributions(old));
                Map<String, Long> suffix = net(RULES.contributionsFrom(updated, from), RULES.contributionsFrom(old, from));
                assertThat(suffix).as("after %s in order %s", in.eventId(), order.stream().map(DossierInput::eventId).toList())
                        .isEqualTo(full);
                // what the operator uses: the scope-free difference fanned out to the scopes
                assertThat(net(RULES.differenceFrom(old, updated, from), List.of()))
                        .as("differenceFrom after %s in order %s", in.eventId(), order.stream().map(DossierInput::eventId).toList())
                        .isEqualTo(full);
                checked[0]++;
            }
        });
        return checked[0];
    }

    private static void permute(List<DossierInput> a, int k, java.util.function.Consumer<List<DossierInput>> out) {
        if (k == a.size()) {
            out.accept(List.copyOf(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            java.util.Collections.swap(a, k, i);
            permute(a, k + 1, out);
            java.util.Collections.swap(a, k, i);
        }
    }

    @Test
    @DisplayName("a dossier paused for documents and resolved on time: 6 events, 720 orders")
    void pausedAndResolved() {
        assertThat(checkAllOrders(List.of(received("r", 0), ev("p", CaseEventType.PROCESSING, 60),
                ev("sq", CaseEventType.SUPPLEMENT_REQUESTED, 24 * 60), ev("sr", CaseEventType.SUPPLEMENT_RECEIVED, 2 * 24 * 60),
                ev("res", CaseEventType.RESOLVED, 3 * 24 * 60), ev("ret", CaseEventType.RESULT_RETURNED, 3 * 24 * 60 + 30))))
                .isEqualTo(720 * 6);
    }

    @Test
    @DisplayName("overdue, resolved late, then a complaint; two events at the same instant; an event before the receipt")
    void lateWithComplaintAndTies() {
        assertThat(checkAllOrders(List.of(ev("s", CaseEventType.SUBMITTED, -30), received("r", 0),
                ev("p", CaseEventType.PROCESSING, 10 * 24 * 60), ev("d", CaseEventType.DUE_DATE_CHANGED, 10 * 24 * 60),
                ev("res", CaseEventType.RESOLVED, 12 * 24 * 60),
                DossierInput.complaint("c", T.plusSeconds(60L * 13 * 24 * 60)))))
                .isEqualTo(720 * 6);
    }

    @Test
    @DisplayName("withdrawn, then a second receipt and a refusal: terminal and unusual sequences")
    void terminalSequences() {
        assertThat(checkAllOrders(List.of(received("r", 0), ev("w", CaseEventType.WITHDRAWN, 60),
                received("r2", 120), ev("x", CaseEventType.REFUSED, 180), ev("res", CaseEventType.RESOLVED, 240))))
                .isEqualTo(120 * 5);
    }
}
