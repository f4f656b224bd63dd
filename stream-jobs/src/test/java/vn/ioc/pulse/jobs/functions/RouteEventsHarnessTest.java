package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Envelope;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.ServiceEvent;

/**
 * {@link RouteEvents} ({@code route-events}) in Flink's non-keyed test harness, expectations from its Javadoc,
 * DOMAIN.md §2 rule 8 / §7 and CONTRACT.md §1/§3:
 * <ul>
 *   <li>case events → main output as {@code DossierInput.of(event)};</li>
 *   <li>service events → {@link RouteEvents#SERVICE}; a FEEDBACK_* service event that carries a dossier_code is also a
 *       complaint link of that dossier (DOMAIN §7 "Linked to a complaint") → a complaint {@link DossierInput} on the
 *       main output, keyed by that dossier_code;</li>
 *   <li>clock ticks only move the watermark (done by the source's {@link ClockWatermarks}): nothing downstream;</li>
 *   <li>records a key selector could not handle (missing event_id / dossier_code / type / occurred_at, AVAILABILITY
 *       without component), ticks outside 1900–2199 UTC, and contract-invalid input ({@link Envelope#parse} never
 *       throws: it gives an invalid envelope) → {@link RouteEvents#DEAD_LETTER}, with the reason.</li>
 * </ul>
 * All local times are Vietnam +07:00: Mon 2/3/2026 09:00 +07:00 = 2026-03-02T02:00:00Z = 1_772_416_800_000 ms.
 */
@DisplayName("RouteEvents harness: case events and complaint links to dossiers, service events aside, ticks nowhere, bad records dead-lettered")
class RouteEventsHarnessTest {
    static final String DOSSIER = "H01.01-260302-0001";

    OneInputStreamOperatorTestHarness<Envelope, DossierInput> h;

    @BeforeEach
    void open() throws Exception {
        h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RouteEvents()));
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    void send(Envelope e) throws Exception {
        // record timestamp = the envelope's event time, as the source's timestamp assigner gives it
        h.processElement(new StreamRecord<>(e, e.eventTimeMillis()));
    }

    void send(String json) throws Exception {
        send(Envelope.parse(json));
    }

    List<DossierInput> main() {
        return h.extractOutputValues();
    }

    <T> List<T> side(OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        var q = h.getSideOutput(tag);
        if (q != null) {
            for (StreamRecord<T> r : q) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    List<ServiceEvent> service() {
        return side(RouteEvents.SERVICE);
    }

    List<JsonNode> deadLetters() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String s : side(RouteEvents.DEAD_LETTER)) {
            out.add(EventCodec.mapper().readTree(s));
        }
        return out;
    }

    /** The one dead letter emitted so far, after checking nothing else went anywhere. */
    JsonNode onlyDeadLetter() throws Exception {
        assertThat(main()).as("nothing on the dossier stream").isEmpty();
        assertThat(h.getOutput()).as("nothing at all on the main output (no record, no watermark)").isEmpty();
        assertThat(service()).as("nothing on the service side output").isEmpty();
        List<JsonNode> dl = deadLetters();
        assertThat(dl).hasSize(1);
        assertThat(dl.get(0).path("source").asText()).isEqualTo("kpi-job");
        return dl.get(0);
    }

    /** A record built directly (the codec would not produce it): dead-lettered by route-events itself. */
    static void assertStructural(JsonNode dl, String key, String eventId, String reason) {
        assertThat(dl.path("operator").asText()).isEqualTo("route-events");
        if (key == null) {
            assertThat(dl.path("key").isNull()).as("no key: " + dl).isTrue();
        } else {
            assertThat(dl.path("key").asText()).isEqualTo(key);
        }
        if (eventId == null) {
            assertThat(dl.has("event_id")).as("no event_id: " + dl).isFalse();
        } else {
            assertThat(dl.path("event_id").asText()).isEqualTo(eventId);
        }
        assertThat(dl.path("error").asText()).isEqualTo("java.lang.IllegalArgumentException: " + reason);
        assertThat(dl.has("input")).as("the rejected input is in the dead letter").isTrue();
    }

    static Instant t(String isoWithOffset) {
        return java.time.OffsetDateTime.parse(isoWithOffset).toInstant();
    }

    static CaseEvent caseEvent(String id, String dossier, CaseEventType type, Instant at) {
        return new CaseEvent(id, dossier, type, at, 0, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    static ServiceEvent serviceEvent(String id, ServiceEvent.Type type, Instant at, ServiceEvent.Component component,
                                     String dossier, String feedbackId) {
        return new ServiceEvent(id, type, at, component, component == null ? null : ServiceEvent.State.UP, null,
                "STP", null, null, dossier, feedbackId, null, null, null, null);
    }

    static final String RECEIVED_JSON = """
            {"schema":"ioc.case.v1","event_id":"e-1","dossier_code":"H01.01-260302-0001","type":"RECEIVED",
             "occurred_at":"2026-03-02T09:00:00+07:00","procedure_code":"2.000815","agency_code":"STP",
             "channel":"ONLINE","regulated_duration":{"value":3,"unit":"WORKING_DAY"}}""";

    // ------------------------------------------------------------------------------------------------ case events

    @Test
    @DisplayName("a RECEIVED case event → exactly one DossierInput on the main output carrying that same event")
    void receivedCaseEvent() throws Exception {
        Envelope e = Envelope.parse(RECEIVED_JSON);
        assertThat(e.caseEvent).as("fixture is contract-valid").isNotNull();
        send(e);

        List<DossierInput> out = main();
        assertThat(out).hasSize(1);
        DossierInput in = out.get(0);
        assertThat(in.caseEvent).isEqualTo(e.caseEvent);
        assertThat(in.dossierCode()).isEqualTo(DOSSIER);
        assertThat(in.eventId()).isEqualTo("e-1");
        assertThat(in.caseEvent.type()).isEqualTo(CaseEventType.RECEIVED);
        // 09:00 +07:00 on 2/3/2026 = 02:00Z
        assertThat(in.at()).isEqualTo(Instant.parse("2026-03-02T02:00:00Z"));
        assertThat(in.complaintEventId).as("not a complaint link").isNull();
        assertThat(in.complaintDossier).isNull();
        assertThat(service()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    @DisplayName("a case event dated 9999 is routed: RouteEvents leaves bad values to the keyed operators (its Javadoc)")
    void year9999CaseEventIsRouted() throws Exception {
        CaseEvent far = caseEvent("e-far", DOSSIER, CaseEventType.RESOLVED, Instant.parse("9999-06-01T00:00:00Z"));
        send(Envelope.of(far));
        assertThat(main()).hasSize(1);
        assertThat(main().get(0).caseEvent).isEqualTo(far);
        assertThat(deadLetters()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ service events

    static Stream<Arguments> feedbackWithDossier() {
        // FEEDBACK_* events carrying a dossier_code: each is a complaint link (DOMAIN §7), whatever its type
        return Stream.of(
                Arguments.of("FEEDBACK_RECEIVED", ""),
                Arguments.of("FEEDBACK_ANSWERED", ""),
                Arguments.of("FEEDBACK_REACTION", ",\"reaction\":\"DISLIKE\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("feedbackWithDossier")
    @DisplayName("a FEEDBACK_* event naming a dossier → the service event aside AND a complaint link of that dossier on the main output")
    void complaintLink(String type, String extra) throws Exception {
        String json = "{\"schema\":\"ioc.service.v1\",\"event_id\":\"fb-1\",\"type\":\"" + type + "\","
                + "\"occurred_at\":\"2026-03-03T10:15:00+07:00\",\"feedback_id\":\"PAKN-7\","
                + "\"dossier_code\":\"" + DOSSIER + "\",\"agency_code\":\"STP\"" + extra + "}";
        Envelope e = Envelope.parse(json);
        assertThat(e.serviceEvent).as("fixture is contract-valid: " + e.invalidReason).isNotNull();
        send(e);

        // service side output: the event itself (feedback KPIs still count it)
        assertThat(service()).containsExactly(e.serviceEvent);
        // main output: one complaint link, keyed by the dossier it names
        List<DossierInput> out = main();
        assertThat(out).hasSize(1);
        DossierInput link = out.get(0);
        assertThat(link.caseEvent).isNull();
        assertThat(link.complaintDossier).isEqualTo(DOSSIER);
        assertThat(link.dossierCode()).as("the key of the dossier state").isEqualTo(DOSSIER);
        assertThat(link.complaintEventId).isEqualTo("fb-1");
        assertThat(link.eventId()).isEqualTo("fb-1");
        // Tue 3/3/2026 10:15 +07:00 = 03:15Z
        assertThat(link.complaintAt).isEqualTo(Instant.parse("2026-03-03T03:15:00Z"));
        assertThat(link.at()).isEqualTo(Instant.parse("2026-03-03T03:15:00Z"));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    @DisplayName("a FEEDBACK_RECEIVED without dossier_code → service side output only, no complaint link")
    void feedbackWithoutDossier() throws Exception {
        Envelope e = Envelope.parse("""
                {"schema":"ioc.service.v1","event_id":"fb-2","type":"FEEDBACK_RECEIVED",
                 "occurred_at":"2026-03-03T10:15:00+07:00","feedback_id":"PAKN-8"}""");
        assertThat(e.serviceEvent).isNotNull();
        send(e);
        assertThat(service()).containsExactly(e.serviceEvent);
        assertThat(main()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    static Stream<String> nonFeedbackServiceEvents() {
        return Stream.of(
                // a payment naming a dossier: a payment is not a complaint (only FEEDBACK_* links, DOMAIN §7)
                """
                {"schema":"ioc.service.v1","event_id":"pay-1","type":"PAYMENT_SUCCEEDED",
                 "occurred_at":"2026-03-02T09:30:00+07:00","agency_code":"STP","amount_vnd":50000,
                 "gateway":"DVCQG","dossier_code":"H01.01-260302-0001"}""",
                """
                {"schema":"ioc.service.v1","event_id":"pay-2","type":"PAYMENT_FAILED",
                 "occurred_at":"2026-03-02T09:31:00+07:00","agency_code":"STP"}""",
                """
                {"schema":"ioc.service.v1","event_id":"pay-3","type":"PAYMENT_INITIATED",
                 "occurred_at":"2026-03-02T09:29:00+07:00"}""",
                """
                {"schema":"ioc.service.v1","event_id":"av-1","type":"AVAILABILITY",
                 "occurred_at":"2026-03-02T09:00:00+07:00","component":"PORTAL","state":"DOWN","latency_ms":1200}""",
                """
                {"schema":"ioc.service.v1","event_id":"pa-1","type":"PORTAL_ACTION",
                 "occurred_at":"2026-03-02T09:00:00+07:00","action":"SUBMIT","dossier_code":"H01.01-260302-0001"}""");
    }

    @ParameterizedTest
    @MethodSource("nonFeedbackServiceEvents")
    @DisplayName("payments, availability and portal actions → service side output only (nothing to the dossier stream)")
    void serviceOnly(String json) throws Exception {
        Envelope e = Envelope.parse(json);
        assertThat(e.serviceEvent).as("fixture is contract-valid: " + e.invalidReason).isNotNull();
        send(e);
        assertThat(service()).containsExactly(e.serviceEvent);
        assertThat(main()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ clock ticks

    @Test
    @DisplayName("a valid clock tick (12:00 +07:00) → nothing downstream and no dead letter")
    void tickGoesNowhere() throws Exception {
        Envelope e = Envelope.parse("{\"schema\":\"ioc.clock.v1\",\"now\":\"2026-03-02T12:00:00+07:00\"}");
        assertThat(e.tick).isNotNull();
        send(e);
        assertThat(h.getOutput()).as("no record and no watermark from the operator").isEmpty();
        assertThat(service()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1900-01-01T00:00:00Z", "2199-12-31T23:59:59.999Z", "2026-03-02T05:00:00Z"})
    @DisplayName("ticks inside [1900-01-01Z, 2200-01-01Z) (built directly, the codec's range is narrower) → nothing")
    void tickInRangeBoundaries(String now) throws Exception {
        send(Envelope.of(new ClockTick(Instant.parse(now))));
        assertThat(h.getOutput()).isEmpty();
        assertThat(service()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    @DisplayName("a tick dated 2250 (built directly) → one dead letter saying it is outside the years 1900–2199")
    void tick2250Direct() throws Exception {
        // 2250-03-02T12:00+07:00 = 2250-03-02T05:00Z, ≥ 2200-01-01T00:00Z: outside the job's range
        send(Envelope.of(new ClockTick(t("2250-03-02T12:00:00+07:00"))));
        JsonNode dl = onlyDeadLetter();
        assertStructural(dl, null, null,
                "clock tick 2250-03-02T05:00:00Z is outside the years 1900–2199 the job accepts");
        assertThat(dl.path("input").path("now").asText()).isEqualTo("2250-03-02T05:00:00Z");
    }

    @Test
    @DisplayName("a tick dated 2250 as contract JSON → one dead letter with the raw input and the codec's reason naming `now`")
    void tick2250Json() throws Exception {
        String json = "{\"schema\":\"ioc.clock.v1\",\"now\":\"2250-03-02T12:00:00+07:00\"}";
        send(json);
        JsonNode dl = onlyDeadLetter();
        // CONTRACT §1: timestamps outside 2000–2099 are errors that name the field; §3: input plus reason
        assertThat(dl.path("error").asText()).contains("now").contains("out of range");
        assertThat(dl.path("input").asText()).isEqualTo(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1899-12-31T23:59:59.999Z", "2200-01-01T00:00:00Z", "1850-06-01T00:00:00Z"})
    @DisplayName("ticks just outside [1900-01-01Z, 2200-01-01Z) (built directly) → dead letter")
    void tickOutOfRangeBoundaries(String now) throws Exception {
        send(Envelope.of(new ClockTick(Instant.parse(now))));
        JsonNode dl = onlyDeadLetter();
        assertStructural(dl, null, null,
                "clock tick " + Instant.parse(now) + " is outside the years 1900–2199 the job accepts");
    }

    @Test
    @DisplayName("a tick at Instant.MAX (beyond a long of ms) → dead letter, nothing thrown")
    void tickInstantMax() throws Exception {
        send(Envelope.of(new ClockTick(Instant.MAX)));
        JsonNode dl = onlyDeadLetter();
        assertThat(dl.path("error").asText()).contains("outside the years 1900–2199");
    }

    @Test
    @DisplayName("a tick without now (built directly) → dead letter 'clock tick without now'")
    void tickWithoutNow() throws Exception {
        send(Envelope.of(new ClockTick(null)));
        assertStructural(onlyDeadLetter(), null, null, "clock tick without now");
    }

    // ------------------------------------------------------------------------------------------------ missing fields

    /**
     * Contract JSON lacking a required field: {@link Envelope#parse} turns it into an invalid envelope (it never
     * throws), which RouteEvents dead-letters with the raw input and the codec's reason naming the field.
     */
    @Nested
    @DisplayName("contract JSON missing a required field → dead letter naming the field, with the raw input")
    class MissingInJson {
        @ParameterizedTest
        @ValueSource(strings = {"dossier_code", "type", "occurred_at", "event_id"})
        @DisplayName("case event without the field")
        void caseEventWithout(String field) throws Exception {
            ObjectNodeJson o = new ObjectNodeJson(RECEIVED_JSON);
            String json = o.without(field);
            Envelope e = Envelope.parse(json);
            assertThat(e.invalidInput).as("Envelope.parse gives an invalid envelope").isEqualTo(json);
            send(e);
            JsonNode dl = onlyDeadLetter();
            // ValidationException message: "field '<name>': required"
            assertThat(dl.path("error").asText()).isEqualTo("field '" + field + "': required");
            assertThat(dl.path("input").asText()).isEqualTo(json);
        }

        @ParameterizedTest
        @ValueSource(strings = {"type", "occurred_at", "event_id"})
        @DisplayName("service event (a complaint) without the field: no complaint link, nothing aside")
        void serviceEventWithout(String field) throws Exception {
            ObjectNodeJson o = new ObjectNodeJson("""
                    {"schema":"ioc.service.v1","event_id":"fb-1","type":"FEEDBACK_RECEIVED",
                     "occurred_at":"2026-03-03T10:15:00+07:00","feedback_id":"PAKN-7",
                     "dossier_code":"H01.01-260302-0001"}""");
            String json = o.without(field);
            send(json);
            JsonNode dl = onlyDeadLetter();
            assertThat(dl.path("error").asText()).isEqualTo("field '" + field + "': required");
            assertThat(dl.path("input").asText()).isEqualTo(json);
        }

        @Test
        @DisplayName("clock tick without now")
        void tickWithoutNow() throws Exception {
            send("{\"schema\":\"ioc.clock.v1\"}");
            assertThat(onlyDeadLetter().path("error").asText()).isEqualTo("field 'now': required");
        }

        @Test
        @DisplayName("a line that is not a JSON object")
        void notAnObject() throws Exception {
            send("[1,2,3]");
            JsonNode dl = onlyDeadLetter();
            assertThat(dl.path("error").asText()).isNotBlank();
            assertThat(dl.path("input").asText()).isEqualTo("[1,2,3]");
        }
    }

    /** Removes one top-level field from a JSON object text (test-side, no code under test). */
    static final class ObjectNodeJson {
        private final String json;

        ObjectNodeJson(String json) {
            this.json = json;
        }

        String without(String field) throws Exception {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.mapper().readTree(json);
            assertThat(node.remove(field)).as("fixture has " + field).isNotNull();
            return node.toString();
        }
    }

    /**
     * Records built directly with a missing field (another producer, a test — not the codec): the keyed operators
     * could not key them, so RouteEvents dead-letters them itself, with operator route-events, the key it could
     * find (dossier_code for case events, feedback_id else event_id for service events) and the reason.
     */
    @Nested
    @DisplayName("records built directly with a missing key field → dead letter from route-events")
    class MissingInRecords {
        final Instant mon9 = t("2026-03-02T09:00:00+07:00");

        @Test
        @DisplayName("case event without dossier_code → 'dossier_code is missing', no key")
        void caseWithoutDossier() throws Exception {
            send(Envelope.of(caseEvent("e-1", null, CaseEventType.RECEIVED, mon9)));
            JsonNode dl = onlyDeadLetter();
            assertStructural(dl, null, "e-1", "dossier_code is missing");
            assertThat(dl.path("input").path("event_id").asText()).isEqualTo("e-1");
            assertThat(dl.path("input").path("type").asText()).isEqualTo("RECEIVED");
        }

        @Test
        @DisplayName("case event without type → 'type is missing', keyed by its dossier")
        void caseWithoutType() throws Exception {
            send(Envelope.of(caseEvent("e-1", DOSSIER, null, mon9)));
            assertStructural(onlyDeadLetter(), DOSSIER, "e-1", "type is missing");
        }

        @Test
        @DisplayName("case event without occurred_at → 'occurred_at is missing', keyed by its dossier")
        void caseWithoutOccurredAt() throws Exception {
            send(Envelope.of(caseEvent("e-1", DOSSIER, CaseEventType.RECEIVED, null)));
            assertStructural(onlyDeadLetter(), DOSSIER, "e-1", "occurred_at is missing");
        }

        @Test
        @DisplayName("case event without event_id → 'event_id is missing', no event_id in the dead letter")
        void caseWithoutEventId() throws Exception {
            send(Envelope.of(caseEvent(null, DOSSIER, CaseEventType.RECEIVED, mon9)));
            assertStructural(onlyDeadLetter(), DOSSIER, null, "event_id is missing");
        }

        @Test
        @DisplayName("complaint (FEEDBACK_RECEIVED naming a dossier) without occurred_at → dead letter keyed by feedback_id, no link")
        void complaintWithoutOccurredAt() throws Exception {
            send(Envelope.of(serviceEvent("fb-1", ServiceEvent.Type.FEEDBACK_RECEIVED, null, null, DOSSIER,
                    "PAKN-7")));
            assertStructural(onlyDeadLetter(), "PAKN-7", "fb-1", "occurred_at is missing");
        }

        @Test
        @DisplayName("service event without type → dead letter keyed by event_id")
        void serviceWithoutType() throws Exception {
            send(Envelope.of(serviceEvent("pay-1", null, mon9, null, null, null)));
            assertStructural(onlyDeadLetter(), "pay-1", "pay-1", "type is missing");
        }

        @Test
        @DisplayName("service event without event_id → dead letter keyed by feedback_id")
        void serviceWithoutEventId() throws Exception {
            send(Envelope.of(serviceEvent(null, ServiceEvent.Type.FEEDBACK_ANSWERED, mon9, null, null, "PAKN-7")));
            assertStructural(onlyDeadLetter(), "PAKN-7", null, "event_id is missing");
        }

        @Test
        @DisplayName("AVAILABILITY without component (the availability key) → 'component is missing'")
        void availabilityWithoutComponent() throws Exception {
            send(Envelope.of(serviceEvent("av-1", ServiceEvent.Type.AVAILABILITY, mon9, null, null, null)));
            assertStructural(onlyDeadLetter(), "av-1", "av-1", "component is missing");
        }

        @Test
        @DisplayName("a bad record does not disturb the next good one (each record stands alone)")
        void goodAfterBad() throws Exception {
            send(Envelope.of(caseEvent("e-0", null, CaseEventType.RECEIVED, mon9)));
            send(Envelope.parse(RECEIVED_JSON));
            assertThat(deadLetters()).hasSize(1);
            assertThat(main()).hasSize(1);
            assertThat(main().get(0).eventId()).isEqualTo("e-1");
        }
    }
}
