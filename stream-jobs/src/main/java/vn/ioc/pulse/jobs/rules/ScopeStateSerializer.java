package vn.ioc.pulse.jobs.rules;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Flink state serializer of {@link ScopeState}: a compact explicit binary form, no Kryo. */
public final class ScopeStateSerializer extends TypeSerializerSingleton<ScopeState> {
    public static final ScopeStateSerializer INSTANCE = new ScopeStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ScopeState createInstance() {
        return new ScopeState();
    }

    @Override
    public ScopeState copy(ScopeState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            from.write(out);
            return ScopeState.read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy scope state", e);
        }
    }

    @Override
    public ScopeState copy(ScopeState from, ScopeState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ScopeState record, DataOutputView target) throws IOException {
        record.write(target);
    }

    @Override
    public ScopeState deserialize(DataInputView source) throws IOException {
        return ScopeState.read(source);
    }

    @Override
    public ScopeState deserialize(ScopeState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ScopeState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot for savepoint compatibility. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ScopeState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
