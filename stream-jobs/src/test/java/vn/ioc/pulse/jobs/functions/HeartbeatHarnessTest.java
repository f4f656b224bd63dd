package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.KpiFormulas;
import vn.ioc.pulse.model.KpiCatalog;
import vn.ioc.pulse.model.KpiValue;

/**
 * The job's heartbeat (scope-kpis, {@code withHeartbeat}): while live, a minute of event time in which nothing of the
 * province changed publishes the province's backlog again with the new as_of and the next seq; a minute with a change
 * publishes only the change; replayed history (event time far behind the wall clock) publishes no heartbeat. Times by
 * hand: Mon 2/3/2026 09:00 +07:00, one dossier open from 09:00.
 */
@DisplayName("scope-kpis heartbeat: quiet live minutes re-publish the province backlog, nothing else changes")
class HeartbeatHarnessTest {
    static final long MIN = SeqHarnessTest.MIN;
    static final long MON_9 = SeqHarnessTest.MON_9;
    static final String BACKLOG = "backlog/province/SL/live";
    KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> h;

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    void send(Measure m, long at, long weight) throws Exception {
        SeqHarnessTest.sendToProvince(h, m, at, weight);
    }

    @Test
    @DisplayName("quiet minutes: backlog 1 again with seq 2, 3 and the new as_of; a change instead of a beat; none in a replay")
    void heartbeat() throws Exception {
        KpiCatalog catalog = KpiCatalog.load();
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ScopeAggregator(
                KpiFormulas.from(catalog), KpiFormulas.status(catalog), 0).withHeartbeat(MIN)),
                ContributionBatch::scopeKey, Types.STRING);
        h.open();
        // live: the wall clock is the event time
        h.setProcessingTime(MON_9);
        send(Measure.RECEIVED, MON_9, 1);
        send(Measure.OPEN, MON_9, 1);
        h.processWatermark(MON_9 + 30_000);
        Map<String, KpiValue> first = SeqHarnessTest.drain(h);
        assertThat(first.get(BACKLOG).value()).isEqualTo(1.0);
        assertThat(first.get(BACKLOG).seq()).isEqualTo(1);

        // 09:03, nothing changed since 09:00:30 → the 09:01 beat: backlog 1, seq 2, as of 09:03; nothing else
        h.setProcessingTime(MON_9 + 3 * MIN);
        h.processWatermark(MON_9 + 3 * MIN);
        Map<String, KpiValue> quiet = SeqHarnessTest.drain(h);
        assertThat(quiet).containsOnlyKeys(BACKLOG);
        assertThat(quiet.get(BACKLOG).value()).isEqualTo(1.0);
        assertThat(quiet.get(BACKLOG).seq()).isEqualTo(2);
        assertThat(quiet.get(BACKLOG).asOf()).isEqualTo(Instant.ofEpochMilli(MON_9 + 3 * MIN));
        // 09:04 → the next beat, seq 3
        h.setProcessingTime(MON_9 + 4 * MIN);
        h.processWatermark(MON_9 + 4 * MIN);
        assertThat(SeqHarnessTest.drain(h).get(BACKLOG).seq()).isEqualTo(3);

        // a second dossier at 09:04:30, watermark 09:05: backlog 2 is a change (seq 4), no extra beat
        h.setProcessingTime(MON_9 + 5 * MIN);
        send(Measure.OPEN, MON_9 + 4 * MIN + 30_000, 1);
        h.processWatermark(MON_9 + 5 * MIN);
        Map<String, KpiValue> change = SeqHarnessTest.drain(h);
        assertThat(change.get(BACKLOG).value()).isEqualTo(2.0);
        assertThat(change.get(BACKLOG).seq()).isEqualTo(4);

        // history replayed: the wall clock a day ahead of the event time → no beat, the chain stops
        h.setProcessingTime(MON_9 + 24 * 60 * MIN);
        h.processWatermark(MON_9 + 10 * MIN);
        assertThat(SeqHarnessTest.drain(h)).isEmpty();
        h.processWatermark(MON_9 + 20 * MIN);
        assertThat(SeqHarnessTest.drain(h)).isEmpty();
    }
}
