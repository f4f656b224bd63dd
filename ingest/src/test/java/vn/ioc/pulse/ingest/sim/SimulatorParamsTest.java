package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Parameters are checked when they are built, with a message naming the parameter. */
@DisplayName("SimulatorParams rejects impossible values")
class SimulatorParamsTest {
    private static final SimulatorParams DEFAULTS = SimulatorParams.defaults();

    @Test
    @DisplayName("a desk hour weight outside office hours is rejected")
    void deskOutsideOfficeHours() {
        SimulatorParams.Arrivals a = DEFAULTS.arrivals();
        List<Double> desk = new ArrayList<>(a.deskHourWeights());
        desk.set(12, 1.0);
        assertThatThrownBy(() -> new SimulatorParams.Arrivals(a.dossiersPerWorkingDay(), a.weekdayFactors(),
                a.onlineDayOffFactor(), desk, a.onlineHourWeights(), a.intakeDelayMinutes(), a.refusedShare()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hour 12");
    }

    @Test
    @DisplayName("a share above 1 and a scale of 0 are rejected")
    void shareAndScale() {
        assertThatThrownBy(() -> new SimulatorParams.Feedback(5, 1.5, 0.05, 0.4, 0.75))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linkedShare");
        assertThatThrownBy(() -> DEFAULTS.withScale(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale");
    }
}
