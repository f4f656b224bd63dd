package vn.ioc.pulse.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Local midnight: arithmetic where Vietnam's offset is fixed, the zone rules before")
class KpiWindowTest {
    private static final ZoneId VN = ZoneId.of("Asia/Ho_Chi_Minh");

    /** Independent: the zone database's start of the local day. */
    private static long expected(long t) {
        return Instant.ofEpochMilli(t).atZone(VN).toLocalDate().atStartOfDay(VN).toInstant().toEpochMilli();
    }

    @Test
    @DisplayName("equals the zone database's start of day from 1900 to 2199, around midnights and at the switch")
    void matchesZoneRules() {
        assertThat(VN.getRules().getOffset(Instant.ofEpochMilli(KpiWindow.FIXED_OFFSET_SINCE)).getTotalSeconds())
                .isEqualTo(7 * 3600);
        assertThat(VN.getRules().nextTransition(Instant.ofEpochMilli(KpiWindow.FIXED_OFFSET_SINCE)))
                .as("no offset change after the fast path starts").isNull();
        long from = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2199-12-31T00:00:00Z").toEpochMilli();
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++) {
            long t = from + (long) (r.nextDouble() * (to - from));
            assertThat(KpiWindow.localMidnight(t)).as("t=%d", t).isEqualTo(expected(t));
        }
        long m = Instant.parse("2026-03-01T17:00:00Z").toEpochMilli(); // 2026-03-02T00:00+07:00
        for (long t : new long[] {m - 1, m, m + 1, KpiWindow.FIXED_OFFSET_SINCE - 1, KpiWindow.FIXED_OFFSET_SINCE,
                KpiWindow.FIXED_OFFSET_SINCE + 1}) {
            assertThat(KpiWindow.localMidnight(t)).as("t=%d", t).isEqualTo(expected(t));
        }
    }
}
