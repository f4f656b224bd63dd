package vn.ioc.pulse.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.ioc.pulse.model.CaseEvent.Digitisation;
import vn.ioc.pulse.model.CaseEvent.Payment;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;

/**
 * The one JSON codec for input events (CONTRACT.md §1). Parsing validates exactly as the contract says and
 * throws {@link ValidationException} naming the field; unknown fields are ignored.
 */
public final class EventCodec {
    /** Deepest JSON nesting accepted; deeper documents are rejected before they cost stack or memory. */
    public static final int MAX_NESTING_DEPTH = 64;

    /*
     * Ranges (docs/openapi.yaml, "Bounds"): every number and time an event carries has a sane range, so that no
     * contract-valid event can make arithmetic downstream overflow or run for centuries of calendar.
     */
    /** Earliest accepted timestamp (inclusive): 2000-01-01T00:00:00+07:00. */
    public static final Instant EARLIEST = Instant.parse("1999-12-31T17:00:00Z");
    /** Latest accepted timestamp (exclusive): 2100-01-01T00:00:00+07:00. */
    public static final Instant LATEST = Instant.parse("2099-12-31T17:00:00Z");
    /** Largest {@code regulated_duration.value} per unit: about four years of working or calendar time. */
    public static final long MAX_WORKING_DAYS = 1_000;
    public static final long MAX_DAYS = 1_461;
    public static final long MAX_HOURS = 8_000;
    /** Largest {@code sequence} (Java int range). */
    public static final long MAX_SEQUENCE = Integer.MAX_VALUE;
    /** Largest {@code latency_ms}: one day. */
    public static final long MAX_LATENCY_MS = 86_400_000L;
    /** Largest {@code amount_vnd}: one thousand billion đồng. */
    public static final long MAX_AMOUNT_VND = 1_000_000_000_000L;
    /** Longest code (procedure, field, agency, commune, feedback id, source system). */
    public static final int MAX_CODE_LENGTH = 128;

    private static final ObjectMapper MAPPER = newMapper();
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?(Z|([+-])(\\d{2}):?(\\d{2}))");
    private static final Set<CaseEventType> NEEDS_PROCEDURE = EnumSet.of(CaseEventType.SUBMITTED, CaseEventType.RECEIVED);

    private EventCodec() {
    }

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
        return mapper;
    }

    /** The shared, configured mapper (thread-safe). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses and validates one JSON text holding one event object. */
    public static IocEvent parse(String json) throws ValidationException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ValidationException(null, "malformed JSON: " + e.getOriginalMessage());
        }
        return parse(node);
    }

    /** Validates one already-parsed JSON value as an event. */
    public static IocEvent parse(JsonNode node) throws ValidationException {
        if (node == null || !node.isObject()) {
            throw new ValidationException(null, "an event must be a JSON object, got " + kind(node));
        }
        Obj o = new Obj((ObjectNode) node, "");
        String schema = o.requiredString("schema", 64);
        return switch (schema) {
            case IocEvent.SCHEMA_CASE -> parseCase(o);
            case IocEvent.SCHEMA_SERVICE -> parseService(o);
            case IocEvent.SCHEMA_CLOCK -> new ClockTick(o.requiredTime("now"));
            default -> throw new ValidationException("schema", "unknown schema '" + schema + "', expected one of "
                    + IocEvent.SCHEMA_CASE + ", " + IocEvent.SCHEMA_SERVICE + ", " + IocEvent.SCHEMA_CLOCK);
        };
    }

    private static CaseEvent parseCase(Obj o) throws ValidationException {
        String eventId = o.requiredId("event_id", 128);
        String dossier = o.requiredId("dossier_code", 64);
        CaseEventType type = o.requiredEnum("type", CaseEventType.class);
        Instant occurred = o.requiredTime("occurred_at");
        Long sequence = o.optionalLong("sequence", 0, MAX_SEQUENCE);
        Long status = o.optionalLong("status_code", 1, 10);
        String procedure = o.optionalScopeCode("procedure_code");
        String agency = o.optionalScopeCode("agency_code");
        CaseEvent.Channel channel = o.optionalEnum("channel", CaseEvent.Channel.class);
        Instant due = o.optionalTime("due_at");
        RegulatedDuration duration = regulatedDuration(o);
        Payment payment = payment(o, type);
        CaseEvent.Rating rating = o.optionalEnum("rating", CaseEvent.Rating.class);
        if (NEEDS_PROCEDURE.contains(type) && procedure == null) {
            throw new ValidationException("procedure_code", "required on " + type);
        }
        if (type == CaseEventType.RECEIVED) {
            if (agency == null) {
                throw new ValidationException("agency_code", "required on RECEIVED");
            }
            if (channel == null) {
                throw new ValidationException("channel", "required on RECEIVED");
            }
            if (due == null && duration == null) {
                throw new ValidationException("due_at", "required on RECEIVED when regulated_duration is absent");
            }
        }
        if (type == CaseEventType.RATED && rating == null) {
            throw new ValidationException("rating", "required on RATED");
        }
        return new CaseEvent(eventId, dossier, type, occurred, sequence == null ? 0 : sequence,
                status == null ? null : status.intValue(), procedure, o.optionalScopeCode("field_code"), agency,
                o.optionalScopeCode("commune_code"), channel, o.optionalEnum("service_level", CaseEvent.ServiceLevel.class),
                o.optionalEnum("applicant_type", CaseEvent.ApplicantType.class), o.optionalTime("received_at"), due,
                duration, o.optionalBoolean("fee_required"), payment, digitisation(o), rating,
                o.optionalId("source_system", MAX_CODE_LENGTH));
    }

    private static RegulatedDuration regulatedDuration(Obj o) throws ValidationException {
        Obj d = o.optionalObject("regulated_duration");
        if (d == null) {
            return null;
        }
        Long value = d.optionalLong("value", 0, Long.MAX_VALUE);
        if (value == null) {
            throw new ValidationException("regulated_duration.value", "required");
        }
        CaseEvent.DurationUnit unit = d.requiredEnum("unit", CaseEvent.DurationUnit.class);
        long max = switch (unit) {
            case WORKING_DAY -> MAX_WORKING_DAYS;
            case DAY -> MAX_DAYS;
            case HOUR -> MAX_HOURS;
        };
        if (value > max) {
            throw new ValidationException("regulated_duration.value", "must be at most " + max + " for unit " + unit
                    + " (about four years), got " + value);
        }
        return new RegulatedDuration(value, unit);
    }

    private static Payment payment(Obj o, CaseEventType type) throws ValidationException {
        Obj p = o.optionalObject("payment");
        if (p == null) {
            if (type == CaseEventType.PAYMENT_COMPLETED) {
                throw new ValidationException("payment.online", "required on PAYMENT_COMPLETED");
            }
            return null;
        }
        Boolean online = p.optionalBoolean("online");
        CaseEvent.Gateway gateway = p.optionalEnum("gateway", CaseEvent.Gateway.class);
        if (online == null) {
            if (type == CaseEventType.PAYMENT_COMPLETED) {
                throw new ValidationException("payment.online", "required on PAYMENT_COMPLETED");
            }
            return null;
        }
        return new Payment(online, gateway);
    }

    private static Digitisation digitisation(Obj o) throws ValidationException {
        Obj d = o.optionalObject("digitisation");
        if (d == null) {
            return null;
        }
        return new Digitisation(d.optionalBoolean("inputs_digitised"), d.optionalBoolean("reused_data"),
                d.optionalBoolean("e_result"));
    }

    private static ServiceEvent parseService(Obj o) throws ValidationException {
        String eventId = o.requiredId("event_id", 128);
        ServiceEvent.Type type = o.requiredEnum("type", ServiceEvent.Type.class);
        Instant occurred = o.requiredTime("occurred_at");
        ServiceEvent.Component component = o.optionalEnum("component", ServiceEvent.Component.class);
        ServiceEvent.State state = o.optionalEnum("state", ServiceEvent.State.class);
        String feedbackId = o.optionalId("feedback_id", MAX_CODE_LENGTH);
        ServiceEvent.Reaction reaction = o.optionalEnum("reaction", ServiceEvent.Reaction.class);
        ServiceEvent.Action action = o.optionalEnum("action", ServiceEvent.Action.class);
        switch (type) {
            case AVAILABILITY -> {
                if (component == null) {
                    throw new ValidationException("component", "required on AVAILABILITY");
                }
                if (state == null) {
                    throw new ValidationException("state", "required on AVAILABILITY");
                }
            }
            case FEEDBACK_RECEIVED, FEEDBACK_ANSWERED, FEEDBACK_REACTION -> {
                if (feedbackId == null) {
                    throw new ValidationException("feedback_id", "required on " + type);
                }
                if (type == ServiceEvent.Type.FEEDBACK_REACTION && reaction == null) {
                    throw new ValidationException("reaction", "required on FEEDBACK_REACTION");
                }
            }
            case PORTAL_ACTION -> {
                if (action == null) {
                    throw new ValidationException("action", "required on PORTAL_ACTION");
                }
            }
            default -> {
            }
        }
        return new ServiceEvent(eventId, type, occurred, component, state,
                o.optionalLong("latency_ms", 0, MAX_LATENCY_MS), o.optionalScopeCode("agency_code"),
                o.optionalScopeCode("commune_code"), o.optionalScopeCode("procedure_code"),
                o.optionalId("dossier_code", 64), feedbackId, reaction, o.optionalLong("amount_vnd", 0, MAX_AMOUNT_VND),
                o.optionalEnum("gateway", CaseEvent.Gateway.class), action);
    }

    /**
     * Parses a contract timestamp: {@code YYYY-MM-DDTHH:MM[:SS[.fraction]]} then {@code Z}, {@code ±HH:MM} or
     * {@code ±HHMM}. Anything else, or an impossible date, is an error naming {@code field}.
     */
    public static Instant parseTimestamp(String field, String text) throws ValidationException {
        Matcher m = TIMESTAMP.matcher(text);
        if (!m.matches()) {
            throw new ValidationException(field, "not an ISO-8601 timestamp with offset "
                    + "(YYYY-MM-DDTHH:MM[:SS[.fff]] then Z, +HH:MM or +HHMM): '" + abbreviate(text) + "'");
        }
        try {
            // the groups are ASCII digits (the pattern says so): read them in place, no substrings
            int nanos = 0;
            if (m.start(7) >= 0) {
                int end = Math.min(m.end(7), m.start(7) + 9); // finer than ns is truncated
                nanos = digits(text, m.start(7), end);
                for (int i = end - m.start(7); i < 9; i++) {
                    nanos *= 10;
                }
            }
            LocalDateTime local = LocalDateTime.of(digits(text, m.start(1), m.end(1)), digits(text, m.start(2),
                    m.end(2)), digits(text, m.start(3), m.end(3)), digits(text, m.start(4), m.end(4)),
                    digits(text, m.start(5), m.end(5)), m.start(6) < 0 ? 0 : digits(text, m.start(6), m.end(6)), nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            if (text.charAt(m.start(8)) != 'Z') {
                int sign = text.charAt(m.start(9)) == '-' ? -1 : 1;
                offset = ZoneOffset.ofHoursMinutes(sign * digits(text, m.start(10), m.end(10)),
                        sign * digits(text, m.start(11), m.end(11)));
            }
            Instant t = local.toInstant(offset);
            if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
                throw new ValidationException(field, "out of range: '" + abbreviate(text)
                        + "' is not between 2000-01-01T00:00+07:00 and 2099-12-31T23:59:59+07:00");
            }
            return t;
        } catch (DateTimeException e) {
            throw new ValidationException(field, "impossible date or time '" + abbreviate(text) + "': " + e.getMessage());
        }
    }

    /** The decimal value of the ASCII digits {@code text[from, to)}. */
    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (text.charAt(i) - '0');
        }
        return v;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    /** Typed, validating access to one JSON object's fields; {@code prefix} makes nested field names. */
    private record Obj(ObjectNode node, String prefix) {
        private JsonNode present(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
                return null;
            }
            return v;
        }

        private String path(String name) {
            return prefix + name;
        }

        String requiredString(String name, int maxLength) throws ValidationException {
            String s = optionalString(name);
            if (s == null) {
                throw new ValidationException(path(name), "required");
            }
            if (s.length() > maxLength) {
                throw new ValidationException(path(name), "longer than " + maxLength + " characters");
            }
            return s;
        }

        /** A required identifier: at most {@code maxLength} characters, no control characters. */
        String requiredId(String name, int maxLength) throws ValidationException {
            String s = requiredString(name, maxLength);
            checkNoControl(name, s);
            return s;
        }

        /** An optional identifier: at most {@code maxLength} characters, no control characters. */
        String optionalId(String name, int maxLength) throws ValidationException {
            String s = optionalString(name);
            if (s == null) {
                return null;
            }
            if (s.length() > maxLength) {
                throw new ValidationException(path(name), "longer than " + maxLength + " characters");
            }
            checkNoControl(name, s);
            return s;
        }

        /**
         * An optional code that becomes a KPI scope id (agency, commune, field, procedure): an identifier that also
         * has no '/' (the KPI key {@code kpi/scope_type/scope_id/window} is split on it).
         */
        String optionalScopeCode(String name) throws ValidationException {
            String s = optionalId(name, MAX_CODE_LENGTH);
            if (s != null && s.indexOf('/') >= 0) {
                throw new ValidationException(path(name), "must not contain '/': '" + abbreviate(s) + "'");
            }
            return s;
        }

        private void checkNoControl(String name, String s) throws ValidationException {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new ValidationException(path(name), "contains a control character (U+"
                            + String.format("%04X", (int) c) + ") at position " + i);
                }
            }
        }

        String optionalString(String name) throws ValidationException {
            JsonNode v = present(name);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw new ValidationException(path(name), "must be a string, got " + kind(v));
            }
            return v.textValue();
        }

        Long optionalLong(String name) throws ValidationException {
            JsonNode v = present(name);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new ValidationException(path(name), "must be a JSON integer, got " + kind(v) + " " + v);
            }
            return v.longValue();
        }

        /** An optional JSON integer within [min, max]. */
        Long optionalLong(String name, long min, long max) throws ValidationException {
            Long v = optionalLong(name);
            if (v != null && (v < min || v > max)) {
                throw new ValidationException(path(name), "must be " + (v < min ? ">= " + min : "<= " + max)
                        + ", got " + v);
            }
            return v;
        }

        Boolean optionalBoolean(String name) throws ValidationException {
            JsonNode v = present(name);
            if (v == null) {
                return null;
            }
            if (!v.isBoolean()) {
                throw new ValidationException(path(name), "must be true or false, got " + kind(v));
            }
            return v.booleanValue();
        }

        Instant requiredTime(String name) throws ValidationException {
            Instant t = optionalTime(name);
            if (t == null) {
                throw new ValidationException(path(name), "required");
            }
            return t;
        }

        Instant optionalTime(String name) throws ValidationException {
            JsonNode v = present(name);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw new ValidationException(path(name), "must be a timestamp string, got " + kind(v));
            }
            return parseTimestamp(path(name), v.textValue());
        }

        <E extends Enum<E>> E requiredEnum(String name, Class<E> type) throws ValidationException {
            E e = optionalEnum(name, type);
            if (e == null) {
                throw new ValidationException(path(name), "required");
            }
            return e;
        }

        <E extends Enum<E>> E optionalEnum(String name, Class<E> type) throws ValidationException {
            String s = optionalString(name);
            if (s == null) {
                return null;
            }
            try {
                return Enum.valueOf(type, s); // JDK's cached name → constant map; names are case-sensitive
            } catch (IllegalArgumentException unknown) {
                // reported below with the accepted values
            }
            throw new ValidationException(path(name), "unknown value '" + abbreviate(s) + "', expected one of "
                    + Arrays.toString(type.getEnumConstants()));
        }

        Obj optionalObject(String name) throws ValidationException {
            JsonNode v = present(name);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw new ValidationException(path(name), "must be a JSON object, got " + kind(v));
            }
            return new Obj((ObjectNode) v, path(name) + ".");
        }
    }
}
