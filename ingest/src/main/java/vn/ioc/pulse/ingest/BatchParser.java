package vn.ioc.pulse.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import vn.ioc.pulse.model.EventCodec;

/**
 * Splits a request body into records: one JSON object, a JSON array of objects, or NDJSON (one object per line,
 * blank lines skipped). A record's {@code index} is its 0-based position in the array, or its 0-based line number
 * in NDJSON. A record that is not parseable JSON is returned with its error, so the good ones still go through.
 */
public final class BatchParser {
    private static final ObjectMapper MAPPER = EventCodec.mapper();
    /** Reads one array element from a running parser (the rest of the array follows, so no trailing-token check). */
    private static final ObjectReader ELEMENT_READER = MAPPER.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private BatchParser() {
    }

    /** One record of a batch: either {@code json} (parsed) or {@code error} is set; {@code raw} is its text. */
    public record RawRecord(int index, JsonNode json, String raw, String error) {
    }

    /** Thrown when the body as a whole cannot be read (empty, not UTF-8). */
    public static final class BodyException extends Exception {
        public BodyException(String message) {
            super(message);
        }
    }

    public static List<RawRecord> parse(byte[] body, boolean ndjson) throws BodyException {
        String text = decodeUtf8(body);
        if (text.isBlank()) {
            throw new BodyException("empty body: send one JSON object, a JSON array, or NDJSON lines");
        }
        String trimmed = text.stripLeading();
        if (!ndjson && trimmed.startsWith("[")) {
            return parseArray(trimmed);
        }
        if (!ndjson) {
            try {
                JsonNode single = MAPPER.readTree(text);
                return List.of(new RawRecord(0, single, text.strip(), null));
            } catch (JsonProcessingException e) {
                if (text.strip().indexOf('\n') < 0) {
                    return List.of(new RawRecord(0, null, text.strip(), "malformed JSON: " + e.getOriginalMessage()));
                }
                // several lines without the NDJSON content type: read them as NDJSON
            }
        }
        return parseLines(text);
    }

    private static List<RawRecord> parseLines(String text) {
        List<RawRecord> records = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            records.add(line(i, line));
        }
        return records;
    }

    /** One NDJSON line (not blank) as a record; {@code index} is its 0-based line number. */
    static RawRecord line(int index, String line) {
        try {
            return new RawRecord(index, MAPPER.readTree(line), line, null);
        } catch (JsonProcessingException e) {
            return new RawRecord(index, null, line, "malformed JSON on line " + (index + 1) + ": "
                    + e.getOriginalMessage());
        }
    }

    /**
     * The elements of a JSON array. A syntax error anywhere in the array (or an array never closed) fails the whole
     * body: after a syntax error the parser cannot tell where the following elements begin, so none of them is
     * accepted and the answer (400) says so — never some elements accepted and the rest uncounted.
     */
    private static List<RawRecord> parseArray(String text) throws BodyException {
        List<RawRecord> records = new ArrayList<>();
        int index = 0;
        try (JsonParser parser = MAPPER.createParser(text)) {
            parser.nextToken();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new BodyException("malformed JSON: the array is not closed after element " + index
                            + "; nothing in this request was accepted: fix it and resend the whole array");
                }
                JsonNode element = ELEMENT_READER.readValue(parser);
                records.add(new RawRecord(index, element, element.toString(), null));
                index++;
            }
            if (parser.nextToken() != null) {
                records.add(new RawRecord(index, null, text.substring((int) Math.min(text.length(),
                        parser.currentTokenLocation().getCharOffset())),
                        "content after the closing ']' of the JSON array: send one array, one object, or NDJSON"));
            }
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BodyException("malformed JSON at array element " + index + ": " + msg + "; nothing in this "
                    + "request was accepted (the elements after a syntax error cannot be told apart): fix it and "
                    + "resend the whole array");
        }
        return records;
    }

    /** A UTF-8 byte-order mark some Windows tools put first: ignored at the start of a body. */
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Length of a leading UTF-8 byte-order mark in {@code data[from, to)}: 3 or 0. */
    static int bomLength(byte[] data, int from, int to) {
        return to - from >= 3 && data[from] == BOM[0] && data[from + 1] == BOM[1] && data[from + 2] == BOM[2] ? 3 : 0;
    }

    private static String decodeUtf8(byte[] body) throws BodyException {
        try {
            int skip = bomLength(body, 0, body.length);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, skip, body.length - skip)).toString();
        } catch (CharacterCodingException e) {
            throw new BodyException("body is not valid UTF-8: " + e.getMessage());
        }
    }
}
