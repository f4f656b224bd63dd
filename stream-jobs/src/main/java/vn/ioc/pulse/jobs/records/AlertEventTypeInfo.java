package vn.ioc.pulse.jobs.records;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import vn.ioc.pulse.model.AlertEvent;

/**
 * Flink type of {@link AlertEvent} (its lists and maps would otherwise need Kryo, which the job disables): an explicit
 * binary form, field by field. Alerts only travel between operators; they are never kept in state.
 */
public final class AlertEventTypeInfo extends TypeInformation<AlertEvent> {
    public static final AlertEventTypeInfo INSTANCE = new AlertEventTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<AlertEvent> getTypeClass() {
        return AlertEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<AlertEvent> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "AlertEvent";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return AlertEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof AlertEventTypeInfo;
    }

    /** The binary form of an {@link AlertEvent}. */
    public static final class Serializer extends TypeSerializerSingleton<AlertEvent> {
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public AlertEvent createInstance() {
            return null;
        }

        @Override
        public AlertEvent copy(AlertEvent from) {
            return from;
        }

        @Override
        public AlertEvent copy(AlertEvent from, AlertEvent reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(AlertEvent a, DataOutputView out) throws IOException {
            string(out, a.fingerprint());
            string(out, a.rule());
            out.writeByte(a.status().ordinal());
            out.writeByte(a.severity().ordinal());
            string(out, a.scopeType());
            string(out, a.scopeId());
            string(out, a.kpi());
            string(out, a.window());
            number(out, a.value());
            number(out, a.threshold());
            out.writeInt(a.dossiers().size());
            for (String d : a.dossiers()) {
                out.writeUTF(d);
            }
            out.writeInt(a.dossierCount());
            map(out, a.labels());
            map(out, a.annotations());
            instant(out, a.startsAt());
            instant(out, a.endsAt());
            instant(out, a.asOf());
            instant(out, a.computedAt());
            out.writeLong(a.seq());
        }

        @Override
        public AlertEvent deserialize(DataInputView in) throws IOException {
            String fingerprint = string(in);
            String rule = string(in);
            AlertEvent.Status status = AlertEvent.Status.values()[in.readByte()];
            AlertEvent.Severity severity = AlertEvent.Severity.values()[in.readByte()];
            String scopeType = string(in);
            String scopeId = string(in);
            String kpi = string(in);
            String window = string(in);
            Double value = number(in);
            Double threshold = number(in);
            int n = in.readInt();
            List<String> dossiers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                dossiers.add(in.readUTF());
            }
            int count = in.readInt();
            Map<String, String> labels = map(in);
            Map<String, String> annotations = map(in);
            return new AlertEvent(fingerprint, rule, status, severity, scopeType, scopeId, kpi, window, value,
                    threshold, dossiers, count, labels, annotations, instant(in), instant(in), instant(in),
                    instant(in), in.readLong());
        }

        @Override
        public AlertEvent deserialize(AlertEvent reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<AlertEvent> snapshotConfiguration() {
            return new Snapshot();
        }

        /** Snapshot of the stateless serializer. */
        public static final class Snapshot extends SimpleTypeSerializerSnapshot<AlertEvent> {
            public Snapshot() {
                super(() -> INSTANCE);
            }
        }

        private static void string(DataOutputView out, String s) throws IOException {
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeUTF(s);
            }
        }

        private static String string(DataInputView in) throws IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }

        private static void number(DataOutputView out, Double d) throws IOException {
            out.writeBoolean(d != null);
            if (d != null) {
                out.writeDouble(d);
            }
        }

        private static Double number(DataInputView in) throws IOException {
            return in.readBoolean() ? in.readDouble() : null;
        }

        private static void instant(DataOutputView out, Instant t) throws IOException {
            out.writeBoolean(t != null);
            if (t != null) {
                out.writeLong(t.getEpochSecond());
                out.writeInt(t.getNano());
            }
        }

        private static Instant instant(DataInputView in) throws IOException {
            return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
        }

        private static void map(DataOutputView out, Map<String, String> m) throws IOException {
            out.writeInt(m.size());
            for (Map.Entry<String, String> e : m.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }

        private static Map<String, String> map(DataInputView in) throws IOException {
            int n = in.readInt();
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                m.put(in.readUTF(), in.readUTF());
            }
            return m;
        }
    }
}
