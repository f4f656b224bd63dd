package vn.ioc.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.ingest.BatchParser.BodyException;
import vn.ioc.pulse.ingest.BatchParser.RawRecord;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.ValidationException;

/**
 * Unit tests of {@link BatchParser}: how a request body (CONTRACT.md §2: one object, an array, or NDJSON) is split
 * into indexed records, and which bodies are refused as a whole.
 */
@DisplayName("BatchParser splits a request body into indexed records")
class BatchParserTest extends IngestTestBase {
    private static final boolean NDJSON = true;
    private static final boolean NOT_NDJSON = false;

    private static final JsonObject A = received("e-a", "D-A");
    private static final JsonObject B = resolved("e-b", "D-B");
    private static final JsonObject C = portalUp("e-c");

    @Test
    @DisplayName("a single JSON object is one record with index 0 and its text as raw")
    void singleObject() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8(A.encode()), NOT_NDJSON);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.index()).isZero();
            assertThat(r.error()).isNull();
            assertThat(r.json().isObject()).isTrue();
            assertThat(new JsonObject(r.raw())).isEqualTo(A);
        });
    }

    @Test
    @DisplayName("a pretty-printed object over several lines is still one record, not NDJSON")
    void prettyPrintedObject() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8(A.encodePrettily()), NOT_NDJSON);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.error()).isNull();
            assertThat(r.json().get("event_id").asText()).isEqualTo("e-a");
        });
    }

    @Test
    @DisplayName("a JSON array gives one record per element, indexed 0 to n-1 in order")
    void jsonArray() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8("  \n" + array(A, B, C)), NOT_NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 1, 2);
        assertThat(records).extracting(RawRecord::error).containsOnlyNulls();
        assertThat(records).extracting(r -> new JsonObject(r.raw())).containsExactly(A, B, C);
        assertThat(records).extracting(r -> r.json().get("event_id").asText()).containsExactly("e-a", "e-b", "e-c");
    }

    @Test
    @DisplayName("NDJSON with the content-type flag skips blank lines but counts them in the index")
    void ndjsonWithBlankLines() throws Exception {
        String body = A.encode() + "\n\n" + B.encode() + "\n   \n" + C.encode() + "\n";

        List<RawRecord> records = BatchParser.parse(utf8(body), NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 2, 4);
        assertThat(records).extracting(RawRecord::error).containsOnlyNulls();
        assertThat(records).extracting(r -> r.json().get("event_id").asText()).containsExactly("e-a", "e-b", "e-c");
    }

    @Test
    @DisplayName("NDJSON lines may end in CRLF")
    void ndjsonWithCrlf() throws Exception {
        String body = A.encode() + "\r\n" + B.encode() + "\r\n";

        List<RawRecord> records = BatchParser.parse(utf8(body), NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 1);
        assertThat(records).extracting(RawRecord::error).containsOnlyNulls();
    }

    @Test
    @DisplayName("a single object sent with the NDJSON flag is one record")
    void singleObjectAsNdjson() throws Exception {
        assertThat(BatchParser.parse(utf8(A.encode()), NDJSON)).singleElement()
                .satisfies(r -> assertThat(r.error()).isNull());
    }

    @Test
    @DisplayName("several object lines without the NDJSON flag are read as NDJSON")
    void multiLineWithoutFlagIsNdjson() throws Exception {
        String body = A.encode() + "\n" + B.encode() + "\n\n" + C.encode();

        List<RawRecord> records = BatchParser.parse(utf8(body), NOT_NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 1, 3);
        assertThat(records).extracting(RawRecord::error).containsOnlyNulls();
        assertThat(records).extracting(r -> r.json().get("event_id").asText()).containsExactly("e-a", "e-b", "e-c");
    }

    @Test
    @DisplayName("a malformed NDJSON line is an error record with its line index while the other lines parse")
    void malformedNdjsonLine() throws Exception {
        String body = A.encode() + "\n{\"schema\": \"ioc.case.v1\", \"event_id\": \n" + C.encode();

        List<RawRecord> records = BatchParser.parse(utf8(body), NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 1, 2);
        assertThat(records.get(0).error()).isNull();
        assertThat(records.get(2).error()).isNull();
        RawRecord bad = records.get(1);
        assertThat(bad.json()).isNull();
        assertThat(bad.error()).contains("malformed").contains("line 2");
        assertThat(bad.raw()).isEqualTo("{\"schema\": \"ioc.case.v1\", \"event_id\": ");
    }

    @Test
    @DisplayName("a truncated array fails the whole body, naming the element and saying nothing was accepted")
    void truncatedArray() {
        String body = array(A, B).replaceFirst("]$", "") + ",{\"schema\":\"ioc.case.v1\",\"event_id\":\"e-";

        assertThatThrownBy(() -> BatchParser.parse(utf8(body), NOT_NDJSON))
                .isInstanceOf(BatchParser.BodyException.class)
                .hasMessageContaining("array element 2").hasMessageContaining("nothing in this request was accepted");
    }

    @Test
    @DisplayName("a syntax error inside an array ([good,{bad},good,good]) fails the whole body: no element is left "
            + "uncounted")
    void syntaxErrorMidArray() {
        String body = "[" + A.encode() + ",{bad}," + B.encode() + "," + C.encode() + "]";

        assertThatThrownBy(() -> BatchParser.parse(utf8(body), NOT_NDJSON))
                .isInstanceOf(BatchParser.BodyException.class)
                .hasMessageContaining("array element 1").hasMessageContaining("nothing in this request was accepted");
    }

    @Test
    @DisplayName("an array that is never closed fails the whole body")
    void unclosedArray() {
        String body = array(A, B).replaceFirst("]$", "");

        assertThatThrownBy(() -> BatchParser.parse(utf8(body), NOT_NDJSON))
                .isInstanceOf(BatchParser.BodyException.class).hasMessageContaining("nothing in this request");
    }

    @Test
    @DisplayName("a leading UTF-8 byte-order mark is ignored, for an object, an array and NDJSON")
    void byteOrderMark() throws Exception {
        String bom = "\uFEFF";
        assertThat(BatchParser.parse(utf8(bom + A.encode()), NOT_NDJSON)).singleElement()
                .satisfies(r -> assertThat(r.error()).isNull());
        assertThat(BatchParser.parse(utf8(bom + array(A, B)), NOT_NDJSON)).extracting(RawRecord::error)
                .containsExactly(null, null);
        assertThat(BatchParser.parse(utf8(bom + A.encode() + "\n" + B.encode()), NDJSON)).extracting(RawRecord::error)
                .containsExactly(null, null);
    }

    @Test
    @DisplayName("content after the closing bracket of an array is not silently dropped")
    void trailingContentAfterArray() throws Exception {
        String body = array(A) + "\n" + B.encode();

        List<RawRecord> records;
        try {
            records = BatchParser.parse(utf8(body), NOT_NDJSON);
        } catch (BodyException refusedAsAWhole) {
            return; // also acceptable: the client is told
        }

        assertThat(records).as("the trailing object is a record of its own or an error record")
                .anySatisfy(r -> assertThat(r.error() != null || r.raw().contains("e-b")).isTrue());
    }

    @ParameterizedTest(name = "body \"{0}\"")
    @ValueSource(strings = {"", " ", "\n", " \r\n\t \n"})
    @DisplayName("an empty or whitespace-only body is refused as a whole")
    void emptyBody(String body) {
        for (boolean ndjson : new boolean[] {NDJSON, NOT_NDJSON}) {
            assertThatThrownBy(() -> BatchParser.parse(utf8(body), ndjson))
                    .isInstanceOf(BodyException.class)
                    .hasMessageContaining("empty");
        }
    }

    @Test
    @DisplayName("a body that is not valid UTF-8 is refused as a whole")
    void invalidUtf8() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        byte[] stray = {'[', (byte) 0xFF, ']'};

        assertThatThrownBy(() -> BatchParser.parse(body, NOT_NDJSON))
                .isInstanceOf(BodyException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> BatchParser.parse(stray, NDJSON))
                .isInstanceOf(BodyException.class).hasMessageContaining("UTF-8");
    }

    @Test
    @DisplayName("Vietnamese text in valid UTF-8 is kept as it was sent")
    void vietnameseText() throws Exception {
        JsonObject event = A.copy().put("source_system", "Một cửa điện tử");

        List<RawRecord> records = BatchParser.parse(utf8(event.encode()), NOT_NDJSON);

        assertThat(records).singleElement()
                .satisfies(r -> assertThat(r.json().get("source_system").asText()).isEqualTo("Một cửa điện tử"));
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"\"just a string\"", "42", "true", "null"})
    @DisplayName("a body that is a bare JSON value gives a record that is not an object, which the codec rejects")
    void bareValue(String body) throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8(body), NOT_NDJSON);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.index()).isZero();
            assertThat(r.error()).isNull();
            assertThat(r.json().isObject()).isFalse();
            assertThatThrownBy(() -> EventCodec.parse(r.json())).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("JSON object");
        });
    }

    @Test
    @DisplayName("array elements that are not objects are records the codec rejects, keeping their index")
    void nonObjectArrayElements() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8("[" + A.encode() + ", 7, \"x\"]"), NOT_NDJSON);

        assertThat(records).extracting(RawRecord::index).containsExactly(0, 1, 2);
        assertThat(records).extracting(RawRecord::error).containsOnlyNulls();
        assertThat(records.subList(1, 3)).allSatisfy(r -> assertThat(r.json().isObject()).isFalse());
    }

    @Test
    @DisplayName("a single line of malformed JSON is one error record saying malformed")
    void malformedSingleLine() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8("{\"schema\": \"ioc.case.v1\","), NOT_NDJSON);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.index()).isZero();
            assertThat(r.json()).isNull();
            assertThat(r.error()).contains("malformed");
        });
    }

    @Test
    @DisplayName("two objects on one line are an error, not one of them silently")
    void twoObjectsOnOneLine() throws Exception {
        List<RawRecord> records = BatchParser.parse(utf8(A.encode() + " " + B.encode()), NOT_NDJSON);

        assertThat(records).singleElement().satisfies(r -> assertThat(r.error()).contains("malformed"));
    }

    @Test
    @DisplayName("JSON nested deeper than the codec's limit is an error record, not a stack overflow")
    void deeplyNested() throws Exception {
        String object = "{\"schema\":\"ioc.case.v1\",\"event_id\":\"e-deep\",\"x\":" + nestedArrays(10_000) + "}";

        assertThat(BatchParser.parse(utf8(object), NOT_NDJSON)).singleElement()
                .satisfies(r -> assertThat(r.error()).isNotNull());
        // inside an array the parser cannot resume after the element: the whole body is refused
        assertThatThrownBy(() -> BatchParser.parse(utf8("[" + A.encode() + "," + object + "]"), NOT_NDJSON))
                .isInstanceOf(BatchParser.BodyException.class).hasMessageContaining("nesting depth");
        assertThat(BatchParser.parse(utf8(A.encode() + "\n" + object), NDJSON))
                .satisfiesExactly(
                        r -> assertThat(r.error()).isNull(),
                        r -> assertThat(r.error()).isNotNull());
    }
}
