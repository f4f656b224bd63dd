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
 * Writes KPI values to the KPI history store (InfluxDB) for charts: at most one point per series per minute of
 * event time — the last value of that minute, stamped with its as_of — plus the values pending at a checkpoint.
 * A minute is written once a later minute has been seen (checked every {@code flushIntervalMs}), or when
 * {@code batchSize} minutes are waiting, and everything is written before every checkpoint. A failed write is
 * retried with exponential backoff; after {@code maxAttempts} the job fails and restarts from its last checkpoint.
 * Delivery: at-least-once, and idempotent because a point with the same series and time overwrites the previous
 * one. Live values go to the KPI topic unthinned; this is history only.
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
        /** The last value of each series in each minute not written yet, by series@minute. */
        private final Map<String, KpiValue> buffer = new LinkedHashMap<>();
        /** The latest event-time minute seen: earlier minutes are complete. */
        private long latestMinute = Long.MIN_VALUE;
        private IOException asyncFailure;

        Writer(KpiHistoryStore store, ProcessingTimeService timers) {
            this.store = store;
            this.timers = timers;
            scheduleFlush();
        }

        private void scheduleFlush() {
            timers.registerTimer(timers.getCurrentProcessingTime() + flushIntervalMs, t -> {
                try {
                    writeBuffer(false);
                } catch (IOException e) {
                    asyncFailure = e;
                }
                scheduleFlush();
            });
        }

        @Override
        public void write(KpiValue value, Context context) throws IOException {
            rethrow();
            long minute = Math.floorDiv(value.asOf().toEpochMilli(), 60_000L);
            latestMinute = Math.max(latestMinute, minute);
            buffer.put(value.key() + "@" + minute, value);
            if (buffer.size() >= batchSize) {
                writeBuffer(true);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            rethrow();
            writeBuffer(true);
        }

        private void rethrow() throws IOException {
            if (asyncFailure != null) {
                throw asyncFailure;
            }
        }

        /** Writes the completed minutes, or everything when {@code all}. */
        private void writeBuffer(boolean all) throws IOException {
            ArrayList<KpiValue> batch = new ArrayList<>();
            ArrayList<String> keys = new ArrayList<>();
            for (Map.Entry<String, KpiValue> e : buffer.entrySet()) {
                if (all || Math.floorDiv(e.getValue().asOf().toEpochMilli(), 60_000L) < latestMinute) {
                    batch.add(e.getValue());
                    keys.add(e.getKey());
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            long backoffMs = 100;
            for (int attempt = 1; ; attempt++) {
                try {
                    store.write(batch);
                    keys.forEach(buffer::remove);
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
