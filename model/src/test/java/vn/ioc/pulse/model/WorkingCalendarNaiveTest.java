package vn.ioc.pulse.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;

/**
 * An independent check of {@link WorkingCalendar}: a deliberately naive calendar written here from DOMAIN.md §4 and
 * §7 ("Calendar and due dates") — its own CSV reading, minute-by-minute stepping for start of counting and HOUR
 * durations, day-by-day interval overlap for working time — compared with the real class on hand-written fixtures
 * and on seeded random inputs in 2024–2026 (the years the shipped CSV covers).
 *
 * <p>The naive calendar uses the fixed offset +07:00: Asia/Ho_Chi_Minh has had no DST or offset change since 1975,
 * so for 2024–2027 this is the same as the zone.
 */
@DisplayName("WorkingCalendar agrees with a naive, independent re-implementation of DOMAIN §4/§7")
class WorkingCalendarNaiveTest {

    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final long SEED = 20260213L;

    private static WorkingCalendar real;
    private static Naive naive;

    @BeforeAll
    static void setUp() throws IOException {
        real = WorkingCalendar.load();
        naive = Naive.fromClasspath();
    }

    // ================================================================================================ naive calendar

    /**
     * The naive calendar. Office minutes of a working day: [07:00, 11:30) and [13:30, 17:00) local (§7: half-open).
     */
    static final class Naive {
        final Set<LocalDate> daysOff = new HashSet<>();
        final Set<LocalDate> makeUpDays = new HashSet<>();

        /** Reads the shipped CSV with plain line splitting: only columns 1 (date) and 3 (kind) are used. */
        static Naive fromClasspath() throws IOException {
            Naive n = new Naive();
            try (InputStream in = WorkingCalendarNaiveTest.class.getClassLoader()
                    .getResourceAsStream("ioc/vn-holidays.csv")) {
                assertThat(in).as("ioc/vn-holidays.csv on the test classpath").isNotNull();
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                boolean header = true;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    if (header) { // date,weekday,kind,...
                        assertThat(line).startsWith("date,weekday,kind,");
                        header = false;
                        continue;
                    }
                    // later columns (name, source, note) may be quoted and contain commas; the first three never are
                    String[] f = line.split(",", 4);
                    assertThat(f[0] + f[1] + f[2]).doesNotContain("\"");
                    LocalDate date = LocalDate.parse(f[0].trim());
                    // the weekday column must agree with the date (catches a typo in the data, not in the code)
                    assertThat(date.getDayOfWeek().name()).startsWith(f[1].trim().toUpperCase());
                    switch (f[2].trim()) {
                        case "holiday", "compensatory_day_off" -> n.daysOff.add(date);
                        case "makeup_working_day" -> n.makeUpDays.add(date);
                        default -> throw new AssertionError("unknown kind in line: " + line);
                    }
                }
            }
            assertThat(n.daysOff).isNotEmpty();
            return n;
        }

        boolean isWorkingDay(LocalDate d) {
            if (makeUpDays.contains(d)) {
                return true;
            }
            if (daysOff.contains(d)) {
                return false;
            }
            return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
        }

        /** Is the minute starting at local minute-of-day {@code m} of day {@code d} office time? */
        boolean officeMinute(LocalDate d, int m) {
            return isWorkingDay(d) && ((m >= 7 * 60 && m < 11 * 60 + 30) || (m >= 13 * 60 + 30 && m < 17 * 60));
        }

        boolean officeMinute(Instant minuteStart) {
            LocalDateTime l = LocalDateTime.ofInstant(minuteStart, VN);
            return officeMinute(l.toLocalDate(), l.getHour() * 60 + l.getMinute());
        }

        /** §7: step minute by minute until the clock is inside an office interval (receipt must be minute-aligned). */
        Instant startOfCounting(Instant receipt) {
            requireMinute(receipt);
            Instant t = receipt;
            while (!officeMinute(t)) {
                t = t.plusSeconds(60);
            }
            return t;
        }

        /**
         * Earliest instant at which {@code minutes} office minutes have passed since minute-aligned {@code start}:
         * walk forward one minute at a time, counting office minutes; stop right after the last one needed.
         */
        Instant addOfficeMinutes(Instant start, long minutes) {
            requireMinute(start);
            Instant t = start;
            long counted = 0;
            while (counted < minutes) {
                if (officeMinute(t)) {
                    counted++;
                }
                t = t.plusSeconds(60);
            }
            return t;
        }

        /** Office time inside [from, to), by summing per local day the overlap with the two office intervals. */
        long workingMillis(Instant from, Instant to) {
            if (!to.isAfter(from)) {
                return 0;
            }
            long nanos = 0;
            LocalDate last = LocalDate.ofInstant(to, VN);
            for (LocalDate d = LocalDate.ofInstant(from, VN); !d.isAfter(last); d = d.plusDays(1)) {
                if (!isWorkingDay(d)) {
                    continue;
                }
                nanos += overlap(from, to, at(d, 7, 0), at(d, 11, 30));
                nanos += overlap(from, to, at(d, 13, 30), at(d, 17, 0));
            }
            return Math.floorDiv(nanos, 1_000_000L);
        }

        private static long overlap(Instant a, Instant b, Instant c, Instant d) {
            Instant lo = a.isAfter(c) ? a : c;
            Instant hi = b.isBefore(d) ? b : d;
            return hi.isAfter(lo) ? Duration.between(lo, hi).toNanos() : 0;
        }

        /**
         * DOMAIN §7: the receipt day is the local date of the start of counting (so a Saturday receipt counts from
         * Monday, for WORKING_DAY and DAY alike).
         * WORKING_DAY n: 17:00 of the n-th working day after the receipt day (n = 0: the receipt day).
         * DAY n: 17:00 of receipt day + n calendar days, moved forward to the next working day if that date is not one.
         * HOUR n: earliest instant at which n office hours have passed since receipt — taken from the start of counting
         * (equivalent: no office time passes between receipt and start of counting; HOUR 0 = start of counting is
         * where DOMAIN is silent and WorkingCalendar's Javadoc decision 3 is followed).
         */
        Instant due(Instant receipt, long value, DurationUnit unit) {
            Instant start = startOfCounting(receipt);
            LocalDate receiptDay = LocalDate.ofInstant(start, VN);
            switch (unit) {
                case WORKING_DAY: {
                    LocalDate d = receiptDay;
                    for (long i = 0; i < value; i++) {
                        d = d.plusDays(1);
                        while (!isWorkingDay(d)) {
                            d = d.plusDays(1);
                        }
                    }
                    return at(d, 17, 0);
                }
                case DAY: {
                    LocalDate d = receiptDay.plusDays(value);
                    while (!isWorkingDay(d)) {
                        d = d.plusDays(1);
                    }
                    return at(d, 17, 0);
                }
                case HOUR:
                    return addOfficeMinutes(start, value * 60);
                default:
                    throw new AssertionError(unit);
            }
        }

        private static void requireMinute(Instant t) {
            if (t.getEpochSecond() % 60 != 0 || t.getNano() != 0) {
                throw new IllegalArgumentException("naive calendar steps whole minutes; not minute-aligned: " + t);
            }
        }
    }

    private static Instant at(LocalDate d, int h, int m) {
        return LocalDateTime.of(d, LocalTime.of(h, m)).toInstant(VN);
    }

    /** Local +07:00 timestamp, e.g. {@code t("2025-03-10T09:00")}. */
    private static Instant t(String local) {
        return OffsetDateTime.parse(local + "+07:00").toInstant();
    }

    private static void assertDue(String receipt, long value, DurationUnit unit, String expected) {
        Instant r = t(receipt);
        Instant e = t(expected);
        assertThat(naive.due(r, value, unit)).as("naive due(%s, %d %s)", receipt, value, unit).isEqualTo(e);
        assertThat(real.due(r, value, unit)).as("WorkingCalendar due(%s, %d %s)", receipt, value, unit).isEqualTo(e);
    }

    private static void assertStart(String receipt, String expected) {
        Instant r = t(receipt);
        Instant e = t(expected);
        assertThat(naive.startOfCounting(r)).as("naive startOfCounting(%s)", receipt).isEqualTo(e);
        assertThat(real.startOfCounting(r)).as("WorkingCalendar startOfCounting(%s)", receipt).isEqualTo(e);
    }

    private static void assertWorking(String from, String to, Duration expected) {
        Instant f = t(from);
        Instant u = t(to);
        assertThat(naive.workingMillis(f, u)).as("naive workingMillis(%s, %s)", from, to)
                .isEqualTo(expected.toMillis());
        assertThat(real.workingMillis(f, u)).as("WorkingCalendar workingMillis(%s, %s)", from, to)
                .isEqualTo(expected.toMillis());
    }

    private static void assertWorkingDay(String date, boolean expected) {
        LocalDate d = LocalDate.parse(date);
        assertThat(naive.isWorkingDay(d)).as("naive isWorkingDay(%s)", date).isEqualTo(expected);
        assertThat(real.isWorkingDay(d)).as("WorkingCalendar isWorkingDay(%s)", date).isEqualTo(expected);
    }

    // ================================================================================================ fixtures
    // All times are local +07:00. 2025-03-10 is a Monday; March 2025 has no listed day in the CSV.

    @Test
    @DisplayName("fixture 1: receipt Monday 09:00 (WORKING_DAY 3, HOUR 4, DAY 5)")
    void mondayMorning() {
        // in office: clock starts at the receipt itself
        assertStart("2025-03-10T09:00", "2025-03-10T09:00");
        // receipt day Mon 10; 1st..3rd working day after: Tue 11, Wed 12, Thu 13 -> Thu 17:00
        assertDue("2025-03-10T09:00", 3, DurationUnit.WORKING_DAY, "2025-03-13T17:00");
        // 09:00-11:30 = 2.5 h, then 13:30 + 1.5 h = 15:00
        assertDue("2025-03-10T09:00", 4, DurationUnit.HOUR, "2025-03-10T15:00");
        // Mon 10 + 5 days = Sat 15 (not working) -> Mon 17 17:00
        assertDue("2025-03-10T09:00", 5, DurationUnit.DAY, "2025-03-17T17:00");
        // WORKING_DAY 0 = 17:00 of the receipt day
        assertDue("2025-03-10T09:00", 0, DurationUnit.WORKING_DAY, "2025-03-10T17:00");
    }

    @Test
    @DisplayName("fixture 2: receipt Friday 16:30 with 1 working day, and at 17:00:00 sharp")
    void fridayLateAfternoon() {
        // 16:30 is inside [13:30, 17:00): receipt day Fri 14 -> 1st working day after = Mon 17 -> Mon 17:00
        assertDue("2025-03-14T16:30", 1, DurationUnit.WORKING_DAY, "2025-03-17T17:00");
        // HOUR 1: 30 min Friday + 30 min Monday from 07:00 -> Mon 07:30
        assertDue("2025-03-14T16:30", 1, DurationUnit.HOUR, "2025-03-17T07:30");
        // 17:00:00 is outside (half-open): counts from Mon 07:00, receipt day Mon -> WD 1 = Tue 18 17:00 (§7)
        assertStart("2025-03-14T17:00", "2025-03-17T07:00");
        assertDue("2025-03-14T17:00", 1, DurationUnit.WORKING_DAY, "2025-03-18T17:00");
    }

    @Test
    @DisplayName("fixture 3: receipt on a Saturday counts from Monday 07:00")
    void saturdayReceipt() {
        assertStart("2025-03-15T10:00", "2025-03-17T07:00");
        // receipt day Mon 17 -> WD 1 = Tue 18 17:00
        assertDue("2025-03-15T10:00", 1, DurationUnit.WORKING_DAY, "2025-03-18T17:00");
        // WD 0 = Mon 17:00
        assertDue("2025-03-15T10:00", 0, DurationUnit.WORKING_DAY, "2025-03-17T17:00");
    }

    @Test
    @DisplayName("fixture 4: receipt during the lunch break counts from 13:30; before 07:00 from 07:00")
    void lunchBreakAndEarlyMorning() {
        assertStart("2025-03-12T12:00", "2025-03-12T13:30");
        // 13:30 + 2 h = 15:30
        assertDue("2025-03-12T12:00", 2, DurationUnit.HOUR, "2025-03-12T15:30");
        // 13:30 + 4 h: 3.5 h until 17:00 Wed, then 0.5 h from Thu 07:00 -> Thu 07:30
        assertDue("2025-03-12T12:00", 4, DurationUnit.HOUR, "2025-03-13T07:30");
        // 14:00 + 3 h ends exactly at 17:00: earliest instant is 17:00 the same day, not 07:00 next day
        assertDue("2025-03-12T14:00", 3, DurationUnit.HOUR, "2025-03-12T17:00");
        // receipt day is still Wed 12
        assertDue("2025-03-12T12:00", 0, DurationUnit.WORKING_DAY, "2025-03-12T17:00");
        // HOUR 0 during lunch = start of counting (WorkingCalendar Javadoc decision 3; DOMAIN silent)
        assertDue("2025-03-12T12:00", 0, DurationUnit.HOUR, "2025-03-12T13:30");
        // 11:30:00 is outside (half-open), 11:29 inside
        assertStart("2025-03-12T11:30", "2025-03-12T13:30");
        assertStart("2025-03-12T11:29", "2025-03-12T11:29");
        // before opening
        assertStart("2025-03-11T06:59", "2025-03-11T07:00");
        assertDue("2025-03-11T06:59", 0, DurationUnit.WORKING_DAY, "2025-03-11T17:00");
    }

    @Test
    @DisplayName("fixture 5: receipt the evening before the Tết 2026 block (Mon 16 – Fri 20 Feb 2026)")
    void eveOfTet2026() {
        // Fri 13 Feb 18:00 -> Sat 14, Sun 15, Tết 16..20, Sat 21, Sun 22 -> Mon 23 Feb 07:00
        assertStart("2026-02-13T18:00", "2026-02-23T07:00");
        // receipt day Mon 23 -> WD 1 = Tue 24 17:00
        assertDue("2026-02-13T18:00", 1, DurationUnit.WORKING_DAY, "2026-02-24T17:00");
        // Fri 13 Feb 16:00 HOUR 2: 1 h Friday + 1 h from Mon 23 07:00 -> 08:00
        assertDue("2026-02-13T16:00", 2, DurationUnit.HOUR, "2026-02-23T08:00");
        // Fri 13 Feb 10:00, WD 1 -> next working day is Mon 23 -> 17:00
        assertDue("2026-02-13T10:00", 1, DurationUnit.WORKING_DAY, "2026-02-23T17:00");
        // working time across the whole block: Fri 13 07:00 .. Mon 23 07:00 = one day (Friday) = 8 h
        assertWorking("2026-02-13T07:00", "2026-02-23T07:00", Duration.ofHours(8));
        assertWorkingDay("2026-02-16", false);
        assertWorkingDay("2026-02-20", false);
        assertWorkingDay("2026-02-23", true);
    }

    @Test
    @DisplayName("fixture 6: make-up working Saturday 10 Jan 2026 and the New Year 2026 swap")
    void makeUpSaturday() {
        assertWorkingDay("2026-01-01", false); // holiday
        assertWorkingDay("2026-01-02", false); // compensatory day off (swapped with Sat 10)
        assertWorkingDay("2026-01-10", true); // make-up working Saturday
        assertWorkingDay("2026-01-17", false); // an ordinary Saturday
        // a receipt on the make-up Saturday is inside office hours
        assertStart("2026-01-10T09:00", "2026-01-10T09:00");
        // receipt day Sat 10 -> WD 1 = Mon 12 17:00
        assertDue("2026-01-10T09:00", 1, DurationUnit.WORKING_DAY, "2026-01-12T17:00");
        // Wed 31 Dec 2025 17:30 -> Thu 1 (holiday), Fri 2 (off), Sat 3, Sun 4 -> Mon 5 Jan 07:00
        assertStart("2025-12-31T17:30", "2026-01-05T07:00");
        // WD 4 -> Tue 6, Wed 7, Thu 8, Fri 9 -> Fri 9 17:00; WD 5 -> Sat 10 (make-up) 17:00
        assertDue("2025-12-31T17:30", 4, DurationUnit.WORKING_DAY, "2026-01-09T17:00");
        assertDue("2025-12-31T17:30", 5, DurationUnit.WORKING_DAY, "2026-01-10T17:00");
        // HOUR from Fri 9 Jan 16:00, 2 h: 1 h Friday + 1 h Saturday 10 from 07:00 -> Sat 08:00
        assertDue("2026-01-09T16:00", 2, DurationUnit.HOUR, "2026-01-10T08:00");
        // DAY from Wed 7 Jan 09:00, 3 days -> Sat 10, a working day -> Sat 10 17:00
        assertDue("2026-01-07T09:00", 3, DurationUnit.DAY, "2026-01-10T17:00");
    }

    @Test
    @DisplayName("fixture 7: DAY unit from a Saturday receipt counts from Monday (DOMAIN §7)")
    void dayUnitFromSaturday() {
        // Sat 15 Mar 2025 -> receipt day Mon 17; DAY 2 -> Wed 19 17:00 (the §7 example)
        assertDue("2025-03-15T10:00", 2, DurationUnit.DAY, "2025-03-19T17:00");
        // DAY 5 -> Sat 22 -> next working day Mon 24 17:00
        assertDue("2025-03-15T10:00", 5, DurationUnit.DAY, "2025-03-24T17:00");
        // DAY 0 -> Mon 17 17:00
        assertDue("2025-03-15T10:00", 0, DurationUnit.DAY, "2025-03-17T17:00");
        // DAY landing inside Tết 2026: Tue 10 Feb + 7 = Tue 17 Feb (holiday) -> Mon 23 Feb 17:00
        assertDue("2026-02-10T09:00", 7, DurationUnit.DAY, "2026-02-23T17:00");
    }

    @Test
    @DisplayName("fixture 8: HOUR unit across a weekend (and exactly to a 17:00 close)")
    void hourUnitAcrossWeekend() {
        // Fri 14 Mar 2025 15:00, HOUR 10: 2 h Friday + 8 h Monday ends exactly at Mon 17:00 (earliest instant)
        assertDue("2025-03-14T15:00", 10, DurationUnit.HOUR, "2025-03-17T17:00");
        // HOUR 11 -> Tue 18 08:00
        assertDue("2025-03-14T15:00", 11, DurationUnit.HOUR, "2025-03-18T08:00");
        // Sat receipt, HOUR 3 -> Mon 07:00 + 3 h = 10:00
        assertDue("2025-03-15T22:15", 3, DurationUnit.HOUR, "2025-03-17T10:00");
        // §7: 17:00 Monday + 8 h = 17:00 Tuesday
        Instant monClose = t("2025-03-17T17:00");
        assertThat(naive.addOfficeMinutes(monClose, 8 * 60)).isEqualTo(t("2025-03-18T17:00"));
        assertThat(real.addWorkingMillis(monClose, 8 * 3_600_000L)).isEqualTo(t("2025-03-18T17:00"));
        // working time Fri 16:00 .. Mon 08:00 = 1 h + 1 h
        assertWorking("2025-03-14T16:00", "2025-03-17T08:00", Duration.ofHours(2));
        // lunch and night excluded: Mon 11:00 .. Mon 14:00 = 30 min + 30 min
        assertWorking("2025-03-17T11:00", "2025-03-17T14:00", Duration.ofHours(1));
        // reversed interval: 0
        assertWorking("2025-03-17T14:00", "2025-03-17T11:00", Duration.ZERO);
    }

    @Test
    @DisplayName("fixture 9: a holiday on a Sunday with its listed compensatory Monday (Hùng Kings 2026)")
    void sundayHolidayWithCompensatoryMonday() {
        // Sun 26 Apr 2026 holiday, Mon 27 compensatory day off; Fri 24 17:30 -> Tue 28 07:00
        assertWorkingDay("2026-04-26", false);
        assertWorkingDay("2026-04-27", false);
        assertStart("2026-04-24T17:30", "2026-04-28T07:00");
        // WD 2 -> Wed 29, Thu 30 is a holiday, Fri 1 May holiday, Sat, Sun -> Mon 4 May 17:00
        assertDue("2026-04-24T17:30", 2, DurationUnit.WORKING_DAY, "2026-05-04T17:00");
    }

    // ================================================================================================ properties

    @Test
    @DisplayName("isWorkingDay agrees for every date of 2024–2026")
    void isWorkingDayEveryDate() {
        int checked = 0;
        for (LocalDate d = LocalDate.of(2024, 1, 1); d.getYear() <= 2026; d = d.plusDays(1)) {
            assertThat(real.isWorkingDay(d)).as("isWorkingDay(%s)", d).isEqualTo(naive.isWorkingDay(d));
            checked++;
        }
        assertThat(checked).isEqualTo(366 + 365 + 365);
    }

    private static final long FROM_2024 = LocalDate.of(2024, 1, 1).atStartOfDay().toEpochSecond(VN) / 60;
    private static final long TO_2027 = LocalDate.of(2027, 1, 1).atStartOfDay().toEpochSecond(VN) / 60;

    /** A random minute in [2024-01-01 00:00, 2027-01-01 00:00) local — nights, weekends and holidays included. */
    private static Instant randomMinute(Random rnd) {
        return Instant.ofEpochSecond((FROM_2024 + (long) (rnd.nextDouble() * (TO_2027 - FROM_2024))) * 60);
    }

    @Test
    @DisplayName("due and startOfCounting agree on 21,000 seeded random receipts and durations")
    void dueAgreesOnRandomReceipts() {
        Random rnd = new Random(SEED);
        int cases = 21_000;
        for (int i = 0; i < cases; i++) {
            Instant receipt = randomMinute(rnd);
            // bias ~1/4 of receipts onto boundaries (06:59/07:00/11:29/11:30/13:29/13:30/16:59/17:00)
            if (rnd.nextInt(4) == 0) {
                int[] edges = {6 * 60 + 59, 7 * 60, 11 * 60 + 29, 11 * 60 + 30, 13 * 60 + 29, 13 * 60 + 30,
                    16 * 60 + 59, 17 * 60};
                LocalDate d = LocalDate.ofInstant(receipt, VN);
                int m = edges[rnd.nextInt(edges.length)];
                receipt = at(d, m / 60, m % 60);
            }
            DurationUnit unit = DurationUnit.values()[i % 3];
            long value = switch (unit) {
                case WORKING_DAY -> 1 + rnd.nextInt(30);
                case DAY -> 1 + rnd.nextInt(60);
                case HOUR -> 1 + rnd.nextInt(80);
            };
            String what = receipt.atOffset(VN) + " " + value + " " + unit + " (case " + i + ")";
            assertThat(real.startOfCounting(receipt)).as("startOfCounting %s", what)
                    .isEqualTo(naive.startOfCounting(receipt));
            assertThat(real.due(receipt, value, unit)).as("due %s", what).isEqualTo(naive.due(receipt, value, unit));
        }
    }

    @Test
    @DisplayName("workingMillis agrees on 8,000 seeded random (from, to) pairs, incl. sub-millisecond instants")
    void workingMillisAgreesOnRandomPairs() {
        Random rnd = new Random(SEED + 1);
        long span2024to2026 = (TO_2027 - FROM_2024) * 60;
        for (int i = 0; i < 8_000; i++) {
            Instant from;
            Instant to;
            switch (i % 4) {
                case 0 -> { // minute-aligned, short span (up to 20 days)
                    from = randomMinute(rnd);
                    to = from.plusSeconds(60L * rnd.nextInt(20 * 24 * 60));
                }
                case 1 -> { // nanosecond precision, up to 60 days, sometimes reversed
                    from = randomMinute(rnd).plusNanos((long) (rnd.nextDouble() * 60e9));
                    to = from.plusNanos((long) ((rnd.nextDouble() - 0.1) * 60 * 86_400e9));
                }
                case 2 -> { // two independent points anywhere in 2024–2026 (long spans, either order)
                    from = Instant.ofEpochSecond(FROM_2024 * 60 + (long) (rnd.nextDouble() * span2024to2026),
                            rnd.nextInt(1_000_000_000));
                    to = Instant.ofEpochSecond(FROM_2024 * 60 + (long) (rnd.nextDouble() * span2024to2026),
                            rnd.nextInt(1_000_000_000));
                }
                default -> { // both ends on the same local day, around office boundaries
                    from = randomMinute(rnd).plusMillis(rnd.nextInt(60_000));
                    to = from.plusMillis(rnd.nextInt(12 * 3_600_000));
                }
            }
            assertThat(real.workingMillis(from, to)).as("workingMillis(%s, %s) case %d", from.atOffset(VN),
                    to.atOffset(VN), i).isEqualTo(naive.workingMillis(from, to));
        }
    }

    @Test
    @DisplayName("addWorkingMillis agrees with minute stepping on 5,000 seeded random starts (any time of day)")
    void addWorkingMillisAgreesOnRandomStarts() {
        Random rnd = new Random(SEED + 2);
        for (int i = 0; i < 5_000; i++) {
            Instant start = randomMinute(rnd);
            long minutes = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(40 * 60);
            Instant expected = naive.addOfficeMinutes(start, minutes);
            Instant got = real.addWorkingMillis(start, minutes * 60_000L);
            assertThat(got).as("addWorkingMillis(%s, %d min)", start.atOffset(VN), minutes).isEqualTo(expected);
            // and the naive working time back from start to the result equals what was added
            assertThat(naive.workingMillis(start, expected)).isEqualTo(minutes * 60_000L);
        }
    }
}
