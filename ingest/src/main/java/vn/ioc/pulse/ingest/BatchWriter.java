package vn.ioc.pulse.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.RecordTooLargeException;
import vn.ioc.pulse.ingest.BatchParser.RawRecord;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.ValidationException;

/**
 * The records of one request on their way to Kafka: each is validated and either sent to its event topic or
 * rejected (answered with its index and the field at fault, and sent with the reason to the dead-letter topic).
 * Keeps only counts and the rejections, never the accepted records, so a streamed body of any size costs constant
 * memory besides the producer's buffer. Used from one thread at a time (a worker thread of the request).
 */
public final class BatchWriter {
    private final EventPublisher publisher;
    private final String source;
    private final int maxRecords;
    private final int maxLineBytes;
    private final List<ObjectNode> rejected = new ArrayList<>();
    private final Acks acks = new Acks();
    private int accepted;
    private int events;
    private int records;
    private int nextLine;
    /** Strict UTF-8 (a malformed line is rejected, not repaired); one per writer, as the writer is single-threaded. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public BatchWriter(EventPublisher publisher, String source, int maxRecords, int maxLineBytes) {
        this.publisher = publisher;
        this.source = source;
        this.maxRecords = maxRecords;
        this.maxLineBytes = maxLineBytes;
    }

    /** Validates one parsed record and sends it, or rejects it. */
    void accept(RawRecord r) throws Exception {
        countRecord();
        String error = r.error();
        String field = null;
        if (error == null) {
            try {
                IocEvent event = EventCodec.parse(r.json());
                send(publisher.publish(event, r.raw()));
                accepted++;
                events++;
                return;
            } catch (ValidationException e) {
                error = e.getMessage();
                field = e.field();
            } catch (RecordTooLargeException e) {
                error = "record of " + r.raw().length() + " chars is larger than Kafka accepts (" + e.getMessage()
                        + ")";
            }
        }
        reject(r.index(), field, error, r.raw());
    }

    /**
     * Accepts the NDJSON lines in {@code data[from, to)}, a run of whole lines of a streamed body (the last one may
     * lack its newline only at the end of the body). Lines are numbered on from the previous call, 0-based, blank
     * lines included in the numbering but skipped.
     */
    public void acceptLines(byte[] data, int from, int to) throws Exception {
        int start = from;
        if (nextLine == 0 && records == 0) {
            start += BatchParser.bomLength(data, from, to); // a leading byte-order mark is ignored
        }
        while (start < to) {
            int end = start;
            while (end < to && data[end] != '\n') {
                end++;
            }
            int index = nextLine++;
            int stop = end > start && data[end - 1] == '\r' ? end - 1 : end;
            if (!isBlank(data, start, stop)) {
                if (stop - start > maxLineBytes) {
                    countRecord();
                    reject(index, null, "line " + (index + 1) + " is " + (stop - start) + " bytes; the limit is "
                            + maxLineBytes + " bytes per record", utf8Lenient(data, start, Math.min(stop,
                            start + 4 * EventPublisher.MAX_DEAD_LETTER_INPUT)));
                } else {
                    accept(line(index, data, start, stop));
                }
            }
            start = end + 1;
        }
    }

    private RawRecord line(int index, byte[] data, int from, int to) {
        try {
            String text = utf8.decode(ByteBuffer.wrap(data, from, to - from)).toString();
            return BatchParser.line(index, text);
        } catch (CharacterCodingException e) {
            return new RawRecord(index, null, utf8Lenient(data, from, to),
                    "line " + (index + 1) + " is not valid UTF-8: " + e.getMessage());
        }
    }

    private static String utf8Lenient(byte[] data, int from, int to) {
        return new String(data, from, to - from, StandardCharsets.UTF_8);
    }

    private static boolean isBlank(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Sends already-validated events that together make one accepted record (a portal snapshot's events). */
    void acceptDerived(List<IocEvent> parsed, List<String> json) throws Exception {
        countRecord();
        for (int i = 0; i < parsed.size(); i++) {
            send(publisher.publish(parsed.get(i), json.get(i)));
        }
        accepted++;
        events += parsed.size();
    }

    /** Answers a record as rejected and writes it with the reason to the dead-letter topic. */
    void reject(int index, String field, String error, String raw) throws Exception {
        IngestMetrics.rejected(field);
        rejected.add(IngestVerticle.rejection(index, field, error));
        send(List.of(publisher.deadLetter(source, raw, index, field, error)));
    }

    /** Records seen so far (accepted and rejected; blank lines are not records). */
    int records() {
        return records;
    }

    /** Counts one more record (rejected ones included) against the per-request limit. */
    void countRecord() throws TooLarge {
        if (++records > maxRecords) {
            throw new TooLarge("more than " + maxRecords + " records in one request; the limit is " + maxRecords
                    + " (records before the limit may already be in Kafka: resending is safe, duplicates are ignored)");
        }
    }

    /**
     * Tracks sends; one that failed at once (Kafka unreachable: no metadata within the timeout, or the buffer full)
     * fails the whole request now, so a request costs one Kafka timeout, not one per record.
     */
    private void send(List<CompletableFuture<Void>> sent) throws Exception {
        for (CompletableFuture<Void> f : sent) {
            if (f.isCompletedExceptionally()) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            acks.track(f);
        }
    }

    /** Closes the request: the answer, and a future completing once Kafka acknowledged every send (or one failed). */
    public Result finish() {
        IngestMetrics.accepted(accepted);
        return new Result(accepted, events, List.copyOf(rejected), acks.close());
    }

    /** What a request's records came to. */
    public record Result(int accepted, int events, List<ObjectNode> rejected, CompletableFuture<Void> acks) {
        public ObjectNode answer() {
            ObjectNode o = EventCodec.mapper().createObjectNode();
            o.put("accepted", accepted);
            ArrayNode list = o.putArray("rejected");
            rejected.forEach(list::add);
            return o;
        }
    }

    /** Thrown when a request exceeds a size or record limit (answered 413). */
    static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message);
        }
    }

    /** Counts outstanding acknowledgements instead of keeping every future. */
    private static final class Acks {
        private final AtomicInteger pending = new AtomicInteger(1); // 1 = still open for more sends
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CompletableFuture<Void> all = new CompletableFuture<>();

        void track(CompletableFuture<Void> f) {
            pending.incrementAndGet();
            f.whenComplete((v, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e instanceof CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                }
                release();
            });
        }

        CompletableFuture<Void> close() {
            release();
            return all;
        }

        private void release() {
            if (pending.decrementAndGet() == 0) {
                Throwable e = failure.get();
                if (e == null) {
                    all.complete(null);
                } else {
                    all.completeExceptionally(e);
                }
            }
        }
    }
}
