package vn.ioc.pulse.jobs.rules;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.WorkingCalendar;

/** Runs the dossier rules and scope sums without Flink: events in, every KPI value as of an instant out. */
final class RulesHarness {
    static final WorkingCalendar CALENDAR = WorkingCalendar.load();
    static final KpiCatalog CATALOG = KpiCatalog.load();
    static final DossierRules RULES = new DossierRules(CALENDAR, "SL");

    private RulesHarness() {
    }

    static Instant at(String local) {
        return OffsetDateTime.parse(local.length() == 16 ? local + ":00+07:00" : local + "+07:00").toInstant();
    }

    /** KPI values of every scope as of {@code t}, by key {@code kpi/scope_type/scope_id/window}. */
    static Map<String, KpiValue> kpisAsOf(List<CaseEvent> events, Instant t) {
        Map<String, List<DossierInput>> byDossier = new LinkedHashMap<>();
        for (CaseEvent e : events) {
            List<DossierInput> list = byDossier.computeIfAbsent(e.dossierCode(), k -> new ArrayList<>());
            if (list.stream().noneMatch(d -> d.eventId().equals(e.eventId()))) {
                list.add(DossierInput.of(e));
            }
        }
        Map<String, ScopeState> scopes = new LinkedHashMap<>();
        for (List<DossierInput> inputs : byDossier.values()) {
            inputs.sort(DossierRules.INPUT_ORDER);
            for (Contribution c : RULES.contributions(inputs)) {
                scopes.computeIfAbsent(c.scopeKey(), k -> new ScopeState()).add(c);
            }
        }
        Map<String, KpiValue> out = new HashMap<>();
        List<KpiFormula> formulas = KpiFormulas.from(CATALOG);
        scopes.forEach((key, state) -> {
            state.advance(t.toEpochMilli());
            String[] st = key.split("/", 2);
            for (KpiValue v : state.changedValues(st[0], st[1], formulas, KpiFormulas.status(CATALOG), t)) {
                out.put(v.key(), v);
            }
        });
        return out;
    }

    /** A fluent case event for fixtures. */
    static final class Ev {
        private final String id;
        private final String dossier;
        private final CaseEventType type;
        private final Instant at;
        private long sequence;
        private Instant due;
        private CaseEvent.RegulatedDuration duration;
        private CaseEvent.Channel channel = CaseEvent.Channel.DIRECT;
        private String agency = "STP";
        private String commune = "03646";
        private Instant receivedAt;
        private CaseEvent.Rating rating;
        private Boolean fee;
        private CaseEvent.Payment payment;
        private CaseEvent.Digitisation digitisation;
        private CaseEvent.ServiceLevel level;

        Ev(String id, String dossier, CaseEventType type, Instant at) {
            this.id = id;
            this.dossier = dossier;
            this.type = type;
            this.at = at;
        }

        Ev due(Instant d) {
            this.due = d;
            return this;
        }

        Ev workingDays(long n) {
            this.duration = new CaseEvent.RegulatedDuration(n, CaseEvent.DurationUnit.WORKING_DAY);
            return this;
        }

        Ev channel(CaseEvent.Channel c) {
            this.channel = c;
            return this;
        }

        Ev agency(String a) {
            this.agency = a;
            return this;
        }

        Ev seq(long s) {
            this.sequence = s;
            return this;
        }

        Ev receivedAt(Instant r) {
            this.receivedAt = r;
            return this;
        }

        Ev rating(CaseEvent.Rating r) {
            this.rating = r;
            return this;
        }

        Ev fee(boolean f) {
            this.fee = f;
            return this;
        }

        Ev paidOnline(boolean online) {
            this.payment = new CaseEvent.Payment(online, CaseEvent.Gateway.DVCQG);
            return this;
        }

        Ev digitisation(boolean inputs, boolean reused, boolean eResult) {
            this.digitisation = new CaseEvent.Digitisation(inputs, reused, eResult);
            return this;
        }

        Ev level(CaseEvent.ServiceLevel l) {
            this.level = l;
            return this;
        }

        CaseEvent build() {
            boolean rcv = type == CaseEventType.RECEIVED;
            return new CaseEvent(id, dossier, type, at, sequence, null, rcv ? "2.000815" : null, rcv ? "chung-thuc" : null,
                    rcv ? agency : null, rcv ? commune : null, rcv ? channel : null, rcv ? level : null, null,
                    receivedAt, due, duration, fee, payment, digitisation, rating, null);
        }
    }

    static Ev ev(String id, String dossier, CaseEventType type, String local) {
        return new Ev(id, dossier, type, at(local));
    }
}
