package vn.ioc.pulse.dashboard.wall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The communes/wards map of the wall screen: the real boundaries, simplified once at start so the page loads fast.
 *
 * <p>Source: {@code classpath:ioc/map/sonla-units-2025.geojson.gz} — {@code shared/data/sonla-units-2025.geojson}
 * (75 MultiPolygons, 197,682 points, 4.7 MiB; provenance in shared/data/SOURCES.md) gzipped unchanged — or the file
 * named by {@code IOC_MAP_FILE} (GeoJSON FeatureCollection, {@code .gz} allowed) for another province. Each feature
 * needs a {@code code} property (the commune's KPI {@code scope_id}); {@code fullName}/{@code name} and
 * {@code fullNameEn}/{@code nameEn} are kept when present.
 *
 * <p>Simplification: Douglas–Peucker per ring with a tolerance of {@code IOC_MAP_TOLERANCE_DEG} degrees (default
 * 0.0005°, about 55 m — under one pixel when the province fills a 4K screen's height), coordinates rounded to 5
 * decimals (about 1 m). A ring keeps at least 4 points (a closed triangle); a polygon whose outer ring collapses is
 * dropped unless it is the feature's only one. Sơn La: 197,682 → about 14,000 points, 4.7 MiB → about 0.3 MB (and
 * less on the wire, the server compresses). Neighbouring communes are simplified independently, so shared borders
 * may differ by up to the tolerance — invisible at wall scale, and the reason the default is small.
 */
public final class CommuneMap {
    public static final String DEFAULT_RESOURCE = "ioc/map/sonla-units-2025.geojson.gz";
    public static final double DEFAULT_TOLERANCE_DEG = 0.0005;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] geojson;
    private final String etag;
    private final int features;
    private final int pointsIn;
    private final int pointsOut;

    private CommuneMap(byte[] geojson, int features, int pointsIn, int pointsOut) {
        this.geojson = geojson;
        this.features = features;
        this.pointsIn = pointsIn;
        this.pointsOut = pointsOut;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(geojson);
            this.etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From {@code IOC_MAP_FILE} and {@code IOC_MAP_TOLERANCE_DEG}, or the shipped Sơn La map. Blocking (file I/O). */
    public static CommuneMap fromEnv(Map<String, String> env) {
        double tolerance = DEFAULT_TOLERANCE_DEG;
        String t = env.get("IOC_MAP_TOLERANCE_DEG");
        if (t != null && !t.isBlank()) {
            try {
                tolerance = Double.parseDouble(t.trim());
            } catch (NumberFormatException e) {
                tolerance = -1;
            }
            if (!(tolerance >= 0 && tolerance <= 0.1)) {
                throw new IllegalArgumentException("IOC_MAP_TOLERANCE_DEG must be a number of degrees from 0 to 0.1, got '"
                        + t + "'");
            }
        }
        String file = env.get("IOC_MAP_FILE");
        if (file == null || file.isBlank()) {
            try (InputStream in = CommuneMap.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
                }
                return parse(new GZIPInputStream(in).readAllBytes(), tolerance, "classpath:" + DEFAULT_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath:" + DEFAULT_RESOURCE, e);
            }
        }
        Path path = Path.of(file.trim());
        try (InputStream raw = Files.newInputStream(path)) {
            InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return parse(in.readAllBytes(), tolerance, "IOC_MAP_FILE " + path);
        } catch (IOException e) {
            throw new IllegalArgumentException("IOC_MAP_FILE " + path + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /** Simplifies a GeoJSON FeatureCollection; errors name {@code source}, the feature and the field. */
    public static CommuneMap parse(byte[] geojson, double toleranceDeg, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(geojson);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not JSON: " + e.getMessage(), e);
        }
        if (root == null || !"FeatureCollection".equals(root.path("type").asText()) || !root.path("features").isArray()) {
            throw new IllegalArgumentException(source + ": field 'type' must be FeatureCollection with a 'features' array");
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode().put("type", "FeatureCollection");
        ArrayNode features = out.putArray("features");
        int in = 0;
        int kept = 0;
        int index = 0;
        for (JsonNode feature : root.get("features")) {
            String where = source + ": features[" + index++ + "]";
            JsonNode props = feature.path("properties");
            String code = props.path("code").asText("");
            if (code.isBlank()) {
                throw new IllegalArgumentException(where + ": field 'properties.code' is required");
            }
            JsonNode geometry = feature.path("geometry");
            String type = geometry.path("type").asText();
            List<JsonNode> polygons = new ArrayList<>();
            if ("Polygon".equals(type)) {
                polygons.add(geometry.path("coordinates"));
            } else if ("MultiPolygon".equals(type)) {
                geometry.path("coordinates").forEach(polygons::add);
            } else {
                throw new IllegalArgumentException(where + " (code " + code
                        + "): field 'geometry.type' must be Polygon or MultiPolygon, got '" + type + "'");
            }
            ArrayNode outPolygons = f.arrayNode();
            ArrayNode fallback = null;
            for (JsonNode polygon : polygons) {
                ArrayNode outRings = f.arrayNode();
                boolean outerKept = true;
                int ring = 0;
                for (JsonNode r : polygon) {
                    double[] xy = coordinates(r, where + " (code " + code + ")");
                    in += xy.length / 2;
                    double[] s = simplify(xy, toleranceDeg);
                    if (s.length / 2 < 4) {
                        if (ring == 0) {
                            outerKept = false;
                            if (fallback == null) {
                                fallback = f.arrayNode().add(ring(xy)); // the whole ring, if nothing else survives
                            }
                            break;
                        }
                        ring++;
                        continue; // a hole smaller than the tolerance
                    }
                    outRings.add(ring(s));
                    kept += s.length / 2;
                    ring++;
                }
                if (outerKept && !outRings.isEmpty()) {
                    outPolygons.add(outRings);
                }
            }
            if (outPolygons.isEmpty()) {
                if (fallback == null) {
                    throw new IllegalArgumentException(where + " (code " + code + "): field 'geometry.coordinates' "
                            + "holds no ring");
                }
                outPolygons.add(fallback);
                kept += fallback.get(0).size();
            }
            ObjectNode o = features.addObject().put("type", "Feature");
            ObjectNode p = o.putObject("properties").put("code", code);
            p.put("name", text(props, "fullName", "name", code));
            p.put("name_en", text(props, "fullNameEn", "nameEn", text(props, "fullName", "name", code)));
            o.putObject("geometry").put("type", "MultiPolygon").set("coordinates", outPolygons);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(source + ": field 'features' is empty");
        }
        try {
            return new CommuneMap(JSON.writeValueAsBytes(out), features.size(), in, kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode props, String first, String second, String otherwise) {
        String a = props.path(first).asText("");
        if (!a.isBlank()) {
            return a;
        }
        String b = props.path(second).asText("");
        return b.isBlank() ? otherwise : b;
    }

    private static double[] coordinates(JsonNode ring, String where) {
        if (!ring.isArray()) {
            throw new IllegalArgumentException(where + ": field 'geometry.coordinates' must hold arrays of positions");
        }
        double[] xy = new double[ring.size() * 2];
        int i = 0;
        for (JsonNode pos : ring) {
            if (!pos.isArray() || pos.size() < 2 || !pos.get(0).isNumber() || !pos.get(1).isNumber()) {
                throw new IllegalArgumentException(where + ": field 'geometry.coordinates' has a position that is not "
                        + "[lon, lat]: " + pos);
            }
            xy[i++] = pos.get(0).asDouble();
            xy[i++] = pos.get(1).asDouble();
        }
        return xy;
    }

    private static ArrayNode ring(double[] xy) {
        ArrayNode r = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < xy.length; i += 2) {
            r.addArray().add(round5(xy[i])).add(round5(xy[i + 1]));
        }
        return r;
    }

    private static double round5(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    /**
     * Douglas–Peucker on one ring of {@code [x0, y0, x1, y1, …]}: keeps the first and last point and every point
     * farther than {@code tol} from the segment between the kept points around it. Iterative (a ring of 100k points
     * would overflow a recursive one).
     */
    static double[] simplify(double[] xy, double tol) {
        int n = xy.length / 2;
        if (n <= 4 || tol <= 0) {
            return xy.clone();
        }
        boolean[] keep = new boolean[n];
        keep[0] = true;
        keep[n - 1] = true;
        // a closed ring's first and last points coincide: split it at the point farthest from the start first, or
        // every point would be measured against a zero-length segment
        int far = 0;
        double farD = -1;
        for (int i = 1; i < n - 1; i++) {
            double d = sq(xy[2 * i] - xy[0]) + sq(xy[2 * i + 1] - xy[1]);
            if (d > farD) {
                farD = d;
                far = i;
            }
        }
        keep[far] = true;
        int[] stack = new int[2 * n + 4];
        int top = 0;
        stack[top++] = 0;
        stack[top++] = far;
        stack[top++] = far;
        stack[top++] = n - 1;
        double tol2 = tol * tol;
        while (top > 0) {
            int b = stack[--top];
            int a = stack[--top];
            double ax = xy[2 * a];
            double ay = xy[2 * a + 1];
            double dx = xy[2 * b] - ax;
            double dy = xy[2 * b + 1] - ay;
            double len2 = dx * dx + dy * dy;
            double best = -1;
            int bi = -1;
            for (int i = a + 1; i < b; i++) {
                double px = xy[2 * i] - ax;
                double py = xy[2 * i + 1] - ay;
                double d;
                if (len2 == 0) {
                    d = px * px + py * py;
                } else {
                    double t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
                    d = sq(px - t * dx) + sq(py - t * dy);
                }
                if (d > best) {
                    best = d;
                    bi = i;
                }
            }
            if (bi >= 0 && best > tol2) {
                keep[bi] = true;
                stack[top++] = a;
                stack[top++] = bi;
                stack[top++] = bi;
                stack[top++] = b;
            }
        }
        int count = 0;
        for (boolean k : keep) {
            if (k) {
                count++;
            }
        }
        double[] out = new double[count * 2];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                out[j++] = xy[2 * i];
                out[j++] = xy[2 * i + 1];
            }
        }
        return out;
    }

    private static double sq(double v) {
        return v * v;
    }

    /** The simplified FeatureCollection, UTF-8 JSON: properties {@code code}, {@code name}, {@code name_en}. */
    public byte[] geojson() {
        return geojson;
    }

    /** A strong ETag of the bytes served. */
    public String etag() {
        return etag;
    }

    public int features() {
        return features;
    }

    public int pointsIn() {
        return pointsIn;
    }

    public int pointsOut() {
        return pointsOut;
    }

    @Override
    public String toString() {
        return features + " units, " + pointsIn + " → " + pointsOut + " points, " + geojson.length / 1024 + " KiB";
    }
}
