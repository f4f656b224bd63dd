package vn.ioc.pulse.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.records.Contribution;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.jobs.records.Measure;
import vn.ioc.pulse.jobs.rules.DossierRules;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.CaseEventType;
import vn.ioc.pulse.model.WorkingCalendar;

/** The dossier operator with Flink's test harness: dedup, retractions, and state/timer hygiene. */
class DossierProcessorHarnessTest {
    static final long RETENTION = Duration.ofDays(35).toMillis();
    static final Instant MON_9 = OffsetDateTime.parse("2026-03-02T09:00:00+07:00").toInstant();
    static final Instant TUE_10 = OffsetDateTime.parse("2026-03-03T10:00:00+07:00").toInstant();

    KeyedOneInputStreamOperatorTestHarness<String, DossierInput, ContributionBatch> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DossierProcessor(new DossierRules(WorkingCalendar.load(), "SL"), RETENTION)),
                DossierInput::dossierCode, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    static DossierInput event(String id, CaseEventType type, Instant at) {
        boolean rcv = type == CaseEventType.RECEIVED;
        return DossierInput.of(new CaseEvent(id, "d1", type, at, 0, null, rcv ? "2.000815" : null, null,
                rcv ? "STP" : null, null, rcv ? CaseEvent.Channel.ONLINE : null, null, null, null, null,
                rcv ? new CaseEvent.RegulatedDuration(3, CaseEvent.DurationUnit.WORKING_DAY) : null, null, null, null,
                null, null));
    }

    void send(DossierInput in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.at().toEpochMilli()));
    }

    List<Contribution> drain() {
        List<Contribution> out = new java.util.ArrayList<>();
        harness.extractOutputValues().forEach(b -> out.addAll(b.contributions()));
        harness.getOutput().clear();
        return out;
    }

    @Test
    @DisplayName("a duplicate event_id emits nothing, even with other content")
    void duplicateIsIgnored() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        assertThat(drain()).isNotEmpty();
        send(event("e1", CaseEventType.RESOLVED, TUE_10));
        assertThat(drain()).isEmpty();
    }

    @Test
    @DisplayName("a new event retracts the old contributions it changes: the open gauge ends at the resolution")
    void retractsOnChange() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        drain();
        send(event("e2", CaseEventType.RESOLVED, TUE_10));
        List<Contribution> out = drain();
        assertThat(out).contains(new Contribution("province", "SL", Measure.OPEN, TUE_10.toEpochMilli(),
                TUE_10.toEpochMilli(), -1));
        assertThat(out).contains(new Contribution("province", "SL", Measure.RESOLVED, TUE_10.toEpochMilli(),
                TUE_10.toEpochMilli(), 1));
        long net = out.stream().filter(c -> c.measure() == Measure.RECEIVED).mapToLong(Contribution::weight).sum();
        assertThat(net).as("the receipt itself does not change").isZero();
    }

    @Test
    @DisplayName("an ended dossier's state and timer are cleared after the retention; an open one is kept")
    void stateClearedAfterRetention() throws Exception {
        send(event("e1", CaseEventType.RECEIVED, MON_9));
        assertThat(harness.numEventTimeTimers()).as("open dossiers have no retention timer").isZero();
        harness.processWatermark(TUE_10.toEpochMilli() - 1);
        assertThat(harness.numKeyedStateEntries()).as("open dossier kept").isPositive();

        send(event("e2", CaseEventType.RESOLVED, TUE_10));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(TUE_10.toEpochMilli() + RETENTION - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.processWatermark(TUE_10.toEpochMilli() + RETENTION);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
