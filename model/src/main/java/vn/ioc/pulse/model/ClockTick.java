package vn.ioc.pulse.model;

import java.time.Instant;

/** Clock tick {@code ioc.clock.v1}: advances event time on every partition even when no event flows. */
public record ClockTick(Instant now) implements IocEvent {
    @Override
    public Instant eventTime() {
        return now;
    }
}
