package vn.ioc.pulse.dashboard.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The receivers configuration is read in one place and bad values fail at start naming the field")
class DeliveryConfigTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the shipped example parses: both types, secrets from the environment, matchers, timings, headers")
    void exampleParses() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/ioc/alert-receivers.example.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = Files.writeString(dir.resolve("receivers.json"), json);
        DeliveryConfig c = DeliveryConfig.fromEnv(Map.of("IOC_ALERT_RECEIVERS_FILE", file.toString(),
                "IOC_TICKETING_WEBHOOK_SECRET", "s1", "IOC_ONCALL_WEBHOOK_SECRET", "s2",
                "IOC_ALERT_EXTERNAL_URL", "https://ioc.sonla.gov.vn/", "HOSTNAME", "api-0"));
        assertThat(c.externalUrl()).isEqualTo("https://ioc.sonla.gov.vn");
        assertThat(c.instanceId()).isEqualTo("api-0");
        assertThat(c.receivers()).hasSize(2);
        DeliveryConfig.Receiver t = c.receiver("ticketing");
        assertThat(t.type()).isEqualTo(DeliveryConfig.Type.WEBHOOK);
        assertThat(t.secret()).isEqualTo("s1");
        assertThat(t.match()).isEqualTo(Map.of("severity", List.of("critical", "warning")));
        assertThat(t.groupBy()).containsExactly("alertname", "scope_type");
        assertThat(t.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.groupInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(t.maxRetryBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.headers()).isEqualTo(Map.of("X-Tenant", "sonla"));
        assertThat(t.host()).isEqualTo("helpdesk.sonla.gov.vn");
        DeliveryConfig.Receiver am = c.receiver("oncall-alertmanager");
        assertThat(am.type()).isEqualTo(DeliveryConfig.Type.ALERTMANAGER);
        assertThat(am.match()).isEqualTo(Map.of("severity", List.of("critical")));
        assertThat(am.groupBy()).containsExactly("alertname");
        assertThat(am.groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(am.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(am.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    @DisplayName("IOC_ALERT_WEBHOOK_URL alone adds one generic webhook named default; nothing set means delivery off")
    void envWebhook() {
        DeliveryConfig c = DeliveryConfig.fromEnv(Map.of("IOC_ALERT_WEBHOOK_URL", "http://127.0.0.1:9000/hook",
                "IOC_ALERT_WEBHOOK_SECRET", "shh"));
        assertThat(c.receivers()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("default");
            assertThat(r.type()).isEqualTo(DeliveryConfig.Type.WEBHOOK);
            assertThat(r.secret()).isEqualTo("shh");
            assertThat(r.groupBy()).containsExactly("alertname");
        });
        assertThat(c.externalUrl()).isEmpty();
        assertThat(DeliveryConfig.fromEnv(Map.of()).enabled()).isFalse();
    }

    @Test
    @DisplayName("errors name the file and the field")
    void errorsNameTheField() throws Exception {
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"email\",\"url\":\"http://x\"}]}"))
                .hasMessageContaining("receivers[0] (a).type").hasMessageContaining("email");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\"}]}"))
                .hasMessageContaining("receivers[0] (a).url is required");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\",\"url\":\"ftp://x\"}]}"))
                .hasMessageContaining("receivers[0] (a).url");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\",\"url\":\"http://x\","
                + "\"group_wait\":\"10 minutes\"}]}")).hasMessageContaining("receivers[0] (a).group_wait");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\",\"url\":\"http://x\","
                + "\"secret_env\":\"NOPE\"}]}")).hasMessageContaining("receivers[0] (a).secret_env")
                .hasMessageContaining("NOPE");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\",\"url\":\"http://x\","
                + "\"headers\":{\"Idempotency-Key\":\"x\"}}]}")).hasMessageContaining("receivers[0] (a).headers");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a\",\"type\":\"webhook\",\"url\":\"http://x\","
                + "\"gruop_by\":[]}]}")).hasMessageContaining("receivers[0].gruop_by: unknown field");
        assertThatThrownBy(() -> parse("{\"receivers\":[{\"name\":\"a b\",\"type\":\"webhook\",\"url\":\"http://x\"}]}"))
                .hasMessageContaining("name");
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"receivers\": 3}");
        assertThatThrownBy(() -> DeliveryConfig.fromEnv(Map.of("IOC_ALERT_RECEIVERS_FILE", file.toString())))
                .hasMessageContaining("IOC_ALERT_RECEIVERS_FILE " + file).hasMessageContaining("'receivers'");
        assertThatThrownBy(() -> DeliveryConfig.fromEnv(Map.of("IOC_ALERT_WEBHOOK_URL", "not a url")))
                .hasMessageContaining("IOC_ALERT_WEBHOOK_URL");
    }

    private static void parse(String json) {
        DeliveryConfig.parse(json, Map.of());
    }
}
