package vn.ioc.pulse.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The working-day calendar of DOMAIN.md §4 and §7 ("Calendar and due dates"): which local days are working days,
 * how much office time lies between two instants, and when a regulated duration runs out.
 *
 * <p>All local logic is in {@link KpiValue#ZONE} (Asia/Ho_Chi_Minh, +07:00), whatever offset an input instant was
 * written with. Office intervals on a working day are half-open: [07:00, 11:30) and [13:30, 17:00), 8 hours in all
 * ({@link #WORKING_DAY_MILLIS}). A day is a working day when it is Monday–Friday and not listed as
 * {@code holiday} or {@code compensatory_day_off}, or when it is listed as {@code makeup_working_day}.
 *
 * <h2>Data</h2>
 * The calendar is data: a CSV with a header and {@code #} comment lines, of which only the columns {@code date}
 * ({@code yyyy-MM-dd}) and {@code kind} ({@code holiday}, {@code compensatory_day_off}, {@code makeup_working_day})
 * are used; other columns are ignored. The default ships on the classpath as {@value #RESOURCE} (a copy of
 * {@code shared/data/vn-holidays.csv}, 2024–2026); an operator may load their own file with {@link #load(Path)}.
 * A bad file fails with an {@link IllegalArgumentException} naming the source, the line (and date) and the column.
 *
 * <p>Per-day cumulative office time is precomputed for the years {@code firstDataYear − 1 .. lastDataYear + 2}, so
 * {@link #workingMillis}, {@link #addWorkingMillis} and {@link #due} cost O(1) whatever the span. Outside that range
 * the weekday-only rule applies (Monday–Friday are working days), also in O(1) by closed-form weekday counting.
 * The instance is immutable, thread-safe and {@link Serializable} (it can be shipped inside a Flink operator).
 *
 * <h2>Decisions where DOMAIN.md is silent or ambiguous</h2>
 * <ol>
 *   <li><b>Receipt day.</b> The receipt day is the local date of {@link #startOfCounting(Instant)}, for WORKING_DAY
 *       <em>and</em> DAY durations. So a receipt on Saturday with DAY 2 counts from Monday (due Wednesday 17:00), not
 *       from Saturday; a receipt at 17:00:00 Friday with WORKING_DAY 1 is due Tuesday 17:00.</li>
 *   <li><b>Hour of receipt ignored for WORKING_DAY/DAY.</b> The deadline is 17:00 of a day; a receipt at 16:59 with
 *       WORKING_DAY 0 is due one minute later (§7 says n = 0 is 17:00 of the receipt day).</li>
 *   <li><b>HOUR 0</b> gives {@code startOfCounting(receipt)} (the brief's {@code addWorkingMillis(startOfCounting(
 *       receipt), 0)}), not the raw receipt instant, so a receipt during lunch with HOUR 0 is due at 13:30.</li>
 *   <li><b>Earliest instant.</b> Adding office time returns the earliest instant at which it has passed, so a sum
 *       that is used up exactly at the end of an interval lands on 11:30 or 17:00, never on the next opening (10:30 +
 *       1 h = 11:30; 17:00 Monday + 8 h = 17:00 Tuesday). Adding 0 returns the start unchanged, even outside office
 *       hours.</li>
 *   <li><b>Make-up working days</b> (Saturdays) have the normal office intervals.</li>
 *   <li><b>Only listed days change.</b> A holiday falling on a weekend does not create a compensatory day by itself;
 *       the data lists every nghỉ bù / hoán đổi day explicitly (as the shipped file does). A weekend day listed as
 *       a day off, or a weekday listed as a make-up day, is accepted and changes nothing.</li>
 *   <li><b>Years without data</b> use weekday-only rules: e.g. with the shipped file (no 2027 schedule announced)
 *       1 January 2027 counts as a working day. {@link #firstDataYear()} / {@link #lastDataYear()} tell callers
 *       which years the data covers so they can warn.</li>
 *   <li><b>Stricter file checks</b> than the column rules: a file with no data rows, a date listed both as a day off
 *       and as a make-up working day, or a year outside 1900–2199 (almost surely a typo, which would also blow up the
 *       precomputed table) is rejected. The same date listed twice with compatible kinds is accepted. {@code kind} is
 *       compared after trimming, case-insensitively; a leading UTF-8 byte-order mark is skipped.</li>
 *   <li><b>Precision.</b> Positions are computed in nanoseconds: {@link #workingMillis} is the office time floored
 *       to whole milliseconds and {@link #addWorkingMillis} is exact, so
 *       {@code workingMillis(s, addWorkingMillis(s, m)) == m} for every {@code m ≥ 0}. Negative durations are
 *       rejected with {@link IllegalArgumentException}.</li>
 *   <li><b>Supported range.</b> Every instant given to or returned by the calendar lies in the local years
 *       0001–9999 ({@link #MIN_SUPPORTED} inclusive to {@link #MAX_SUPPORTED} exclusive). An instant outside it, or
 *       a duration whose end would fall outside it (e.g. {@code Long.MAX_VALUE} HOUR), is rejected with an
 *       {@link IllegalArgumentException} naming the value — never an {@code ArithmeticException} or a
 *       {@code DateTimeException} — so a caller can turn one bad record into a clear rejection. Inside the range no
 *       intermediate value can overflow a {@code long}.</li>
 * </ol>
 */
public final class WorkingCalendar implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Classpath location of the default calendar (without the leading slash). */
    public static final String RESOURCE = "ioc/vn-holidays.csv";

    /** Office time of one working day: 8 hours. */
    public static final long WORKING_DAY_MILLIS = 8 * 3_600_000L;

    /** Office intervals: [OPEN_MORNING, CLOSE_MORNING) and [OPEN_AFTERNOON, CLOSE_AFTERNOON), local time. */
    public static final LocalTime OPEN_MORNING = LocalTime.of(7, 0);
    public static final LocalTime CLOSE_MORNING = LocalTime.of(11, 30);
    public static final LocalTime OPEN_AFTERNOON = LocalTime.of(13, 30);
    public static final LocalTime CLOSE_AFTERNOON = LocalTime.of(17, 0);

    /** The {@code kind} values of the data file. */
    public static final String HOLIDAY = "holiday";
    public static final String COMPENSATORY_DAY_OFF = "compensatory_day_off";
    public static final String MAKEUP_WORKING_DAY = "makeup_working_day";

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long DAY_NANOS = WORKING_DAY_MILLIS * NANOS_PER_MILLI;
    private static final long AM_OPEN = OPEN_MORNING.toNanoOfDay();
    private static final long AM_CLOSE = CLOSE_MORNING.toNanoOfDay();
    private static final long PM_OPEN = OPEN_AFTERNOON.toNanoOfDay();
    private static final long PM_CLOSE = CLOSE_AFTERNOON.toNanoOfDay();
    private static final long AM_LENGTH = AM_CLOSE - AM_OPEN;
    private static final long PM_LENGTH = PM_CLOSE - PM_OPEN;

    static {
        if (AM_LENGTH + PM_LENGTH != DAY_NANOS) {
            throw new AssertionError("office intervals do not add up to one working day");
        }
    }

    /*
     * Epoch day 0 (1970-01-01) is a Thursday. Offsets within a 7-day block from an epoch day ≡ 0 (mod 7):
     * 0 Thu, 1 Fri, 2 Sat, 3 Sun, 4 Mon, 5 Tue, 6 Wed.
     */
    /** Number of weekdays among offsets 0 .. r−1 of a block. */
    private static final int[] WEEKDAYS_BEFORE_OFFSET = {0, 1, 2, 2, 2, 3, 4};
    /** Offset of the j-th (0-based) weekday of a block. */
    private static final int[] WEEKDAY_OFFSET = {0, 1, 4, 5, 6};

    /** First supported local day (0001-01-01) and the day after the last (10000-01-01), as epoch days. */
    private static final long MIN_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long END_DAY = LocalDate.of(10_000, 1, 1).toEpochDay();
    /** The first instant the calendar accepts: local midnight starting 0001-01-01. */
    public static final Instant MIN_SUPPORTED = LocalDate.ofEpochDay(MIN_DAY).atStartOfDay(KpiValue.ZONE).toInstant();
    /** The first instant the calendar no longer accepts: local midnight starting 10000-01-01. */
    public static final Instant MAX_SUPPORTED = LocalDate.ofEpochDay(END_DAY).atStartOfDay(KpiValue.ZONE).toInstant();
    /** Largest HOUR value whose milliseconds fit in a long. */
    private static final long MAX_HOURS = Long.MAX_VALUE / 3_600_000L;

    private static final int MIN_YEAR = 1900;
    private static final int MAX_YEAR = 2199;
    private static final Pattern DATE_SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final CsvMapper CSV = CsvMapper.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

    private final String source;
    private final int firstDataYear;
    private final int lastDataYear;
    /** First epoch day of the precomputed table (1 January of firstDataYear − 1). */
    private final long tableStart;
    /** Number of days in the table. */
    private final int tableDays;
    /** {@code cumulative[i]} = working days in [tableStart, tableStart + i), for i in 0..tableDays. */
    private final int[] cumulative;
    /** Table offsets of the working days, ascending: {@code workdays[j]} is the j-th working day of the table. */
    private final int[] workdays;
    /** Weekdays before tableStart = working days before it (weekday-only rule there). */
    private final long base;
    /** Weekdays before the end of the table (tableStart + tableDays). */
    private final long weekdaysBeforeTableEnd;

    /** {@code overrides}: listed dates, true for a make-up working day, false for a day off; not empty. */
    private WorkingCalendar(String source, TreeMap<LocalDate, Boolean> overrides) {
        this.source = source;
        LocalDate first = overrides.firstKey();
        LocalDate last = overrides.lastKey();
        this.firstDataYear = first.getYear();
        this.lastDataYear = last.getYear();
        this.tableStart = LocalDate.of(firstDataYear - 1, 1, 1).toEpochDay();
        long end = LocalDate.of(lastDataYear + 3, 1, 1).toEpochDay();
        this.tableDays = Math.toIntExact(end - tableStart);
        this.cumulative = new int[tableDays + 1];
        int[] work = new int[tableDays];
        int count = 0;
        for (int i = 0; i < tableDays; i++) {
            long day = tableStart + i;
            Boolean listed = overrides.get(LocalDate.ofEpochDay(day));
            boolean working = listed != null ? listed : isWeekday(day);
            if (working) {
                work[count++] = i;
            }
            cumulative[i + 1] = count;
        }
        this.workdays = Arrays.copyOf(work, count);
        this.base = weekdaysBefore(tableStart);
        this.weekdaysBeforeTableEnd = weekdaysBefore(end);
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** The default calendar shipped on the classpath ({@value #RESOURCE}). Parses on each call: keep the instance. */
    public static WorkingCalendar load() {
        try (InputStream in = WorkingCalendar.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("working calendar resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read working calendar classpath:" + RESOURCE, e);
        }
    }

    /** An operator's calendar file (UTF-8 CSV, same shape as the default). */
    public static WorkingCalendar load(Path file) {
        Objects.requireNonNull(file, "file");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read working calendar " + file, e);
        }
    }

    /**
     * Parses calendar CSV read from {@code reader} (read to its end, not closed). {@code sourceName} names the input
     * in error messages.
     *
     * @throws IllegalArgumentException if the CSV is malformed, lacks the {@code date} or {@code kind} column, has no
     *         rows, or a row has a bad date or an unknown kind (the message names source, line, date and column)
     */
    public static WorkingCalendar parse(Reader reader, String sourceName) {
        Objects.requireNonNull(reader, "reader");
        String source = sourceName == null ? "<unnamed>" : sourceName;
        TreeMap<LocalDate, Boolean> overrides = new TreeMap<>();
        Map<LocalDate, String> firstSeen = new LinkedHashMap<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withComments();
        try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                .with(schema)
                .with(CsvParser.Feature.SKIP_EMPTY_LINES)
                .readValues(skipByteOrderMark(reader))) {
            CsvParser parser = (CsvParser) it.getParser();
            boolean any = it.hasNextValue();
            Map<String, String> columns = new LinkedHashMap<>();
            for (String name : parser.getSchema().getColumnNames()) {
                columns.putIfAbsent(name.trim().toLowerCase(Locale.ROOT), name);
            }
            String dateColumn = requireColumn(columns, "date", source);
            String kindColumn = requireColumn(columns, "kind", source);
            if (!any) {
                throw new IllegalArgumentException("working calendar " + source + " has no data rows");
            }
            while (it.hasNextValue()) {
                Map<String, String> row = it.nextValue();
                long line = parser.currentTokenLocation().getLineNr();
                LocalDate date = parseDate(row.get(dateColumn), source, line);
                String kindText = row.get(kindColumn) == null ? "" : row.get(kindColumn).trim();
                boolean working = switch (kindText.toLowerCase(Locale.ROOT)) {
                    case HOLIDAY, COMPENSATORY_DAY_OFF -> false;
                    case MAKEUP_WORKING_DAY -> true;
                    default -> throw new IllegalArgumentException("working calendar " + source + " line " + line
                            + " (date " + date + "), column 'kind': unknown kind '" + kindText + "' (expected "
                            + HOLIDAY + ", " + COMPENSATORY_DAY_OFF + " or " + MAKEUP_WORKING_DAY + ")");
                };
                Boolean previous = overrides.putIfAbsent(date, working);
                String here = "line " + line + " (" + kindText + ")";
                if (previous == null) {
                    firstSeen.put(date, here);
                } else if (previous != working) {
                    throw new IllegalArgumentException("working calendar " + source + " line " + line + " (date "
                            + date + "), column 'kind': " + date + " is listed both as a day off and as a make-up "
                            + "working day (" + firstSeen.get(date) + " and " + here + ")");
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr();
            throw new IllegalArgumentException("working calendar " + source + where + " is not valid CSV: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read working calendar " + source, e);
        }
        return new WorkingCalendar(source, overrides);
    }

    private static String requireColumn(Map<String, String> columns, String name, String source) {
        String raw = columns.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("working calendar " + source + ": the header has no column '" + name
                    + "' (columns: " + columns.values() + ")");
        }
        return raw;
    }

    private static LocalDate parseDate(String raw, String source, long line) {
        String text = raw == null ? "" : raw.trim();
        String prefix = "working calendar " + source + " line " + line + ", column 'date': ";
        if (!DATE_SHAPE.matcher(text).matches()) {
            throw new IllegalArgumentException(prefix + "'" + text + "' is not a date yyyy-MM-dd");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(prefix + "'" + text + "' is not a valid date (" + e.getMessage() + ")", e);
        }
        if (date.getYear() < MIN_YEAR || date.getYear() > MAX_YEAR) {
            throw new IllegalArgumentException(prefix + "year of '" + text + "' is outside " + MIN_YEAR + "–" + MAX_YEAR);
        }
        return date;
    }

    private static Reader skipByteOrderMark(Reader reader) throws IOException {
        PushbackReader in = new PushbackReader(reader, 1);
        int c = in.read();
        if (c != -1 && c != '\uFEFF') {
            in.unread(c);
        }
        return in;
    }

    // ------------------------------------------------------------------------------------------------ queries

    /** Where the data came from (a path, or {@code classpath:ioc/vn-holidays.csv}). */
    public String source() {
        return source;
    }

    /** The first year with a row in the data; earlier years use the weekday-only rule beyond one margin year. */
    public int firstDataYear() {
        return firstDataYear;
    }

    /** The last year with a row in the data; later years are treated with the weekday-only rule. */
    public int lastDataYear() {
        return lastDataYear;
    }

    /** Whether this local date is a working day. */
    public boolean isWorkingDay(LocalDate date) {
        return isWorking(date.toEpochDay());
    }

    /**
     * The first working day strictly after {@code date}.
     *
     * @throws IllegalArgumentException if {@code date} or that working day is outside the supported years 0001–9999
     */
    public LocalDate nextWorkingDay(LocalDate date) {
        long day = date.toEpochDay();
        if (day < MIN_DAY || day >= END_DAY) {
            throw new IllegalArgumentException("date " + date + " is outside the calendar's supported years 0001–9999");
        }
        return workday(workingDaysBefore(day + 1));
    }

    /**
     * When the clock starts for a receipt at {@code receipt}: the receipt itself if it lies inside an office interval,
     * otherwise the next office opening (before 07:00 → 07:00; lunch → 13:30; from 17:00:00 or on a day off → 07:00 of
     * the next working day).
     */
    public Instant startOfCounting(Instant receipt) {
        requireSupported(receipt, "receipt");
        LocalDateTime local = LocalDateTime.ofInstant(receipt, KpiValue.ZONE);
        LocalDate date = local.toLocalDate();
        long n = local.toLocalTime().toNanoOfDay();
        if (isWorkingDay(date)) {
            if (n < AM_OPEN) {
                return at(date, OPEN_MORNING);
            }
            if (n < AM_CLOSE) {
                return receipt;
            }
            if (n < PM_OPEN) {
                return at(date, OPEN_AFTERNOON);
            }
            if (n < PM_CLOSE) {
                return receipt;
            }
        }
        return at(nextWorkingDay(date), OPEN_MORNING);
    }

    /**
     * Office time inside [from, to) in milliseconds (floored); 0 when {@code to <= from}.
     *
     * @throws IllegalArgumentException if an instant is outside the supported range
     */
    public long workingMillis(Instant from, Instant to) {
        requireSupported(from, "from");
        requireSupported(to, "to");
        if (!to.isAfter(from)) {
            return 0;
        }
        long fromDay = workingDayIndex(from);
        long fromNanos = officeNanos(from);
        long toDay = workingDayIndex(to);
        long toNanos = officeNanos(to);
        return Math.addExact(Math.multiplyExact(toDay - fromDay, WORKING_DAY_MILLIS),
                Math.floorDiv(toNanos - fromNanos, NANOS_PER_MILLI));
    }

    /**
     * The earliest instant at which {@code millis} of office time has passed since {@code start} ({@code start} itself
     * when {@code millis} is 0). 17:00 Monday + 8 h = 17:00 Tuesday; 11:00 + 1 h = 14:00.
     *
     * @throws IllegalArgumentException if {@code millis} is negative, {@code start} is outside the supported range or
     *         the result would be after it
     */
    public Instant addWorkingMillis(Instant start, long millis) {
        requireSupported(start, "start");
        if (millis < 0) {
            throw new IllegalArgumentException("working time to add must be >= 0, got " + millis + " ms");
        }
        if (millis == 0) {
            return start;
        }
        // no overflow: |index| < 3e6 in the supported range and millis / WORKING_DAY_MILLIS < 3.3e11
        long day = workingDayIndex(start) + millis / WORKING_DAY_MILLIS;
        if (day > lastWorkdayIndex()) {
            throw new IllegalArgumentException("adding " + millis + " ms of working time to " + start
                    + " ends after the calendar's supported years 0001–9999");
        }
        long nanos = officeNanos(start) + (millis % WORKING_DAY_MILLIS) * NANOS_PER_MILLI;
        if (nanos >= DAY_NANOS) {
            day++;
            nanos -= DAY_NANOS;
        }
        if (nanos == 0) {
            // the target is exactly the end of the previous working day: reached at its 17:00, not at the next 07:00
            return at(workday(day - 1), CLOSE_AFTERNOON);
        }
        LocalTime time = nanos <= AM_LENGTH
                ? LocalTime.ofNanoOfDay(AM_OPEN + nanos)
                : LocalTime.ofNanoOfDay(PM_OPEN + nanos - AM_LENGTH);
        return at(workday(day), time);
    }

    /**
     * The due instant of a regulated duration (DOMAIN.md §7). The receipt day is the local date of
     * {@link #startOfCounting(Instant) startOfCounting(receipt)}. WORKING_DAY n: 17:00 of the n-th working day after
     * the receipt day (n = 0: 17:00 of the receipt day). DAY n: 17:00 of receipt day + n calendar days, moved to 17:00
     * of the next working day when that date is not one. HOUR n: {@code addWorkingMillis(startOfCounting(receipt),
     * n h)}.
     *
     * @throws IllegalArgumentException if {@code value} is negative, {@code receipt} is outside the supported range,
     *         or the due would fall after it (e.g. {@code Long.MAX_VALUE} of any unit)
     */
    public Instant due(Instant receipt, long value, CaseEvent.DurationUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (value < 0) {
            throw new IllegalArgumentException("regulated duration must be >= 0, got " + value + " " + unit);
        }
        Instant start = startOfCounting(receipt);
        long receiptDay = LocalDate.ofInstant(start, KpiValue.ZONE).toEpochDay();
        return switch (unit) {
            case WORKING_DAY -> {
                long index = workingDaysBefore(receiptDay);
                if (value > lastWorkdayIndex() - index) {
                    throw tooLong(receipt, value, unit);
                }
                yield at(workday(index + value), CLOSE_AFTERNOON);
            }
            case DAY -> {
                if (value >= END_DAY - receiptDay) {
                    throw tooLong(receipt, value, unit);
                }
                LocalDate date = LocalDate.ofEpochDay(receiptDay + value);
                yield at(isWorkingDay(date) ? date : nextWorkingDay(date), CLOSE_AFTERNOON);
            }
            case HOUR -> {
                if (value > MAX_HOURS) {
                    throw tooLong(receipt, value, unit);
                }
                yield addWorkingMillis(start, value * 3_600_000L);
            }
        };
    }

    private static IllegalArgumentException tooLong(Instant receipt, long value, CaseEvent.DurationUnit unit) {
        return new IllegalArgumentException("regulated duration " + value + " " + unit + " from " + receipt
                + " ends after the calendar's supported years 0001–9999");
    }

    /** Rejects null and instants outside [{@link #MIN_SUPPORTED}, {@link #MAX_SUPPORTED}). */
    private static void requireSupported(Instant t, String what) {
        Objects.requireNonNull(t, what);
        if (t.isBefore(MIN_SUPPORTED) || !t.isBefore(MAX_SUPPORTED)) {
            throw new IllegalArgumentException(what + " " + t + " is outside the calendar's supported years 0001–9999"
                    + " (local time)");
        }
    }

    @Override
    public String toString() {
        return "WorkingCalendar[" + source + ", data " + firstDataYear + "–" + lastDataYear + ", table "
                + LocalDate.ofEpochDay(tableStart) + ".." + LocalDate.ofEpochDay(tableStart + tableDays - 1) + "]";
    }

    // ------------------------------------------------------------------------------------------------ internals

    private static Instant at(LocalDate date, LocalTime time) {
        return LocalDateTime.of(date, time).atZone(KpiValue.ZONE).toInstant();
    }

    /** Working days strictly before the local date of {@code t}: the index of the working day its office time is in. */
    private long workingDayIndex(Instant t) {
        return workingDaysBefore(LocalDate.ofInstant(t, KpiValue.ZONE).toEpochDay());
    }

    /** Office time of the local day of {@code t} that lies before {@code t}, in nanoseconds (0..DAY_NANOS). */
    private long officeNanos(Instant t) {
        LocalDateTime local = LocalDateTime.ofInstant(t, KpiValue.ZONE);
        if (!isWorking(local.toLocalDate().toEpochDay())) {
            return 0;
        }
        long n = local.toLocalTime().toNanoOfDay();
        return clamp(n - AM_OPEN, AM_LENGTH) + clamp(n - PM_OPEN, PM_LENGTH);
    }

    private static long clamp(long v, long max) {
        return v <= 0 ? 0 : Math.min(v, max);
    }

    private boolean isWorking(long epochDay) {
        long i = epochDay - tableStart;
        if (i >= 0 && i < tableDays) {
            return cumulative[(int) i + 1] != cumulative[(int) i];
        }
        return isWeekday(epochDay);
    }

    /** Number of working days in (−∞, epochDay) counted from a fixed origin; only differences are meaningful. */
    private long workingDaysBefore(long epochDay) {
        if (epochDay < tableStart) {
            return weekdaysBefore(epochDay);
        }
        long i = epochDay - tableStart;
        if (i <= tableDays) {
            return base + cumulative[(int) i];
        }
        return base + cumulative[tableDays] + weekdaysBefore(epochDay) - weekdaysBeforeTableEnd;
    }

    /** Index of the last working day before 10000-01-01. */
    private long lastWorkdayIndex() {
        return workingDaysBefore(END_DAY) - 1;
    }

    /**
     * The working day with {@code workingDaysBefore(day) == index} (inverse of {@link #workingDaysBefore}).
     *
     * @throws IllegalArgumentException if that day is outside the supported years
     */
    private LocalDate workday(long index) {
        if (index < workingDaysBefore(MIN_DAY) || index > lastWorkdayIndex()) {
            throw new IllegalArgumentException("working day number " + index
                    + " is outside the calendar's supported years 0001–9999");
        }
        if (index < base) {
            return LocalDate.ofEpochDay(weekdayNumbered(index));
        }
        long j = index - base;
        int inTable = cumulative[tableDays];
        if (j < inTable) {
            return LocalDate.ofEpochDay(tableStart + workdays[(int) j]);
        }
        return LocalDate.ofEpochDay(weekdayNumbered(j - inTable + weekdaysBeforeTableEnd));
    }

    private static boolean isWeekday(long epochDay) {
        int offset = (int) Math.floorMod(epochDay, 7L);
        return offset != 2 && offset != 3;
    }

    /** Mondays–Fridays in [epoch day 0, epochDay) (negative before 1970). */
    private static long weekdaysBefore(long epochDay) {
        return 5 * Math.floorDiv(epochDay, 7L) + WEEKDAYS_BEFORE_OFFSET[(int) Math.floorMod(epochDay, 7L)];
    }

    /** The weekday d with {@code weekdaysBefore(d) == j}. */
    private static long weekdayNumbered(long j) {
        return 7 * Math.floorDiv(j, 5L) + WEEKDAY_OFFSET[(int) Math.floorMod(j, 5L)];
    }
}
