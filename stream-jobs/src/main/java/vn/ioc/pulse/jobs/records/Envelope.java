package vn.ioc.pulse.jobs.records;

import vn.ioc.pulse.jobs.rules.EventTime;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.ClockTick;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.ServiceEvent;
import vn.ioc.pulse.model.ValidationException;

/**
 * One record read from an event topic: exactly one of {@code caseEvent}, {@code serviceEvent}, {@code tick} or
 * {@code invalidInput} is set. A Flink POJO (public fields) so no Kryo is needed.
 */
public class Envelope {
    public CaseEvent caseEvent;
    public ServiceEvent serviceEvent;
    public ClockTick tick;
    public String invalidInput;
    public String invalidReason;

    public Envelope() {
    }

    /** Parses one topic value; input that breaks the contract becomes an invalid envelope, never an exception. */
    public static Envelope parse(String json) {
        try {
            return of(EventCodec.parse(json));
        } catch (ValidationException ex) {
            Envelope e = new Envelope();
            e.invalidInput = json;
            e.invalidReason = ex.getMessage();
            return e;
        }
    }

    public static Envelope of(IocEvent event) {
        Envelope e = new Envelope();
        if (event instanceof CaseEvent c) {
            e.caseEvent = c;
        } else if (event instanceof ServiceEvent s) {
            e.serviceEvent = s;
        } else {
            e.tick = (ClockTick) event;
        }
        return e;
    }

    /**
     * Event time in epoch milliseconds; Long.MIN_VALUE for invalid input or a missing time. Never throws: an instant
     * beyond the range of a long is saturated (such a record is rejected later, by the operator that uses it).
     */
    public long eventTimeMillis() {
        if (caseEvent != null) {
            return EventTime.saturatedMillis(caseEvent.occurredAt());
        }
        if (serviceEvent != null) {
            return EventTime.saturatedMillis(serviceEvent.occurredAt());
        }
        if (tick != null) {
            return EventTime.saturatedMillis(tick.now());
        }
        return Long.MIN_VALUE;
    }
}
