package vn.ioc.pulse.ingest;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.KpiValue;

/**
 * Publishes a clock tick ({@code ioc.clock.v1}) every second to every partition of the event topics, so event
 * time advances in quiet hours. Ticks are idempotent (a tick never moves time backwards), so several gateways
 * may run one each.
 */
public final class LiveClock {
    private static final Logger LOG = LoggerFactory.getLogger(LiveClock.class);

    private final EventPublisher publisher;
    private final Clock clock;

    public LiveClock(EventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    public void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.info("live clock on: one tick per second to every event partition");
    }

    private void tick() {
        try {
            ClockTick tick = new ClockTick(clock.instant());
            publisher.publish(tick, "{\"schema\":\"ioc.clock.v1\",\"now\":\"" + KpiValue.formatTime(tick.now()) + "\"}");
        } catch (RuntimeException e) {
            LOG.warn("clock tick not published: {}", e.toString());
        }
    }
}
