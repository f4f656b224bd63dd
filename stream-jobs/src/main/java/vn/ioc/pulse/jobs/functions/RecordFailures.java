package vn.ioc.pulse.jobs.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.jobs.records.ContributionBatch;
import vn.ioc.pulse.jobs.records.DossierInput;
import vn.ioc.pulse.model.EventCodec;

/**
 * How an operator of the KPI job gives up on one record without failing the job: counts it in the
 * {@value #METRIC} counter of the operator's metric group, logs it once with its context, and builds the
 * dead-letter text — {@code {"source":"kpi-job","operator":…,"key":…,"event_id":…,"error":"<class>: <message>",
 * "input":…}} — that the operator sends to the {@link RouteEvents#DEAD_LETTER} side output.
 *
 * <p>The input is described faithfully as JSON: records (CaseEvent, ServiceEvent …) field by field in snake_case,
 * instants in ISO-8601 UTC (any instant, even {@code Instant.MAX}), a {@link ContributionBatch} with its arrays.
 * Only the failure path pays for this.
 */
final class RecordFailures {
    /** Name of the counter registered by every keyed operator of the job. */
    static final String METRIC = "failedRecords";
    /** Stack traces are logged for this many failures per operator instance; later ones log one line. */
    private static final int STACK_TRACES = 20;
    /** Longest array of a contribution batch written out in full. */
    private static final int MAX_ARRAY = 64;
    private static final Logger LOG = LoggerFactory.getLogger(RecordFailures.class);

    private final String operator;
    private final Counter counter;
    private long count;

    RecordFailures(RuntimeContext context, String operator) {
        this.operator = operator;
        this.counter = context.getMetricGroup().counter(METRIC);
    }

    /** Failures so far in this instance (the metric's value here; for tests). */
    long count() {
        return count;
    }

    /**
     * Records one failed input: counts, logs, and returns the dead-letter JSON text.
     *
     * @param key     the operator's key (dossier_code, feedback_id, event_id, component, scope)
     * @param eventId the input's event_id, or null
     * @param input   the input (an event, a batch, or a description)
     */
    String failed(String key, String eventId, Object input, Throwable error) {
        counter.inc();
        count++;
        String reason = reason(error);
        if (count <= STACK_TRACES) {
            LOG.warn("{}: record dropped to the dead letter (key={}, event_id={}): {}", operator, key, eventId, reason,
                    error);
        } else {
            LOG.warn("{}: record dropped to the dead letter (key={}, event_id={}): {} ({} so far)", operator, key,
                    eventId, reason, count);
        }
        return deadLetter(operator, key, eventId, input, reason);
    }

    /** The dead-letter text for an input ({@code reason} is the error text). */
    static String deadLetter(String operator, String key, String eventId, Object input, String reason) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("source", "kpi-job");
        o.put("operator", operator);
        o.put("key", key);
        if (eventId != null) {
            o.put("event_id", eventId);
        }
        o.put("error", reason);
        JsonNode described;
        try {
            described = describe(input, 0);
        } catch (RuntimeException | StackOverflowError e) {
            described = JsonNodeFactory.instance.textNode(String.valueOf(input));
        }
        o.set("input", described);
        return o.toString();
    }

    /** {@code <exception class>: <message>}, with the causes' messages. */
    static String reason(Throwable error) {
        StringBuilder b = new StringBuilder(error.getClass().getName()).append(": ").append(error.getMessage());
        Throwable c = error.getCause();
        for (int depth = 0; c != null && c != error && depth < 3; depth++, c = c.getCause()) {
            b.append(" (caused by ").append(c.getClass().getName()).append(": ").append(c.getMessage()).append(')');
        }
        return b.toString();
    }

    private static JsonNode describe(Object v, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        }
        if (depth > 8) {
            return f.textNode(String.valueOf(v));
        }
        if (v instanceof String s) {
            return f.textNode(s);
        }
        if (v instanceof Long || v instanceof Integer) {
            return f.numberNode(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return f.textNode(n.toString());
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Enum<?> e) {
            return f.textNode(e.name());
        }
        if (v instanceof Instant t) {
            return f.textNode(t.toString());
        }
        if (v instanceof DossierInput in) {
            if (in.caseEvent != null) {
                return describe(in.caseEvent, depth + 1);
            }
            ObjectNode o = f.objectNode();
            o.put("complaint_link", true);
            o.set("event_id", describe(in.complaintEventId, depth + 1));
            o.set("occurred_at", describe(in.complaintAt, depth + 1));
            o.set("dossier_code", describe(in.complaintDossier, depth + 1));
            return o;
        }
        if (v instanceof ContributionBatch b) {
            ObjectNode o = f.objectNode();
            o.put("scope_type", b.scopeType);
            o.put("scope_id", b.scopeId);
            o.set("measures", array(b.measures == null ? null : java.util.Arrays.stream(b.measures).asLongStream().toArray()));
            o.set("positions", array(b.positions));
            o.set("valid_froms", array(b.validFroms));
            o.set("weights", array(b.weights));
            return o;
        }
        if (v.getClass().isRecord()) {
            ObjectNode o = f.objectNode();
            for (RecordComponent c : v.getClass().getRecordComponents()) {
                Object value;
                try {
                    value = c.getAccessor().invoke(v);
                } catch (ReflectiveOperationException e) {
                    value = "<" + e + ">";
                }
                if (value != null) {
                    o.set(snake(c.getName()), describe(value, depth + 1));
                }
            }
            return o;
        }
        return f.textNode(v.toString());
    }

    private static JsonNode array(long[] a) {
        if (a == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ArrayNode n = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < Math.min(a.length, MAX_ARRAY); i++) {
            n.add(a[i]);
        }
        if (a.length > MAX_ARRAY) {
            n.add("… " + (a.length - MAX_ARRAY) + " more");
        }
        return n;
    }

    private static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
