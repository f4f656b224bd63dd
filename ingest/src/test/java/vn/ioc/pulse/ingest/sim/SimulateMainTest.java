package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.IocEvent;

/** {@code ./ioc simulate}: options, and the NDJSON file with its clock ticks. */
@DisplayName("SimulateMain writes a simulated period to NDJSON")
class SimulateMainTest extends SimulatorTestBase {

    @Test
    @DisplayName("options: defaults, a local date or a timestamp for --from, durations for --tick-every")
    void options() {
        SimulateMain.Options o = SimulateMain.parse(new String[] {"--out", "x.ndjson.gz"});
        assertThat(o.from()).isEqualTo(day(2025, 1, 1));
        assertThat(o.days()).isEqualTo(365);
        assertThat(o.tickEvery()).isEqualTo(Duration.ofHours(1));

        o = SimulateMain.parse(new String[] {"--out", "x", "--from", "2025-04-01T08:00:00+07:00", "--days", "2",
            "--seed", "9", "--scale", "0.5", "--tick-every", "15m"});
        assertThat(o.from()).isEqualTo(APRIL_2025.plus(Duration.ofHours(8)));
        assertThat(o.seed()).isEqualTo(9);
        assertThat(o.scale()).isEqualTo(0.5);
        assertThat(o.tickEvery()).isEqualTo(Duration.ofMinutes(15));

        assertThatThrownBy(() -> SimulateMain.parse(new String[] {"--days", "3"})).hasMessageContaining("--out");
        assertThatThrownBy(() -> SimulateMain.parse(new String[] {"--out", "x", "--tick-every", "1w"}))
                .hasMessageContaining("--tick-every");
        assertThatThrownBy(() -> SimulateMain.parse(new String[] {"--out", "x", "--scale", "Infinity"}))
                .hasMessageContaining("--scale");
        assertThatThrownBy(() -> SimulateMain.parse(new String[] {"--out", "x", "--scale", "0"}))
                .hasMessageContaining("--scale");
    }

    @Test
    @DisplayName("a gzip file of events with an hourly tick between them, ending with a tick at the end")
    void writesGzipWithTicks(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("one-day.ndjson.gz");
        SimulateMain.Options o = new SimulateMain.Options(out, APRIL_2025, 1, 2025, 1, Duration.ofHours(1));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        SimulateMain.Summary summary = SimulateMain.run(o, REF, CALENDAR, new PrintStream(progress, true));

        List<String> lines;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(out))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<IocEvent> events = lines.stream().map(SimulatorTestBase::parse).toList();
        List<IocEvent> ticks = events.stream().filter(ClockTick.class::isInstance).toList();
        assertThat(ticks).hasSize(24);
        assertThat(events.get(events.size() - 1)).isEqualTo(new ClockTick(APRIL_2025.plus(ONE_DAY)));
        assertThat(summary.ticks()).isEqualTo(24);
        assertThat(summary.events()).isEqualTo(lines.size() - 24);
        assertThat(summary.bytes()).isEqualTo(Files.size(out));
        assertThat(summary.dossiers()).isEqualTo(events.stream().filter(CaseEvent.class::isInstance)
                .map(e -> ((CaseEvent) e).dossierCode()).distinct().count());
        List<String> withoutTicks = lines.stream().filter(l -> !l.contains("ioc.clock.v1")).toList();
        assertThat(withoutTicks.equals(generate(DEFAULTS, APRIL_2025, ONE_DAY)))
                .as("the file holds the simulator's events").isTrue();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).eventTime()).isAfterOrEqualTo(events.get(i - 1).eventTime());
        }
    }
}
