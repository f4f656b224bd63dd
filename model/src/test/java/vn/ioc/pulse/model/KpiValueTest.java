package vn.ioc.pulse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Unit tests of the KPI value JSON of CONTRACT.md §3. */
@DisplayName("KpiValue writes and reads the KPI value JSON of CONTRACT.md §3")
class KpiValueTest {

    /** A test-local mapper for reading what toJson wrote. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The contract's keys (CONTRACT.md §3) plus the extension {@code seq} (§5). */
    private static final List<String> CONTRACT_KEYS = List.of("kpi", "scope_type", "scope_id", "window", "value",
            "numerator", "denominator", "status", "as_of", "computed_at", "revision", "seq");

    private static final Instant AS_OF = Instant.parse("2026-03-02T02:15:00Z"); // 09:15 in +07:00
    private static final Instant COMPUTED = Instant.parse("2026-03-02T02:15:01.250Z");

    private static KpiValue count(long n) {
        return new KpiValue("received_count", "agency", "H01.10", "1d", (double) n, (double) n, null,
                KpiValue.Status.GREEN, AS_OF, COMPUTED, 7);
    }

    private static KpiValue ratio(double num, double den) {
        Double value = den == 0 ? null : num / den;
        return new KpiValue("on_time_ratio", "province", "26", "30d", value, num, den,
                den == 0 ? KpiValue.Status.GREY : KpiValue.Status.YELLOW, AS_OF, COMPUTED, 12);
    }

    private static JsonNode json(KpiValue v) throws Exception {
        return JSON.readTree(v.toJson());
    }

    static Stream<KpiValue> samples() {
        List<KpiValue> out = new ArrayList<>();
        out.add(count(0));
        out.add(count(42));
        out.add(ratio(87, 100));
        out.add(ratio(1, 3));
        out.add(ratio(0, 0));
        out.add(new KpiValue("overdue_open", "commune", "26734", "now", 3.0, 3.0, null, KpiValue.Status.RED,
                Instant.parse("2026-03-01T17:30:00Z"), Instant.parse("2026-03-01T17:30:00.123456789Z"), 0));
        out.add(new KpiValue("availability", "component", "PAYMENT_GATEWAY", "1h", null, null, null,
                KpiValue.Status.GREY, Instant.parse("2026-12-31T16:59:59.999Z"), COMPUTED, Long.MAX_VALUE));
        out.add(count(5).withSeq(1));
        out.add(ratio(2, 3).withSeq(4_000_000_000L));
        out.add(count(6).withSeq(Long.MAX_VALUE));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @DisplayName("toJson writes exactly the contract keys, no more and no fewer")
    void exactlyTheContractKeys(KpiValue v) throws Exception {
        JsonNode n = json(v);
        assertThat(n.isObject()).isTrue();
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(CONTRACT_KEYS);
    }

    @Test
    @DisplayName("toJson writes each field under its snake_case contract name")
    void fieldValues() throws Exception {
        JsonNode n = json(ratio(87, 100));
        assertThat(n.get("kpi").textValue()).isEqualTo("on_time_ratio");
        assertThat(n.get("scope_type").textValue()).isEqualTo("province");
        assertThat(n.get("scope_id").textValue()).isEqualTo("26");
        assertThat(n.get("window").textValue()).isEqualTo("30d");
        assertThat(n.get("value").isNumber()).isTrue();
        assertThat(n.get("value").doubleValue()).isEqualTo(0.87);
        assertThat(n.get("numerator").doubleValue()).isEqualTo(87.0);
        assertThat(n.get("denominator").doubleValue()).isEqualTo(100.0);
        assertThat(n.get("status").textValue()).isEqualTo("YELLOW");
        assertThat(n.get("revision").isIntegralNumber()).isTrue();
        assertThat(n.get("revision").longValue()).isEqualTo(12L);
    }

    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
            "2026-03-02T02:15:00Z,     2026-03-02T09:15:00+07:00",
            "2026-03-01T17:30:00Z,     2026-03-02T00:30:00+07:00",
            "2026-03-01T16:59:59Z,     2026-03-01T23:59:59+07:00",
            "2026-12-31T17:00:00Z,     2027-01-01T00:00:00+07:00",
            "2026-03-02T02:15:00.250Z, 2026-03-02T09:15:00.25+07:00"
    })
    @DisplayName("as_of is written in ISO-8601 with the +07:00 offset and names the same instant")
    void asOfInPlus7(String instant, String expected) throws Exception {
        KpiValue v = new KpiValue("received_count", "agency", "H01.10", "1d", 1.0, 1.0, null,
                KpiValue.Status.GREEN, Instant.parse(instant), COMPUTED, 1);
        String asOf = json(v).get("as_of").textValue();
        assertThat(asOf).endsWith("+07:00");
        assertThat(OffsetDateTime.parse(asOf).toInstant()).isEqualTo(Instant.parse(instant));
        assertThat(OffsetDateTime.parse(asOf)).isEqualTo(OffsetDateTime.parse(expected));
    }

    @Test
    @DisplayName("as_of for the contract's example instant is exactly 2026-03-02T09:15:00+07:00")
    void asOfExactText() throws Exception {
        assertThat(json(count(1)).get("as_of").textValue()).isEqualTo("2026-03-02T09:15:00+07:00");
    }

    @Test
    @DisplayName("computed_at is a timestamp with an offset naming the computation instant")
    void computedAt() throws Exception {
        String text = json(count(1)).get("computed_at").textValue();
        assertThat(text).endsWith("+07:00");
        assertThat(OffsetDateTime.parse(text).toInstant()).isEqualTo(COMPUTED);
    }

    @Test
    @DisplayName("A count has value equal to numerator equal to the count and an explicit \"denominator\": null")
    void countShape() throws Exception {
        JsonNode n = json(count(42));
        assertThat(n.get("value").doubleValue()).isEqualTo(42.0);
        assertThat(n.get("numerator").doubleValue()).isEqualTo(42.0);
        assertThat(n.has("denominator")).as("denominator key present").isTrue();
        assertThat(n.get("denominator").isNull()).as("denominator is JSON null").isTrue();
        assertThat(count(42).toJson()).contains("\"denominator\":null");
    }

    @Test
    @DisplayName("A ratio with a zero denominator has an explicit \"value\": null")
    void ratioWithZeroDenominator() throws Exception {
        JsonNode n = json(ratio(0, 0));
        assertThat(n.has("value")).isTrue();
        assertThat(n.get("value").isNull()).isTrue();
        assertThat(n.get("numerator").doubleValue()).isZero();
        assertThat(n.get("denominator").doubleValue()).isZero();
        assertThat(n.get("status").textValue()).isEqualTo("GREY");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(KpiValue.Status.class)
    @DisplayName("status is written as one of GREEN, YELLOW, RED, GREY")
    void statusNames(KpiValue.Status status) throws Exception {
        KpiValue v = new KpiValue("k", "province", "26", "1d", 1.0, 1.0, null, status, AS_OF, COMPUTED, 1);
        assertThat(json(v).get("status").textValue()).isIn("GREEN", "YELLOW", "RED", "GREY")
                .isEqualTo(status.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @DisplayName("fromJson(toJson(v)) equals v")
    void roundTrip(KpiValue v) {
        assertThat(KpiValue.fromJson(v.toJson())).isEqualTo(v);
    }

    @Test
    @DisplayName("fromJson reads as_of written with any contract offset to the same instant")
    void fromJsonOtherOffsets() {
        String json = """
                {"kpi": "received_count", "scope_type": "agency", "scope_id": "H01.10", "window": "1d",
                 "value": 5, "numerator": 5, "denominator": null, "status": "GREEN",
                 "as_of": "2026-03-02T02:15:00Z", "computed_at": "2026-03-01T21:15:01.250-0500", "revision": 3}""";
        KpiValue v = KpiValue.fromJson(json);
        assertThat(v).isEqualTo(new KpiValue("received_count", "agency", "H01.10", "1d", 5.0, 5.0, null,
                KpiValue.Status.GREEN, AS_OF, COMPUTED, 3));
    }

    @Test
    @DisplayName("seq is written as an integer under \"seq\", 0 when the value has none")
    void seqIsWritten() throws Exception {
        JsonNode n = json(count(42).withSeq(17));
        assertThat(n.get("seq").isIntegralNumber()).isTrue();
        assertThat(n.get("seq").longValue()).isEqualTo(17L);
        assertThat(json(count(42)).get("seq").longValue()).as("no seq (a revision, a legacy record)").isZero();
        assertThat(count(42).seq()).isZero();
    }

    @Test
    @DisplayName("withSeq changes only seq")
    void withSeqChangesOnlySeq() {
        KpiValue v = ratio(87, 100).withSeq(9);
        assertThat(v.seq()).isEqualTo(9);
        assertThat(v.withSeq(0)).isEqualTo(ratio(87, 100));
        assertThat(v.withSeq(9)).isSameAs(v);
    }

    @Test
    @DisplayName("a record written before seq existed (no \"seq\" key) reads with seq 0; \"seq\": null too")
    void legacyRecordWithoutSeq() {
        String legacy = """
                {"kpi": "received_count", "scope_type": "agency", "scope_id": "H01.10", "window": "1d",
                 "value": 5, "numerator": 5, "denominator": null, "status": "GREEN",
                 "as_of": "2026-03-02T09:15:00+07:00", "computed_at": "2026-03-02T09:15:01.25+07:00", "revision": 0}""";
        KpiValue expected = new KpiValue("received_count", "agency", "H01.10", "1d", 5.0, 5.0, null,
                KpiValue.Status.GREEN, AS_OF, COMPUTED, 0);
        assertThat(KpiValue.fromJson(legacy)).isEqualTo(expected);
        assertThat(KpiValue.fromJson(legacy).seq()).isZero();
        assertThat(KpiValue.fromJson(legacy.replace("\"revision\": 0", "\"revision\": 0, \"seq\": null")))
                .isEqualTo(expected);
        assertThat(KpiValue.fromJson(legacy.replace("\"revision\": 0", "\"revision\": 0, \"seq\": 12")))
                .isEqualTo(expected.withSeq(12));
    }

    @ParameterizedTest(name = "seq {0}")
    @ValueSource(strings = {"-1", "1.5", "\"3\"", "true", "[1]", "99999999999999999999"})
    @DisplayName("a seq that is not a non-negative integer is an error naming seq")
    void badSeqIsAnError(String seq) {
        String json = count(1).toJson().replace("\"seq\":0", "\"seq\":" + seq);
        assertThat(json).contains("\"seq\":" + seq);
        assertThatThrownBy(() -> KpiValue.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seq");
    }

    @Test
    @DisplayName("The Kafka key is kpi/scope_type/scope_id/window")
    void key() {
        assertThat(ratio(1, 2).key()).isEqualTo("on_time_ratio/province/26/30d");
        assertThat(KpiValue.key("a", "b", "c", "d")).isEqualTo("a/b/c/d");
    }

    @Test
    @DisplayName("formatTime writes +07:00 and keeps null as null")
    void formatTime() {
        assertThat(KpiValue.formatTime(AS_OF)).isEqualTo("2026-03-02T09:15:00+07:00");
        assertThat(KpiValue.formatTime(null)).isNull();
    }
}
