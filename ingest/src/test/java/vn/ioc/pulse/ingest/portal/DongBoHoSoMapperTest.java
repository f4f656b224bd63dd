package vn.ioc.pulse.ingest.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.ioc.pulse.model.CaseEvent;
import vn.ioc.pulse.model.EventCodec;
import vn.ioc.pulse.model.IocEvent;
import vn.ioc.pulse.model.ValidationException;

@DisplayName("DongBoHoSoMC dossier snapshots become case events with deterministic ids")
class DongBoHoSoMapperTest {
    private static final String MA_HO_SO = "000.00.10.H45-260302-0001";

    /**
     * The first snapshot the national portal sends for an online dossier (format of the DVCQG DongBoHoSoMC
     * service): received at the one-stop desk on 02/03/2026 09:15, due 09/03/2026 17:00, one fee paid online.
     */
    private static ObjectNode receivedSnapshot() {
        return json("""
                {
                  "MaHoSo": "000.00.10.H45-260302-0001",
                  "MaTTHC": "2.000815",
                  "TenTTHC": "Cấp bản sao trích lục hộ tịch",
                  "MaLinhVuc": "G09-TP03",
                  "KenhThucHien": 2,
                  "MucDo": 4,
                  "ChuHoSo": "Nguyễn Văn A",
                  "MaCoQuan": "H45.10",
                  "DonViXuLy": "H45.10",
                  "MaXa": "04060",
                  "NgayNopHoSo": "20260302081000",
                  "NgayTiepNhan": "20260302091500",
                  "NgayHenTra": "20260309170000",
                  "TrangThaiHoSo": "2",
                  "NgayKetThucXuLy": "",
                  "NgayTra": "",
                  "DuocThanhToanTrucTuyen": 1,
                  "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí cấp bản sao", "MucPhi": 8000}],
                  "DanhSachHoSoBoSung": []
                }""");
    }

    private static ObjectNode supplementRequested() {
        ObjectNode s = receivedSnapshot().put("TrangThaiHoSo", "5");
        s.putArray("DanhSachHoSoBoSung").addObject().put("NgayYeuCauBoSung", "20260304100000")
                .put("NoiDungYeuCauBoSung", "Bổ sung giấy khai sinh");
        return s;
    }

    private static ObjectNode supplementReceived() {
        ObjectNode s = supplementRequested().put("TrangThaiHoSo", "4").put("NgayHenTra", "20260311170000");
        ((ObjectNode) s.get("DanhSachHoSoBoSung").get(0)).put("NgayBoSung", "20260305140000")
                .put("NgayHenTraMoi", "20260311170000");
        return s;
    }

    private static ObjectNode resolvedSnapshot() {
        return supplementReceived().put("TrangThaiHoSo", "9").put("NgayKetThucXuLy", "20260310160000");
    }

    private static ObjectNode resultReturned() {
        return resolvedSnapshot().put("TrangThaiHoSo", "10").put("NgayTra", "20260311090000");
    }

    @Test
    @DisplayName("successive snapshots of one dossier yield its lifecycle, each adding only the new events")
    void lifecycle() throws Exception {
        List<List<String>> snapshots = List.of(
                DongBoHoSoMapper.map(receivedSnapshot()), DongBoHoSoMapper.map(supplementRequested()),
                DongBoHoSoMapper.map(supplementReceived()), DongBoHoSoMapper.map(resolvedSnapshot()),
                DongBoHoSoMapper.map(resultReturned()));
        String p = "dvcqg:" + MA_HO_SO + ":";
        assertThat(ids(snapshots.get(0))).containsExactly(p + "RECEIVED:20260302091500",
                p + "PAYMENT_COMPLETED:20260302091500");
        List<List<String>> added = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (List<String> events : snapshots) {
            List<String> fresh = ids(events).stream().filter(id -> !seen.contains(id)).toList();
            added.add(fresh);
            seen.addAll(ids(events));
        }
        assertThat(added.get(1)).containsExactly(p + "SUPPLEMENT_REQUESTED:20260304100000:0");
        assertThat(added.get(2)).containsExactly(p + "SUPPLEMENT_RECEIVED:20260304100000:0",
                p + "PROCESSING:20260305140000");
        assertThat(added.get(3)).containsExactly(p + "RESOLVED:20260310160000");
        assertThat(added.get(4)).containsExactly(p + "RESULT_RETURNED:20260311090000");

        List<String> last = snapshots.get(4);
        assertThat(types(last)).containsExactly("RECEIVED", "PAYMENT_COMPLETED", "SUPPLEMENT_REQUESTED",
                "SUPPLEMENT_RECEIVED", "RESOLVED", "RESULT_RETURNED");
        assertThat(field(last, "SUPPLEMENT_REQUESTED", "occurred_at")).isEqualTo("2026-03-04T10:00:00+07:00");
        assertThat(field(last, "SUPPLEMENT_RECEIVED", "occurred_at")).isEqualTo("2026-03-05T14:00:00+07:00");
        assertThat(field(last, "SUPPLEMENT_RECEIVED", "due_at")).isEqualTo("2026-03-11T17:00:00+07:00");
        assertThat(field(last, "RESOLVED", "occurred_at")).isEqualTo("2026-03-10T16:00:00+07:00");
        assertThat(field(last, "RESULT_RETURNED", "occurred_at")).isEqualTo("2026-03-11T09:00:00+07:00");
        for (List<String> events : snapshots) {
            for (String e : events) {
                IocEvent parsed = EventCodec.parse(e);
                assertThat(parsed).isInstanceOf(CaseEvent.class);
                assertThat(((CaseEvent) parsed).dossierCode()).isEqualTo(MA_HO_SO);
                assertThat(((CaseEvent) parsed).sourceSystem()).isEqualTo("DVCQG");
            }
        }
    }

    @Test
    @DisplayName("RECEIVED carries the mapped reception fields; the online payment is a PAYMENT_COMPLETED on DVCQG")
    void receivedFields() throws Exception {
        List<String> events = DongBoHoSoMapper.map(receivedSnapshot());
        JsonNode received = json(events.get(0));
        assertThat(received.get("schema").asText()).isEqualTo("ioc.case.v1");
        assertThat(received.get("type").asText()).isEqualTo("RECEIVED");
        assertThat(received.get("dossier_code").asText()).isEqualTo(MA_HO_SO);
        assertThat(received.get("occurred_at").asText()).isEqualTo("2026-03-02T09:15:00+07:00");
        assertThat(received.get("received_at").asText()).isEqualTo("2026-03-02T09:15:00+07:00");
        assertThat(received.get("due_at").asText()).isEqualTo("2026-03-09T17:00:00+07:00");
        assertThat(received.get("procedure_code").asText()).isEqualTo("2.000815");
        assertThat(received.get("field_code").asText()).isEqualTo("G09-TP03");
        assertThat(received.get("agency_code").asText()).isEqualTo("H45.10");
        assertThat(received.get("commune_code").asText()).isEqualTo("04060");
        assertThat(received.get("channel").asText()).isEqualTo("ONLINE");
        assertThat(received.get("service_level").asText()).isEqualTo("FULL");
        assertThat(received.get("fee_required").asBoolean()).isTrue();

        JsonNode payment = json(events.get(1));
        assertThat(payment.get("type").asText()).isEqualTo("PAYMENT_COMPLETED");
        assertThat(payment.get("occurred_at").asText()).isEqualTo("2026-03-02T09:15:00+07:00");
        assertThat(payment.get("payment").get("online").asBoolean()).isTrue();
        assertThat(payment.get("payment").get("gateway").asText()).isEqualTo("DVCQG");
        assertThat(payment.get("sequence").asInt()).isGreaterThan(received.get("sequence").asInt());
    }

    @Test
    @DisplayName("a payment date filled in later moves the payment time but not its id")
    void paymentDate() throws Exception {
        ObjectNode later = receivedSnapshot();
        ((ObjectNode) later.get("DanhSachLePhi").get(0)).put("NgayThanhToan", "20260302093000");
        JsonNode payment = json(DongBoHoSoMapper.map(later).get(1));
        assertThat(payment.get("occurred_at").asText()).isEqualTo("2026-03-02T09:30:00+07:00");
        assertThat(payment.get("event_id").asText())
                .isEqualTo(json(DongBoHoSoMapper.map(receivedSnapshot()).get(1)).get("event_id").asText());

        ObjectNode notPaid = receivedSnapshot().put("DuocThanhToanTrucTuyen", false);
        notPaid.putArray("DanhSachLePhi");
        List<String> events = DongBoHoSoMapper.map(notPaid);
        assertThat(types(events)).containsExactly("RECEIVED");
        assertThat(json(events.get(0)).get("fee_required").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("re-sending a snapshot yields exactly the same events, ids included")
    void resendIsIdentical() throws Exception {
        for (ObjectNode snapshot : List.of(receivedSnapshot(), supplementRequested(), supplementReceived(),
                resolvedSnapshot(), resultReturned())) {
            assertThat(DongBoHoSoMapper.map(snapshot.deepCopy())).isEqualTo(DongBoHoSoMapper.map(snapshot));
        }
        // a later snapshot re-derives the earlier events under the same ids
        assertThat(ids(DongBoHoSoMapper.map(resultReturned())))
                .containsAll(ids(DongBoHoSoMapper.map(supplementRequested())));
    }

    @Test
    @DisplayName("a snapshot without MaHoSo is rejected naming MaHoSo")
    void missingMaHoSo() {
        assertRejected(receivedSnapshot().put("MaHoSo", ""), "MaHoSo");
        ObjectNode absent = receivedSnapshot();
        absent.remove("MaHoSo");
        assertRejected(absent, "MaHoSo");
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is rejected")
    @CsvSource({
            "NgayHenTra, 2026-03-09T17:00:00+07:00",
            "NgayHenTra, 20260309",
            "NgayTiepNhan, 20260230091500",
            "NgayTiepNhan, 20260302251500",
            "NgayKetThucXuLy, 2026031016000",
    })
    @DisplayName("bad dates are rejected naming the Vietnamese field")
    void badDates(String field, String value) {
        assertRejected(receivedSnapshot().put(field, value), field);
    }

    @Test
    @DisplayName("bad dates inside a supplement request name the list item")
    void badSupplementDate() {
        ObjectNode s = supplementRequested();
        ((ObjectNode) s.get("DanhSachHoSoBoSung").get(0)).put("NgayYeuCauBoSung", "04/03/2026");
        assertRejected(s, "DanhSachHoSoBoSung[0].NgayYeuCauBoSung");
        ObjectNode t = supplementReceived();
        ((ObjectNode) t.get("DanhSachHoSoBoSung").get(0)).put("NgayBoSung", "20260399140000");
        assertRejected(t, "DanhSachHoSoBoSung[0].NgayBoSung");
    }

    @Test
    @DisplayName("a received dossier that cannot yield a valid RECEIVED is rejected naming the portal field")
    void receivedNeedsItsFields() {
        ObjectNode noDue = receivedSnapshot();
        noDue.remove("NgayHenTra");
        assertRejected(noDue, "NgayHenTra");
        ObjectNode noProcedure = receivedSnapshot();
        noProcedure.remove("MaTTHC");
        assertRejected(noProcedure, "MaTTHC");
        ObjectNode noAgency = receivedSnapshot();
        noAgency.remove("MaCoQuan");
        noAgency.remove("DonViXuLy");
        assertRejected(noAgency, "MaCoQuan");
        ObjectNode noChannel = receivedSnapshot();
        noChannel.remove("KenhThucHien");
        assertRejected(noChannel, "KenhThucHien");
        ObjectNode noReception = resolvedSnapshot();
        noReception.remove("NgayTiepNhan");
        assertRejected(noReception, "NgayTiepNhan");
        assertRejected(receivedSnapshot().put("TrangThaiHoSo", 9), "NgayKetThucXuLy");
        assertRejected(resolvedSnapshot().put("TrangThaiHoSo", 10), "NgayTra");
    }

    @Test
    @DisplayName("the agency code falls back to DonViXuLy when MaCoQuan is absent")
    void agencyFallback() throws Exception {
        ObjectNode s = receivedSnapshot().put("DonViXuLy", "H45.22");
        s.remove("MaCoQuan");
        assertThat(json(DongBoHoSoMapper.map(s).get(0)).get("agency_code").asText()).isEqualTo("H45.22");
    }

    @ParameterizedTest(name = "KenhThucHien {0} -> {1}")
    @CsvSource({"1, DIRECT", "2, ONLINE", "3, POSTAL"})
    @DisplayName("channels map as DOMAIN.md §1 says")
    void channels(int code, String channel) throws Exception {
        assertThat(json(DongBoHoSoMapper.map(receivedSnapshot().put("KenhThucHien", code)).get(0))
                .get("channel").asText()).isEqualTo(channel);
        assertThat(json(DongBoHoSoMapper.map(receivedSnapshot().put("KenhThucHien", String.valueOf(code))).get(0))
                .get("channel").asText()).isEqualTo(channel);
    }

    @Test
    @DisplayName("an unknown channel or status code is rejected naming the field")
    void unknownCodes() {
        assertRejected(receivedSnapshot().put("KenhThucHien", 4), "KenhThucHien");
        assertRejected(receivedSnapshot().put("TrangThaiHoSo", 11), "TrangThaiHoSo");
        assertRejected(receivedSnapshot().put("TrangThaiHoSo", "x"), "TrangThaiHoSo");
        ObjectNode noStatus = receivedSnapshot();
        noStatus.remove("TrangThaiHoSo");
        assertRejected(noStatus, "TrangThaiHoSo");
        assertRejected(receivedSnapshot().put("MucDo", 7), "MucDo");
    }

    @ParameterizedTest(name = "MucDo {0} -> {1}")
    @CsvSource({"1, NONE", "2, PARTIAL", "3, PARTIAL", "4, FULL"})
    @DisplayName("service levels map 2/3 to PARTIAL and 4 to FULL")
    void serviceLevels(int code, String level) throws Exception {
        assertThat(json(DongBoHoSoMapper.map(receivedSnapshot().put("MucDo", code)).get(0))
                .get("service_level").asText()).isEqualTo(level);
    }

    @ParameterizedTest(name = "TrangThaiHoSo {0} -> {1}")
    @CsvSource({
            "1, SUBMITTED, SUBMITTED",
            "2, RECEIVED, RECEIVED",
            "3, REFUSED, REFUSED",
            "4, RECEIVED PROCESSING, PROCESSING",
            "5, RECEIVED SUPPLEMENT_REQUESTED, SUPPLEMENT_REQUESTED",
            "6, RECEIVED FINANCIAL_OBLIGATION, FINANCIAL_OBLIGATION",
            "7, RECEIVED WITHDRAWN, WITHDRAWN",
            "8, RECEIVED STOPPED, STOPPED",
            "9, RECEIVED RESOLVED, RESOLVED",
            "10, RECEIVED RESOLVED RESULT_RETURNED, RESULT_RETURNED",
    })
    @DisplayName("status codes map as DOMAIN.md §1 says")
    void statuses(int status, String expectedTypes, String lastType) throws Exception {
        ObjectNode s = receivedSnapshot().put("TrangThaiHoSo", status).put("DuocThanhToanTrucTuyen", 0)
                .put("NgayKetThucXuLy", "20260306100000").put("NgayTra", "20260306150000");
        if (status == 5) {
            s.putArray("DanhSachHoSoBoSung").addObject().put("NgayYeuCauBoSung", "20260304100000");
        }
        if (status == 3) {
            s.put("NgayTuChoi", "20260302100000");
        }
        List<String> events = DongBoHoSoMapper.map(s);
        assertThat(types(events)).containsExactly(expectedTypes.split(" "));
        JsonNode last = json(events.get(events.size() - 1));
        assertThat(last.get("type").asText()).isEqualTo(lastType);
        CaseEvent parsed = (CaseEvent) EventCodec.parse(events.get(events.size() - 1));
        assertThat(parsed.type().statusCode).isEqualTo(status);
        if (status == 1) {
            assertThat(last.get("occurred_at").asText()).isEqualTo("2026-03-02T08:10:00+07:00");
            assertThat(last.get("procedure_code").asText()).isEqualTo("2.000815");
        }
        if (status == 3) {
            assertThat(last.get("occurred_at").asText()).isEqualTo("2026-03-02T10:00:00+07:00");
        }
        if (status == 7 || status == 8) {
            assertThat(last.get("occurred_at").asText()).isEqualTo("2026-03-06T10:00:00+07:00");
        }
    }

    @Test
    @DisplayName("two supplement requests become two request/receipt pairs keyed by their list position")
    void twoSupplements() throws Exception {
        ObjectNode s = supplementReceived().put("TrangThaiHoSo", "5");
        ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("DanhSachHoSoBoSung")).addObject().put("NgayYeuCauBoSung", "20260306090000");
        List<String> events = DongBoHoSoMapper.map(s);
        String p = "dvcqg:" + MA_HO_SO + ":";
        assertThat(ids(events)).containsExactly(p + "RECEIVED:20260302091500", p + "PAYMENT_COMPLETED:20260302091500",
                p + "SUPPLEMENT_REQUESTED:20260304100000:0", p + "SUPPLEMENT_RECEIVED:20260304100000:0",
                p + "SUPPLEMENT_REQUESTED:20260306090000:1");
    }

    @Test
    @DisplayName("status 5 without an open supplement request is rejected naming DanhSachHoSoBoSung")
    void statusFiveWithoutRequest() {
        assertRejected(receivedSnapshot().put("TrangThaiHoSo", 5), "DanhSachHoSoBoSung");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertRejected(JsonNode snapshot, String field) {
        assertThatThrownBy(() -> DongBoHoSoMapper.map(snapshot))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith("field '" + field + "': ");
                });
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) EventCodec.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ids(List<String> events) {
        return events.stream().map(e -> json(e).get("event_id").asText()).toList();
    }

    private static List<String> types(List<String> events) {
        return events.stream().map(e -> json(e).get("type").asText()).toList();
    }

    private static String field(List<String> events, String type, String field) {
        return events.stream().map(DongBoHoSoMapperTest::json).filter(e -> e.get("type").asText().equals(type))
                .findFirst().orElseThrow().get(field).asText();
    }
}
