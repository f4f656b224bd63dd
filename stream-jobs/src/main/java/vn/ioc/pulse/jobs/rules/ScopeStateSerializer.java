package vn.ioc.pulse.jobs.rules;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink state serializer of {@link ScopeState}: a compact explicit binary form, no Kryo.
 *
 * <p>Versions: the binary form is {@link ScopeState#CURRENT_FORMAT} (2: with the per-key seq counters). State
 * written by the earlier serializer (format 1, no seq counters; its snapshot was a {@code SimpleTypeSerializerSnapshot}
 * of version 3 with no content) is restored with a format-1 reader and migrated ({@code compatibleAfterMigration}):
 * its keys' seqs start at 1 with their next live value.
 */
public final class ScopeStateSerializer extends TypeSerializer<ScopeState> {
    /** The serializer the job uses: writes and reads the current format. */
    public static final ScopeStateSerializer INSTANCE = new ScopeStateSerializer(ScopeState.CURRENT_FORMAT);
    /** Reads (and writes) the format before seq counters existed: restoring old checkpoints, and tests. */
    public static final ScopeStateSerializer NO_SEQ = new ScopeStateSerializer(ScopeState.FORMAT_NO_SEQ);

    private final int format;

    private ScopeStateSerializer(int format) {
        ScopeState.checkFormat(format);
        this.format = format;
    }

    static ScopeStateSerializer of(int format) {
        return format == ScopeState.CURRENT_FORMAT ? INSTANCE : NO_SEQ;
    }

    /** The binary form this serializer reads and writes. */
    public int format() {
        return format;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ScopeState> duplicate() {
        return this; // stateless
    }

    @Override
    public ScopeState createInstance() {
        return new ScopeState();
    }

    @Override
    public ScopeState copy(ScopeState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            from.write(out, ScopeState.CURRENT_FORMAT); // a copy keeps everything, whatever this serializer writes
            return ScopeState.read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()),
                    ScopeState.CURRENT_FORMAT);
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
        record.write(target, format);
    }

    @Override
    public ScopeState deserialize(DataInputView source) throws IOException {
        return ScopeState.read(source, format);
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
    public boolean equals(Object o) {
        return o instanceof ScopeStateSerializer other && other.format == format;
    }

    @Override
    public int hashCode() {
        return ScopeStateSerializer.class.hashCode() * 31 + format;
    }

    @Override
    public TypeSerializerSnapshot<ScopeState> snapshotConfiguration() {
        return new Snapshot(format);
    }

    /**
     * Serializer snapshot for savepoint compatibility. Its version names the binary form: version 3 (what the
     * earlier {@code SimpleTypeSerializerSnapshot} wrote, no content; version 2 had the serializer class name) is
     * format 1, version 4 is format 2. The class name must stay: checkpoints name it.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ScopeState> {
        /** Snapshot version = format + 2: 3 = format 1 (the earlier snapshot's version), 4 = format 2. */
        private static final int VERSION_OFFSET = 2;
        private int format;

        /** For restore: Flink instantiates the class, then calls {@link #readSnapshot}. */
        public Snapshot() {
            this(ScopeState.CURRENT_FORMAT);
        }

        Snapshot(int format) {
            this.format = format;
        }

        /** The binary form of the state this snapshot describes. */
        public int format() {
            return format;
        }

        @Override
        public int getCurrentVersion() {
            return format + VERSION_OFFSET;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // the version says everything
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            switch (readVersion) {
                case 2 -> {
                    in.readUTF(); // SimpleTypeSerializerSnapshot version 2: the serializer class name
                    format = ScopeState.FORMAT_NO_SEQ;
                }
                case 3, 4 -> format = readVersion - VERSION_OFFSET;
                default -> throw new IOException("unknown ScopeStateSerializer snapshot version " + readVersion
                        + " (a checkpoint of a newer job version?)");
            }
        }

        @Override
        public TypeSerializer<ScopeState> restoreSerializer() {
            return of(format);
        }

        /** Called on the new serializer's snapshot with the one the state was written with. */
        @Override
        public TypeSerializerSchemaCompatibility<ScopeState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ScopeState> oldSnapshot) {
            if (!(oldSnapshot instanceof Snapshot old) || old.format > format) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return old.format == format ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
