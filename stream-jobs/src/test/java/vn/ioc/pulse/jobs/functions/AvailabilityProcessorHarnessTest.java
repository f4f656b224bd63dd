package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.jobs.rules.KpiWindow;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ServiceEvent.State;

/**
 * {@link AvailabilityProcessor} (operator {@code availability-kpis}, keyed by component) in Flink's keyed test
 * harness, with the job's windows for {@code availability_ratio} (catalogue: 1h, 24h, 30d) and the catalogue's status
 * thresholds (green ≥ 0.999, yellow ≥ 0.99). Expectations from DOMAIN.md §3/§7: state = that of the latest
 * AVAILABILITY event, only UP is up (DEGRADED is not), time before the first event is unknown and not in the
 * denominator; numerator = seconds UP, denominator = seconds with a known state inside W; rolling windows are
 * (now − L, now]; now = the watermark. Times +07:00 on Mon 2/3/2026.
 */
@DisplayName("AvailabilityProcessor harness: availability_ratio = seconds UP ÷ seconds known, per component and window")
class AvailabilityProcessorHarnessTest {
    static final long MIN = 60_000L;
    static final String H1 = "availability_ratio/component/PORTAL/1h";
    static final String H24 = "availability_ratio/component/PORTAL/24h";
    static final String D30 = "availability_ratio/component/PORTAL/30d";

    KeyedOneInputStreamOperatorTestHarness<String, ServiceEvent, KpiValue> h;

    static long ms(String localTime) {
        return OffsetDateTime.parse("2026-03-02T" + localTime + "+07:00").toInstant().toEpochMilli();
    }

    static ServiceEvent availability(ServiceEvent.Component c, String id, long at, State state) {
        return new ServiceEvent(id, ServiceEvent.Type.AVAILABILITY, Instant.ofEpochMilli(at), c, state, 120L, null,
                null, null, null, null, null, null, null, null);
    }

    @BeforeEach
    void open() throws Exception {
        KpiCatalog catalog = KpiCatalog.load();
        List<KpiWindow> windows = new ArrayList<>();
        catalog.get(KpiFormulas.AVAILABILITY).orElseThrow().windows().forEach(w -> windows.add(KpiWindow.byId(w)));
        assertThat(windows).containsExactly(KpiWindow.H1, KpiWindow.H24, KpiWindow.D30);
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AvailabilityProcessor(windows, KpiFormulas.status(catalog))),
                (ServiceEvent s) -> s.component().name(), Types.STRING);
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    void send(String id, String localTime, State state) throws Exception {
        send(ServiceEvent.Component.PORTAL, id, localTime, state);
    }

    void send(ServiceEvent.Component c, String id, String localTime, State state) throws Exception {
        long at = ms(localTime);
        h.processElement(new StreamRecord<>(availability(c, id, at, state), at));
    }

    /** Advances the clock; returns the values published at this step, by key (each key at most once). */
    Map<String, KpiValue> step(String localTime) throws Exception {
        h.processWatermark(ms(localTime));
        Map<String, KpiValue> out = new TreeMap<>();
        for (KpiValue v : h.extractOutputValues()) {
            assertThat(out.put(v.key(), v)).as("one value per key per step: " + v.key()).isNull();
            assertThat(v.asOf()).as("as_of = the watermark").isEqualTo(Instant.ofEpochMilli(ms(localTime)));
        }
        h.getOutput().clear();
        return out;
    }

    static void assertValue(KpiValue v, double upSeconds, double knownSeconds, Double value) {
        assertThat(v).isNotNull();
        assertThat(v.numerator()).as(v.key() + " seconds up").isEqualTo(upSeconds);
        assertThat(v.denominator()).as(v.key() + " seconds known").isEqualTo(knownSeconds);
        assertThat(v.value()).as(v.key() + " value").isEqualTo(value);
    }

    @Test
    @DisplayName("DOWN exactly 6 minutes of the hour 09:00–10:00 (UP since 08:00): 1h = 3240 ÷ 3600 = 0.9 at 10:00, RED; 24h/30d = 6840 ÷ 7200 = 0.95")
    void downSixMinutesOfTheHour() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:30", State.DOWN);
        send("a3", "09:36", State.UP);
        Map<String, KpiValue> out = step("10:00");
        // 1h = (09:00, 10:00]: state known throughout (since 08:00) → 3600 s; up 09:00–09:30 (1800 s) + 09:36–10:00
        // (1440 s) = 3240 s → 3240 ÷ 3600 = 0.9; 0.9 < 0.99 → RED
        assertValue(out.get(H1), 3240, 3600, 0.9);
        assertThat(out.get(H1).status()).isEqualTo(KpiValue.Status.RED);
        assertThat(out.get(H1).scopeType()).isEqualTo("component");
        assertThat(out.get(H1).scopeId()).isEqualTo("PORTAL");
        // 24h = (Sun 1/3 10:00, Mon 10:00]: unknown before 08:00 → known 08:00–10:00 = 7200 s; up 7200 − 360 = 6840 s
        // → 6840 ÷ 7200 = 0.95; 30d: the same
        assertValue(out.get(H24), 6840, 7200, 0.95);
        assertValue(out.get(D30), 6840, 7200, 0.95);
        assertThat(out).containsOnlyKeys(H1, H24, D30);
        assertThat(out.values()).allSatisfy(v -> {
            assertThat(v.seq()).isEqualTo(1);
            assertThat(v.revision()).isZero();
        });
    }

    @Test
    @DisplayName("rolling (now − 1 h, now]: as the clock moves the 1h ratio is 1 → 0.9 (09:36) → unchanged, not republished (10:00, 10:30) → 1 (10:36)")
    void windowSlides() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:30", State.DOWN);
        send("a3", "09:36", State.UP);
        // 09:30: 1h (08:30, 09:30] all up: 3600 ÷ 3600; 24h known 08:00–09:30 = 5400 s, all up
        Map<String, KpiValue> s1 = step("09:30");
        assertValue(s1.get(H1), 3600, 3600, 1.0);
        assertValue(s1.get(H24), 5400, 5400, 1.0);
        assertThat(s1.get(H1).status()).isEqualTo(KpiValue.Status.GREEN);
        // 09:36: 1h (08:36, 09:36]: up 08:36–09:30 = 54 min = 3240 s of 3600 → 0.9;
        // 24h known 08:00–09:36 = 96 min = 5760 s, up 90 min = 5400 s → 5400 ÷ 5760 = 0.9375
        Map<String, KpiValue> s2 = step("09:36");
        assertValue(s2.get(H1), 3240, 3600, 0.9);
        assertValue(s2.get(H24), 5400, 5760, 0.9375);
        // 10:00: 1h (09:00, 10:00] is 3240 ÷ 3600 again — unchanged, so not republished; 24h 6840 ÷ 7200 = 0.95
        Map<String, KpiValue> s3 = step("10:00");
        assertThat(s3).doesNotContainKey(H1);
        assertValue(s3.get(H24), 6840, 7200, 0.95);
        // 10:30: 1h (09:30, 10:30] down 09:30–09:36 → still 3240 ÷ 3600, not republished;
        // 24h known 08:00–10:30 = 150 min = 9000 s, up 9000 − 360 = 8640 → 0.96
        Map<String, KpiValue> s4 = step("10:30");
        assertThat(s4).doesNotContainKey(H1);
        assertValue(s4.get(H24), 8640, 9000, 0.96);
        // 10:36: 1h (09:36, 10:36] all up → 1; 24h known 156 min = 9360 s, up 9000 s → 9000 ÷ 9360 ≈ 0.9615
        Map<String, KpiValue> s5 = step("10:36");
        assertValue(s5.get(H1), 3600, 3600, 1.0);
        assertValue(s5.get(H24), 9000, 9360, 9000.0 / 9360.0);
        assertThat(s5.get(H1).seq()).as("1h published at 09:30, 09:36, 10:36").isEqualTo(3);
    }

    @Test
    @DisplayName("time before the first event is unknown: no known state → null (GREY, 0 ÷ 0); first event DOWN 09:30, UP 09:36 → 1440 ÷ 1800 = 0.8 at 10:00")
    void unknownBeforeFirstEvent() throws Exception {
        h.processWatermark(ms("08:00"));
        send("b1", "09:30", State.DOWN);
        send("b2", "09:36", State.UP);
        // 09:00: no event at or before now → no second with a known state: value null (DOMAIN §3: denominator 0 →
        // "no data"), status GREY
        Map<String, KpiValue> s1 = step("09:00");
        assertValue(s1.get(H1), 0, 0, null);
        assertThat(s1.get(H1).status()).isEqualTo(KpiValue.Status.GREY);
        assertValue(s1.get(H24), 0, 0, null);
        // 10:00: known 09:30–10:00 = 1800 s in every window; up 09:36–10:00 = 1440 s → 0.8
        Map<String, KpiValue> s2 = step("10:00");
        assertValue(s2.get(H1), 1440, 1800, 0.8);
        assertValue(s2.get(H24), 1440, 1800, 0.8);
        assertValue(s2.get(D30), 1440, 1800, 0.8);
    }

    @Test
    @DisplayName("DEGRADED is not up: UP 08:00, DEGRADED 09:30, UP 09:36 → 1h 0.9 at 10:00")
    void degradedIsNotUp() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:30", State.DEGRADED);
        send("a3", "09:36", State.UP);
        Map<String, KpiValue> out = step("10:00");
        // as downSixMinutesOfTheHour: 3240 ÷ 3600 and 6840 ÷ 7200
        assertValue(out.get(H1), 3240, 3600, 0.9);
        assertValue(out.get(H24), 6840, 7200, 0.95);
    }

    @Test
    @DisplayName("state changes arriving in reverse order give the in-order values")
    void reverseArrival() throws Exception {
        send("a3", "09:36", State.UP);
        send("a2", "09:30", State.DOWN);
        send("a1", "08:00", State.UP);
        Map<String, KpiValue> out = step("10:00");
        // DOMAIN §2 rule 7: same set, same values as downSixMinutesOfTheHour
        assertValue(out.get(H1), 3240, 3600, 0.9);
        assertValue(out.get(H24), 6840, 7200, 0.95);
        assertValue(out.get(D30), 6840, 7200, 0.95);
    }

    @Test
    @DisplayName("late state changes (after the clock passed them) revise the next values: DOWN 09:30 / UP 09:36 known at 09:40, then a DOWN at 07:00")
    void lateStateChanges() throws Exception {
        send("a1", "08:00", State.UP);
        // 09:40: 1h (08:40, 09:40] all up; 24h known 08:00–09:40 = 100 min = 6000 s all up
        Map<String, KpiValue> s1 = step("09:40");
        assertValue(s1.get(H1), 3600, 3600, 1.0);
        assertValue(s1.get(H24), 6000, 6000, 1.0);
        // the DOWN at 09:30 and UP at 09:36 arrive now (10 and 4 minutes late)
        send("a2", "09:30", State.DOWN);
        send("a3", "09:36", State.UP);
        Map<String, KpiValue> s2 = step("10:00");
        assertValue(s2.get(H1), 3240, 3600, 0.9);
        assertValue(s2.get(H24), 6840, 7200, 0.95);
        // a DOWN at 07:00 arrives even later: the state is now known from 07:00 (DOWN 07:00–08:00)
        send("a0", "07:00", State.DOWN);
        // 10:06: 1h (09:06, 10:06] down 09:30–09:36 → 3240 ÷ 3600, unchanged (not republished);
        // 24h known 07:00–10:06 = 186 min = 11160 s; up 08:00–09:30 (90 min) + 09:36–10:06 (30 min) = 7200 s
        Map<String, KpiValue> s3 = step("10:06");
        assertThat(s3).doesNotContainKey(H1);
        assertValue(s3.get(H24), 7200, 11160, 7200.0 / 11160.0);
        assertValue(s3.get(D30), 7200, 11160, 7200.0 / 11160.0);
    }

    @Test
    @DisplayName("duplicates (exact, or same event_id with another state or time) change nothing: still 0.9")
    void duplicates() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:30", State.DOWN);
        send("a2", "09:30", State.DOWN);
        // DOMAIN §7: the first accepted event with an id wins, later ones are duplicates even if they differ
        send("a2", "09:30", State.UP);
        send("a3", "09:36", State.UP);
        send("a3", "09:50", State.DOWN);
        send("a1", "09:45", State.DOWN);
        Map<String, KpiValue> out = step("10:00");
        assertValue(out.get(H1), 3240, 3600, 0.9);
        assertValue(out.get(H24), 6840, 7200, 0.95);
    }

    @Test
    @DisplayName("components are independent keys: PORTAL down 6 min → 0.9, VNEID up all along → 1")
    void perComponent() throws Exception {
        send("a1", "08:00", State.UP);
        send("a2", "09:30", State.DOWN);
        send("a3", "09:36", State.UP);
        send(ServiceEvent.Component.VNEID, "v1", "08:00", State.UP);
        Map<String, KpiValue> out = step("10:00");
        assertValue(out.get(H1), 3240, 3600, 0.9);
        assertValue(out.get("availability_ratio/component/VNEID/1h"), 3600, 3600, 1.0);
        assertThat(out.get("availability_ratio/component/VNEID/1h").status()).isEqualTo(KpiValue.Status.GREEN);
        assertValue(out.get("availability_ratio/component/VNEID/24h"), 7200, 7200, 1.0);
        assertThat(out).hasSize(6);
    }
}
