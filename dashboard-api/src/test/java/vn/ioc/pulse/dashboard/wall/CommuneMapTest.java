package vn.ioc.pulse.dashboard.wall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The communes map is the real boundaries, simplified within the tolerance, with clear errors")
class CommuneMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @DisplayName("Douglas–Peucker drops a point closer to the line than the tolerance and keeps one farther away")
    void simplifyByHand() {
        // a 2×2 square whose bottom edge has a midpoint 0.0001 above the line
        double[] ring = {0, 0, 1, 0.0001, 2, 0, 2, 2, 0, 2, 0, 0};
        assertThat(CommuneMap.simplify(ring, 0.001)).containsExactly(0, 0, 2, 0, 2, 2, 0, 2, 0, 0);
        assertThat(CommuneMap.simplify(ring, 0.00001)).containsExactly(ring);
        assertThat(CommuneMap.simplify(ring, 0)).as("tolerance 0 keeps everything").containsExactly(ring);
        double[] triangle = {0, 0, 1, 0, 0, 1, 0, 0};
        assertThat(CommuneMap.simplify(triangle, 10)).as("a closed triangle is never cut").containsExactly(triangle);
    }

    @Test
    @DisplayName("the shipped Sơn La map: 75 units whose codes are the units list's, small enough to load fast")
    void shippedMap() throws Exception {
        CommuneMap map = CommuneMap.fromEnv(Map.of());
        JsonNode root = JSON.readTree(map.geojson());
        assertThat(root.get("features")).hasSize(75);
        List<String> codes = new ArrayList<>();
        int points = 0;
        for (JsonNode f : root.get("features")) {
            codes.add(f.path("properties").path("code").asText());
            assertThat(f.path("properties").path("name").asText()).matches("(Xã|Phường) .+");
            assertThat(f.path("geometry").path("type").asText()).isEqualTo("MultiPolygon");
            for (JsonNode polygon : f.path("geometry").path("coordinates")) {
                for (JsonNode r : polygon) {
                    assertThat(r.size()).isGreaterThanOrEqualTo(4);
                    assertThat(r.get(0)).as("rings stay closed").isEqualTo(r.get(r.size() - 1));
                    points += r.size();
                    for (JsonNode p : r) {
                        // Sơn La lies within about 20.5–22.2 N, 103.0–105.2 E
                        assertThat(p.get(0).asDouble()).isBetween(103.0, 105.2);
                        assertThat(p.get(1).asDouble()).isBetween(20.5, 22.2);
                    }
                }
            }
        }
        assertThat(codes).isEqualTo(unitsFileCodes());
        assertThat(map.pointsIn()).as("the source's points").isEqualTo(197_682);
        assertThat(points).isEqualTo(map.pointsOut()).isLessThan(20_000);
        assertThat(map.geojson().length).as("bytes served before compression").isLessThan(400_000);
        assertThat(CommuneMap.fromEnv(Map.of()).etag()).as("the same map, the same ETag").isEqualTo(map.etag());
        assertThat(CommuneMap.fromEnv(Map.of("IOC_MAP_TOLERANCE_DEG", "0.002")).pointsOut())
                .as("a coarser tolerance keeps fewer points").isLessThan(map.pointsOut());
    }

    /** The communes of the shipped units list (its own CSV reader), in file order. */
    private static List<String> unitsFileCodes() {
        return vn.ioc.pulse.dashboard.rest.UnitRegistry.fromEnv(Map.of()).ofType("commune").stream()
                .map(vn.ioc.pulse.dashboard.rest.UnitRegistry.Unit::code).toList();
    }

    @Test
    @DisplayName("a bad map names the source, the feature and the field")
    void errors() {
        String noCode = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]}}]}";
        assertThatThrownBy(() -> CommuneMap.parse(noCode.getBytes(StandardCharsets.UTF_8), 0.001, "test.geojson"))
                .hasMessageContaining("test.geojson").hasMessageContaining("features[0]")
                .hasMessageContaining("properties.code");
        String point = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"X1\"},"
                + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}";
        assertThatThrownBy(() -> CommuneMap.parse(point.getBytes(StandardCharsets.UTF_8), 0.001, "test.geojson"))
                .hasMessageContaining("X1").hasMessageContaining("geometry.type");
        assertThatThrownBy(() -> CommuneMap.parse("[]".getBytes(StandardCharsets.UTF_8), 0.001, "test.geojson"))
                .hasMessageContaining("FeatureCollection");
        assertThatThrownBy(() -> CommuneMap.fromEnv(Map.of("IOC_MAP_TOLERANCE_DEG", "big")))
                .hasMessageContaining("IOC_MAP_TOLERANCE_DEG");
        assertThatThrownBy(() -> CommuneMap.fromEnv(Map.of("IOC_MAP_FILE", "/nonexistent/map.geojson")))
                .hasMessageContaining("IOC_MAP_FILE").hasMessageContaining("/nonexistent/map.geojson");
    }
}
