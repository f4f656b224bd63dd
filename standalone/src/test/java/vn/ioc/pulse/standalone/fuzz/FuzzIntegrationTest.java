package vn.ioc.pulse.standalone.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ioc fuzz} in-process with a small N: the whole system (Kafka, KPI job, gateway, dashboard API) started
 * in this JVM, 1,500 records of every bad class mixed with good ones. No 5xx, no crash (the KPI job stays RUNNING,
 * both servers keep answering /health), no hang, every good record acknowledged and none lost: the good agency's
 * KPIs count exactly the good records the generator made — a number it knows without asking the gateway.
 * Every request's accounting adds up, whole-request abuses (a syntax error inside an array, a BOM) included.
 */
class FuzzIntegrationTest {

    @Test
    void badRecordsBreakNothingAndLoseNoGoodRecord() throws Exception {
        Fuzzer.Options defaults = Fuzzer.Options.defaults(1500, 7);
        Fuzzer.Options options = new Fuzzer.Options(defaults.records(), defaults.seed(), defaults.connections(),
                defaults.requestTimeout(), Duration.ofSeconds(30), Duration.ofSeconds(10), defaults.badShare(),
                defaults.progressEvery(), Set.of());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        FuzzReport report;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            report = FuzzMain.runInProcess(options, out);
            report.print(out);
        }
        System.out.println(buffer.toString(StandardCharsets.UTF_8));
        Map<String, String> s = report.summary();

        assertThat(s.get("records_sent")).isEqualTo("1500");
        assertThat(s.get("requests_5xx")).isEqualTo("0");
        assertThat(s.get("hangs")).isEqualTo("0");
        assertThat(s.get("crashes")).as("crashes (KPI job not RUNNING, /health, connection errors)").isEqualTo("0");
        assertThat(s.get("job_status_at_end")).isEqualTo("RUNNING");
        assertThat(Long.parseLong(s.get("good_sent"))).isGreaterThan(300);
        assertThat(s.get("good_acknowledged")).as("good records accepted").isEqualTo(s.get("good_sent"));
        assertThat(s.get("good_rejected")).isEqualTo("0");
        assertThat(s.get("good_in_kpis")).as("good agency's backlog").isEqualTo(s.get("good_sent"));
        assertThat(s.get("good_lost")).isEqualTo("0");
        assertThat(s.get("answer_shape_errors")).isEqualTo("0");
        assertThat(s.get("count_mismatches")).as("accepted + rejected = records sent, in every request")
                .isEqualTo("0");
        assertThat(s.get("result")).isEqualTo("PASS");
        assertThat(Long.parseLong(s.get("rejections_with_field"))).isPositive();
    }
}
