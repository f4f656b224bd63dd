package vn.ioc.pulse.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.ioc.pulse.ingest.GatewayFixture;
import vn.ioc.pulse.model.Topics;

/**
 * {@code ./ioc replay FILE.gz --kafka … --from-line N --until T} on a real broker: the lines after N (and only those)
 * go to their topics keyed as the gateway keys them, a bad line is dead-lettered and counted, events after T are
 * held back, and the tick at T reaches every partition.
 */
class ReplayKafkaIntegrationTest {
    private static GatewayFixture fixture;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        fixture = GatewayFixture.start();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String resolved(String id, String dossier, String at) {
        return "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + id + "\",\"dossier_code\":\"" + dossier
                + "\",\"type\":\"RESOLVED\",\"occurred_at\":\"" + at + "\"}";
    }

    @Test
    @DisplayName("resuming after line 3 sends lines 4.., dead-letters the bad one, holds back events after --until")
    void resumeStraightToKafka() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            lines.add(resolved(run + "-" + i, run + "-D" + i, "2026-03-02T0" + i + ":00:00+07:00"));
        }
        lines.set(4, "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + run + "-5\",\"dossier_code\":\"x\"}"); // line 5
        Path file = dir.resolve("history.ndjson.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Instant until = Instant.parse("2026-03-02T00:00:00Z"); // 07:00 +07:00: lines 8 is later

        ReplayMain.Summary summary = ReplayMain.replay(new ReplayMain.Options(List.of(file), until, null, 2, 3, 0,
                fixture.kafka().bootstrapServers(), null));

        assertThat(summary.rejected()).isEqualTo(1);
        assertThat(summary.afterUntil()).isEqualTo(1);
        assertThat(summary.accepted()).isEqualTo(3 + 1); // lines 4, 6, 7 and the tick
        assertThat(fixture.awaitRecords(Topics.CASE_EVENTS, r -> r.value().contains(run), 3))
                .extracting(r -> new JsonObject(r.value()).getString("event_id") + "@" + r.key())
                .containsExactlyInAnyOrder(run + "-4@" + run + "-D4", run + "-6@" + run + "-D6",
                        run + "-7@" + run + "-D7");
        assertThat(fixture.awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains(run), 1)).singleElement()
                .satisfies(r -> assertThat(new JsonObject(r.value()).getString("source")).isEqualTo("replay"));
        assertThat(fixture.awaitRecords(Topics.SERVICE_EVENTS, r -> r.value().contains("2026-03-02T07:00:00+07:00"),
                3)).as("the tick at --until on every partition of the service topic").hasSize(3);
    }
}
