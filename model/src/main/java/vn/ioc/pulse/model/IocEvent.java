package vn.ioc.pulse.model;

import java.time.Instant;

/** One validated input event: a case event, a service event or a clock tick (CONTRACT.md §1). */
public sealed interface IocEvent permits CaseEvent, ServiceEvent, ClockTick {
    String SCHEMA_CASE = "ioc.case.v1";
    String SCHEMA_SERVICE = "ioc.service.v1";
    String SCHEMA_CLOCK = "ioc.clock.v1";

    /** The event-time instant this event speaks for (occurred_at, or now for a tick). */
    Instant eventTime();
}
