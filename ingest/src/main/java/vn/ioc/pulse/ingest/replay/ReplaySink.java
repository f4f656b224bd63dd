package vn.ioc.pulse.ingest.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Where a replay sends its batches of NDJSON lines: the ingest gateway, or Kafka directly. */
interface ReplaySink extends AutoCloseable {

    /**
     * Sends one batch (NDJSON, one event per line) and returns once every accepted line and every rejection is
     * durably in Kafka; retries transient refusals itself.
     */
    Answer send(byte[] ndjson) throws Exception;

    /** Where the sink sends to, for messages. */
    String describe();

    @Override
    default void close() {
    }

    /** The gateway's answer shape: accepted count and the rejected lines by 0-based index in the batch. */
    record Answer(long accepted, List<Rejection> rejected) {
        static Answer of(JsonNode answer) {
            List<Rejection> rejections = new ArrayList<>();
            for (JsonNode r : answer.path("rejected")) {
                rejections.add(new Rejection(r.path("index").asInt(), r.path("error").asText()));
            }
            return new Answer(answer.path("accepted").asLong(), rejections);
        }
    }

    record Rejection(int index, String error) {
    }
}
