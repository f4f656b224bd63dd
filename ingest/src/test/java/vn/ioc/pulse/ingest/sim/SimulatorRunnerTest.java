package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Live mode: a backfill up to now, then steps that follow the clock, giving the file-mode stream. */
@DisplayName("SimulatorRunner")
class SimulatorRunnerTest extends SimulatorTestBase {
    /** "Now" of the test clock: a Tuesday morning, 2 days after the start of the backfill. */
    private static final Instant NOW = APRIL_2025.plus(Duration.ofDays(7)).plus(Duration.ofHours(10));
    private static final Duration BACKFILL = Duration.ofDays(2);

    @Test
    @DisplayName("the backfill emits the past up to now; steps emit what the clock passes; together = file mode")
    void backfillThenSteps() {
        MovingClock clock = new MovingClock(NOW);
        List<String> live = new ArrayList<>();
        SimulatorRunner runner = new SimulatorRunner(REF, CALENDAR, DEFAULTS, BACKFILL, clock, live::add);

        long backfilled = runner.backfill();
        assertThat(backfilled).isEqualTo(live.size()).isPositive();
        for (String json : live) {
            assertThat(parse(json).eventTime()).isBetween(NOW.minus(BACKFILL), NOW);
        }
        long steps = 0;
        for (int i = 0; i < 600; i++) {
            clock.now = clock.now.plusSeconds(1);
            steps += runner.step();
        }
        assertThat(steps).isPositive();

        List<String> fileMode = generate(DEFAULTS, NOW.minus(BACKFILL), BACKFILL.plusSeconds(600));
        assertThat(live.size()).isEqualTo(fileMode.size());
        assertThat(live.equals(fileMode)).as("live events equal file-mode events").isTrue();
    }

    /** A clock the test moves by hand. */
    private static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
