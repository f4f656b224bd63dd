package vn.ioc.pulse.jobs.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.KpiValue;
import vn.ioc.pulse.store.KpiHistoryStore;

/**
 * Writes KPI values to the KPI history store (InfluxDB) in batches: when {@code batchSize} points are buffered,
 * every {@code flushIntervalMs}, and before every checkpoint. A failed write is retried with exponential backoff;
 * after {@code maxAttempts} the job fails and restarts from its last checkpoint. Delivery: at-least-once, and
 * idempotent because a point with the same series and time overwrites the previous one.
 */
public final class InfluxKpiSink implements Sink<KpiValue> {
    private final SerializableSupplier<KpiHistoryStore> storeFactory;
    private final int batchSize;
    private final long flushIntervalMs;
    private final int maxAttempts;

    public InfluxKpiSink(SerializableSupplier<KpiHistoryStore> storeFactory, int batchSize, long flushIntervalMs,
                         int maxAttempts) {
        this.storeFactory = storeFactory;
        this.batchSize = batchSize;
        this.flushIntervalMs = flushIntervalMs;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public SinkWriter<KpiValue> createWriter(WriterInitContext context) {
        return new Writer(storeFactory.get(), context.getProcessingTimeService());
    }

    private final class Writer implements SinkWriter<KpiValue> {
        private final Logger log = LoggerFactory.getLogger(InfluxKpiSink.class);
        private final KpiHistoryStore store;
        private final ProcessingTimeService timers;
        /** Buffered points by series and time: a newer value of the same point replaces the older one. */
        private final Map<String, KpiValue> buffer = new LinkedHashMap<>();
        private IOException asyncFailure;

        Writer(KpiHistoryStore store, ProcessingTimeService timers) {
            this.store = store;
            this.timers = timers;
            scheduleFlush();
        }

        private void scheduleFlush() {
            timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMs, t -> {
                try {
                    writeBuffer();
                } catch (IOException e) {
                    asyncFailure = e;
                }
                scheduleFlush();
            });
        }

        @Override
        public void write(KpiValue value, Context context) throws IOException {
            rethrow();
            buffer.put(value.key() + "@" + value.asOf().toEpochMilli(), value);
            if (buffer.size() >= batchSize) {
                writeBuffer();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            rethrow();
            writeBuffer();
        }

        private void rethrow() throws IOException {
            if (asyncFailure != null) {
                throw asyncFailure;
            }
        }

        private void writeBuffer() throws IOException {
            if (buffer.isEmpty()) {
                return;
            }
            ArrayList<KpiValue> batch = new ArrayList<>(buffer.values());
            long backoffMs = 100;
            for (int attempt = 1; ; attempt++) {
                try {
                    store.write(batch);
                    buffer.clear();
                    return;
                } catch (RuntimeException e) {
                    if (attempt >= maxAttempts) {
                        throw new IOException("KPI history write of " + batch.size() + " points failed after "
                                + attempt + " attempts", e);
                    }
                    log.warn("KPI history write of {} points failed (attempt {}/{}), retrying in {} ms: {}",
                            batch.size(), attempt, maxAttempts, backoffMs, e.toString());
                    try {
                        Thread.sleep(backoffMs);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while retrying a KPI history write", ie);
                    }
                    backoffMs = Math.min(backoffMs * 2, 5_000);
                }
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
