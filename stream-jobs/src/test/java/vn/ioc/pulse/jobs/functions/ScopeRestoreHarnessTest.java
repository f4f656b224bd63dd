package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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
 * Found by {@code ./ioc chaos influxd-down} (126 KPI keys frozen after a run of restores): after a restore the
 * sources' watermark starts again below the clock a scope had reached, so a step fired then found "this instant is
 * already published" and returned without a next timer — the contributions waiting in the scope were never counted
 * unless another batch came for it. Hand-worked: Mon 2/3/2026, received 09:00, clock 10:00 → today 1; restored with
 * the watermark at 09:40, a received dated 09:30 arrives; once the clock passes 10:00 again today is 2 (seq 2).
 */
@DisplayName("scope-kpis after a restore: contributions that arrive while the watermark is below the scope's clock are published once it passes")
class ScopeRestoreHarnessTest {
    static final long MIN = SeqHarnessTest.MIN;
    static final long MON_9 = SeqHarnessTest.MON_9;
    static final String TODAY = SeqHarnessTest.TODAY;
    private final java.util.List<KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue>> opened =
            new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : opened) {
            h.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ContributionBatch, KpiValue> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        KpiCatalog catalog = KpiCatalog.load();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ScopeAggregator(
                KpiFormulas.from(catalog), KpiFormulas.status(catalog), 0)), ContributionBatch::scopeKey, Types.STRING);
        opened.add(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    @Test
    @DisplayName("a late contribution after a restore, with the restarted watermark below the scope's clock, is published when the clock passes it")
    void lateContributionAfterRestore() throws Exception {
        var h = harness(null);
        SeqHarnessTest.sendToProvince(h, Measure.RECEIVED, MON_9, 1);
        h.processWatermark(MON_9 + 60 * MIN);
        assertThat(SeqHarnessTest.drain(h).get(TODAY).value()).isEqualTo(1.0);
        OperatorSubtaskState snapshot = h.snapshot(1L, MON_9 + 60 * MIN);

        var restored = harness(snapshot);
        restored.processWatermark(MON_9 + 40 * MIN);            // the sources' watermark restarts below 10:00
        SeqHarnessTest.sendToProvince(restored, Measure.RECEIVED, MON_9 + 30 * MIN, 1);
        restored.processWatermark(MON_9 + 50 * MIN);            // still below the scope's clock: nothing new yet
        assertThat(SeqHarnessTest.drain(restored)).doesNotContainKey(TODAY);
        restored.processWatermark(MON_9 + 90 * MIN);            // past it: the 09:30 receipt counts
        Map<String, KpiValue> after = SeqHarnessTest.drain(restored);
        assertThat(after).containsKey(TODAY);
        assertThat(after.get(TODAY).value()).isEqualTo(2.0);
        assertThat(after.get(TODAY).seq()).isEqualTo(2);
        assertThat(after.get(TODAY).asOf().toEpochMilli()).isEqualTo(MON_9 + 90 * MIN);
    }
}
