package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.OverdueChange;
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.AlertEvent.Status;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * {@link OverdueAlertEvaluator} (operator {@code overdue-alerts}, keyed by agency) in Flink's keyed test harness, fed
 * by the {@link DossierProcessor#OVERDUE} side output of a {@link DossierProcessor} harness (so the overdue intervals
 * come from the real dossier rules), and directly with hand-written edges. DOMAIN.md §7: an open dossier is OVERDUE
 * iff now &gt; due (strictly) and it is not paused. Times +07:00 on Mon 2/3/2026.
 */
@DisplayName("OverdueAlertEvaluator harness: one alert per agency listing its overdue dossiers")
class OverdueAlertEvaluatorHarnessTest {
    static final String RULES = """
            {"rules": [
              {"id": "overdue", "type": "overdue", "severity": "warning",
               "summary": {"vi": "{scope_id} có {count} hồ sơ quá hạn", "en": "{scope_id}: {count} overdue"},
               "description": {"vi": "{count}", "en": "{count}"}},
              {"id": "overdue2", "type": "overdue", "min_count": 2, "max_listed": 2, "for": "30m", "severity": "info",
               "summary": {"vi": "{count}", "en": "{count}"}, "description": {"vi": "{count}", "en": "{count}"}}]}""";
    static final String FP = AlertEvent.fingerprint("overdue", "agency", "STP");

    KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> dossiers;
    KeyedOneInputStreamOperatorTestHarness<String, OverdueChange, AlertEvent> alerts;

    static List<AlertRules.OverdueRule> rules(String... ids) {
        List<AlertRules.OverdueRule> out = new ArrayList<>();
        for (AlertRules.OverdueRule r : AlertRules.parse(new ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8)),
                "test", KpiCatalog.load()).overdue()) {
            if (List.of(ids).contains(r.id())) {
                out.add(r);
            }
        }
        return out;
    }

    void openAlerts(String... ruleIds) throws Exception {
        alerts = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OverdueAlertEvaluator(rules(ruleIds))), (OverdueChange c) -> c.agency,
                Types.STRING);
        alerts.open();
    }

    @BeforeEach
    void open() throws Exception {
        dossiers = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DossierProcessor(new DossierRules(WorkingCalendar.load(), "SL"),
                        Duration.ofDays(35).toMillis())), DossierInput::dossierCode, Types.STRING);
        dossiers.open();
    }

    @AfterEach
    void close() throws Exception {
        dossiers.close();
        if (alerts != null) {
            alerts.close();
        }
    }

    static long ms(String localTime) {
        return OffsetDateTime.parse("2026-03-02T" + localTime + "+07:00").toInstant().toEpochMilli();
    }

    static Instant at(String localTime) {
        return Instant.ofEpochMilli(ms(localTime));
    }

    static DossierInput received(String id, String dossier, String agency, String localTime, String dueLocalTime) {
        return DossierInput.of(new CaseEvent(id, dossier, CaseEventType.RECEIVED, at(localTime), 0, null, "1.001",
                null, agency, null, CaseEvent.Channel.ONLINE, null, null, null, at(dueLocalTime), null, null, null,
                null, null, null));
    }

    static DossierInput event(String id, String dossier, CaseEventType type, String localTime) {
        return DossierInput.of(new CaseEvent(id, dossier, type, at(localTime), 0, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null));
    }

    /** A dossier event through the dossier operator; its overdue changes on to the alert operator. */
    void send(DossierInput in) throws Exception {
        dossiers.processElement(new StreamRecord<>(in, in.at().toEpochMilli()));
        var side = dossiers.getSideOutput(DossierProcessor.OVERDUE);
        if (side != null) {
            for (StreamRecord<OverdueChange> r : side) {
                alerts.processElement(r);
            }
            side.clear();
        }
    }

    void clock(String localTime) throws Exception {
        dossiers.processWatermark(ms(localTime));
        alerts.processWatermark(ms(localTime));
    }

    List<AlertEvent> drain() {
        List<AlertEvent> out = new ArrayList<>(alerts.extractOutputValues());
        alerts.getOutput().clear();
        return out;
    }

    @Test
    @DisplayName("3 dossiers overdue at 10:00, 11:00, 12:00 → one alert listing them (seq 1, 2, 3); resolutions shrink it; RESOLVED when none is left; a paused dossier is never listed")
    void oneAlertPerAgency() throws Exception {
        openAlerts("overdue");
        send(received("r3", "HS-3", "STP", "08:00", "10:00"));
        send(received("r1", "HS-1", "STP", "08:01", "11:00"));
        send(received("r2", "HS-2", "STP", "08:02", "12:00"));
        send(received("r4", "HS-4", "STP", "08:03", "10:30"));
        send(received("x1", "HS-X", "SXD", "08:04", "09:30"));
        send(event("p4", "HS-4", CaseEventType.SUPPLEMENT_REQUESTED, "09:00")); // paused before its due
        send(event("x1e", "HS-X", CaseEventType.RESOLVED, "09:15")); // other agency, ended on time
        clock("10:00");
        assertThat(drain()).as("at 10:00 exactly HS-3 is due, not overdue (now > due)").isEmpty();
        clock("10:00:00.001");
        List<AlertEvent> first = drain();
        assertThat(first).extracting(AlertEvent::seq, AlertEvent::status, AlertEvent::dossiers,
                AlertEvent::dossierCount, AlertEvent::asOf)
                .containsExactly(tuple(1L, Status.FIRING, List.of("HS-3"), 1, at("10:00:00.001")));
        AlertEvent a = first.get(0);
        assertThat(a.fingerprint()).isEqualTo(FP);
        assertThat(a.startsAt()).isEqualTo(at("10:00:00.001"));
        assertThat(a.endsAt()).isNull();
        assertThat(a.scopeType()).isEqualTo("agency");
        assertThat(a.annotations()).containsEntry("summary_vi", "STP có 1 hồ sơ quá hạn");
        clock("11:30");
        clock("12:30");
        // longest overdue first: HS-3 (since 10:00), HS-1 (11:00), HS-2 (12:00) — not the codes' order
        assertThat(drain()).extracting(AlertEvent::seq, AlertEvent::dossiers, AlertEvent::asOf, AlertEvent::startsAt)
                .containsExactly(
                        tuple(2L, List.of("HS-3", "HS-1"), at("11:00:00.001"), at("10:00:00.001")),
                        tuple(3L, List.of("HS-3", "HS-1", "HS-2"), at("12:00:00.001"), at("10:00:00.001")));
        send(event("e1", "HS-1", CaseEventType.RESOLVED, "13:00"));
        send(event("e3", "HS-3", CaseEventType.RESOLVED, "14:00"));
        send(event("p2", "HS-2", CaseEventType.SUPPLEMENT_REQUESTED, "15:00")); // paused: no longer overdue
        clock("15:30");
        assertThat(drain()).extracting(AlertEvent::seq, AlertEvent::status, AlertEvent::dossiers,
                        AlertEvent::dossierCount, AlertEvent::asOf, AlertEvent::endsAt)
                .containsExactly(
                        tuple(4L, Status.FIRING, List.of("HS-3", "HS-2"), 2, at("13:00"), null),
                        tuple(5L, Status.FIRING, List.of("HS-2"), 1, at("14:00"), null),
                        tuple(6L, Status.RESOLVED, List.of(), 0, at("15:00"), at("15:00")));
        assertThat(alerts.numEventTimeTimers()).isZero();
        // HS-2 resumes at 16:00: its due moves by the paused working hour (12:00 → 14:30) and it is overdue again
        send(event("s2", "HS-2", CaseEventType.SUPPLEMENT_RECEIVED, "16:00"));
        clock("16:30");
        assertThat(drain()).extracting(AlertEvent::seq, AlertEvent::status, AlertEvent::dossiers, AlertEvent::startsAt)
                .containsExactly(tuple(7L, Status.FIRING, List.of("HS-2"), at("16:00")));
        assertThat(alerts.numEventTimeTimers()).isZero();
    }

    @Test
    @DisplayName("dossiers whose intervals ended are dropped once the clock passed them; the alert state keeps only its seq")
    void stateIsBounded() throws Exception {
        openAlerts("overdue");
        send(received("r1", "HS-1", "STP", "08:00", "10:00"));
        send(event("e1", "HS-1", CaseEventType.RESOLVED, "11:00"));
        clock("12:00");
        assertThat(drain()).extracting(AlertEvent::status).containsExactly(Status.FIRING, Status.RESOLVED);
        assertThat(alerts.numEventTimeTimers()).isZero();
        assertThat(alerts.numKeyedStateEntries()).as("only the fingerprint's alert state").isEqualTo(1);
    }

    static StreamRecord<OverdueChange> change(String dossier, String localTime, long weight) {
        return new StreamRecord<>(new OverdueChange("STP", dossier, new long[] {ms(localTime)}, new long[] {weight}));
    }

    @Test
    @DisplayName("min_count 2, max_listed 2, for 30m: fires after 30 min of ≥ 2 overdue, lists 2 (ties by code), resolves below 2; a shorter spell raises nothing")
    void minCountMaxListedFor() throws Exception {
        openAlerts("overdue2");
        alerts.processElement(change("b", "10:00", 1));
        alerts.processElement(change("a", "10:00", 1));
        alerts.processElement(change("c", "10:05", 1));
        alerts.processElement(change("a", "10:40", -1));
        alerts.processElement(change("b", "10:50", -1));
        alerts.processElement(change("d", "11:00", 1));
        alerts.processElement(change("c", "11:20", -1)); // d alone from 11:20: the 11:00 spell lasted 20 min
        alerts.processWatermark(ms("13:00"));
        String fp = AlertEvent.fingerprint("overdue2", "agency", "STP");
        assertThat(drain()).extracting(AlertEvent::fingerprint, AlertEvent::seq, AlertEvent::status,
                        AlertEvent::dossiers, AlertEvent::dossierCount, AlertEvent::asOf)
                .containsExactly(
                        tuple(fp, 1L, Status.FIRING, List.of("a", "b"), 3, at("10:30")),
                        tuple(fp, 2L, Status.FIRING, List.of("b", "c"), 2, at("10:40")),
                        tuple(fp, 3L, Status.RESOLVED, List.of(), 1, at("10:50")));
        assertThat(alerts.numEventTimeTimers()).isZero();
    }

    @Test
    @DisplayName("a malformed change goes to the dead letter and leaves the state as it was")
    void malformedChange() throws Exception {
        openAlerts("overdue");
        alerts.processElement(new StreamRecord<>(new OverdueChange("STP", "HS-1", new long[] {ms("10:00")},
                new long[0])));
        assertThat(alerts.getSideOutput(RouteEvents.DEAD_LETTER)).hasSize(1);
        assertThat(alerts.numKeyedStateEntries()).isZero();
        assertThat(alerts.numEventTimeTimers()).isZero();
    }

    @Test
    @DisplayName("replay: the same dossier events twice, or with duplicates, give identical records (computed_at aside)")
    void replay() throws Exception {
        List<List<AlertEvent>> runs = new ArrayList<>();
        for (int copies = 1; copies <= 2; copies++) {
            close();
            alerts = null;
            open();
            openAlerts("overdue");
            for (int c = 0; c < copies; c++) {
                send(received("r1", "HS-1", "STP", "08:00", "10:00"));
                send(received("r2", "HS-2", "STP", "08:01", "10:30"));
            }
            clock("10:45");
            for (int c = 0; c < copies; c++) {
                send(event("e1", "HS-1", CaseEventType.RESOLVED, "11:00"));
            }
            clock("12:00");
            List<AlertEvent> out = new ArrayList<>();
            drain().forEach(a -> out.add(a.withComputedAt(null)));
            runs.add(out);
        }
        assertThat(runs.get(0)).extracting(AlertEvent::seq, AlertEvent::dossiers)
                .containsExactly(tuple(1L, List.of("HS-1")), tuple(2L, List.of("HS-1", "HS-2")),
                        tuple(3L, List.of("HS-2")));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }
}
