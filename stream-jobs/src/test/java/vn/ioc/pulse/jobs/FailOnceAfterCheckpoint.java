package vn.ioc.pulse.jobs;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import vn.ioc.pulse.jobs.records.Envelope;

/**
 * Failure injection: on the first attempt only, throws on the {@code afterRecords}-th record after the first
 * completed checkpoint, so the job must restore from that checkpoint and replay. No static state: the attempt
 * number tells a restarted task apart.
 */
final class FailOnceAfterCheckpoint extends RichMapFunction<Envelope, Envelope> implements CheckpointListener {
    private final int afterRecords;
    private transient volatile boolean checkpointed;
    private transient int seenSinceCheckpoint;
    private transient boolean firstAttempt;

    FailOnceAfterCheckpoint(int afterRecords) {
        this.afterRecords = afterRecords;
    }

    /** Accumulator counting tasks that run as a restored attempt (proves the failure and restore happened). */
    static final String RESTORED_ATTEMPTS = "restoredAttempts";

    @Override
    public void open(OpenContext openContext) {
        firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
        org.apache.flink.api.common.accumulators.IntCounter restored = new org.apache.flink.api.common.accumulators.IntCounter();
        getRuntimeContext().addAccumulator(RESTORED_ATTEMPTS, restored);
        if (!firstAttempt) {
            restored.add(1);
        }
    }

    @Override
    public Envelope map(Envelope e) {
        if (firstAttempt && checkpointed && ++seenSinceCheckpoint >= afterRecords) {
            throw new IllegalStateException("injected failure after a completed checkpoint");
        }
        return e;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
