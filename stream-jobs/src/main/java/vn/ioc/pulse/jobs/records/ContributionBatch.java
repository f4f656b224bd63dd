package vn.ioc.pulse.jobs.records;

import java.util.ArrayList;
import java.util.List;

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
        // an item has a handful of scopes: a linear search with equals (identity first) beats building a key string
        // and hashing it per contribution
        List<List<Contribution>> groups = new ArrayList<>(8);
        for (Contribution c : contributions) {
            List<Contribution> group = null;
            for (int i = groups.size() - 1; i >= 0; i--) {
                Contribution first = groups.get(i).get(0);
                if (first.scopeId().equals(c.scopeId()) && first.scopeType().equals(c.scopeType())) {
                    group = groups.get(i);
                    break;
                }
            }
            if (group == null) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(c);
        }
        List<ContributionBatch> out = new ArrayList<>(groups.size());
        for (List<Contribution> g : groups) {
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
