package vn.ioc.pulse.jobs.records;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contributions of one input to one scope, sent as one record (primitive arrays, a Flink POJO): a dossier
 * event changes ≈ 8 measures in each of its scopes, and one record per scope instead of per contribution keeps
 * the shuffle and the scope operator's per-record work small.
 */
public class ContributionBatch {
    public String scopeType;
    public String scopeId;
    public int[] measures;
    public long[] positions;
    public long[] validFroms;
    public long[] weights;

    public ContributionBatch() {
    }

    public String scopeKey() {
        return scopeType + "/" + scopeId;
    }

    public int size() {
        return measures.length;
    }

    public Contribution get(int i) {
        return new Contribution(scopeType, scopeId, Measure.values()[measures[i]], positions[i], validFroms[i], weights[i]);
    }

    /** All contributions, in order. */
    public List<Contribution> contributions() {
        List<Contribution> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(get(i));
        }
        return out;
    }

    /** Groups contributions by scope, keeping their order within each scope. */
    public static List<ContributionBatch> byScope(List<Contribution> contributions) {
        Map<String, List<Contribution>> groups = new LinkedHashMap<>();
        for (Contribution c : contributions) {
            groups.computeIfAbsent(c.scopeKey(), k -> new ArrayList<>()).add(c);
        }
        List<ContributionBatch> out = new ArrayList<>(groups.size());
        for (List<Contribution> g : groups.values()) {
            ContributionBatch b = new ContributionBatch();
            b.scopeType = g.get(0).scopeType();
            b.scopeId = g.get(0).scopeId();
            int n = g.size();
            b.measures = new int[n];
            b.positions = new long[n];
            b.validFroms = new long[n];
            b.weights = new long[n];
            for (int i = 0; i < n; i++) {
                Contribution c = g.get(i);
                b.measures[i] = c.measure().ordinal();
                b.positions[i] = c.position();
                b.validFroms[i] = c.validFrom();
                b.weights[i] = c.weight();
            }
            out.add(b);
        }
        return out;
    }
}
