package vn.ioc.pulse.web.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The units a token may read ({@code IOC_AUTH_UNITS_CLAIM}, default {@code units}: a list of
 * {@code scope_type/scope_id} such as {@code commune/03646}). Absent: the whole province ({@link #ALL}). A limited
 * token reads exactly the listed scopes — a commune leader sees that commune's values, history and ranking row, not
 * the province's or another commune's.
 */
public record UnitScope(Set<String> units) {
    /** No limit. */
    public static final UnitScope ALL = new UnitScope(null);

    /** From decoded claims; throws IllegalArgumentException when the claim is present but malformed. */
    public static UnitScope of(JsonObject claims, String claim) {
        Object v = claims == null ? null : claims.getValue(claim);
        if (v == null) {
            return ALL;
        }
        if (!(v instanceof JsonArray a)) {
            throw new IllegalArgumentException("'" + claim + "' must be a list of scope_type/scope_id");
        }
        Set<String> out = new TreeSet<>();
        for (Object o : a) {
            if (!(o instanceof String s) || s.indexOf('/') <= 0 || s.indexOf('/') == s.length() - 1) {
                throw new IllegalArgumentException("'" + claim + "' must hold scope_type/scope_id strings such as "
                        + "commune/03646, got " + o);
            }
            out.add(s);
        }
        return new UnitScope(Set.copyOf(out));
    }

    public boolean all() {
        return units == null;
    }

    public boolean permits(String scopeType, String scopeId) {
        return units == null || units.contains(scopeType + "/" + scopeId);
    }

    @Override
    public String toString() {
        return units == null ? "the whole province" : String.join(", ", units);
    }
}
