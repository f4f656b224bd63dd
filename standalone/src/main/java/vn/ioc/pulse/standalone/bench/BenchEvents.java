package vn.ioc.pulse.standalone.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import vn.ioc.pulse.model.KpiValue;

/** Seeded, contract-valid case events for the ingest benchmarks: RECEIVED, PROCESSING, RESOLVED, RATED per dossier. */
final class BenchEvents {
    private BenchEvents() {
    }

    static List<String> generate(int n) {
        Random random = new Random(766);
        List<String> lines = new ArrayList<>(n);
        Instant t = Instant.parse("2026-03-02T01:00:00Z");
        String[] channels = {"DIRECT", "ONLINE", "POSTAL"};
        for (int d = 0; lines.size() < n; d++) {
            String dossier = "BENCH-" + d;
            String commune = String.format("%05d", 3646 + random.nextInt(75) * 3);
            t = t.plusMillis(random.nextInt(2000));
            lines.add("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-rcv\",\"dossier_code\":\"" + dossier
                    + "\",\"type\":\"RECEIVED\",\"occurred_at\":\"" + KpiValue.formatTime(t) + "\","
                    + "\"procedure_code\":\"2.000815\",\"field_code\":\"chung-thuc\",\"agency_code\":\"UBND-" + commune
                    + "\",\"commune_code\":\"" + commune + "\",\"channel\":\"" + channels[random.nextInt(3)]
                    + "\",\"service_level\":\"FULL\",\"regulated_duration\":{\"value\":3,\"unit\":\"WORKING_DAY\"},"
                    + "\"fee_required\":true,\"digitisation\":{\"reused_data\":true},\"source_system\":\"bench\"}");
            String[] next = {"PROCESSING", "RESOLVED", "RATED"};
            for (String type : next) {
                if (lines.size() >= n) {
                    break;
                }
                Instant at = t.plusSeconds(3600L + random.nextInt(86_400));
                lines.add("{\"schema\":\"ioc.case.v1\",\"event_id\":\"" + dossier + "-" + type + "\",\"dossier_code\":\""
                        + dossier + "\",\"type\":\"" + type + "\",\"occurred_at\":\"" + KpiValue.formatTime(at) + "\""
                        + (type.equals("RATED") ? ",\"rating\":\"SATISFIED\"" : "")
                        + (type.equals("RESOLVED") ? ",\"digitisation\":{\"e_result\":true}" : "")
                        + ",\"source_system\":\"bench\"}");
            }
        }
        return lines;
    }
}
