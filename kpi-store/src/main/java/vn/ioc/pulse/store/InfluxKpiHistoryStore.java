package vn.ioc.pulse.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.ioc.pulse.model.KpiValue;

/**
 * KPI history in InfluxDB through the v1 HTTP API ({@code /write} line protocol, {@code /query} InfluxQL), so the
 * same code serves InfluxDB 1.x and, through their v1-compatible API, 2.x and 3.x (CONTRACT.md §4: database
 * {@code ioc}, measurement {@code kpi}, tags kpi/scope_type/scope_id/window, float fields value/numerator/
 * denominator, timestamp = as_of). A point written again with the same series and time overwrites it.
 */
public final class InfluxKpiHistoryStore implements KpiHistoryStore {
    public static final String MEASUREMENT = "kpi";
    private static final Logger LOG = LoggerFactory.getLogger(InfluxKpiHistoryStore.class);

    private final InfluxDB influx;
    private final String database;

    /**
     * Connects to {@code url}. {@code token}, when set, is sent as {@code Authorization: Token …} (InfluxDB 2.x/3.x);
     * on 1.x the database is created if missing.
     */
    public InfluxKpiHistoryStore(String url, String database, String token) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS);
        if (token != null && !token.isBlank()) {
            http.addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                    .header("Authorization", "Token " + token).build()));
        }
        this.influx = InfluxDBFactory.connect(url, http);
        this.database = database;
        if (token == null || token.isBlank()) {
            QueryResult r = influx.query(new Query("CREATE DATABASE \"" + database.replace("\"", "") + "\""));
            if (r.hasError()) {
                LOG.warn("InfluxDB at {}: CREATE DATABASE {} failed: {}", url, database, r.getError());
            }
        }
        LOG.info("KPI history in InfluxDB at {} database {}", url, database);
    }

    @Override
    public void write(Collection<KpiValue> values) {
        if (values.isEmpty()) {
            return;
        }
        BatchPoints.Builder batch = BatchPoints.database(database).precision(TimeUnit.MILLISECONDS);
        for (KpiValue v : values) {
            org.influxdb.dto.Point.Builder p = org.influxdb.dto.Point.measurement(MEASUREMENT)
                    .time(v.asOf().toEpochMilli(), TimeUnit.MILLISECONDS)
                    .tag("kpi", v.kpi())
                    .tag("scope_type", v.scopeType())
                    .tag("scope_id", v.scopeId())
                    .tag("window", v.window())
                    .addField("numerator", v.numerator() == null ? 0.0 : v.numerator());
            if (v.value() != null) {
                p.addField("value", v.value().doubleValue());
            }
            if (v.denominator() != null) {
                p.addField("denominator", v.denominator().doubleValue());
            }
            batch.point(p.build());
        }
        influx.write(batch.build());
    }

    @Override
    public List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from,
                               Instant to, Duration step) {
        return query(kpi, scopeType, scopeId, window, from, to, step, 0);
    }

    /** The query ends in {@code LIMIT n}: InfluxDB reads the oldest n points (or step buckets) only. */
    @Override
    public List<Point> history(String kpi, String scopeType, String scopeId, String window, Instant from,
                               Instant to, Duration step, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return query(kpi, scopeType, scopeId, window, from, to, step, limit);
    }

    /** {@code limit} 0: no limit. */
    private List<Point> query(String kpi, String scopeType, String scopeId, String window, Instant from,
                              Instant to, Duration step, int limit) {
        String where = " FROM " + MEASUREMENT + " WHERE kpi = $kpi AND scope_type = $st AND scope_id = $sid"
                + " AND \"window\" = $w AND time >= $from AND time <= $to";
        String q = step == null
                ? "SELECT value, numerator, denominator" + where
                : "SELECT last(numerator) AS numerator, last(denominator) AS denominator" + where
                + " GROUP BY time(" + step.toMillis() + "ms) fill(none)";
        if (limit > 0) {
            q += " LIMIT " + limit;
        }
        BoundParameterQuery query = BoundParameterQuery.QueryBuilder.newQuery(q).forDatabase(database)
                .bind("kpi", kpi).bind("st", scopeType).bind("sid", scopeId).bind("w", window)
                .bind("from", from.toEpochMilli() * 1_000_000L).bind("to", to.toEpochMilli() * 1_000_000L)
                .create();
        QueryResult result = influx.query(query, TimeUnit.MILLISECONDS);
        if (result.hasError()) {
            throw new IllegalStateException("InfluxDB query failed: " + result.getError());
        }
        List<Point> points = new ArrayList<>();
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                throw new IllegalStateException("InfluxDB query failed: " + r.getError());
            }
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series s : r.getSeries()) {
                List<String> cols = s.getColumns();
                for (List<Object> row : s.getValues()) {
                    Instant t = Instant.ofEpochMilli(((Number) row.get(cols.indexOf("time"))).longValue());
                    Double num = number(row, cols, "numerator");
                    Double den = number(row, cols, "denominator");
                    Double value = step == null ? number(row, cols, "value") : derivedValue(num, den);
                    points.add(new Point(t, value, num, den));
                }
            }
        }
        return points;
    }

    /** value = numerator for counts, numerator ÷ denominator for ratios (null when 0), as the job computes it. */
    private static Double derivedValue(Double num, Double den) {
        if (den == null) {
            return num;
        }
        return den == 0.0 || num == null ? null : num / den;
    }

    private static Double number(List<Object> row, List<String> cols, String name) {
        int i = cols.indexOf(name);
        Object o = i < 0 ? null : row.get(i);
        return o == null ? null : ((Number) o).doubleValue();
    }

    @Override
    public boolean ping() {
        try {
            return influx.ping().isGood();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        influx.close();
    }
}
