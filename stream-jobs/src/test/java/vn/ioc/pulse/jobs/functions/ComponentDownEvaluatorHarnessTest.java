package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

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
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ServiceEvent.Component;
import vn.ioc.pulse.model.ServiceEvent.State;

/**
 * {@link ComponentDownEvaluator} (operator {@code component-down-alerts}, keyed by component) in Flink's keyed test
 * harness with the shipped rule {@code component_down} (every component, for 10m, critical). Times +07:00 on
 * Mon 2/3/2026.
 */
@DisplayName("ComponentDownEvaluator harness: a component DOWN for longer than 10 minutes")
class ComponentDownEvaluatorHarnessTest {
    KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, AlertEvent> h;

    static KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, AlertEvent> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ComponentDownEvaluator(AlertRules.load(KpiCatalog.load()).componentDown())),
                (ServiceEvent s) -> s.component().name(), Types.STRING);
        harness.open();
        return harness;
    }

    @BeforeEach
    void open() throws Exception {
        h = harness();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    static long ms(String localTime) {
        return OffsetDateTime.parse("2026-03-02T" + localTime + "+07:00").toInstant().toEpochMilli();
    }

    static Instant at(String localTime) {
        return Instant.ofEpochMilli(ms(localTime));
    }

    static StreamRecord<ServiceEvent> availability(Component c, String id, String localTime, State state) {
        return new StreamRecord<>(new ServiceEvent(id, ServiceEvent.Type.AVAILABILITY, at(localTime), c, state, null,
                null, null, null, null, null, null, null, null, null), ms(localTime));
    }

    void send(String id, String localTime, State state) throws Exception {
        h.processElement(availability(Component.PORTAL, id, localTime, state));
    }

    List<AlertEvent> drain() {
        List<AlertEvent> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    @Test
    @DisplayName("DOWN 9 min → nothing; DOWN 11 min → FIRING at +10m (down_since in the annotations); UP → RESOLVED")
    void downLongerThanTenMinutes() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:00", State.DOWN);
        h.processWatermark(ms("09:05"));
        send("a3", "09:09", State.UP);
        h.processWatermark(ms("09:30"));
        assertThat(drain()).as("down 9 minutes").isEmpty();
        assertThat(h.numEventTimeTimers()).as("the 09:10 deadline is deleted").isZero();
        send("a4", "10:00", State.DOWN);
        h.processWatermark(ms("10:09:59.999"));
        assertThat(drain()).isEmpty();
        h.processWatermark(ms("10:10"));
        List<AlertEvent> fired = drain();
        assertThat(fired).hasSize(1);
        AlertEvent f = fired.get(0);
        assertThat(f.fingerprint()).isEqualTo(AlertEvent.fingerprint("component_down", "component", "PORTAL"));
        assertThat(f.status()).isEqualTo(Status.FIRING);
        assertThat(f.seq()).isEqualTo(1);
        assertThat(f.startsAt()).isEqualTo(at("10:10"));
        assertThat(f.asOf()).isEqualTo(at("10:10"));
        assertThat(f.severity()).isEqualTo(AlertEvent.Severity.CRITICAL);
        assertThat(f.scopeType()).isEqualTo("component");
        assertThat(f.scopeId()).isEqualTo("PORTAL");
        assertThat(f.annotations()).containsEntry("down_since", "2026-03-02T10:00:00+07:00")
                .containsEntry("summary_vi", "Hệ thống PORTAL ngừng hoạt động từ 10:00 02/03/2026")
                .containsEntry("summary_en", "PORTAL has been DOWN since 10:00 02/03/2026");
        send("a5", "10:05", State.DOWN); // still DOWN: nothing new
        send("a6", "10:11", State.UP);
        h.processWatermark(ms("10:20"));
        List<AlertEvent> resolved = drain();
        assertThat(resolved).extracting(AlertEvent::status, AlertEvent::seq, AlertEvent::startsAt, AlertEvent::endsAt,
                AlertEvent::asOf).containsExactly(tuple(Status.RESOLVED, 2L, at("10:10"), at("10:11"), at("10:11")));
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    @DisplayName("out-of-order arrival is applied in event order; DEGRADED ends a DOWN; duplicates and older events change nothing")
    void eventOrderNotArrivalOrder() throws Exception {
        // arrival: UP 11:00 before DOWN 10:00 — applied as DOWN 10:00, UP 11:00 once the watermark passes them
        send("b2", "11:00", State.UP);
        send("b1", "10:00", State.DOWN);
        send("b1", "10:00", State.DOWN); // duplicate
        h.processWatermark(ms("11:30"));
        assertThat(drain()).extracting(AlertEvent::status, AlertEvent::seq, AlertEvent::startsAt, AlertEvent::endsAt)
                .containsExactly(tuple(Status.FIRING, 1L, at("10:10"), null),
                        tuple(Status.RESOLVED, 2L, at("10:10"), at("11:00")));
        send("b0", "10:30", State.DOWN); // older than the last applied event: the state is UP since 11:00
        send("b3", "12:00", State.DOWN);
        send("b4", "12:30", State.DEGRADED); // not DOWN: resolves
        h.processWatermark(ms("13:00"));
        assertThat(drain()).extracting(AlertEvent::status, AlertEvent::seq, AlertEvent::startsAt, AlertEvent::endsAt)
                .containsExactly(tuple(Status.FIRING, 3L, at("12:10"), null),
                        tuple(Status.RESOLVED, 4L, at("12:10"), at("12:30")));
        h.processElement(availability(Component.VNEID, "v1", "13:00", State.DOWN));
        h.processWatermark(ms("14:00"));
        assertThat(drain()).extracting(AlertEvent::scopeId, AlertEvent::seq, AlertEvent::startsAt)
                .containsExactly(tuple("VNEID", 1L, at("13:10")));
    }

    @Test
    @DisplayName("replay: the same events twice give identical records (computed_at aside)")
    void replay() throws Exception {
        List<List<AlertEvent>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            var harness = harness();
            harness.processElement(availability(Component.PORTAL, "c1", "09:00", State.DOWN));
            harness.processElement(availability(Component.PORTAL, "c2", "09:30", State.UP));
            harness.processElement(availability(Component.PORTAL, "c3", "10:00", State.DOWN));
            harness.processWatermark(Long.MAX_VALUE); // end of input: a component still DOWN fires at its deadline
            List<AlertEvent> out = new ArrayList<>();
            harness.extractOutputValues().forEach(a -> out.add(a.withComputedAt(null)));
            harness.close();
            runs.add(out);
        }
        assertThat(runs.get(0)).extracting(AlertEvent::status, AlertEvent::seq, AlertEvent::startsAt)
                .containsExactly(tuple(Status.FIRING, 1L, at("09:10")), tuple(Status.RESOLVED, 2L, at("09:10")),
                        tuple(Status.FIRING, 3L, at("10:10")));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }
}
