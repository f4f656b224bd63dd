package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * {@link ClockWatermarks}, the job's event-time clock (DOMAIN.md §2 rule 8; CONTRACT.md §1 clock ticks), driven
 * directly through the generator that {@link ClockWatermarks#strategy} creates (2 s out-of-orderness, 30 s idleness,
 * as a source would: timestamps from the strategy's own assigner) with a stub {@link WatermarkOutput} that records
 * every watermark. Expectations by hand:
 * <ul>
 *   <li>from events: newest event − 2 s − 1 ms. The class Javadoc says "newest event time − allowed
 *       out-of-orderness"; the extra −1 ms is Flink's {@code BoundedOutOfOrdernessWatermarks} convention (a watermark
 *       W declares that elements with timestamp ≤ W are late, so an event exactly 2 s older than the newest must
 *       still be on time: W = max − 2 s − 1 ms);</li>
 *   <li>from a tick at T: exactly T, at once (a tick says "now is T"; DOMAIN §7 "A KPI as of T counts only events
 *       with occurred_at ≤ T");</li>
 *   <li>the watermark is the later of the two, and never moves backwards (CONTRACT §1 "Ticks never move event time
 *       backwards"; DOMAIN §7 "a tick that would move time backwards changes nothing");</li>
 *   <li>events and ticks outside [1900-01-01Z, 2200-01-01Z) ({@code EventTime}) do not move it.</li>
 * </ul>
 * Vietnam time +07:00: Mon 2/3/2026 09:00 +07:00 = 2026-03-02T02:00:00Z = 1_772_416_800_000 ms.
 */
@DisplayName("ClockWatermarks: watermark = max(newest event − 2 s − 1 ms, newest tick), never backwards, absurd times ignored")
class ClockWatermarksTest {
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    static final Duration IDLENESS = Duration.ofSeconds(30);

    /** 09:00 +07:00 = 02:00Z; 1_772_416_800_000 ms (2026-03-02T00:00Z is day 20_514 since 1970: × 86_400_000 + 2 h). */
    static final long MON_9_MS = 1_772_416_800_000L;

    /** Records what the generator emits. */
    static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        int idle;
        int active;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idle++;
        }

        @Override
        public void markActive() {
            active++;
        }

        /** The current watermark (the last emitted), or null if none yet. */
        Instant current() {
            return watermarks.isEmpty() ? null : Instant.ofEpochMilli(watermarks.get(watermarks.size() - 1));
        }
    }

    ManualClock clock;
    WatermarkGenerator<Envelope> gen;
    TimestampAssigner<Envelope> assigner;
    RecordingOutput out;

    @BeforeEach
    void create() {
        // a processing-time clock that only moves when the test says so (no sleeps); not 0, which the idleness
        // timer reads as "unset"
        clock = new ManualClock(Duration.ofHours(1).toNanos());
        WatermarkStrategy<Envelope> strategy = ClockWatermarks.strategy(OUT_OF_ORDERNESS, IDLENESS);
        gen = strategy.createWatermarkGenerator(context(clock));
        assigner = strategy.createTimestampAssigner(() -> new UnregisteredMetricsGroup());
        out = new RecordingOutput();
    }

    static WatermarkGeneratorSupplier.Context context(RelativeClock clock) {
        return new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return clock;
            }
        };
    }

    static Instant t(String local) {
        return OffsetDateTime.parse(local + "+07:00").toInstant();
    }

    static Envelope event(Instant at) {
        return Envelope.of(new CaseEvent("e-" + at, "H01.01-260302-0001", CaseEventType.RECEIVED, at, 0, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null));
    }

    static Envelope serviceEvent(Instant at) {
        return Envelope.of(new ServiceEvent("s-" + at, ServiceEvent.Type.PAYMENT_SUCCEEDED, at, null, null, null,
                "STP", null, null, null, null, null, 50_000L, null, null));
    }

    static Envelope tick(Instant now) {
        return Envelope.of(new ClockTick(now));
    }

    /** As the source does: timestamp from the strategy's assigner, then the generator sees the record. */
    void feed(Envelope e) {
        long ts = assigner.extractTimestamp(e, Long.MIN_VALUE);
        gen.onEvent(e, ts, out);
    }

    void periodic() {
        gen.onPeriodicEmit(out);
    }

    void assertNeverBackwards() {
        assertThat(out.watermarks).as("watermarks never move backwards").isSorted();
    }

    // ------------------------------------------------------------------------------------------------ timestamps

    @Test
    @DisplayName("the strategy's timestamps: occurred_at for events, now for ticks, Long.MIN_VALUE for invalid input")
    void timestamps() {
        // 09:00 +07:00 = 02:00Z = 1_772_416_800_000 ms
        assertThat(t("2026-03-02T09:00")).isEqualTo(Instant.parse("2026-03-02T02:00:00Z"));
        assertThat(assigner.extractTimestamp(event(t("2026-03-02T09:00")), 0)).isEqualTo(MON_9_MS);
        assertThat(assigner.extractTimestamp(serviceEvent(t("2026-03-02T09:00")), 0)).isEqualTo(MON_9_MS);
        // 12:00 +07:00 = 05:00Z = MON_9 + 3 h = 1_772_416_800_000 + 10_800_000 = 1_772_427_600_000
        assertThat(assigner.extractTimestamp(tick(t("2026-03-02T12:00")), 0)).isEqualTo(1_772_427_600_000L);
        // Envelope Javadoc: invalid input → Long.MIN_VALUE
        assertThat(assigner.extractTimestamp(Envelope.parse("not json"), 0)).isEqualTo(Long.MIN_VALUE);
    }

    // ------------------------------------------------------------------------------------------------ events

    @Test
    @DisplayName("an event at 09:00:00 → watermark 08:59:57.999 (09:00:00 − 2 s − 1 ms)")
    void eventMinusOutOfOrderness() {
        feed(event(t("2026-03-02T09:00:00")));
        periodic();
        // 09:00:00.000 − 2 s = 08:59:58.000, − 1 ms = 08:59:57.999 +07:00 = 01:59:57.999Z = 1_772_416_797_999 ms
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T01:59:57.999Z"));
        assertThat(out.watermarks).containsExactly(1_772_416_797_999L);
        assertThat(out.idle).isZero();
    }

    @Test
    @DisplayName("the newest event counts, not the last one: 09:00:10 then 09:00:05 → 09:00:07.999")
    void newestEventCounts() {
        feed(event(t("2026-03-02T09:00:10")));
        feed(serviceEvent(t("2026-03-02T09:00:05")));
        periodic();
        // max(09:00:10, 09:00:05) = 09:00:10; − 2 s − 1 ms = 09:00:07.999 +07:00 = 02:00:07.999Z
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T02:00:07.999Z"));
        // a later, older event does not pull it back
        feed(event(t("2026-03-02T08:00:00")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T02:00:07.999Z"));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("no event, no tick → no watermark (nothing is invented from the wall clock)")
    void nothingYet() {
        periodic();
        periodic();
        assertThat(out.watermarks).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ ticks

    @Test
    @DisplayName("a tick at 12:00 → watermark exactly 12:00, emitted at once (before any periodic emit)")
    void tickMovesClockExactly() {
        feed(tick(t("2026-03-02T12:00:00")));
        // 12:00:00.000 +07:00 = 05:00:00.000Z = 1_772_427_600_000 ms; no −1 ms, no out-of-orderness
        assertThat(out.watermarks).containsExactly(1_772_427_600_000L);
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:00Z"));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("after a tick at 12:00 an older event (09:00) does not move the clock back")
    void olderEventAfterTick() {
        feed(tick(t("2026-03-02T12:00:00")));
        feed(event(t("2026-03-02T09:00:00")));
        periodic();
        // max(09:00:00 − 2 s − 1 ms = 08:59:57.999, tick 12:00) = 12:00 +07:00 = 05:00Z
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:00Z"));
        assertThat(out.watermarks).allMatch(w -> w >= 1_772_427_600_000L);
        assertNeverBackwards();
    }

    @Test
    @DisplayName("an event later than the tick moves the clock only once event − 2 s − 1 ms passes the tick")
    void laterEventAfterTick() {
        feed(tick(t("2026-03-02T12:00:00")));
        // 12:00:01 − 2 s − 1 ms = 11:59:58.999 < 12:00 → still 12:00
        feed(event(t("2026-03-02T12:00:01")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:00Z"));
        // 12:00:02.001 − 2 s − 1 ms = 12:00:00.000 = the tick → still exactly 12:00
        feed(event(Instant.parse("2026-03-02T05:00:02.001Z")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:00Z"));
        // 12:00:10 − 2 s − 1 ms = 12:00:07.999 +07:00 = 05:00:07.999Z > 12:00 → moves
        feed(event(t("2026-03-02T12:00:10")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:07.999Z"));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("a tick older than the current clock changes nothing (ticks never move event time backwards)")
    void olderTick() {
        feed(tick(t("2026-03-02T12:00:00")));
        feed(tick(t("2026-03-02T11:00:00")));
        periodic();
        // max(12:00, 11:00) = 12:00 = 05:00Z; 11:00 (04:00Z) is never emitted
        assertThat(out.watermarks).containsOnly(1_772_427_600_000L);
        // a tick behind the event-derived watermark changes nothing either:
        // event 12:00:10 → 12:00:07.999; tick 12:00:05 < 12:00:07.999
        feed(event(t("2026-03-02T12:00:10")));
        periodic();
        feed(tick(t("2026-03-02T12:00:05")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T05:00:07.999Z"));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("ticks every second move the clock second by second, each exactly to its T")
    void tickPerSecond() {
        for (int s = 0; s < 5; s++) {
            feed(tick(Instant.ofEpochMilli(MON_9_MS + s * 1000L)));
        }
        // 09:00:00, :01, :02, :03, :04 +07:00 = MON_9_MS + 0, 1000, 2000, 3000, 4000
        assertThat(out.watermarks).containsExactly(MON_9_MS, MON_9_MS + 1000, MON_9_MS + 2000, MON_9_MS + 3000,
                MON_9_MS + 4000);
    }

    // ------------------------------------------------------------------------------------------------ absurd times

    @ParameterizedTest
    @ValueSource(strings = {"9999-06-01T00:00:00Z", "1850-06-01T00:00:00Z", "2200-01-01T00:00:00Z",
            "1899-12-31T23:59:59.999Z", "+1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z"})
    @DisplayName("an event dated outside 1900–2199 does not move the clock")
    void absurdEvent(String when) {
        Instant absurd = Instant.parse(when);
        feed(event(absurd));
        periodic();
        assertThat(out.watermarks).as("alone, it gives no watermark").isEmpty();

        feed(event(t("2026-03-02T09:00:00")));
        periodic();
        // 09:00:00 − 2 s − 1 ms = 08:59:57.999 +07:00 = 01:59:57.999Z
        assertThat(out.current()).isEqualTo(Instant.parse("2026-03-02T01:59:57.999Z"));
        feed(event(absurd));
        feed(serviceEvent(absurd));
        periodic();
        assertThat(out.watermarks).containsExactly(1_772_416_797_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2250-03-02T05:00:00Z", "9999-06-01T00:00:00Z", "1850-06-01T00:00:00Z",
            "2200-01-01T00:00:00Z"})
    @DisplayName("a tick dated outside 1900–2199 does not move the clock")
    void absurdTick(String when) {
        feed(tick(Instant.parse(when)));
        periodic();
        assertThat(out.watermarks).isEmpty();
        feed(tick(t("2026-03-02T12:00:00")));
        feed(tick(Instant.parse(when)));
        periodic();
        assertThat(out.watermarks).containsExactly(1_772_427_600_000L);
    }

    @Test
    @DisplayName("Instant.MAX / Instant.MIN (saturated to Long.MAX/MIN_VALUE ms) do not move the clock")
    void saturated() {
        feed(tick(t("2026-03-02T12:00:00")));
        feed(tick(Instant.MAX));
        feed(event(Instant.MAX));
        feed(tick(Instant.MIN));
        periodic();
        assertThat(out.watermarks).containsExactly(1_772_427_600_000L);
    }

    @Test
    @DisplayName("the range boundaries: 2199-12-31T23:59:59.999Z still moves the clock; 2200-01-01T00:00Z does not")
    void rangeBoundaries() {
        feed(tick(Instant.parse("1900-01-01T00:00:00Z")));
        // [1900-01-01T00:00Z, …): the first accepted instant is a valid tick
        assertThat(out.current()).isEqualTo(Instant.parse("1900-01-01T00:00:00Z"));
        feed(tick(Instant.parse("2199-12-31T23:59:59.999Z")));
        assertThat(out.current()).isEqualTo(Instant.parse("2199-12-31T23:59:59.999Z"));
        feed(tick(Instant.parse("2200-01-01T00:00:00Z")));
        periodic();
        assertThat(out.current()).isEqualTo(Instant.parse("2199-12-31T23:59:59.999Z"));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("invalid input (a contract-breaking record) does not move the clock")
    void invalidInput() {
        feed(event(t("2026-03-02T09:00:00")));
        periodic();
        feed(Envelope.parse("{\"schema\":\"ioc.clock.v1\",\"now\":\"2026-03-02T23:00:00\"}")); // no offset: invalid
        feed(Envelope.parse("garbage"));
        periodic();
        assertThat(out.watermarks).containsExactly(1_772_416_797_999L);
    }

    // ------------------------------------------------------------------------------------------------ idleness

    @Test
    @DisplayName("30 s idleness: ticks once a second keep the source active; 40 s of silence marks it idle; a tick resumes the clock")
    void idleness() {
        // live mode (CONTRACT §1): one tick per second, 09:00:00 … 09:01:59 +07:00, one periodic emit per second
        for (int s = 0; s < 120; s++) {
            clock.advanceTime(Duration.ofSeconds(1));
            feed(tick(Instant.ofEpochMilli(MON_9_MS + s * 1000L)));
            periodic();
        }
        assertThat(out.idle).as("never idle while ticks flow").isZero();
        // last tick 09:01:59 +07:00 = MON_9_MS + 119_000
        assertThat(out.current()).isEqualTo(Instant.ofEpochMilli(MON_9_MS + 119_000));

        // silence: not idle within the first 30 s, idle by 40 s
        for (int s = 1; s <= 30; s++) {
            clock.advanceTime(Duration.ofSeconds(1));
            periodic();
        }
        assertThat(out.idle).as("not idle before 30 s without input").isZero();
        for (int s = 31; s <= 40; s++) {
            clock.advanceTime(Duration.ofSeconds(1));
            periodic();
        }
        assertThat(out.idle).as("idle after 40 s without input").isEqualTo(1);
        assertThat(out.current()).as("idleness never moves the clock").isEqualTo(
                Instant.ofEpochMilli(MON_9_MS + 119_000));

        // a tick at 09:05 +07:00 = MON_9_MS + 300_000 moves it again, exactly
        clock.advanceTime(Duration.ofSeconds(1));
        feed(tick(Instant.ofEpochMilli(MON_9_MS + 300_000)));
        assertThat(out.current()).isEqualTo(Instant.ofEpochMilli(MON_9_MS + 300_000));
        assertNeverBackwards();
    }

    @Test
    @DisplayName("without idleness (Duration.ZERO) the same watermarks are produced")
    void noIdlenessSameClock() {
        WatermarkGenerator<Envelope> plain = ClockWatermarks.strategy(OUT_OF_ORDERNESS, Duration.ZERO)
                .createWatermarkGenerator(context(clock));
        RecordingOutput o = new RecordingOutput();
        Envelope[] inputs = {event(t("2026-03-02T09:00:00")), tick(t("2026-03-02T12:00:00")),
                event(t("2026-03-02T12:00:10"))};
        for (Envelope e : inputs) {
            plain.onEvent(e, assigner.extractTimestamp(e, Long.MIN_VALUE), o);
            plain.onPeriodicEmit(o);
        }
        // 08:59:57.999 (01:59:57.999Z), then tick 12:00 (05:00Z), then 12:00:07.999 (05:00:07.999Z)
        assertThat(o.watermarks).containsExactly(1_772_416_797_999L, 1_772_427_600_000L, 1_772_427_607_999L);
    }
}
