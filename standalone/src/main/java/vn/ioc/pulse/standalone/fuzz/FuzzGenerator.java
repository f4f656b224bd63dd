package vn.ioc.pulse.standalone.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import vn.ioc.pulse.ingest.sim.ReferenceData;
import vn.ioc.pulse.model.EventCodec;

/**
 * Seeded generator of {@code ./ioc fuzz} requests: batches of random size and body kind (JSON array, single JSON
 * object, NDJSON) mixing good records with bad ones of the classes in {@link Bad}, plus whole-request abuses
 * ({@link Abuse}). The same seed gives the same sequence of bodies; only the ids carry the run's tag.
 *
 * <p>Good records are RECEIVED case events of fresh dossiers under the run's own agency code ({@link #goodAgency()}),
 * each a different dossier, so that agency's {@code backlog} (and {@code received}) KPI must equal the number of
 * good records the gateway acknowledged. Every other record — bad ones, including bad ones the gateway may well
 * accept (year 9999, a huge {@code sequence}) — names another agency ({@link #badAgency()}) and other dossiers, so
 * whether the gateway accepts it never changes the good count. Whole-request abuses carry only such records too.
 */
public final class FuzzGenerator {
    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";
    private static final ObjectMapper MAPPER = EventCodec.mapper();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmXXX");
    private static final DateTimeFormatter COMPACT_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");
    private static final DateTimeFormatter FRACTION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Body kinds of ordinary (not abusive) requests. */
    enum Kind { ARRAY, OBJECT, NDJSON }

    /**
     * Classes of bad records, and the body kinds each may appear in: a class that makes the surrounding text
     * invalid (malformed JSON, raw control characters, invalid UTF-8, a nesting depth the parser refuses) is never
     * put inside a JSON array, where it would break the whole body rather than one record (that is what the
     * {@link Abuse} requests test).
     */
    enum Bad {
        MALFORMED_JSON(Kind.OBJECT, Kind.NDJSON),
        NOT_OBJECT(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        MISSING_REQUIRED(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        WRONG_TYPE(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        UNKNOWN_ENUM(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        BAD_TIMESTAMP(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        EXTREME_YEAR(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        OUT_OF_RANGE(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        OVER_LONG(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        DEEP_NESTING(Kind.OBJECT, Kind.NDJSON),
        CONTROL_CHARS_ESCAPED(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        CONTROL_CHARS_RAW(Kind.OBJECT, Kind.NDJSON),
        INVALID_UTF8(Kind.NDJSON),
        CONDITIONAL_MISSING(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON),
        BOM(Kind.OBJECT, Kind.NDJSON),
        DUPLICATE(Kind.ARRAY, Kind.OBJECT, Kind.NDJSON);

        final Set<Kind> kinds;

        Bad(Kind first, Kind... rest) {
            this.kinds = EnumSet.of(first, rest);
        }

        String label() {
            return name().toLowerCase();
        }
    }

    /** Whole-request abuses: the body as a whole is broken (or empty); only bad-agency records inside. */
    enum Abuse {
        EMPTY_BODY, EMPTY_NDJSON_BODY, WHITESPACE_BODY, ONLY_OPEN_BRACKET, ARRAY_SYNTAX_ERROR_IN_MIDDLE,
        ARRAY_NOT_CLOSED, CONTENT_AFTER_ARRAY, BOM_ARRAY, ARRAY_WITH_DEEP_ELEMENT, JSON_BODY_INVALID_UTF8;

        String label() {
            return name().toLowerCase();
        }
    }

    /**
     * One record as sent: {@code index} as the gateway numbers it (array element, NDJSON line including blank
     * lines, 0 for a single object), {@code cls} "good", "abuse_record" or a {@link Bad} label, and for good
     * records and their duplicates the good event_id.
     */
    record Item(int index, String cls, String goodEventId) {
        boolean good() {
            return "good".equals(cls);
        }
    }

    /** One request: body, content type, its records; {@code abuse} names a whole-request abuse, else null. */
    record Request(int id, String kind, String contentType, byte[] body, List<Item> items, String abuse) {
    }

    private final Random random;
    private final String tag;
    private final Instant periodEnd;
    private final int records;
    private final double badShare;
    private final ReferenceData reference;
    /** Per body kind, the bad classes left after {@code --exclude}. */
    private final java.util.Map<Kind, List<Bad>> allowed = new java.util.EnumMap<>(Kind.class);
    private final List<Abuse> abuses = new ArrayList<>();
    private final List<String> goodIds = new ArrayList<>();
    /** The exact text of good records sent so far (duplicates copy one). */
    private final List<String> goodTexts = new ArrayList<>();
    private final List<String> goodIdsByText = new ArrayList<>();
    private int recordsGenerated;
    private int requestsGenerated;
    private int serial;

    /**
     * @param seed      the random seed (same seed, same bodies)
     * @param tag       unique per run, e.g. {@code 42-LX3K2A}: in the agency codes and every id
     * @param periodEnd good records occur in the 24 hours before it; the run's closing clock tick is at it
     * @param records   how many records to generate, all kinds together
     * @param badShare  share of bad records (duplicates included) among the ordinary requests' records
     */
    public FuzzGenerator(long seed, String tag, Instant periodEnd, int records, double badShare) {
        this(seed, tag, periodEnd, records, badShare, Set.of());
    }

    /** As above, without the bad classes and abuses whose labels are in {@code exclude}. */
    public FuzzGenerator(long seed, String tag, Instant periodEnd, int records, double badShare, Set<String> exclude) {
        this.random = new Random(seed);
        this.tag = tag;
        this.periodEnd = periodEnd;
        this.records = records;
        this.badShare = badShare;
        this.reference = ReferenceData.load();
        for (Kind k : Kind.values()) {
            List<Bad> list = new ArrayList<>();
            for (Bad b : Bad.values()) {
                if (b.kinds.contains(k) && !exclude.contains(b.label())) {
                    list.add(b);
                }
            }
            allowed.put(k, list);
        }
        for (Abuse a : Abuse.values()) {
            if (!exclude.contains(a.label())) {
                abuses.add(a);
            }
        }
    }

    /** The labels {@code --exclude} knows: bad classes, then abuses. */
    static List<String> excludable() {
        List<String> labels = new ArrayList<>();
        for (Bad b : Bad.values()) {
            labels.add(b.label());
        }
        for (Abuse a : Abuse.values()) {
            labels.add(a.label());
        }
        return labels;
    }

    /** The agency code of the good records. */
    public String goodAgency() {
        return "FUZZ-" + tag;
    }

    /** The agency code of every other record. */
    public String badAgency() {
        return "FUZZ-" + tag + "-X";
    }

    /** The event_ids of the good records generated so far (each once). */
    public List<String> goodIds() {
        return goodIds;
    }

    public boolean hasNext() {
        return recordsGenerated < records;
    }

    /** The closing clock tick, sent after every other request. */
    public byte[] clockTick() {
        return ("{\"schema\":\"ioc.clock.v1\",\"now\":\"" + SECONDS.format(periodEnd.atOffset(VN)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The next request; about one in 12 is a whole-request abuse (with at most 4 records). */
    public Request next() {
        int id = requestsGenerated++;
        if (random.nextInt(12) == 0 && !abuses.isEmpty() && records - recordsGenerated >= 4) {
            return abuse(id, abuses.get(random.nextInt(abuses.size())));
        }
        int roll = random.nextInt(100);
        Kind kind = roll < 35 ? Kind.ARRAY : roll < 55 ? Kind.OBJECT : Kind.NDJSON;
        int size = kind == Kind.OBJECT ? 1 : batchSize();
        size = Math.max(1, Math.min(size, records - recordsGenerated));
        List<Item> items = new ArrayList<>(size);
        List<byte[]> texts = new ArrayList<>(size);
        boolean bom = false;
        for (int i = 0; i < size; i++) {
            Bad bad = random.nextDouble() < badShare ? pickBad(kind, i == 0) : null;
            if (bad == Bad.DUPLICATE && goodTexts.isEmpty()) {
                bad = null;
            }
            if (bad == null) {
                ObjectNode good = goodRecord();
                String text = write(good);
                String eventId = good.get("event_id").textValue();
                goodIds.add(eventId);
                goodTexts.add(text);
                goodIdsByText.add(eventId);
                items.add(new Item(i, "good", eventId));
                texts.add(utf8(text));
            } else if (bad == Bad.DUPLICATE) {
                int k = random.nextInt(goodTexts.size());
                items.add(new Item(i, bad.label(), goodIdsByText.get(k)));
                texts.add(utf8(goodTexts.get(k)));
            } else {
                bom |= bad == Bad.BOM;
                items.add(new Item(i, bad.label(), null));
                texts.add(badRecord(bad, kind));
            }
        }
        recordsGenerated += size;
        return switch (kind) {
            case OBJECT -> new Request(id, "object", JSON, bom ? concat(BOM, texts.get(0)) : texts.get(0), items, null);
            case ARRAY -> new Request(id, "array", JSON, array(texts), items, null);
            case NDJSON -> ndjson(id, texts, items, bom);
        };
    }

    /** Mostly small batches, some up to 500 records. */
    private int batchSize() {
        int roll = random.nextInt(10);
        return roll < 5 ? 1 + random.nextInt(10) : roll < 9 ? 1 + random.nextInt(100) : 1 + random.nextInt(500);
    }

    /** A bad class allowed in {@code kind} (a BOM only first in a body), or null (then a good record) if none is. */
    private Bad pickBad(Kind kind, boolean first) {
        List<Bad> list = allowed.get(kind);
        if (list.isEmpty()) {
            return null;
        }
        Bad b = list.get(random.nextInt(list.size()));
        for (int tries = 0; b == Bad.BOM && !first && tries < 10; tries++) {
            b = list.get(random.nextInt(list.size()));
        }
        return b == Bad.BOM && !first ? null : b;
    }

    private Request ndjson(int id, List<byte[]> texts, List<Item> items, boolean bom) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (bom) {
            out.writeBytes(BOM);
        }
        List<Item> numbered = new ArrayList<>(items.size());
        int line = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0 && random.nextInt(20) == 0) { // a blank line: skipped, but counted in the line index
                out.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {' ', '\t', '\n'});
                line++;
            }
            out.writeBytes(texts.get(i));
            boolean last = i == texts.size() - 1;
            if (!last || random.nextInt(4) != 0) { // the last line sometimes without its newline
                out.writeBytes(random.nextInt(10) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            }
            Item item = items.get(i);
            numbered.add(new Item(line, item.cls(), item.goodEventId()));
            line++;
        }
        return new Request(id, "ndjson", NDJSON, out.toByteArray(), numbered, null);
    }

    private byte[] array(List<byte[]> texts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean pretty = random.nextInt(5) == 0;
        out.write('[');
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            if (pretty) {
                out.writeBytes(new byte[] {'\n', ' ', ' '});
            }
            out.writeBytes(texts.get(i));
        }
        if (pretty) {
            out.write('\n');
        }
        out.write(']');
        return out.toByteArray();
    }

    // ---- records

    private ObjectNode goodRecord() {
        return receivedEvent(goodAgency(), "fz-" + tag + "-" + (++serial), "FZ-" + tag + "-" + serial);
    }

    /** A valid RECEIVED of a fresh dossier under the bad-record agency: the base that bad classes break. */
    private ObjectNode badBase() {
        return receivedEvent(badAgency(), "fzx-" + tag + "-" + (++serial), "FZX-" + tag + "-" + serial);
    }

    private ObjectNode receivedEvent(String agency, String eventId, String dossier) {
        ReferenceData.Procedure procedure = reference.procedures().get(random.nextInt(reference.procedures().size()));
        ReferenceData.Unit commune = reference.communes().get(random.nextInt(reference.communes().size()));
        Instant occurred = periodEnd.minus(Duration.ofSeconds(60 + random.nextInt(23 * 3600)));
        ObjectNode o = MAPPER.createObjectNode();
        o.put("schema", "ioc.case.v1");
        o.put("event_id", eventId);
        o.put("dossier_code", dossier);
        o.put("type", "RECEIVED");
        o.put("occurred_at", timestamp(occurred));
        o.put("procedure_code", procedure.code());
        o.put("agency_code", agency);
        o.put("commune_code", commune.code());
        o.put("channel", List.of("DIRECT", "ONLINE", "POSTAL").get(random.nextInt(3)));
        if (random.nextBoolean()) {
            o.put("due_at", timestamp(occurred.plus(Duration.ofDays(1 + random.nextInt(15)))));
        } else {
            ObjectNode d = o.putObject("regulated_duration");
            d.put("value", random.nextInt(16));
            d.put("unit", List.of("WORKING_DAY", "DAY", "HOUR").get(random.nextInt(3)));
        }
        // optional fields, sometimes, so the good records are not all alike
        if (random.nextInt(3) == 0) {
            o.put("field_code", procedure.fieldCode());
        }
        if (random.nextInt(4) == 0) {
            o.put("sequence", random.nextInt(5));
        }
        if (random.nextInt(4) == 0) {
            o.put("status_code", 2);
        }
        if (random.nextInt(4) == 0) {
            o.put("applicant_type", random.nextBoolean() ? "CITIZEN" : "BUSINESS");
        }
        if (random.nextInt(4) == 0) {
            ObjectNode dg = o.putObject("digitisation");
            dg.put("inputs_digitised", random.nextBoolean());
            dg.put("reused_data", random.nextBoolean());
        }
        if (random.nextInt(5) == 0) {
            o.put("x_fuzz_unknown_field", "unknown fields are ignored"); // forward compatibility: still good
        }
        o.put("source_system", "ioc-fuzz");
        return o;
    }

    /** A contract timestamp in one of its valid spellings. */
    private String timestamp(Instant t) {
        OffsetDateTime local = t.atOffset(VN);
        return switch (random.nextInt(5)) {
            case 0 -> SECONDS.format(t.atOffset(ZoneOffset.UTC)); // ...Z
            case 1 -> MINUTES.format(local);
            case 2 -> COMPACT_OFFSET.format(local); // +0700
            case 3 -> FRACTION.format(local);
            default -> SECONDS.format(local);
        };
    }

    private byte[] badRecord(Bad bad, Kind kind) {
        ObjectNode o = badBase();
        String eventId = o.get("event_id").textValue();
        return switch (bad) {
            case MALFORMED_JSON -> utf8(pick(
                    "{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + eventId + "\"",
                    write(o).replace("}", ",}"),
                    write(o).replace('"', '\''),
                    "{schema:\"ioc.case.v1\",event_id:\"" + eventId + "\"}",
                    write(o) + write(o),
                    write(o).replace("\"RECEIVED\"", "NaN"),
                    "}" + write(o),
                    write(o).substring(0, write(o).length() / 2)));
            // as a whole body an array is a batch, not a bad record: arrays only inside arrays and NDJSON lines
            case NOT_OBJECT -> utf8(kind == Kind.OBJECT
                    ? pick("42", "\"" + eventId + "\"", "null", "true", "-1.5e300")
                    : pick("[]", "42", "\"" + eventId + "\"", "null", "true", "[" + write(o) + "]", "-1.5e300"));
            case MISSING_REQUIRED -> {
                String field = pick("schema", "event_id", "dossier_code", "type", "occurred_at");
                switch (random.nextInt(3)) {
                    case 0 -> o.remove(field);
                    case 1 -> o.putNull(field);
                    default -> o.put(field, "");
                }
                yield utf8(write(o));
            }
            case WRONG_TYPE -> {
                switch (random.nextInt(9)) {
                    case 0 -> o.put("sequence", "5");
                    case 1 -> o.put("sequence", 2.0);
                    case 2 -> o.put("sequence", true);
                    case 3 -> o.put("status_code", "3");
                    case 4 -> o.put("status_code", 2.0);
                    case 5 -> regulated(o).put("value", true);
                    case 6 -> regulated(o).put("value", 3.0);
                    case 7 -> o.put("event_id", 12345);
                    default -> o.put("occurred_at", 1740000000L);
                }
                yield utf8(write(o));
            }
            case UNKNOWN_ENUM -> {
                switch (random.nextInt(6)) {
                    case 0 -> o.put("type", "RECIEVED");
                    case 1 -> o.put("type", "received");
                    case 2 -> o.put("channel", "QUAY");
                    case 3 -> regulated(o).put("unit", "WEEK");
                    case 4 -> o.put("schema", "ioc.case.v2");
                    default -> o.put("applicant_type", "ROBOT");
                }
                yield utf8(write(o));
            }
            case BAD_TIMESTAMP -> {
                String field = random.nextInt(4) == 0 ? "due_at" : "occurred_at";
                o.put(field, pick("2026-03-02T09:00:00", "2026-03-02 09:00:00+07:00", "2026-03-02",
                        "1740000000", "2026-02-30T09:00:00+07:00", "2026-13-01T09:00:00+07:00",
                        "2026-03-02T24:61:00+07:00", "2026-03-02T09:00:00+25:00", "02/03/2026 09:00",
                        "2026-03-02T09:00:00+07:00[Asia/Ho_Chi_Minh]"));
                yield utf8(write(o));
            }
            case EXTREME_YEAR -> {
                String field = random.nextInt(4) == 0 ? "due_at" : "occurred_at";
                o.put(field, pick("0001-01-01T00:00:00Z", "0001-01-01T07:00:00+07:00", "9999-12-31T23:59:59Z",
                        "9999-12-31T16:59:59+07:00", "0000-01-01T00:00:00Z"));
                yield utf8(write(o));
            }
            case OUT_OF_RANGE -> {
                switch (random.nextInt(8)) {
                    case 0 -> regulated(o).put("value", Long.MAX_VALUE);
                    case 1 -> regulated(o).put("value", -1);
                    case 2 -> o.put("sequence", Long.MAX_VALUE);
                    case 3 -> o.put("sequence", -1);
                    case 4 -> o.put("sequence", new BigInteger("123456789012345678901234567890"));
                    case 5 -> o.put("status_code", 0);
                    case 6 -> o.put("status_code", 11);
                    default -> regulated(o).put("value", (long) Integer.MAX_VALUE + 1);
                }
                yield utf8(write(o));
            }
            case OVER_LONG -> {
                switch (random.nextInt(5)) {
                    case 0 -> o.put("event_id", eventId + "-" + "e".repeat(129 + random.nextInt(2000)));
                    case 1 -> o.put("dossier_code", o.get("dossier_code").textValue() + "-"
                            + "d".repeat(65 + random.nextInt(2000)));
                    case 2 -> o.put("procedure_code", "p".repeat(10_000 + random.nextInt(90_000)));
                    case 3 -> o.put("source_system", "s".repeat(10_000 + random.nextInt(90_000)));
                    default -> o.put("schema", "ioc.case.v1" + "x".repeat(100 + random.nextInt(1000)));
                }
                yield utf8(write(o));
            }
            case DEEP_NESTING -> {
                int depth = 65 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
                boolean arrays = random.nextBoolean();
                StringBuilder nested = new StringBuilder(depth * 6);
                nested.append((arrays ? "[" : "{\"a\":").repeat(depth)).append('1')
                        .append((arrays ? "]" : "}").repeat(depth));
                String text = write(o);
                yield utf8(text.substring(0, text.length() - 1) + ",\"x_nested\":" + nested + "}");
            }
            case CONTROL_CHARS_ESCAPED -> {
                o.put(pick("dossier_code", "source_system", "commune_code"),
                        o.get("dossier_code").textValue() + "\u0000\u0007\u001b[31m\u007f\u2028");
                yield utf8(write(o));
            }
            case CONTROL_CHARS_RAW -> {
                String text = write(o);
                char c = (char) (1 + random.nextInt(31));
                if (c == '\n' || c == '\r') {
                    c = '\u0001';
                }
                // raw inside a string value: invalid JSON (control characters must be escaped)
                yield utf8(text.replace("\"" + eventId + "\"", "\"" + eventId + c + "\""));
            }
            case INVALID_UTF8 -> {
                byte[][] invalid = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC0,
                        (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88,
                        (byte) 0x80, (byte) 0x80, (byte) 0x80}};
                String text = write(o);
                int at = text.indexOf(eventId) + eventId.length();
                yield concat(utf8(text.substring(0, at)), concat(invalid[random.nextInt(invalid.length)],
                        utf8(text.substring(at))));
            }
            case CONDITIONAL_MISSING -> {
                switch (random.nextInt(4)) {
                    case 0 -> o.remove("agency_code");
                    case 1 -> o.remove("channel");
                    case 2 -> {
                        o.remove("due_at");
                        o.remove("regulated_duration");
                    }
                    default -> o.remove("procedure_code");
                }
                yield utf8(write(o));
            }
            // the record itself is valid: the BOM in front of the body is what is tested
            case BOM -> utf8(write(o));
            case DUPLICATE -> throw new IllegalStateException("duplicates are made by the caller");
        };
    }

    private static ObjectNode regulated(ObjectNode o) {
        o.remove("due_at");
        ObjectNode d = o.putObject("regulated_duration");
        d.put("value", 3);
        d.put("unit", "WORKING_DAY");
        return d;
    }

    // ---- whole-request abuses

    private Request abuse(int id, Abuse abuse) {
        String a = write(badBase());
        String b = write(badBase());
        String c = write(badBase());
        List<Item> items;
        byte[] body;
        String type = JSON;
        switch (abuse) {
            case EMPTY_BODY -> {
                body = new byte[0];
                items = List.of();
            }
            case EMPTY_NDJSON_BODY -> {
                body = new byte[0];
                type = NDJSON;
                items = List.of();
            }
            case WHITESPACE_BODY -> {
                body = utf8(" \n\t\r\n ");
                type = random.nextBoolean() ? JSON : NDJSON;
                items = List.of();
            }
            case ONLY_OPEN_BRACKET -> {
                body = utf8("[");
                items = List.of();
            }
            case ARRAY_SYNTAX_ERROR_IN_MIDDLE -> {
                body = utf8("[" + a + ",{\"schema\":\"ioc.case.v1\",\"event_id\":},"  + b + "," + c + "]");
                items = abuseItems(4);
            }
            case ARRAY_NOT_CLOSED -> {
                body = utf8("[" + a + "," + b);
                items = abuseItems(2);
            }
            case CONTENT_AFTER_ARRAY -> {
                body = utf8("[" + a + "," + b + "]" + c);
                items = abuseItems(3);
            }
            case BOM_ARRAY -> {
                body = concat(BOM, utf8("[" + a + "," + b + "]"));
                items = abuseItems(2);
            }
            case ARRAY_WITH_DEEP_ELEMENT -> {
                body = utf8("[" + a + "," + "[".repeat(5000) + "]".repeat(5000) + "," + b + "]");
                items = abuseItems(3);
            }
            case JSON_BODY_INVALID_UTF8 -> {
                body = concat(utf8("[" + a + ",\"caf"), concat(new byte[] {(byte) 0xC3, (byte) 0x28},
                        utf8("\"," + b + "]")));
                items = abuseItems(3);
            }
            default -> throw new IllegalStateException(abuse.name());
        }
        recordsGenerated += items.size();
        return new Request(id, "abuse", type, body, items, abuse.label());
    }

    private static List<Item> abuseItems(int n) {
        List<Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new Item(i, "abuse_record", null));
        }
        return items;
    }

    // ---- helpers

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String write(ObjectNode o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** All classes, for the report's per-class lines (good first, then the bad classes, then abuse records). */
    static List<String> classLabels() {
        Set<String> labels = new LinkedHashSet<>();
        labels.add("good");
        for (Bad b : Bad.values()) {
            labels.add(b.label());
        }
        labels.add("abuse_record");
        return List.copyOf(labels);
    }
}
