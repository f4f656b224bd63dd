package vn.ioc.pulse.jobs.records;

import java.util.ArrayList;
import java.util.List;

/**
 * A change of one dossier's OVERDUE intervals at its agency, a Flink POJO: the {@link Measure#OPEN_OVERDUE}
 * contributions of a dossier's difference at {@code agency} scope — +1 where an overdue interval starts, −1 where
 * one ends (retractions have the opposite sign). The running sum of a dossier's changes at an instant is 1 while it
 * is overdue, 0 otherwise. The dossier operator emits one only when the difference touches OPEN_OVERDUE there.
 */
public class OverdueChange {
    public String agency;
    public String dossierCode;
    public long[] positions;
    public long[] weights;

    public OverdueChange() {
    }

    public OverdueChange(String agency, String dossierCode, long[] positions, long[] weights) {
        this.agency = agency;
        this.dossierCode = dossierCode;
        this.positions = positions;
        this.weights = weights;
    }

    /**
     * The OPEN_OVERDUE changes at agency scope in a dossier's batches: a scan of the batches' scope types and
     * measure ordinals that allocates nothing when there are none (the usual case).
     */
    public static List<OverdueChange> of(String dossierCode, List<ContributionBatch> batches) {
        List<OverdueChange> out = null;
        int overdue = Measure.OPEN_OVERDUE.ordinal();
        for (ContributionBatch b : batches) {
            if (!"agency".equals(b.scopeType)) {
                continue;
            }
            int n = 0;
            for (int m : b.measures) {
                if (m == overdue) {
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            long[] positions = new long[n];
            long[] weights = new long[n];
            int k = 0;
            for (int i = 0; i < b.measures.length; i++) {
                if (b.measures[i] == overdue) {
                    positions[k] = b.positions[i];
                    weights[k++] = b.weights[i];
                }
            }
            if (out == null) {
                out = new ArrayList<>(1);
            }
            out.add(new OverdueChange(b.scopeId, dossierCode, positions, weights));
        }
        return out == null ? List.of() : out;
    }
}
