package vn.ioc.pulse.ingest.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.ValidationException;
import vn.ioc.pulse.model.WorkingCalendar;

/**
 * Live mode of {@link SonLaSimulator} (the demo): the simulator starts {@code backfill} before the clock's now;
 * {@link #backfill()} emits that past at once, so the today / 24 h / 7 d KPIs have data from the start, then
 * {@link #start} emits, every second, what happened up to the clock's now. The events are exactly those a file run
 * with the same seed and start would write (see {@link SonLaSimulator#advanceTo}).
 *
 * <p>Call {@link #backfill()} before anything publishes clock ticks at wall time (the live clock): back-filled
 * events lie in the past, and a tick ahead of them would make the whole backfill arrive behind event time.
 */
public final class SimulatorRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatorRunner.class);

    private final SonLaSimulator simulator;
    private final Consumer<String> sink;
    private final Clock clock;

    /** A runner whose simulator starts {@code backfill} before {@code clock}'s now. */
    public SimulatorRunner(ReferenceData ref, WorkingCalendar calendar, SimulatorParams params,
                           Duration backfill, Clock clock, Consumer<String> sink) {
        this(new SonLaSimulator(ref, calendar, params, clock.instant().minus(backfill)), clock, sink);
    }

    SimulatorRunner(SonLaSimulator simulator, Clock clock, Consumer<String> sink) {
        this.simulator = simulator;
        this.clock = clock;
        this.sink = sink;
    }

    /**
     * A sink that validates each event with the contract codec (a failure is a simulator bug) and publishes it
     * through the gateway's Kafka publisher, with the publisher's delivery guarantee (idempotent, acks=all).
     */
    public static Consumer<String> publishingTo(EventPublisher publisher) {
        return json -> {
            try {
                for (java.util.concurrent.CompletableFuture<Void> sent : publisher.publish(EventCodec.parse(json), json)) {
                    sent.whenComplete((v, e) -> {
                        if (e != null) {
                            LOG.warn("simulated event not written to Kafka (lost for this demo run): {}", e.toString());
                        }
                    });
                }
            } catch (ValidationException e) {
                throw new IllegalStateException("simulator produced an invalid event: " + e.getMessage() + " " + json,
                        e);
            }
        };
    }

    /** Emits everything from the simulator's start up to now; returns the number of events. */
    public long backfill() {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        long n = simulator.advanceTo(now, sink);
        LOG.info("simulator back-filled {} events ({} dossiers) from {} to {} in {} ms", n, simulator.dossiers(),
                simulator.start(), now, (System.nanoTime() - t0) / 1_000_000);
        return n;
    }

    /** Emits, every second on {@code scheduler}, the events up to the clock's now. */
    public void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleAtFixedRate(this::safeStep, 1, 1, TimeUnit.SECONDS);
        LOG.info("simulator live: one step per second up to the wall clock (traffic since {})", simulator.start());
    }

    /** One live step: the events up to the clock's now; returns how many. */
    long step() {
        return simulator.advanceTo(clock.instant(), sink);
    }

    private void safeStep() {
        try {
            step();
        } catch (RuntimeException e) {
            LOG.warn("simulator step failed: {}", e.toString());
        }
    }
}
