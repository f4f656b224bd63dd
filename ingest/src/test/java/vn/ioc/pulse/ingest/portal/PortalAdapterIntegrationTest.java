package vn.ioc.pulse.ingest.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.ingest.GatewayFixture;
import vn.ioc.pulse.ingest.IngestConfig;
import vn.ioc.pulse.model.Topics;

/** {@code POST /api/v1/portal/dongbohoso} on a real in-process Kafka broker. */
@DisplayName("The gateway accepts the national portal's DongBoHoSoMC sync payload")
class PortalAdapterIntegrationTest {
    private static GatewayFixture fixture;
    private static URI portal;

    @BeforeAll
    static void startGateway() {
        fixture = GatewayFixture.start();
        portal = fixture.gateway(bootstrap -> new IngestConfig(0, bootstrap, 64 * 1024, 100, 3000))
                .resolve("/api/v1/portal/dongbohoso");
    }

    @AfterAll
    static void stopGateway() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @DisplayName("one good and one bad snapshot: 202, the good one's events keyed by MaHoSo, the bad one dead-lettered")
    void goodAndBadSnapshot() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String good = "000.00.10.H45-" + run + "-0001";
        String bad = "000.00.10.H45-" + run + "-0002";
        JsonObject goodSnapshot = new JsonObject().put("MaHoSo", good).put("MaTTHC", "2.000815")
                .put("MaLinhVuc", "G09-TP03").put("KenhThucHien", 2).put("MucDo", 4).put("MaCoQuan", "H45.10")
                .put("MaXa", "04060").put("NgayTiepNhan", "20260302091500").put("NgayHenTra", "20260309170000")
                .put("TrangThaiHoSo", "9").put("NgayKetThucXuLy", "20260306160000")
                .put("DanhSachLePhi", new JsonArray()).put("DanhSachHoSoBoSung", new JsonArray());
        JsonObject badSnapshot = goodSnapshot.copy().put("MaHoSo", bad).put("NgayHenTra", "09/03/2026");
        String payload = new JsonObject().put("service", "DongBoHoSoMC").put("isUpdating", true)
                .put("data", new JsonArray().add(goodSnapshot).add(badSnapshot)).encode();

        HttpResponse<String> answer = GatewayFixture.post(portal,
                HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8), "application/json");

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonObject body = new JsonObject(answer.body());
        assertThat(body.getInteger("accepted")).isEqualTo(1);
        assertThat(body.getInteger("events")).isEqualTo(2);
        assertThat(body.getJsonArray("rejected")).hasSize(1);
        JsonObject rejection = body.getJsonArray("rejected").getJsonObject(0);
        assertThat(rejection.getInteger("index")).isEqualTo(1);
        assertThat(rejection.getString("field")).isEqualTo("NgayHenTra");
        assertThat(rejection.getString("error")).startsWith("field 'NgayHenTra': ");

        List<ConsumerRecord<String, String>> cases = awaitRecords(Topics.CASE_EVENTS, r -> r.value().contains(run), 2);
        assertThat(cases).extracting(ConsumerRecord::key).containsOnly(good);
        assertThat(cases).extracting(r -> new JsonObject(r.value()).getString("event_id")).containsExactly(
                "dvcqg:" + good + ":RECEIVED:20260302091500", "dvcqg:" + good + ":RESOLVED:20260306160000");

        assertThat(awaitRecords(Topics.DEAD_LETTER, r -> r.value().contains(run), 1)).singleElement().satisfies(r -> {
            JsonObject letter = new JsonObject(r.value());
            assertThat(letter.getString("source")).isEqualTo("portal");
            assertThat(letter.getInteger("index")).isEqualTo(1);
            assertThat(letter.getString("field")).isEqualTo("NgayHenTra");
            assertThat(new JsonObject(letter.getString("input"))).isEqualTo(badSnapshot);
        });
    }

    private static List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> filter, int atLeast) {
        return fixture.awaitRecords(topic, filter, atLeast);
    }
}
