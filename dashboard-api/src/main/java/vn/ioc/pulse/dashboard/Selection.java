package vn.ioc.pulse.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import vn.ioc.pulse.model.KpiValue;

/**
 * A KPI selection: for each of kpi, scope_type, scope_id and window a set of accepted values; an absent or empty
 * set, or one containing {@code "*"}, accepts everything.
 */
public record Selection(Set<String> kpi, Set<String> scopeType, Set<String> scopeId, Set<String> window) {

    public static final Selection ALL = new Selection(Set.of(), Set.of(), Set.of(), Set.of());

    public static Selection of(List<String> kpi, List<String> scopeType, List<String> scopeId, List<String> window) {
        return new Selection(Set.copyOf(kpi), Set.copyOf(scopeType), Set.copyOf(scopeId), Set.copyOf(window));
    }

    /** Reads the WebSocket {@code select} object; throws IllegalArgumentException naming a bad member. */
    public static Selection fromJson(JsonObject select) {
        if (select == null) {
            return ALL;
        }
        return new Selection(list(select, "kpi"), list(select, "scope_type"), list(select, "scope_id"),
                list(select, "window"));
    }

    private static Set<String> list(JsonObject select, String name) {
        Object v = select.getValue(name);
        if (v == null) {
            return Set.of();
        }
        if (v instanceof String s) {
            return Set.of(s);
        }
        if (!(v instanceof JsonArray a)) {
            throw new IllegalArgumentException("select." + name + " must be a list of strings");
        }
        for (Object o : a) {
            if (!(o instanceof String)) {
                throw new IllegalArgumentException("select." + name + " must be a list of strings");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> l = a.getList();
        return Set.copyOf(l);
    }

    /**
     * The KPI keys this selection names when every member is an explicit list (no "*", none empty) and their
     * product has at most {@code max} keys; otherwise null (it must be matched against every value).
     */
    public java.util.List<String> explicitKeys(int max) {
        for (Set<String> set : java.util.List.of(kpi, scopeType, scopeId, window)) {
            if (set.isEmpty() || set.contains("*")) {
                return null;
            }
        }
        long n = (long) kpi.size() * scopeType.size() * scopeId.size() * window.size();
        if (n > max) {
            return null;
        }
        java.util.List<String> out = new java.util.ArrayList<>((int) n);
        for (String k : kpi) {
            for (String t : scopeType) {
                for (String i : scopeId) {
                    for (String w : window) {
                        out.add(KpiValue.key(k, t, i, w));
                    }
                }
            }
        }
        return out;
    }

    public boolean matches(KpiValue v) {
        return accepts(kpi, v.kpi()) && accepts(scopeType, v.scopeType()) && accepts(scopeId, v.scopeId())
                && accepts(window, v.window());
    }

    private static boolean accepts(Set<String> set, String value) {
        return set.isEmpty() || set.contains("*") || set.contains(value);
    }
}
