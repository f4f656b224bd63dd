package vn.ioc.pulse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.model.CaseEvent.ApplicantType;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEvent.Digitisation;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEvent.Gateway;
import vn.ioc.pulse.model.CaseEvent.Payment;
import vn.ioc.pulse.model.CaseEvent.Rating;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;
import vn.ioc.pulse.model.CaseEvent.ServiceLevel;

/**
 * Unit tests of {@link EventCodec} against CONTRACT.md §1. Every expectation below is taken from the contract
 * (field names, types, requiredness, timestamp grammar, ranges, conditional requirements), not from the code.
 */
@DisplayName("EventCodec validates input events exactly as CONTRACT.md §1 says")
class EventCodecTest {

    /** A test-local mapper, used only to build inputs (never the codec's own). */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 2026-03-02T09:15:00+07:00, the contract's example timestamp. */
    private static final Instant T0 = Instant.parse("2026-03-02T02:15:00Z");

    // ---------------------------------------------------------------------------------------------------------
    // Inputs

    /** A RECEIVED case event carrying every field of the case-event table. */
    private static final String FULL_CASE = """
            {
              "schema": "ioc.case.v1",
              "event_id": "evt-0001",
              "dossier_code": "000.00.10.H01-260302-0001",
              "type": "RECEIVED",
              "occurred_at": "2026-03-02T09:15:00+07:00",
              "sequence": 3,
              "status_code": 2,
              "procedure_code": "2.000815",
              "field_code": "G01",
              "agency_code": "H01.10",
              "commune_code": "26734",
              "channel": "ONLINE",
              "service_level": "FULL",
              "applicant_type": "BUSINESS",
              "received_at": "2026-03-02T09:16:30.250+07:00",
              "due_at": "2026-03-09T17:00:00+07:00",
              "regulated_duration": {"value": 5, "unit": "WORKING_DAY"},
              "fee_required": true,
              "payment": {"online": true, "gateway": "DVCQG"},
              "digitisation": {"inputs_digitised": true, "reused_data": false, "e_result": true},
              "rating": "SATISFIED",
              "source_system": "Một cửa điện tử"
            }""";

    /** The smallest valid RECEIVED event: required fields plus RECEIVED's conditional ones (with due_at). */
    private static final String MIN_RECEIVED = """
            {"schema": "ioc.case.v1", "event_id": "e-1", "dossier_code": "D-1", "type": "RECEIVED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "procedure_code": "2.000815",
             "agency_code": "H01.10", "channel": "DIRECT", "due_at": "2026-03-09T17:00:00+07:00"}""";

    /** A valid PROCESSING event: only the always-required fields (PROCESSING has no conditional ones). */
    private static final String MIN_PROCESSING = """
            {"schema": "ioc.case.v1", "event_id": "e-2", "dossier_code": "D-1", "type": "PROCESSING",
             "occurred_at": "2026-03-02T09:15:00+07:00"}""";

    private static final String MIN_SUBMITTED = """
            {"schema": "ioc.case.v1", "event_id": "e-3", "dossier_code": "D-1", "type": "SUBMITTED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "procedure_code": "2.000815"}""";

    private static final String MIN_PAYMENT_COMPLETED = """
            {"schema": "ioc.case.v1", "event_id": "e-4", "dossier_code": "D-1", "type": "PAYMENT_COMPLETED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "payment": {"online": false}}""";

    private static final String MIN_RATED = """
            {"schema": "ioc.case.v1", "event_id": "e-5", "dossier_code": "D-1", "type": "RATED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "rating": "VERY_SATISFIED"}""";

    private static final String MIN_PAYMENT_INITIATED = """
            {"schema": "ioc.service.v1", "event_id": "s-1", "type": "PAYMENT_INITIATED",
             "occurred_at": "2026-03-02T09:15:00+07:00"}""";

    private static final String MIN_AVAILABILITY = """
            {"schema": "ioc.service.v1", "event_id": "s-2", "type": "AVAILABILITY",
             "occurred_at": "2026-03-02T09:15:00+07:00", "component": "PORTAL", "state": "DOWN"}""";

    private static final String MIN_FEEDBACK_RECEIVED = """
            {"schema": "ioc.service.v1", "event_id": "s-3", "type": "FEEDBACK_RECEIVED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "feedback_id": "fb-1"}""";

    private static final String MIN_FEEDBACK_ANSWERED = """
            {"schema": "ioc.service.v1", "event_id": "s-4", "type": "FEEDBACK_ANSWERED",
             "occurred_at": "2026-03-02T09:15:00+07:00", "feedback_id": "fb-1"}""";

    private static final String MIN_FEEDBACK_REACTION = """
            {"schema": "ioc.service.v1", "event_id": "s-5", "type": "FEEDBACK_REACTION",
             "occurred_at": "2026-03-02T09:15:00+07:00", "feedback_id": "fb-1", "reaction": "LIKE"}""";

    private static final String MIN_PORTAL_ACTION = """
            {"schema": "ioc.service.v1", "event_id": "s-6", "type": "PORTAL_ACTION",
             "occurred_at": "2026-03-02T09:15:00+07:00", "action": "START"}""";

    private static final String MIN_CLOCK = """
            {"schema": "ioc.clock.v1", "now": "2026-03-02T09:15:00+07:00"}""";

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static ObjectNode obj(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode fragment(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object holding the last segment of a dotted path, created on the way if needed. */
    private static ObjectNode parentOf(ObjectNode root, String path) {
        String[] parts = path.split("\\.");
        ObjectNode cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = cur.get(parts[i]);
            cur = next instanceof ObjectNode o ? o : cur.putObject(parts[i]);
        }
        return cur;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** {@code base} with the (dotted) {@code path} set to a raw JSON fragment. */
    private static String with(String base, String path, String jsonFragment) {
        ObjectNode root = obj(base);
        parentOf(root, path).set(lastSegment(path), fragment(jsonFragment));
        return root.toString();
    }

    /** {@code base} without the (dotted) {@code path}. */
    private static String without(String base, String path) {
        ObjectNode root = obj(base);
        parentOf(root, path).remove(lastSegment(path));
        return root.toString();
    }

    /** {@code base} with the field missing, null or "" ({@code how} is "missing", "null" or "empty"). */
    private static String blanked(String base, String path, String how) {
        return switch (how) {
            case "missing" -> without(base, path);
            case "null" -> with(base, path, "null");
            case "empty" -> with(base, path, "\"\"");
            default -> throw new IllegalArgumentException(how);
        };
    }

    private static IocEvent parse(String json) {
        try {
            return EventCodec.parse(json);
        } catch (ValidationException e) {
            return fail("expected a valid event but got: " + e.getMessage() + "\ninput: " + json, e);
        }
    }

    private static CaseEvent parseCase(String json) {
        IocEvent e = parse(json);
        assertThat(e).isInstanceOf(CaseEvent.class);
        return (CaseEvent) e;
    }

    private static ServiceEvent parseService(String json) {
        IocEvent e = parse(json);
        assertThat(e).isInstanceOf(ServiceEvent.class);
        return (ServiceEvent) e;
    }

    private static ValidationException rejected(String json) {
        IocEvent parsed;
        try {
            parsed = EventCodec.parse(json);
        } catch (ValidationException e) {
            return e;
        } catch (RuntimeException | StackOverflowError e) {
            return fail("expected a ValidationException but got " + e + "\ninput: " + abbreviate(json), e);
        }
        return fail("expected a ValidationException but the input parsed to " + parsed + "\ninput: " + abbreviate(json));
    }

    /** The input is rejected and the error names {@code field} both in field() and in the message. */
    private static ValidationException assertRejectedNaming(String json, String field) {
        ValidationException e = rejected(json);
        assertThat(e.field()).as("field() of '%s' for input %s", e.getMessage(), abbreviate(json)).isEqualTo(field);
        assertThat(e.getMessage()).as("message names the field").contains(field);
        return e;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Valid case events")
    class ValidCaseEvents {

        @Test
        @DisplayName("A case event with every field parses to the expected record")
        void fullCaseEvent() {
            CaseEvent e = parseCase(FULL_CASE);

            CaseEvent expected = new CaseEvent(
                    "evt-0001",
                    "000.00.10.H01-260302-0001",
                    CaseEventType.RECEIVED,
                    Instant.parse("2026-03-02T02:15:00Z"),
                    3L,
                    2,
                    "2.000815",
                    "G01",
                    "H01.10",
                    "26734",
                    Channel.ONLINE,
                    ServiceLevel.FULL,
                    ApplicantType.BUSINESS,
                    Instant.parse("2026-03-02T02:16:30.250Z"),
                    Instant.parse("2026-03-09T10:00:00Z"),
                    new RegulatedDuration(5, DurationUnit.WORKING_DAY),
                    Boolean.TRUE,
                    new Payment(true, Gateway.DVCQG),
                    new Digitisation(true, false, true),
                    Rating.SATISFIED,
                    "Một cửa điện tử");
            assertThat(e).isEqualTo(expected);
            assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-03-02T02:15:00Z"));
        }

        @Test
        @DisplayName("A case event with only the required fields leaves the optional ones absent")
        void minimalCaseEvent() {
            CaseEvent e = parseCase(MIN_PROCESSING);

            assertThat(e.eventId()).isEqualTo("e-2");
            assertThat(e.dossierCode()).isEqualTo("D-1");
            assertThat(e.type()).isEqualTo(CaseEventType.PROCESSING);
            assertThat(e.occurredAt()).isEqualTo(T0);
            assertThat(e.statusCode()).isNull();
            assertThat(e.procedureCode()).isNull();
            assertThat(e.fieldCode()).isNull();
            assertThat(e.agencyCode()).isNull();
            assertThat(e.communeCode()).isNull();
            assertThat(e.channel()).isNull();
            assertThat(e.serviceLevel()).isNull();
            assertThat(e.applicantType()).isNull();
            assertThat(e.receivedAt()).isNull();
            assertThat(e.dueAt()).isNull();
            assertThat(e.regulatedDuration()).isNull();
            assertThat(e.feeRequired()).isNull();
            assertThat(e.payment()).isNull();
            assertThat(e.digitisation()).isNull();
            assertThat(e.rating()).isNull();
            assertThat(e.sourceSystem()).isNull();
        }

        @ParameterizedTest(name = "{0} needs no conditional field")
        @ValueSource(strings = {"REFUSED", "PROCESSING", "SUPPLEMENT_REQUESTED", "SUPPLEMENT_RECEIVED",
                "FINANCIAL_OBLIGATION", "WITHDRAWN", "STOPPED", "RESOLVED", "RESULT_RETURNED", "DUE_DATE_CHANGED"})
        @DisplayName("Every type without a conditional requirement is valid with the required fields only")
        void typesWithoutConditionalFields(String type) {
            CaseEvent e = parseCase(with(MIN_PROCESSING, "type", "\"" + type + "\""));
            assertThat(e.type().name()).isEqualTo(type);
        }

        @Test
        @DisplayName("The minimal SUBMITTED, PAYMENT_COMPLETED and RATED events are valid")
        void minimalConditionalTypes() {
            assertThat(parseCase(MIN_SUBMITTED).procedureCode()).isEqualTo("2.000815");
            assertThat(parseCase(MIN_PAYMENT_COMPLETED).payment()).isEqualTo(new Payment(false, null));
            assertThat(parseCase(MIN_RATED).rating()).isEqualTo(Rating.VERY_SATISFIED);
        }

        @Test
        @DisplayName("RECEIVED with due_at and without regulated_duration is valid")
        void receivedWithDueAtOnly() {
            CaseEvent e = parseCase(MIN_RECEIVED);
            assertThat(e.dueAt()).isEqualTo(Instant.parse("2026-03-09T10:00:00Z"));
            assertThat(e.regulatedDuration()).isNull();
            assertThat(e.agencyCode()).isEqualTo("H01.10");
            assertThat(e.channel()).isEqualTo(Channel.DIRECT);
            assertThat(e.procedureCode()).isEqualTo("2.000815");
        }

        @ParameterizedTest(name = "unit {0}")
        @ValueSource(strings = {"WORKING_DAY", "DAY", "HOUR"})
        @DisplayName("RECEIVED with regulated_duration and without due_at is valid")
        void receivedWithRegulatedDurationOnly(String unit) {
            String json = with(without(MIN_RECEIVED, "due_at"), "regulated_duration",
                    "{\"value\": 15, \"unit\": \"" + unit + "\"}");
            CaseEvent e = parseCase(json);
            assertThat(e.dueAt()).isNull();
            assertThat(e.regulatedDuration()).isEqualTo(new RegulatedDuration(15, DurationUnit.valueOf(unit)));
        }

        @Test
        @DisplayName("sequence is 0 when absent and keeps its exact value when given, from 0 up to 2^31 - 1")
        void sequenceValues() {
            assertThat(parseCase(MIN_PROCESSING).sequence()).isZero();
            assertThat(parseCase(with(MIN_PROCESSING, "sequence", "0")).sequence()).isZero();
            assertThat(parseCase(with(MIN_PROCESSING, "sequence", "42")).sequence()).isEqualTo(42L);
            assertThat(parseCase(with(MIN_PROCESSING, "sequence", "2147483647")).sequence())
                    .isEqualTo(2_147_483_647L);
        }

        @ParameterizedTest(name = "status_code {0}")
        @ValueSource(ints = {1, 2, 5, 9, 10})
        @DisplayName("status_code 1 to 10 is accepted as given")
        void statusCodeInRange(int code) {
            assertThat(parseCase(with(MIN_PROCESSING, "status_code", Integer.toString(code))).statusCode())
                    .isEqualTo(code);
        }

        @Test
        @DisplayName("event_id of exactly 128 characters and dossier_code of exactly 64 characters are accepted")
        void lengthLimitsInclusive() {
            String id = "i".repeat(128);
            String dossier = "d".repeat(64);
            CaseEvent e = parseCase(with(with(MIN_PROCESSING, "event_id", "\"" + id + "\""),
                    "dossier_code", "\"" + dossier + "\""));
            assertThat(e.eventId()).isEqualTo(id);
            assertThat(e.dossierCode()).isEqualTo(dossier);
        }

        @Test
        @DisplayName("Every channel, service level, applicant type and rating value of the contract is accepted")
        void allEnumValues() {
            for (String c : List.of("DIRECT", "ONLINE", "POSTAL")) {
                assertThat(parseCase(with(MIN_PROCESSING, "channel", "\"" + c + "\"")).channel().name()).isEqualTo(c);
            }
            for (String s : List.of("NONE", "PARTIAL", "FULL")) {
                assertThat(parseCase(with(MIN_PROCESSING, "service_level", "\"" + s + "\"")).serviceLevel().name())
                        .isEqualTo(s);
            }
            for (String a : List.of("CITIZEN", "BUSINESS")) {
                assertThat(parseCase(with(MIN_PROCESSING, "applicant_type", "\"" + a + "\"")).applicantType().name())
                        .isEqualTo(a);
            }
            for (String r : List.of("VERY_SATISFIED", "SATISFIED", "DISSATISFIED")) {
                assertThat(parseCase(with(MIN_RATED, "rating", "\"" + r + "\"")).rating().name()).isEqualTo(r);
            }
            for (String g : List.of("DVCQG", "LOCAL")) {
                assertThat(parseCase(with(MIN_PAYMENT_COMPLETED, "payment.gateway", "\"" + g + "\""))
                        .payment().gateway().name()).isEqualTo(g);
            }
        }

        @Test
        @DisplayName("Digitisation flags may be given partially; the others stay absent")
        void partialDigitisation() {
            CaseEvent e = parseCase(with(MIN_PROCESSING, "digitisation", "{\"e_result\": false}"));
            assertThat(e.digitisation()).isEqualTo(new Digitisation(null, null, false));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Timestamps")
    class Timestamps {

        @ParameterizedTest(name = "{0} is {1}")
        @CsvSource({
                "2026-03-02T09:15:00+07:00,           2026-03-02T02:15:00Z",
                "2026-03-02T02:15:00Z,                2026-03-02T02:15:00Z",
                "2026-03-02T09:15:00+0700,            2026-03-02T02:15:00Z",
                "2026-03-01T21:15:00-05:00,           2026-03-02T02:15:00Z",
                "2026-03-01T21:15:00-0500,            2026-03-02T02:15:00Z",
                "2026-03-02T07:45:00+05:30,           2026-03-02T02:15:00Z",
                "2026-03-02T02:15:00+00:00,           2026-03-02T02:15:00Z",
                "2026-03-02T09:15+07:00,              2026-03-02T02:15:00Z",
                "2026-03-02T02:15Z,                   2026-03-02T02:15:00Z",
                "2026-03-02T09:15+0700,               2026-03-02T02:15:00Z",
                "2026-03-02T09:15:00.5+07:00,         2026-03-02T02:15:00.500Z",
                "2026-03-02T09:15:00.250+07:00,       2026-03-02T02:15:00.250Z",
                "2026-03-02T09:15:00.123456+07:00,    2026-03-02T02:15:00.123456Z",
                "2026-03-02T09:15:00.123456789+07:00, 2026-03-02T02:15:00.123456789Z",
                "2026-03-02T02:15:00.001Z,            2026-03-02T02:15:00.001Z",
                "2026-03-02T00:30:00+07:00,           2026-03-01T17:30:00Z",
                "2026-12-31T23:59:59-05:00,           2027-01-01T04:59:59Z",
                "2028-02-29T10:00:00+07:00,           2028-02-29T03:00:00Z"
        })
        @DisplayName("Contract timestamps with any allowed offset form give the right instant")
        void validTimestamps(String text, String expectedInstant) {
            CaseEvent e = parseCase(with(MIN_PROCESSING, "occurred_at", "\"" + text + "\""));
            assertThat(e.occurredAt()).isEqualTo(Instant.parse(expectedInstant));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "2026-03-02T09:15:00",                 // no offset
                "2026-03-02T09:15",                    // no offset, no seconds
                "2026-03-02T09:15:00.123",             // no offset, fraction
                "2026-03-02 09:15:00+07:00",           // space instead of T
                "2026-03-02 09:15:00Z",                // space instead of T
                "2026-03-02",                          // bare date
                "2026-03-02+07:00",                    // date with offset but no time
                "2026-02-30T10:00:00+07:00",           // impossible date
                "2026-02-29T10:00:00+07:00",           // 2026 is not a leap year
                "2026-04-31T10:00:00+07:00",           // April has 30 days
                "2026-13-01T10:00:00+07:00",           // month 13
                "2026-00-10T10:00:00+07:00",           // month 0
                "2026-03-00T10:00:00+07:00",           // day 0
                "2026-03-02T25:00:00+07:00",           // hour 25
                "2026-03-02T09:60:00+07:00",           // minute 60
                "2026-03-02T09:15:61+07:00",           // second 61
                "2026-03-02T09:15:00+07",              // offset without minutes
                "2026-03-02T09:15:00+7:00",            // one-digit offset hour
                "2026-03-02T09:15:00 +07:00",          // space before offset
                "2026-03-02T09:15:00+07:00[Asia/Ho_Chi_Minh]", // zone id suffix
                "2026-03-02T09:15:00.+07:00",          // dot without fraction
                "2026-3-2T09:15:00+07:00",             // one-digit month and day
                "2026-03-02T9:15:00+07:00",            // one-digit hour
                "20260302T091500+0700",                // basic format
                "20260302091500",                      // DongBoHoSoMC format is not a contract timestamp
                "02/03/2026 09:15:00",
                "yesterday",
                " 2026-03-02T09:15:00+07:00"           // leading space
        })
        @DisplayName("Anything that is not YYYY-MM-DDTHH:MM[:SS[.f]] with an offset, or is an impossible date, is an error naming the field")
        void invalidTimestamps(String text) {
            assertRejectedNaming(with(MIN_PROCESSING, "occurred_at", JSON.getNodeFactory().textNode(text).toString()),
                    "occurred_at");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"1772417700", "1772417700000", "1772417700.5", "true", "{}", "[]",
                "[\"2026-03-02T09:15:00+07:00\"]"})
        @DisplayName("A number, boolean, object or array instead of a timestamp string is an error naming the field")
        void nonStringTimestamps(String fragment) {
            assertRejectedNaming(with(MIN_PROCESSING, "occurred_at", fragment), "occurred_at");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"received_at", "due_at"})
        @DisplayName("Optional timestamps are validated the same way and name their own field")
        void optionalTimestampsValidated(String field) {
            assertRejectedNaming(with(MIN_PROCESSING, field, "\"2026-03-09T17:00:00\""), field);
            assertRejectedNaming(with(MIN_PROCESSING, field, "\"2026-03-09 17:00:00+07:00\""), field);
            assertRejectedNaming(with(MIN_PROCESSING, field, "\"2026-02-30T17:00:00+07:00\""), field);
            assertRejectedNaming(with(MIN_PROCESSING, field, "1772417700"), field);
        }

        @Test
        @DisplayName("Optional timestamps with offsets parse to the right instant")
        void optionalTimestampsParsed() {
            CaseEvent e = parseCase(with(with(MIN_PROCESSING, "received_at", "\"2026-03-02T04:00Z\""),
                    "due_at", "\"2026-03-09T17:00:00.5-0500\""));
            assertThat(e.receivedAt()).isEqualTo(Instant.parse("2026-03-02T04:00:00Z"));
            assertThat(e.dueAt()).isEqualTo(Instant.parse("2026-03-09T22:00:00.500Z"));
        }

        @Test
        @DisplayName("EventCodec.parseTimestamp names the field it is given")
        void parseTimestampDirect() throws ValidationException {
            assertThat(EventCodec.parseTimestamp("x", "2026-03-02T09:15:00+07:00")).isEqualTo(T0);
            try {
                EventCodec.parseTimestamp("some_field", "2026-03-02T09:15:00");
                fail("a timestamp without offset must be rejected");
            } catch (ValidationException e) {
                assertThat(e.field()).isEqualTo("some_field");
                assertThat(e.getMessage()).contains("some_field");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Missing required fields")
    class MissingRequired {

        static Stream<Arguments> caseRequired() {
            List<Arguments> out = new ArrayList<>();
            for (String field : List.of("schema", "event_id", "dossier_code", "type", "occurred_at")) {
                for (String how : List.of("missing", "null", "empty")) {
                    out.add(Arguments.of(field, how));
                }
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("caseRequired")
        @DisplayName("A case event whose required field is missing, null or empty is an error naming that field")
        void caseEventRequiredField(String field, String how) {
            ValidationException e = assertRejectedNaming(blanked(MIN_PROCESSING, field, how), field);
            assertThat(e.getMessage()).isNotBlank();
        }

        static Stream<Arguments> serviceRequired() {
            List<Arguments> out = new ArrayList<>();
            for (String field : List.of("schema", "event_id", "type", "occurred_at")) {
                for (String how : List.of("missing", "null", "empty")) {
                    out.add(Arguments.of(field, how));
                }
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("serviceRequired")
        @DisplayName("A service event whose required field is missing, null or empty is an error naming that field")
        void serviceEventRequiredField(String field, String how) {
            assertRejectedNaming(blanked(MIN_PAYMENT_INITIATED, field, how), field);
        }

        @ParameterizedTest(name = "now {0}")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("A clock tick whose now is missing, null or empty is an error naming now")
        void clockNowRequired(String how) {
            assertRejectedNaming(blanked(MIN_CLOCK, "now", how), "now");
        }

        @Test
        @DisplayName("An empty object is an error naming schema")
        void emptyObject() {
            assertRejectedNaming("{}", "schema");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Optional fields that are null or empty")
    class OptionalAbsent {

        static Stream<Arguments> caseOptional() {
            List<Arguments> out = new ArrayList<>();
            for (String field : List.of("sequence", "status_code", "procedure_code", "field_code", "agency_code",
                    "commune_code", "channel", "service_level", "applicant_type", "received_at", "due_at",
                    "regulated_duration", "fee_required", "payment", "digitisation", "rating", "source_system")) {
                out.add(Arguments.of(field, "null"));
                out.add(Arguments.of(field, "\"\""));
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} = {1}")
        @MethodSource("caseOptional")
        @DisplayName("null or \"\" in an optional case-event field is the same as the field being absent")
        void caseOptionalNullOrEmpty(String field, String fragment) {
            CaseEvent absent = parseCase(MIN_PROCESSING);
            CaseEvent blank = parseCase(with(MIN_PROCESSING, field, fragment));
            assertThat(blank).isEqualTo(absent);
        }

        @Test
        @DisplayName("On RECEIVED, a null due_at is fine when regulated_duration is given, and vice versa")
        void receivedAlternativesNull() {
            String withDuration = with(with(MIN_RECEIVED, "due_at", "null"), "regulated_duration",
                    "{\"value\": 5, \"unit\": \"DAY\"}");
            assertThat(parseCase(withDuration).regulatedDuration()).isEqualTo(new RegulatedDuration(5, DurationUnit.DAY));
            assertThat(parseCase(with(MIN_RECEIVED, "regulated_duration", "null")).regulatedDuration()).isNull();
            assertThat(parseCase(with(MIN_RECEIVED, "regulated_duration", "\"\"")).regulatedDuration()).isNull();
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', value = {
                "digitisation.inputs_digitised | null",
                "digitisation.reused_data      | \"\"",
                "payment.gateway               | null",
                "payment.gateway               | \"\""
        })
        @DisplayName("null or \"\" in an optional nested field is the same as that nested field being absent")
        void nestedOptionalNullOrEmpty(String path, String fragment) {
            String base = path.startsWith("payment") ? MIN_PAYMENT_COMPLETED
                    : with(MIN_PROCESSING, "digitisation", "{\"e_result\": true}");
            assertThat(parseCase(with(base, path, fragment))).isEqualTo(parseCase(base));
        }

        static Stream<Arguments> serviceOptional() {
            List<Arguments> out = new ArrayList<>();
            for (String field : List.of("component", "state", "latency_ms", "agency_code", "commune_code",
                    "procedure_code", "dossier_code", "feedback_id", "reaction", "amount_vnd", "gateway", "action")) {
                out.add(Arguments.of(field, "null"));
                out.add(Arguments.of(field, "\"\""));
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} = {1}")
        @MethodSource("serviceOptional")
        @DisplayName("null or \"\" in an optional service-event field is the same as the field being absent")
        void serviceOptionalNullOrEmpty(String field, String fragment) {
            ServiceEvent absent = parseService(MIN_PAYMENT_INITIATED);
            ServiceEvent blank = parseService(with(MIN_PAYMENT_INITIATED, field, fragment));
            assertThat(blank).isEqualTo(absent);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Wrong types")
    class WrongTypes {

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', value = {
                // strings given as something else
                "event_id                      | 12345",
                "event_id                      | true",
                "event_id                      | {\"id\": \"x\"}",
                "dossier_code                  | 42",
                "dossier_code                  | [\"D-1\"]",
                "procedure_code                | 2.000815",
                "field_code                    | 1",
                "agency_code                   | false",
                "commune_code                  | 26734",
                "source_system                 | []",
                "schema                        | 1",
                // enums given as something else
                "type                          | 2",
                "channel                       | 2",
                "service_level                 | true",
                "applicant_type                | 1",
                "rating                        | 5",
                // integers
                "sequence                      | \"2\"",
                "sequence                      | 2.0",
                "sequence                      | 1.5",
                "sequence                      | 1e2",
                "sequence                      | true",
                "sequence                      | []",
                "sequence                      | {}",
                "sequence                      | 99999999999999999999999",
                "status_code                   | \"2\"",
                "status_code                   | 2.0",
                "status_code                   | true",
                // booleans
                "fee_required                  | \"true\"",
                "fee_required                  | \"yes\"",
                "fee_required                  | 1",
                "fee_required                  | 0",
                // objects
                "regulated_duration            | \"5 WORKING_DAY\"",
                "regulated_duration            | 5",
                "regulated_duration            | [5, \"DAY\"]",
                "payment                       | true",
                "payment                       | \"online\"",
                "digitisation                  | true",
                // nested members
                "regulated_duration.value      | \"5\"",
                "regulated_duration.value      | 2.5",
                "regulated_duration.value      | 5.0",
                "regulated_duration.value      | true",
                "regulated_duration.unit       | 1",
                "payment.online                | \"true\"",
                "payment.online                | 1",
                "payment.gateway               | 1",
                "digitisation.inputs_digitised | \"yes\"",
                "digitisation.reused_data      | 1",
                "digitisation.e_result         | \"false\""
        })
        @DisplayName("A value of the wrong JSON type in a case event is an error naming the (dotted) field")
        void caseWrongType(String path, String fragment) {
            assertRejectedNaming(with(FULL_CASE, path, fragment), path);
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', value = {
                "event_id       | 7",
                "type           | 1",
                "latency_ms     | 12.5",
                "latency_ms     | \"120\"",
                "latency_ms     | true",
                "amount_vnd     | \"50000\"",
                "amount_vnd     | 50000.0",
                "agency_code    | 10",
                "commune_code   | 26734",
                "procedure_code | 2.000815",
                "dossier_code   | 1",
                "feedback_id    | 1",
                "gateway        | 1",
                "component      | 1",
                "state          | false",
                "reaction       | 1",
                "action         | 3"
        })
        @DisplayName("A value of the wrong JSON type in a service event is an error naming the field")
        void serviceWrongType(String field, String fragment) {
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, field, fragment), field);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Bounds: every number and time has a sane range (docs/openapi.yaml), errors name the field")
    class Bounds {
        /** The hardening issue's poison event: a contract-shaped RECEIVED with a Long.MAX_VALUE HOUR duration. */
        private static final String POISON = """
                {"schema":"ioc.case.v1","event_id":"p1","dossier_code":"P1","type":"RECEIVED",
                 "occurred_at":"2026-12-07T10:00:00+07:00","procedure_code":"2.000815","agency_code":"X",
                 "channel":"ONLINE","regulated_duration":{"value":9223372036854775807,"unit":"HOUR"}}""";

        @Test
        @DisplayName("The poison event of the hardening issue is rejected naming regulated_duration.value")
        void poisonEvent() {
            assertRejectedNaming(POISON, "regulated_duration.value");
        }

        @ParameterizedTest(name = "{1} {0}")
        @CsvSource({
                "1000, WORKING_DAY, true", "1001, WORKING_DAY, false",
                "1461, DAY,         true", "1462, DAY,         false",
                "8000, HOUR,        true", "8001, HOUR,        false",
                "0,    HOUR,        true", "9223372036854775807, WORKING_DAY, false"
        })
        @DisplayName("regulated_duration.value is at most 1000 working days, 1461 days or 8000 hours (about four years)")
        void durationLimits(long value, String unit, boolean accepted) {
            String json = with(without(MIN_RECEIVED, "due_at"), "regulated_duration",
                    "{\"value\": " + value + ", \"unit\": \"" + unit + "\"}");
            if (accepted) {
                assertThat(parseCase(json).regulatedDuration().value()).isEqualTo(value);
            } else {
                assertRejectedNaming(json, "regulated_duration.value");
            }
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource({
                "occurred_at, 1999-12-31T23:59:59+07:00",
                "occurred_at, 1999-12-31T16:59:59Z",
                "occurred_at, 0001-01-01T00:00:00Z",
                "occurred_at, 9999-12-31T23:59:59Z",
                "occurred_at, 2100-01-01T00:00:00+07:00",
                "received_at, 1970-01-01T00:00:00Z",
                "due_at,      2150-06-01T17:00:00+07:00"
        })
        @DisplayName("A timestamp before 2000-01-01 or from 2100-01-01 (+07:00) is an error naming the field")
        void timestampsOutOfEra(String field, String text) {
            assertRejectedNaming(with(MIN_RECEIVED, field, "\"" + text + "\""), field);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"2000-01-01T00:00:00+07:00", "1999-12-31T17:00:00Z", "2099-12-31T23:59:59+07:00"})
        @DisplayName("The first and last instants of the accepted era are accepted")
        void eraEdges(String text) {
            assertThat(parseCase(with(MIN_PROCESSING, "occurred_at", "\"" + text + "\"")).occurredAt())
                    .isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
        }

        @Test
        @DisplayName("A clock tick outside the era is an error naming now")
        void clockOutOfEra() {
            assertRejectedNaming(with(MIN_CLOCK, "now", "\"9999-01-01T00:00:00Z\""), "now");
        }

        @ParameterizedTest(name = "sequence {0}")
        @ValueSource(strings = {"2147483648", "9223372036854775807"})
        @DisplayName("A sequence beyond 2^31 - 1 is an error naming sequence")
        void sequenceTooLarge(String value) {
            assertRejectedNaming(with(MIN_PROCESSING, "sequence", value), "sequence");
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource({"latency_ms, -1", "latency_ms, 86400001", "amount_vnd, -5", "amount_vnd, 1000000000001",
                "latency_ms, 99999999999999999999"})
        @DisplayName("latency_ms outside 0 to one day and amount_vnd outside 0 to 10^12 are errors naming the field")
        void serviceNumbers(String field, String value) {
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, field, value), field);
        }

        @Test
        @DisplayName("latency_ms and amount_vnd at their limits are accepted")
        void serviceNumbersAtLimits() {
            ServiceEvent e = parseService(with(with(MIN_PAYMENT_INITIATED, "latency_ms", "86400000"),
                    "amount_vnd", "1000000000000"));
            assertThat(e.latencyMs()).isEqualTo(86_400_000L);
            assertThat(e.amountVnd()).isEqualTo(1_000_000_000_000L);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"agency_code", "commune_code", "field_code", "procedure_code"})
        @DisplayName("A scope code longer than 128 characters, with a '/' or a control character is an error naming it")
        void scopeCodes(String field) {
            assertRejectedNaming(with(FULL_CASE, field, "\"" + "a".repeat(129) + "\""), field);
            assertRejectedNaming(with(FULL_CASE, field, "\"STP/1\""), field);
            assertRejectedNaming(with(FULL_CASE, field, "\"STP\\u0000\""), field);
            assertThat(parseCase(with(FULL_CASE, field, "\"" + "a".repeat(128) + "\""))).isNotNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"event_id", "dossier_code"})
        @DisplayName("An identifier with a control character is an error naming it")
        void idControlCharacters(String field) {
            assertRejectedNaming(with(MIN_PROCESSING, field, "\"a\\nb\""), field);
        }

        @Test
        @DisplayName("Vietnamese letters and dots in codes are accepted")
        void vietnameseCodes() {
            assertThat(parseCase(with(FULL_CASE, "agency_code", "\"Sở Tư pháp.H52\"")).agencyCode())
                    .isEqualTo("Sở Tư pháp.H52");
        }
    }

    @Nested
    @DisplayName("Ranges, lengths and enum values")
    class Values {

        @ParameterizedTest(name = "sequence {0}")
        @ValueSource(strings = {"-1", "-100", "-9223372036854775808"})
        @DisplayName("A negative sequence is an error naming sequence")
        void negativeSequence(String value) {
            assertRejectedNaming(with(MIN_PROCESSING, "sequence", value), "sequence");
        }

        @ParameterizedTest(name = "status_code {0}")
        @ValueSource(strings = {"0", "11", "-1", "100"})
        @DisplayName("A status_code outside 1 to 10 is an error naming status_code")
        void statusCodeOutOfRange(String value) {
            assertRejectedNaming(with(MIN_PROCESSING, "status_code", value), "status_code");
        }

        @Test
        @DisplayName("An event_id longer than 128 characters is an error naming event_id")
        void eventIdTooLong() {
            assertRejectedNaming(with(MIN_PROCESSING, "event_id", "\"" + "i".repeat(129) + "\""), "event_id");
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, "event_id", "\"" + "i".repeat(129) + "\""), "event_id");
        }

        @Test
        @DisplayName("A dossier_code longer than 64 characters is an error naming dossier_code")
        void dossierCodeTooLong() {
            assertRejectedNaming(with(MIN_PROCESSING, "dossier_code", "\"" + "d".repeat(65) + "\""), "dossier_code");
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', value = {
                "type                    | OPENED",
                "type                    | AVAILABILITY",
                "channel                 | EMAIL",
                "channel                 | 2",
                "service_level           | HALF",
                "applicant_type          | ROBOT",
                "rating                  | ANGRY",
                "regulated_duration.unit | WEEK",
                "payment.gateway         | PAYPAL"
        })
        @DisplayName("An unknown enum value in a case event is an error naming the field")
        void caseUnknownEnum(String path, String value) {
            assertRejectedNaming(with(FULL_CASE, path, "\"" + value + "\""), path);
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', value = {
                "type      | LOGIN",
                "type      | RECEIVED",
                "component | DATABASE",
                "state     | UNKNOWN",
                "reaction  | LOVE",
                "action    | CLICK",
                "gateway   | PAYPAL"
        })
        @DisplayName("An unknown enum value in a service event is an error naming the field")
        void serviceUnknownEnum(String field, String value) {
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, field, "\"" + value + "\""), field);
        }

        @ParameterizedTest(name = "regulated_duration.value = {0}")
        @ValueSource(strings = {"-1", "-15", "2.5", "5.0", "\"5\"", "true"})
        @DisplayName("regulated_duration.value negative or not a JSON integer is an error naming regulated_duration.value")
        void badRegulatedDurationValue(String fragment) {
            String json = with(without(MIN_RECEIVED, "due_at"), "regulated_duration",
                    "{\"value\": " + fragment + ", \"unit\": \"WORKING_DAY\"}");
            assertRejectedNaming(json, "regulated_duration.value");
        }

        @Test
        @DisplayName("regulated_duration without its value is an error naming regulated_duration.value")
        void regulatedDurationWithoutValue() {
            String json = with(without(MIN_RECEIVED, "due_at"), "regulated_duration", "{\"unit\": \"DAY\"}");
            assertRejectedNaming(json, "regulated_duration.value");
        }

        @Test
        @DisplayName("regulated_duration without its unit is an error naming regulated_duration.unit")
        void regulatedDurationWithoutUnit() {
            String json = with(without(MIN_RECEIVED, "due_at"), "regulated_duration", "{\"value\": 5}");
            assertRejectedNaming(json, "regulated_duration.unit");
        }

        @Test
        @DisplayName("An unknown payment.gateway is an error even when payment.online is absent")
        void unknownGatewayWithoutOnline() {
            assertRejectedNaming(with(MIN_PROCESSING, "payment", "{\"gateway\": \"PAYPAL\"}"), "payment.gateway");
        }

        @ParameterizedTest(name = "schema {0}")
        @ValueSource(strings = {"ioc.case.v2", "ioc.case", "IOC.CASE.V1", "ioc.kpi.v1", "case"})
        @DisplayName("An unknown schema is an error naming schema")
        void unknownSchema(String schema) {
            assertRejectedNaming(with(MIN_PROCESSING, "schema", "\"" + schema + "\""), "schema");
        }

        @Test
        @DisplayName("A case event under the service schema is judged by the service rules")
        void schemaDecidesTheRules() {
            // "RECEIVED" is not a service event type
            assertRejectedNaming(with(MIN_RECEIVED, "schema", "\"ioc.service.v1\""), "type");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Conditional requirements of case events")
    class CaseConditionals {

        @ParameterizedTest(name = "RECEIVED without {0} ({1})")
        @CsvSource({
                "agency_code,    missing", "agency_code,    null", "agency_code,    empty",
                "channel,        missing", "channel,        null", "channel,        empty",
                "procedure_code, missing", "procedure_code, null", "procedure_code, empty"
        })
        @DisplayName("RECEIVED without agency_code, channel or procedure_code is an error naming that field")
        void receivedRequires(String field, String how) {
            assertRejectedNaming(blanked(MIN_RECEIVED, field, how), field);
        }

        @ParameterizedTest(name = "due_at {0}, regulated_duration absent")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("RECEIVED with neither due_at nor regulated_duration is an error naming one of them")
        void receivedRequiresDueAtOrDuration(String how) {
            ValidationException e = rejected(blanked(MIN_RECEIVED, "due_at", how));
            assertThat(e.field()).isIn("due_at", "regulated_duration");
            assertThat(e.getMessage()).contains(e.field());
        }

        @ParameterizedTest(name = "procedure_code {0}")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("SUBMITTED without procedure_code is an error naming procedure_code")
        void submittedRequiresProcedure(String how) {
            assertRejectedNaming(blanked(MIN_SUBMITTED, "procedure_code", how), "procedure_code");
        }

        @Test
        @DisplayName("SUBMITTED needs neither agency_code, channel nor a due date")
        void submittedNeedsNoReceivedFields() {
            CaseEvent e = parseCase(MIN_SUBMITTED);
            assertThat(e.agencyCode()).isNull();
            assertThat(e.channel()).isNull();
            assertThat(e.dueAt()).isNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{}", "{\"online\": null}", "{\"gateway\": \"DVCQG\"}", "null"})
        @DisplayName("PAYMENT_COMPLETED without payment.online is an error naming payment.online")
        void paymentCompletedRequiresOnline(String payment) {
            assertRejectedNaming(with(MIN_PAYMENT_COMPLETED, "payment", payment), "payment.online");
        }

        @Test
        @DisplayName("PAYMENT_COMPLETED without any payment object is an error naming payment.online")
        void paymentCompletedWithoutPayment() {
            assertRejectedNaming(without(MIN_PAYMENT_COMPLETED, "payment"), "payment.online");
        }

        @Test
        @DisplayName("PAYMENT_COMPLETED with payment.online and gateway parses both")
        void paymentCompletedParses() {
            CaseEvent e = parseCase(with(MIN_PAYMENT_COMPLETED, "payment", "{\"online\": true, \"gateway\": \"LOCAL\"}"));
            assertThat(e.payment()).isEqualTo(new Payment(true, Gateway.LOCAL));
        }

        @ParameterizedTest(name = "rating {0}")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("RATED without rating is an error naming rating")
        void ratedRequiresRating(String how) {
            assertRejectedNaming(blanked(MIN_RATED, "rating", how), "rating");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Service events")
    class ServiceEvents {

        @Test
        @DisplayName("A payment service event with every field parses to the expected record")
        void fullPaymentEvent() {
            ServiceEvent e = parseService("""
                    {"schema": "ioc.service.v1", "event_id": "pay-77", "type": "PAYMENT_SUCCEEDED",
                     "occurred_at": "2026-03-02T09:15:00.750+0700", "latency_ms": 850,
                     "agency_code": "H01.10", "commune_code": "26734", "procedure_code": "2.000815",
                     "dossier_code": "D-1", "amount_vnd": 150000, "gateway": "DVCQG"}""");
            assertThat(e).isEqualTo(new ServiceEvent("pay-77", ServiceEvent.Type.PAYMENT_SUCCEEDED,
                    Instant.parse("2026-03-02T02:15:00.750Z"), null, null, 850L, "H01.10", "26734", "2.000815",
                    "D-1", null, null, 150_000L, Gateway.DVCQG, null));
            assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-03-02T02:15:00.750Z"));
        }

        @Test
        @DisplayName("An AVAILABILITY event parses component, state and latency")
        void availability() {
            ServiceEvent e = parseService(with(MIN_AVAILABILITY, "latency_ms", "1200"));
            assertThat(e.type()).isEqualTo(ServiceEvent.Type.AVAILABILITY);
            assertThat(e.component()).isEqualTo(ServiceEvent.Component.PORTAL);
            assertThat(e.state()).isEqualTo(ServiceEvent.State.DOWN);
            assertThat(e.latencyMs()).isEqualTo(1200L);
            assertThat(e.occurredAt()).isEqualTo(T0);
        }

        @Test
        @DisplayName("Every component and state of the contract is accepted on AVAILABILITY")
        void allComponentsAndStates() {
            for (String c : List.of("PORTAL", "PAYMENT_GATEWAY", "DVCQG_SYNC", "VNEID", "ONE_STOP")) {
                for (String s : List.of("UP", "DEGRADED", "DOWN")) {
                    ServiceEvent e = parseService(with(with(MIN_AVAILABILITY, "component", "\"" + c + "\""),
                            "state", "\"" + s + "\""));
                    assertThat(e.component().name()).isEqualTo(c);
                    assertThat(e.state().name()).isEqualTo(s);
                }
            }
        }

        @Test
        @DisplayName("Feedback events parse feedback_id and, on FEEDBACK_REACTION, the reaction")
        void feedback() {
            assertThat(parseService(MIN_FEEDBACK_RECEIVED).feedbackId()).isEqualTo("fb-1");
            assertThat(parseService(MIN_FEEDBACK_ANSWERED).feedbackId()).isEqualTo("fb-1");
            ServiceEvent r = parseService(MIN_FEEDBACK_REACTION);
            assertThat(r.feedbackId()).isEqualTo("fb-1");
            assertThat(r.reaction()).isEqualTo(ServiceEvent.Reaction.LIKE);
            assertThat(parseService(with(MIN_FEEDBACK_REACTION, "reaction", "\"DISLIKE\"")).reaction())
                    .isEqualTo(ServiceEvent.Reaction.DISLIKE);
        }

        @ParameterizedTest(name = "action {0}")
        @ValueSource(strings = {"VIEW", "START", "SUBMIT", "ABANDON"})
        @DisplayName("PORTAL_ACTION parses every action of the contract")
        void portalAction(String action) {
            assertThat(parseService(with(MIN_PORTAL_ACTION, "action", "\"" + action + "\"")).action().name())
                    .isEqualTo(action);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"PAYMENT_INITIATED", "PAYMENT_SUCCEEDED", "PAYMENT_FAILED"})
        @DisplayName("Payment service events need only event_id, type and occurred_at (no dossier_code)")
        void paymentsNeedNothingElse(String type) {
            ServiceEvent e = parseService(with(MIN_PAYMENT_INITIATED, "type", "\"" + type + "\""));
            assertThat(e.type().name()).isEqualTo(type);
            assertThat(e.dossierCode()).isNull();
            assertThat(e.eventId()).isEqualTo("s-1");
            assertThat(e.occurredAt()).isEqualTo(T0);
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({"component, missing", "component, null", "component, empty",
                "state, missing", "state, null", "state, empty"})
        @DisplayName("AVAILABILITY without component or state is an error naming that field")
        void availabilityRequires(String field, String how) {
            assertRejectedNaming(blanked(MIN_AVAILABILITY, field, how), field);
        }

        static Stream<Arguments> feedbackEvents() {
            List<Arguments> out = new ArrayList<>();
            for (String base : List.of(MIN_FEEDBACK_RECEIVED, MIN_FEEDBACK_ANSWERED, MIN_FEEDBACK_REACTION)) {
                String type = obj(base).get("type").textValue();
                for (String how : List.of("missing", "null", "empty")) {
                    out.add(Arguments.of(type, how, base));
                }
            }
            return out.stream();
        }

        @ParameterizedTest(name = "{0} with feedback_id {1}")
        @MethodSource("feedbackEvents")
        @DisplayName("FEEDBACK_* without feedback_id is an error naming feedback_id")
        void feedbackRequiresId(String type, String how, String base) {
            assertRejectedNaming(blanked(base, "feedback_id", how), "feedback_id");
        }

        @ParameterizedTest(name = "reaction {0}")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("FEEDBACK_REACTION without reaction is an error naming reaction")
        void reactionRequired(String how) {
            assertRejectedNaming(blanked(MIN_FEEDBACK_REACTION, "reaction", how), "reaction");
        }

        @ParameterizedTest(name = "action {0}")
        @ValueSource(strings = {"missing", "null", "empty"})
        @DisplayName("PORTAL_ACTION without action is an error naming action")
        void actionRequired(String how) {
            assertRejectedNaming(blanked(MIN_PORTAL_ACTION, "action", how), "action");
        }

        @Test
        @DisplayName("Service event timestamps follow the same rules as case events")
        void serviceTimestamps() {
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, "occurred_at", "\"2026-03-02T09:15:00\""), "occurred_at");
            assertRejectedNaming(with(MIN_PAYMENT_INITIATED, "occurred_at", "\"2026-02-30T09:15:00Z\""), "occurred_at");
            assertThat(parseService(with(MIN_PAYMENT_INITIATED, "occurred_at", "\"2026-03-01T21:15-05:00\""))
                    .occurredAt()).isEqualTo(T0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Clock ticks")
    class ClockTicks {

        @ParameterizedTest(name = "now = {0}")
        @ValueSource(strings = {"2026-03-02T09:15:00+07:00", "2026-03-02T02:15:00Z", "2026-03-02T09:15+0700",
                "2026-03-01T21:15:00.000-05:00"})
        @DisplayName("A clock tick parses to the instant named by now")
        void tick(String now) {
            IocEvent e = parse(with(MIN_CLOCK, "now", "\"" + now + "\""));
            assertThat(e).isEqualTo(new ClockTick(T0));
            assertThat(e.eventTime()).isEqualTo(T0);
        }

        @ParameterizedTest(name = "now = {0}")
        @ValueSource(strings = {"\"2026-03-02T09:15:00\"", "\"2026-03-02\"", "\"2026-03-02 09:15:00Z\"",
                "\"2026-03-02T25:00:00Z\"", "1772417700", "true"})
        @DisplayName("A clock tick with a bad now is an error naming now")
        void badTick(String fragment) {
            assertRejectedNaming(with(MIN_CLOCK, "now", fragment), "now");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Unknown fields (forward compatibility)")
    class UnknownFields {

        @Test
        @DisplayName("Unknown fields of any type are ignored on a case event")
        void caseUnknownFields() {
            String json = with(with(with(with(FULL_CASE, "x_future", "{\"a\": [1, 2, {\"b\": null}]}"),
                    "priority", "\"HIGH\""), "weight", "2.5"), "note", "null");
            assertThat(parseCase(json)).isEqualTo(parseCase(FULL_CASE));
        }

        @Test
        @DisplayName("Fields of another schema are unknown, and ignored, even with values that would be invalid there")
        void fieldsOfOtherSchemasIgnored() {
            // component/state/action belong to service events; their bad values do not matter on a case event
            String caseJson = with(with(MIN_PROCESSING, "component", "\"NOT_A_COMPONENT\""), "latency_ms", "\"slow\"");
            assertThat(parseCase(caseJson)).isEqualTo(parseCase(MIN_PROCESSING));
            // channel/due_at belong to case events
            String serviceJson = with(with(MIN_PAYMENT_INITIATED, "channel", "\"NOT_A_CHANNEL\""), "due_at", "42");
            assertThat(parseService(serviceJson)).isEqualTo(parseService(MIN_PAYMENT_INITIATED));
            // a clock tick is {"now": timestamp}; anything else is unknown
            String clockJson = with(with(MIN_CLOCK, "event_id", "5"), "occurred_at", "\"not a time\"");
            assertThat(parse(clockJson)).isEqualTo(new ClockTick(T0));
        }

        @Test
        @DisplayName("Unknown members inside known nested objects are ignored")
        void unknownNestedMembers() {
            String json = with(with(with(FULL_CASE, "payment.reference", "\"TX-1\""),
                    "regulated_duration.legal_basis", "\"Decree 61\""), "digitisation.extra", "[true]");
            assertThat(parseCase(json)).isEqualTo(parseCase(FULL_CASE));
        }

        @Test
        @DisplayName("Unknown fields are ignored on a service event")
        void serviceUnknownFields() {
            String json = with(MIN_AVAILABILITY, "region", "{\"name\": \"Bắc Ninh\"}");
            assertThat(parseService(json)).isEqualTo(parseService(MIN_AVAILABILITY));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Inputs that are not a JSON object")
    class NotAnObject {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "[]",
                "[" + "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"}" + "]",
                "\"ioc.clock.v1\"",
                "\"{\\\"schema\\\": \\\"ioc.clock.v1\\\"}\"",
                "42",
                "true",
                "null"
        })
        @DisplayName("A JSON array, string, number, boolean or null instead of an object is an error for the record as a whole")
        void notAnObject(String json) {
            ValidationException e = rejected(json);
            assertThat(e.field()).isNull();
            assertThat(e.getMessage()).containsIgnoringCase("object");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "{",
                "{\"schema\": }",
                "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"",
                "{'schema': 'ioc.clock.v1'}",
                "{schema: \"ioc.clock.v1\"}",
                "not json",
                "{\"schema\": \"ioc.clock.v1\",, \"now\": \"x\"}",
                "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\",}",
                "{\"schema\": \"ioc.clock.v1\" /* comment */, \"now\": \"2026-03-02T09:15:00+07:00\"}"
        })
        @DisplayName("Malformed JSON text is an error with no field whose message says malformed")
        void malformed(String json) {
            ValidationException e = rejected(json);
            assertThat(e.field()).isNull();
            assertThat(e.getMessage()).containsIgnoringCase("malformed");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"} {\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"}",
                "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"} garbage",
                "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\"}]"
        })
        @DisplayName("Text with anything after the one JSON object is an error, not the first object")
        void trailingContent(String json) {
            ValidationException e = rejected(json);
            assertThat(e.field()).isNull();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", " ", "\n"})
        @DisplayName("Empty or blank text is not an event")
        void blankText(String json) {
            ValidationException e = rejected(json);
            assertThat(e.field()).isNull();
        }

        @Test
        @DisplayName("A JsonNode that is not an object is rejected by parse(JsonNode) too")
        void jsonNodeNotAnObject() {
            for (JsonNode n : List.of(fragment("[1]"), fragment("\"x\""), fragment("1"), fragment("null"))) {
                try {
                    EventCodec.parse(n);
                    fail("expected rejection of " + n);
                } catch (ValidationException e) {
                    assertThat(e.field()).isNull();
                }
            }
        }

        @Test
        @DisplayName("parse(JsonNode) validates an already-parsed object like parse(String)")
        void jsonNodeObject() throws ValidationException {
            assertThat(EventCodec.parse(obj(FULL_CASE))).isEqualTo(parse(FULL_CASE));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Nesting depth")
    class NestingDepth {

        /** A valid clock tick whose unknown field "x" nests arrays so the whole document has {@code depth} levels. */
        private String tickWithDepth(int depth) {
            int arrays = depth - 1; // the event object itself is one level
            return "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\", \"x\": "
                    + "[".repeat(arrays) + "]".repeat(arrays) + "}";
        }

        @Test
        @DisplayName("A document exactly MAX_NESTING_DEPTH deep is accepted (its deep part is an unknown field)")
        void atLimit() {
            assertThat(parse(tickWithDepth(EventCodec.MAX_NESTING_DEPTH))).isEqualTo(new ClockTick(T0));
        }

        @Test
        @DisplayName("A document one level deeper than MAX_NESTING_DEPTH is rejected for the record as a whole")
        void overLimit() {
            ValidationException e = rejected(tickWithDepth(EventCodec.MAX_NESTING_DEPTH + 1));
            assertThat(e.field()).isNull();
        }

        @Test
        @DisplayName("A hostile, very deep document is rejected with a ValidationException, not a stack overflow")
        void veryDeep() {
            int n = 100_000;
            String arrays = "{\"schema\": \"ioc.clock.v1\", \"now\": \"2026-03-02T09:15:00+07:00\", \"x\": "
                    + "[".repeat(n) + "]".repeat(n) + "}";
            assertThat(rejected(arrays).field()).isNull();
            String objects = "{\"a\":".repeat(n) + "1" + "}".repeat(n);
            assertThat(rejected(objects).field()).isNull();
            String unclosed = "[".repeat(n);
            assertThat(rejected(unclosed).field()).isNull();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Error messages")
    class ErrorMessages {

        @Test
        @DisplayName("The message of a nested field error carries the full dotted path")
        void nestedPathInMessage() {
            ValidationException e = assertRejectedNaming(with(FULL_CASE, "digitisation.e_result", "\"yes\""),
                    "digitisation.e_result");
            assertThat(e.getMessage()).contains("digitisation.e_result");
        }

        @Test
        @DisplayName("A ValidationException built without a field has a null field() and keeps its reason")
        void recordLevelException() {
            ValidationException e = new ValidationException(null, "an event must be a JSON object");
            assertThat(e.field()).isNull();
            assertThat(e.getMessage()).contains("an event must be a JSON object");
            ValidationException f = new ValidationException("due_at", "required");
            assertThat(f.field()).isEqualTo("due_at");
            assertThat(f.getMessage()).contains("due_at").contains("required");
        }
    }
}
