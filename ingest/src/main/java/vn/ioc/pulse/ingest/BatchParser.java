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
            return parseArray(text);
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

    private static List<RawRecord> parseArray(String text) {
        List<RawRecord> records = new ArrayList<>();
        int index = 0;
        try (JsonParser parser = MAPPER.createParser(text)) {
            parser.nextToken();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    records.add(new RawRecord(index, null, "", "malformed JSON: array not closed after element " + index));
                    break;
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
            records.add(new RawRecord(index, null, text.length() > 4096 ? text.substring(0, 4096) : text,
                    "malformed JSON at array element " + index + ": " + msg));
        }
        return records;
    }

    private static String decodeUtf8(byte[] body) throws BodyException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new BodyException("body is not valid UTF-8: " + e.getMessage());
        }
    }
}
