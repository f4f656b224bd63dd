package vn.ioc.pulse.jobs.records;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Kafka value bytes → {@link Envelope}; input that is not a valid event becomes an invalid envelope. */
public final class EnvelopeDeserializer implements DeserializationSchema<Envelope> {
    @Override
    public Envelope deserialize(byte[] message) {
        return Envelope.parse(new String(message, StandardCharsets.UTF_8));
    }

    @Override
    public boolean isEndOfStream(Envelope next) {
        return false;
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return TypeInformation.of(Envelope.class);
    }
}
