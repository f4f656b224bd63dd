package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.jobs.oracle.EventGenerator;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;

/**
 * The compact form of not-open dossiers ({@link DossierRules#compact}) on a generated month of Sơn La-like dossiers:
 * it gives the same facts as the full list, compacting it again changes nothing, and its serialized size (Flink's
 * serializer of the list state's elements) is what docs/architecture.md quotes.
 */
class DossierCompactionTest {
    static final TypeSerializer<DossierInput> SERIALIZER =
            TypeInformation.of(DossierInput.class).createSerializer(new SerializerConfigImpl());

    static int bytes(List<DossierInput> inputs) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (DossierInput in : inputs) {
            SERIALIZER.serialize(in, out);
            out.writeByte(0); // RocksDB list state: one delimiter byte between elements
        }
        return out.length();
    }

    @Test
    @DisplayName("ended dossiers: compact form has the same facts, is stable, and takes a fraction of the bytes")
    void compactFormOfAGeneratedMonth() throws Exception {
        Map<String, List<DossierInput>> byDossier = new TreeMap<>();
        for (String line : EventGenerator.month(42, Instant.parse("2026-04-13T17:00:00Z"), 400)) {
            IocEvent e = EventCodec.parse(line);
            if (e instanceof CaseEvent c) {
                List<DossierInput> l = byDossier.computeIfAbsent(c.dossierCode(), k -> new ArrayList<>());
                if (l.stream().noneMatch(d -> d.eventId().equals(c.eventId()))) {
                    l.add(DossierInput.of(c));
                }
            }
        }
        int ended = 0;
        long fullBytes = 0;
        long compactBytes = 0;
        long compactInputs = 0;
        int maxCompact = 0;
        for (List<DossierInput> inputs : byDossier.values()) {
            inputs.sort(DossierRules.INPUT_ORDER);
            DossierRules.Facts f = RulesHarness.RULES.facts(inputs);
            List<DossierInput> compact = RulesHarness.RULES.compact(inputs);
            assertThat(compact).as("compactable: %s", inputs.get(0).dossierCode()).isNotNull();
            assertThat(RulesHarness.RULES.signature(compact)).isEqualTo(RulesHarness.RULES.signature(inputs));
            assertThat(RulesHarness.RULES.signature(RulesHarness.RULES.compact(compact)))
                    .as("compacting again").isEqualTo(RulesHarness.RULES.signature(inputs));
            assertThat(RulesHarness.RULES.compact(compact)).hasSameSizeAs(compact);
            if (f.received && f.ended) {
                ended++;
                fullBytes += bytes(inputs);
                int b = bytes(compact);
                compactBytes += b;
                compactInputs += compact.size();
                maxCompact = Math.max(maxCompact, b);
            }
        }
        double avgFull = fullBytes / (double) ended;
        double avgCompact = compactBytes / (double) ended;
        System.out.printf("ended dossiers %d: full list %.0f B, compact %.0f B (%.1f inputs, max %d B)%n", ended,
                avgFull, avgCompact, compactInputs / (double) ended, maxCompact);
        assertThat(ended).isGreaterThan(200);
        // measured 389 B vs 574 B (docs/architecture.md): a guard against the compact form growing
        assertThat(avgCompact).isLessThan(avgFull * 0.75).isLessThan(420);
    }
}
