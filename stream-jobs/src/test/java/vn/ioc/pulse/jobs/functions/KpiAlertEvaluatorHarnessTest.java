package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
import vn.ioc.pulse.jobs.rules.AlertRules;
import vn.ioc.pulse.model.AlertEvent;
import vn.ioc.pulse.model.AlertEvent.Status;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;

/**
 * {@link KpiAlertEvaluator} (operator {@code kpi-alerts}, keyed by KPI key) in Flink's keyed test harness with one
 * rule: on_time_ratio 30d at agency below 0.95, clear 0.96, for 1h. A value is sent as the scope operator publishes
 * it: with as_of = T just before the watermark reaches T. Times +07:00 on Mon 2/3/2026.
 */
@DisplayName("KpiAlertEvaluator harness: threshold with `for` and hysteresis on live KPI values, in event time")
class KpiAlertEvaluatorHarnessTest {
    static final String RULES = """
            {"rules": [{"id": "low", "type": "kpi", "kpi": "on_time_ratio", "window": "30d",
              "scope_type": ["agency"], "scope_id": "*", "op": "below", "threshold": 0.95, "clear": 0.96,
              "for": "1h", "severity": "critical", "labels": {"team": "tthc"},
              "summary": {"vi": "{scope_id}: tỷ lệ đúng hạn {value} < {threshold}",
                          "en": "{scope_id}: on-time ratio {value} < {threshold}"},
              "description": {"vi": "{kpi} {window}", "en": "{kpi} {window}"}}]}""";
    static final String KEY = "on_time_ratio/agency/A/30d";
    static final String FINGERPRINT = AlertEvent.fingerprint("low", "agency", "A");

    KeyedOneInputStreamOperatorTestHarness<String, KpiValue, AlertEvent> h;

    static AlertRules rules() {
        return AlertRules.parse(new ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8)), "test",
                KpiCatalog.load());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, KpiValue, AlertEvent> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KpiAlertEvaluator(rules().kpi())), KpiValue::key, Types.STRING);
        harness.open();
        return harness;
    }

    static long ms(String localTime) {
        return OffsetDateTime.parse("2026-03-02T" + localTime + "+07:00").toInstant().toEpochMilli();
    }

    static Instant at(String localTime) {
        return Instant.ofEpochMilli(ms(localTime));
    }

    static KpiValue value(String scopeId, String localTime, Double v, long revision) {
        return new KpiValue("on_time_ratio", "agency", scopeId, "30d", v, v == null ? 0.0 : v * 100, v == null ? 0.0
                : 100.0, KpiValue.Status.GREEN, at(localTime), Instant.now(), revision, revision == 0 ? 1 : 0);
    }

    @BeforeEach
    void open() throws Exception {
        h = harness();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** The value published at {@code localTime}, then the clock moves to it. */
    static void publish(KeyedOneInputStreamOperatorTestHarness<String, KpiValue, AlertEvent> h, String localTime,
                        Double v) throws Exception {
        h.processElement(new StreamRecord<>(value("A", localTime, v, 0), ms(localTime)));
        h.processWatermark(ms(localTime));
    }

    void publish(String localTime, Double v) throws Exception {
        publish(h, localTime, v);
    }

    List<AlertEvent> drain() {
        List<AlertEvent> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    static void assertRecord(AlertEvent a, Status status, long seq, String startsAt, String endsAt, String asOf,
                             Double value) {
        assertThat(a.fingerprint()).isEqualTo(FINGERPRINT);
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.seq()).as("seq").isEqualTo(seq);
        assertThat(a.startsAt()).as("starts_at").isEqualTo(at(startsAt));
        assertThat(a.endsAt()).as("ends_at").isEqualTo(endsAt == null ? null : at(endsAt));
        assertThat(a.asOf()).as("as_of").isEqualTo(at(asOf));
        assertThat(a.value()).as("value").isEqualTo(value);
        assertThat(a.threshold()).isEqualTo(0.95);
    }

    @Test
    @DisplayName("0.94, 0.955, 0.945, 0.958 … around 0.95 (clear 0.96, for 1h): ONE alert, resolved only at 0.96")
    void oscillationRaisesOneAlert() throws Exception {
        publish("09:00", 0.94); // breach: pending since 09:00
        assertThat(drain()).isEmpty();
        h.processWatermark(ms("10:00")); // held 1 h with no new value: the timer fires at exactly 09:00 + 1h
        List<AlertEvent> fired = drain();
        assertThat(fired).hasSize(1);
        assertRecord(fired.get(0), Status.FIRING, 1, "10:00", null, "10:00", 0.94);
        assertThat(fired.get(0).labels()).containsEntry("alertname", "low").containsEntry("severity", "critical")
                .containsEntry("scope_type", "agency").containsEntry("scope_id", "A")
                .containsEntry("kpi", "on_time_ratio").containsEntry("window", "30d").containsEntry("team", "tthc");
        assertThat(fired.get(0).annotations()).containsEntry("summary_vi", "A: tỷ lệ đúng hạn 0.94 < 0.95")
                .containsEntry("summary_en", "A: on-time ratio 0.94 < 0.95")
                .containsEntry("description_en", "on_time_ratio 30d");
        // oscillating around the threshold, never reaching the clear line 0.96: nothing more
        String[] times = {"10:10", "10:20", "10:30", "10:40", "10:50", "11:00", "11:10", "11:20"};
        double[] values = {0.955, 0.945, 0.958, 0.94, 0.955, 0.945, 0.958, 0.9599};
        for (int i = 0; i < times.length; i++) {
            publish(times[i], values[i]);
        }
        h.processWatermark(ms("12:30"));
        assertThat(drain()).as("no flapping between the thresholds").isEmpty();
        publish("12:40", 0.96); // reaches the clear threshold
        List<AlertEvent> resolved = drain();
        assertThat(resolved).hasSize(1);
        assertRecord(resolved.get(0), Status.RESOLVED, 2, "10:00", "12:40", "12:40", 0.96);
        assertThat(resolved.get(0).fingerprint()).isEqualTo(fired.get(0).fingerprint());
        // after the resolution, 0.955 is not a breach: nothing pending, no timer; only the seq is kept
        publish("12:50", 0.955);
        h.processWatermark(ms("15:00"));
        assertThat(drain()).isEmpty();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).as("the fingerprint's seq").isEqualTo(1);
    }

    @Test
    @DisplayName("`for`: a breach shorter than 1h raises nothing (timer deleted); a longer one fires at exactly pending + 1h")
    void forDuration() throws Exception {
        publish("09:00", 0.94);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        publish("09:59", 0.955); // not a breach (0.955 ≥ 0.95): the pending breach resets
        h.processWatermark(ms("11:00"));
        assertThat(drain()).isEmpty();
        assertThat(h.numEventTimeTimers()).as("the 10:00 timer is deleted").isZero();
        assertThat(h.numKeyedStateEntries()).as("never fired: nothing kept").isZero();
        publish("11:00", 0.93);
        h.processWatermark(ms("11:59:59.999"));
        assertThat(drain()).as("59:59.999 is not an hour").isEmpty();
        h.processWatermark(ms("12:00"));
        List<AlertEvent> fired = drain();
        assertThat(fired).hasSize(1);
        assertRecord(fired.get(0), Status.FIRING, 1, "12:00", null, "12:00", 0.93);
    }

    @Test
    @DisplayName("a value at exactly pending + for that is not a breach prevents the alert (the breach must hold through)")
    void valueAtTheDeadline() throws Exception {
        publish("09:00", 0.94);
        publish("10:00", 0.955);
        h.processWatermark(ms("11:00"));
        assertThat(drain()).isEmpty();
    }

    @Test
    @DisplayName("a value published after the deadline but before its timer first fires the alert at the deadline")
    void valueBeyondTheDeadlineBeforeTheTimer() throws Exception {
        h.processElement(new StreamRecord<>(value("A", "09:00", 0.94, 0), ms("09:00")));
        // the upstream clock jumped to 11:00: its value arrives before this operator's watermark passes 10:00
        h.processElement(new StreamRecord<>(value("A", "11:00", 0.955, 0), ms("11:00")));
        h.processWatermark(ms("11:00"));
        List<AlertEvent> out = drain();
        assertThat(out).hasSize(1);
        assertRecord(out.get(0), Status.FIRING, 1, "10:00", null, "10:00", 0.94);
    }

    @Test
    @DisplayName("no data (0/0) resets a pending breach and never clears a firing alert; revisions are ignored")
    void noDataAndRevisions() throws Exception {
        publish("09:00", 0.94);
        publish("09:30", null); // no data: pending reset
        h.processWatermark(ms("10:30"));
        assertThat(drain()).isEmpty();
        publish("10:30", 0.90);
        h.processWatermark(ms("11:30"));
        assertThat(drain()).extracting(AlertEvent::status).containsExactly(Status.FIRING);
        publish("11:40", null); // firing: no data does not clear it
        h.processElement(new StreamRecord<>(value("A", "11:50", 0.99, 3), ms("11:50"))); // a revision: ignored
        h.processWatermark(ms("13:00"));
        assertThat(drain()).isEmpty();
        publish("13:10", 0.97);
        List<AlertEvent> out = drain();
        assertThat(out).hasSize(1);
        assertRecord(out.get(0), Status.RESOLVED, 2, "11:30", "13:10", "13:10", 0.97);
    }

    @Test
    @DisplayName("the seq goes on across fire/resolve cycles; another scope has its own fingerprint and seq")
    void seqAndScopes() throws Exception {
        publish("09:00", 0.94);
        h.processWatermark(ms("10:00"));
        publish("10:30", 0.99);
        publish("11:00", 0.90);
        h.processWatermark(ms("12:00"));
        h.processElement(new StreamRecord<>(value("B", "12:00", 0.5, 0), ms("12:00")));
        h.processWatermark(ms("13:00"));
        List<AlertEvent> out = drain();
        assertThat(out).extracting(AlertEvent::seq).containsExactly(1L, 2L, 3L, 1L);
        assertThat(out).extracting(AlertEvent::status)
                .containsExactly(Status.FIRING, Status.RESOLVED, Status.FIRING, Status.FIRING);
        assertThat(out.get(3).fingerprint()).isEqualTo(AlertEvent.fingerprint("low", "agency", "B"))
                .isNotEqualTo(FINGERPRINT);
        assertThat(out.get(2).startsAt()).isEqualTo(at("12:00"));
    }

    @Test
    @DisplayName("replay: the same values twice, and with every value duplicated, give identical records (computed_at aside)")
    void replayIsIdentical() throws Exception {
        String[] times = {"09:00", "09:20", "09:40", "10:50", "11:10", "12:00", "12:30", "14:00"};
        Double[] values = {0.94, 0.955, 0.93, null, 0.945, 0.958, 0.97, 0.92};
        List<List<AlertEvent>> runs = new ArrayList<>();
        for (int copies = 1; copies <= 2; copies++) {
            for (int run = 0; run < 2; run++) {
                var harness = harness();
                for (int i = 0; i < times.length; i++) {
                    for (int c = 0; c < copies; c++) {
                        harness.processElement(new StreamRecord<>(value("A", times[i], values[i], 0), ms(times[i])));
                    }
                    harness.processWatermark(ms(times[i]));
                }
                harness.processWatermark(ms("23:00"));
                List<AlertEvent> out = new ArrayList<>();
                harness.extractOutputValues().forEach(a -> out.add(a.withComputedAt(null)));
                harness.close();
                runs.add(out);
            }
        }
        // hand-computed: 0.955 at 09:20 resets the 09:00 breach; 0.93 pends from 09:40; the next value (no data,
        // 10:50) comes after 09:40 + 1h, so the alert fired at 10:40 first, and no data does not clear it; 0.945 and
        // 0.958 keep it firing; 0.97 at 12:30 clears it; 0.92 at 14:00 pends and fires at 15:00
        assertThat(runs.get(0)).extracting(AlertEvent::status, AlertEvent::seq, AlertEvent::startsAt, AlertEvent::endsAt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Status.FIRING, 1L, at("10:40"), null),
                        org.assertj.core.groups.Tuple.tuple(Status.RESOLVED, 2L, at("10:40"), at("12:30")),
                        org.assertj.core.groups.Tuple.tuple(Status.FIRING, 3L, at("15:00"), null));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(2)).isEqualTo(runs.get(0));
        assertThat(runs.get(3)).isEqualTo(runs.get(0));
    }
}
