package vn.ioc.pulse.dashboard.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("History parameters: the bound on points and the suggested step")
class HistoryRequestTest {
    private static final Instant FROM = Instant.parse("2026-03-01T17:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-02T16:59:59Z");

    @Test
    @DisplayName("buckets are epoch-aligned: a local day (17:00Z to 16:59:59Z) touches 1440 minutes, 24 hours, 2 UTC days")
    void buckets() {
        assertThat(HistoryRequest.buckets(FROM, TO, Duration.ofMinutes(1))).isEqualTo(1440);
        assertThat(HistoryRequest.buckets(FROM, TO, Duration.ofMinutes(2))).isEqualTo(720);
        assertThat(HistoryRequest.buckets(FROM, TO, Duration.ofHours(1))).isEqualTo(24);
        assertThat(HistoryRequest.buckets(FROM, TO, Duration.ofDays(1))).isEqualTo(2);
        assertThat(HistoryRequest.buckets(FROM, FROM, Duration.ofDays(1))).isEqualTo(1);
    }

    @Test
    @DisplayName("a step whose buckets pass max_points is refused naming step and suggesting the shortest that fits")
    void stepOverTheBound() {
        assertThatThrownBy(() -> parse("step=1m")) // 1440 > 1000
                .hasMessageStartingWith("query parameter 'step'")
                .hasMessageContaining("1440 buckets of 1m")
                .hasMessageContaining("use step=2m or longer");
        assertThat(parse("step=2m").step()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("step=1m&max_points=1440").maxPoints()).isEqualTo(1440);
        assertThatThrownBy(() -> parse("step=1h&max_points=23")).hasMessageContaining("use step=2h or longer");
        // epoch days 20513 and 20514: two 1d and two 2d buckets (10256, 10257), one 7d bucket (2930)
        assertThatThrownBy(() -> parse("step=1d&max_points=1")).hasMessageContaining("use step=7d or longer");
        assertThatThrownBy(() -> parse("step=1d&max_points=1&from=2020-01-01T00:00:00Z"))
                .hasMessageContaining("no step up to 366d fits");
    }

    @Test
    @DisplayName("max_points defaults to 1000 and must be 1 … 10000")
    void maxPoints() {
        assertThat(parse("").maxPoints()).isEqualTo(1000);
        assertThat(parse("max_points=10000").maxPoints()).isEqualTo(10000);
        for (String bad : new String[] {"0", "10001", "-1", "abc", "1.5", "99999999999"}) {
            assertThatThrownBy(() -> parse("max_points=" + bad)).as(bad)
                    .hasMessageStartingWith("query parameter 'max_points' must be an integer from 1 to 10000");
        }
    }

    private static HistoryRequest parse(String extra) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("scope_type", "province").add("scope_id", "SL")
                .add("window", "today").add("to", TO.toString());
        for (String kv : extra.split("&")) {
            if (!kv.isEmpty()) {
                params.add(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        if (!params.contains("from")) {
            params.add("from", FROM.toString());
        }
        return HistoryRequest.parse(params, Instant.now());
    }
}
