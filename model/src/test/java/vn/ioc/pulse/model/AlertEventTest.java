package vn.ioc.pulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertEventTest {

    @Test
    void fingerprintIsSha256OfRuleAndScope() {
        // python3: hashlib.sha256(b"on_time_low\0agency\0G12.39").hexdigest()[:16]
        assertEquals("cd646344449a3bc3", AlertEvent.fingerprint("on_time_low", "agency", "G12.39"));
    }

    @Test
    void roundTrip() {
        AlertEvent a = new AlertEvent("abc", "overdue_dossiers", AlertEvent.Status.FIRING,
                AlertEvent.Severity.WARNING, "agency", "G12.39", "overdue_open", "live", 3.0, 0.0,
                List.of("H1", "H2"), 3, Map.of("alertname", "overdue_dossiers", "severity", "warning"),
                Map.of("summary_en", "3 overdue", "summary_vi", "3 quá hạn"),
                Instant.parse("2026-03-01T01:00:00Z"), null, Instant.parse("2026-03-01T01:00:00Z"),
                Instant.parse("2026-03-01T01:00:02Z"), 4);
        String json = a.toJson();
        assertTrue(json.contains("\"severity\":\"warning\""), json);
        assertTrue(json.contains("\"starts_at\":\"2026-03-01T08:00:00+07:00\""), json);
        assertTrue(json.contains("\"ends_at\":null"), json);
        assertEquals(a, AlertEvent.fromJson(json));
    }

    @Test
    void errorsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlertEvent.fromJson("{\"fingerprint\":\"f\",\"rule\":\"r\",\"status\":\"FIRING\"}"));
        assertTrue(e.getMessage().contains("severity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AlertEvent.fromJson("{\"fingerprint\":\"f\",\"rule\":\"r\","
                + "\"status\":\"ON\",\"severity\":\"info\",\"scope_type\":\"a\",\"scope_id\":\"b\","
                + "\"starts_at\":\"2026-03-01T08:00:00+07:00\",\"as_of\":\"2026-03-01T08:00:00+07:00\",\"seq\":1}"));
        assertTrue(e.getMessage().contains("status"), e.getMessage());
    }

    @Test
    void newsIsAHigherSeqOrALaterAsOf() {
        Instant t = Instant.parse("2026-03-01T01:00:00Z");
        AlertEvent.Seen last = new AlertEvent.Seen(5, t);
        assertTrue(last.isNews(at(6, t)), "higher seq");
        assertTrue(!last.isNews(at(5, t)), "the same record again (after a job restore)");
        assertTrue(!last.isNews(at(2, t.minusSeconds(60))), "an older record (a stateless job replaying history)");
        assertTrue(last.isNews(at(1, t.plusSeconds(60))), "a job restarted without state, past the last as_of");
    }

    private static AlertEvent at(long seq, Instant asOf) {
        return new AlertEvent("f", "r", AlertEvent.Status.FIRING, AlertEvent.Severity.INFO, "agency", "A", null, null,
                null, null, List.of(), 0, Map.of(), Map.of(), asOf, null, asOf, asOf, seq);
    }
}
