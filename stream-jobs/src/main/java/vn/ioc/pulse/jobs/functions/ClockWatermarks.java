package vn.ioc.pulse.jobs.functions;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.jobs.rules.EventTime;

/**
 * The event-time clock (DOMAIN.md §2 rule 8): the watermark is the later of (newest event time − allowed
 * out-of-orderness − 1 ms, Flink's bounded-out-of-orderness convention: an event exactly that much older is still on
 * time) and the newest clock tick. A tick at T says "now is T", so it moves the clock to exactly T at
 * once; events later than a tick are still counted (as late events they revise the values from then on). The
 * watermark never moves backwards. Events and ticks dated outside {@link EventTime}'s range (e.g. year 9999) are
 * ignored here: one absurd record must not move the clock of every dossier.
 */
public final class ClockWatermarks implements WatermarkGenerator<Envelope> {
    private final long outOfOrdernessMs;
    private long maxEvent = Long.MIN_VALUE;
    private long maxTick = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    public ClockWatermarks(Duration outOfOrderness) {
        this.outOfOrdernessMs = outOfOrderness.toMillis();
    }

    /** The strategy used for every event source of the job: this generator, timestamps from the envelope. */
    public static WatermarkStrategy<Envelope> strategy(Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<Envelope> s = WatermarkStrategy.<Envelope>forGenerator(ctx -> new ClockWatermarks(outOfOrderness))
                .withTimestampAssigner((e, ts) -> e.eventTimeMillis());
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }

    @Override
    public void onEvent(Envelope e, long timestamp, WatermarkOutput output) {
        if (!EventTime.inRange(timestamp)) {
            return; // year 1 or 9999: the record is dead-lettered downstream and must not move the clock
        }
        if (e.tick != null) {
            maxTick = Math.max(maxTick, timestamp);
            emit(output);
        } else if (e.invalidInput == null) {
            maxEvent = Math.max(maxEvent, timestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        emit(output);
    }

    private void emit(WatermarkOutput output) {
        long fromEvents = maxEvent == Long.MIN_VALUE ? Long.MIN_VALUE : maxEvent - outOfOrdernessMs - 1;
        long wm = Math.max(fromEvents, maxTick);
        if (wm > emitted) {
            emitted = wm;
            output.emitWatermark(new Watermark(wm));
        }
    }
}
