package vn.ioc.pulse.ingest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.ingest.sim.ReferenceData.Fee;
import vn.ioc.pulse.ingest.sim.ReferenceData.Procedure;
import vn.ioc.pulse.model.CaseEvent.Channel;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;
import vn.ioc.pulse.model.CaseEvent.RegulatedDuration;

/** How the shipped reference CSVs are read: communes, procedures' durations, channels and fees. */
@DisplayName("ReferenceData reads the shipped Sơn La reference data")
class ReferenceDataTest {
    private static final ReferenceData REF = ReferenceData.load();

    @Test
    @DisplayName("75 communes and wards with the population of the source (1,327,871 in all), 292 procedures")
    void loadsEveryRow() {
        assertThat(REF.communes()).hasSize(75);
        assertThat(REF.communes().stream().mapToLong(ReferenceData.Unit::population).sum()).isEqualTo(1_327_871);
        assertThat(REF.procedures()).hasSize(292);
        assertThat(REF.agencyByMinistry()).containsEntry("bo-tu-phap", "STP");
    }

    @Test
    @DisplayName("fee cells: free, a fee in VND, variants by case, foreign currency ignored, unknown")
    void fees() {
        assertThat(Fee.parse("Miễn phí")).isEqualTo(new Fee(true, List.of(0L)));
        assertThat(Fee.parse("10,000 Việt Nam Đồng")).isEqualTo(new Fee(true, List.of(10_000L)));
        assertThat(Fee.parse("Miễn phí | 5 VNĐ")).isEqualTo(new Fee(true, List.of(0L, 5L)));
        assertThat(Fee.parse("2,000 Việt Nam Đồng | 10 USD")).isEqualTo(new Fee(true, List.of(2_000L)));
        assertThat(Fee.parse("Không có thông tin").known()).isFalse();
        assertThat(Fee.parse("0 VNĐ | 5 VNĐ").amountsVnd()).containsExactly(0L, 5L);
    }

    @Test
    @DisplayName("durations: the single stated value, else every stated value by case; unstated units are not guessed")
    void durations() {
        assertThat(ReferenceData.durations("5", "Ngày làm việc", "5 Ngày làm việc"))
                .containsExactly(new RegulatedDuration(5, DurationUnit.WORKING_DAY));
        assertThat(ReferenceData.durations("", "", "15 Ngày | 7 Ngày làm việc | 15 Ngày"))
                .containsExactly(new RegulatedDuration(15, DurationUnit.DAY),
                        new RegulatedDuration(7, DurationUnit.WORKING_DAY));
        assertThat(ReferenceData.durations("8", "Giờ", "8 Giờ"))
                .containsExactly(new RegulatedDuration(8, DurationUnit.HOUR));
        assertThat(ReferenceData.durations("1", "", "1 (unit not stated)")).isEmpty();
        assertThat(procedure("2.000815").durations()).isEmpty(); // chứng thực: no time limit in the source
    }

    @Test
    @DisplayName("channels from submission_channels, and the certification procedure's fee from the sample")
    void channelsAndFee() {
        Procedure certification = procedure("2.000815");
        assertThat(certification.channels()).containsExactly(Channel.DIRECT);
        assertThat(certification.online()).isFalse();
        assertThat(certification.fee().amountsVnd()).containsExactly(2_000L);
        assertThat(ReferenceData.channels("Trực tuyến;Dịch vụ bưu chính;Trực tiếp"))
                .containsExactlyInAnyOrder(Channel.ONLINE, Channel.POSTAL, Channel.DIRECT);
    }

    private static Procedure procedure(String code) {
        return REF.procedures().stream().filter(p -> p.code().equals(code)).findFirst().orElseThrow();
    }
}
