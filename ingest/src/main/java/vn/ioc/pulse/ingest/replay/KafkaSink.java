package vn.ioc.pulse.ingest.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import vn.ioc.pulse.ingest.BatchWriter;
import vn.ioc.pulse.ingest.EventPublisher;
import vn.ioc.pulse.ingest.IngestConfig;

/**
 * Writes batches straight to Kafka with the gateway's own validation and publisher ({@link BatchWriter}): same
 * topics, keys, dead letters and acknowledgements as the gateway, without HTTP. For loading history on the
 * Kafka network; a batch that Kafka did not acknowledge is written again (duplicates are ignored downstream).
 */
final class KafkaSink implements ReplaySink {
    private static final int ATTEMPTS = 5;

    private final String bootstrap;
    private final EventPublisher publisher;

    KafkaSink(String bootstrap) {
        this.bootstrap = bootstrap;
        this.publisher = new EventPublisher(new IngestConfig(0, bootstrap, Long.MAX_VALUE, Integer.MAX_VALUE, 30_000));
    }

    @Override
    public String describe() {
        return "Kafka " + bootstrap;
    }

    @Override
    public Answer send(byte[] ndjson) throws Exception {
        for (int attempt = 1; ; attempt++) {
            BatchWriter writer = new BatchWriter(publisher, "replay", Integer.MAX_VALUE, 1 << 20);
            try {
                writer.acceptLines(ndjson, 0, ndjson.length);
                BatchWriter.Result result = writer.finish();
                result.acks().get(60, TimeUnit.SECONDS);
                List<Rejection> rejected = new ArrayList<>();
                result.rejected().forEach(r -> rejected.add(new Rejection(r.path("index").asInt(),
                        r.path("error").asText())));
                return new Answer(result.accepted(), rejected);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                long backoff = 1000L << attempt;
                System.err.printf("%n[replay] Kafka did not acknowledge (%s), writing the batch again in %d ms%n", e,
                        backoff);
                Thread.sleep(backoff); // back-off before resending the batch while Kafka recovers
            }
        }
    }

    @Override
    public void close() {
        publisher.close();
    }
}
