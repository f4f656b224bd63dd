package vn.ioc.pulse.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay command line: options as documented in {@code ./ioc help} and the errors that name the option. */
class ReplayMainTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("--kafka, --speed (also written x10 or ×10), --token, --batch, --from-line and --until are read")
    void options() throws Exception {
        Path file = Files.writeString(dir.resolve("a.ndjson"), "{}\n");

        ReplayMain.Options o = ReplayMain.parse(new String[] {file.toString(), "--kafka", "kafka:9092", "--speed",
                "×10", "--token", "t0k", "--batch", "250", "--from-line", "42", "--until",
                "2026-03-02T12:00:00+07:00"});

        assertThat(o.files()).containsExactly(file);
        assertThat(o.kafka()).isEqualTo("kafka:9092");
        assertThat(o.speed()).isEqualTo(10.0);
        assertThat(o.token()).isEqualTo("t0k");
        assertThat(o.batch()).isEqualTo(250);
        assertThat(o.fromLine()).isEqualTo(42);
        assertThat(o.until()).isEqualTo(Instant.parse("2026-03-02T05:00:00Z"));
        assertThat(ReplayMain.parse(new String[] {file.toString(), "--speed", "x2.5"}).speed()).isEqualTo(2.5);
        assertThat(ReplayMain.parse(new String[] {file.toString()}).speed()).as("full speed by default").isZero();
    }

    @Test
    @DisplayName("bad options are refused with a message naming them")
    void badOptions() throws Exception {
        Path file = Files.writeString(dir.resolve("a.ndjson"), "{}\n");

        assertThatThrownBy(() -> ReplayMain.parse(new String[] {file.toString(), "--speed", "-1"}))
                .hasMessageContaining("--speed");
        assertThatThrownBy(() -> ReplayMain.parse(new String[] {file.toString(), "--until", "2026-03-02 12:00"}))
                .hasMessageContaining("--until");
        assertThatThrownBy(() -> ReplayMain.parse(new String[] {file.toString(), "--fast"}))
                .hasMessageContaining("--fast");
        assertThatThrownBy(() -> ReplayMain.parse(new String[] {dir.resolve("missing.ndjson").toString()}))
                .hasMessageContaining("missing.ndjson");
        assertThatThrownBy(() -> ReplayMain.parse(new String[] {file.toString(), "--kafka"}))
                .hasMessageContaining("--kafka needs a value");
    }
}
