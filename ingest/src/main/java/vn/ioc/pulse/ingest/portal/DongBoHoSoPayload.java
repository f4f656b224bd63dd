package vn.ioc.pulse.ingest.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import vn.ioc.pulse.ingest.BatchParser.BodyException;
import vn.ioc.pulse.model.EventCodec;

/**
 * Reads the envelope of the national portal's dossier sync request:
 * {@code {"service":"DongBoHoSoMC","isUpdating":true|false,"data":[snapshot, …]}}. {@code isUpdating} is
 * informational (a snapshot is a state either way). A body that is not such an envelope is a
 * {@link BodyException}; the snapshots themselves are checked one by one by {@link DongBoHoSoMapper}.
 */
public final class DongBoHoSoPayload {
    /** The only accepted value of {@code service} (when present). */
    public static final String SERVICE = "DongBoHoSoMC";

    private DongBoHoSoPayload() {
    }

    /** One dossier snapshot: its 0-based position in {@code data}, the parsed value and its JSON text. */
    public record Snapshot(int index, JsonNode json, String raw) {
    }

    public static List<Snapshot> parse(byte[] body) throws BodyException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new BodyException("body is not valid UTF-8: " + e.getMessage());
        }
        if (text.isBlank()) {
            throw new BodyException("empty body: send {\"service\":\"DongBoHoSoMC\",\"data\":[…]}");
        }
        JsonNode root;
        try {
            root = EventCodec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new BodyException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BodyException("the body must be a JSON object {\"service\":\"DongBoHoSoMC\",\"data\":[…]}");
        }
        JsonNode service = root.get("service");
        if (service != null && !service.isNull() && !(service.isTextual() && SERVICE.equals(service.textValue()))) {
            throw new BodyException("field 'service': expected \"" + SERVICE + "\", got " + service);
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw new BodyException("field 'data': required, a JSON array of dossier snapshots");
        }
        List<Snapshot> snapshots = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            snapshots.add(new Snapshot(i, data.get(i), data.get(i).toString()));
        }
        return snapshots;
    }
}
