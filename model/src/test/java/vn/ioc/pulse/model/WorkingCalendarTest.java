package vn.ioc.pulse.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.ioc.pulse.model.CaseEvent.DurationUnit;

/**
 * Unit tests of {@link WorkingCalendar} against DOMAIN.md §4 and §7 ("Calendar and due dates") with the shipped
 * calendar (a copy of shared/data/vn-holidays.csv). Every expected instant is computed by hand from the CSV rows and
 * the weekday of each date; the reasoning is written next to each case. Naive reference loops in this file use
 * their own reading of the CSV (plain text splitting) and their own office intervals, never the class under test.
 *
 * <p>Relevant rows of the CSV (weekday as listed there): Tết 2026 = holidays Mon 16/2 – Fri 20/2/2026 (14–15/2 and
 * 21–22/2 are the weekends around it); Giỗ Tổ Sun 26/4/2026 with nghỉ bù Mon 27/4; 30/4 Thu and 1/5 Fri 2026
 * holidays; 2024: 29/4 Mon compensatory (swap), 30/4 Tue, 1/5 Wed holidays, make-up working Saturday 4/5/2024;
 * 2026: 1/1 Thu holiday, 2/1 Fri swapped day off, make-up Saturday 10/1/2026; Tết 2025 = Mon 27/1 – Fri 31/1/2025.
 */
@DisplayName("WorkingCalendar implements the working-day calendar of DOMAIN.md §4 and §7")
class WorkingCalendarTest {

    private static final WorkingCalendar CAL = WorkingCalendar.load();
    private static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final long H = 3_600_000L;
    private static final long MIN = 60_000L;
    private static final long DAY = 8 * H;

    /** Office intervals as the test understands DOMAIN.md §7 (independent of the class constants). */
    private static final LocalTime[][] INTERVALS = {
        {LocalTime.of(7, 0), LocalTime.of(11, 30)},
        {LocalTime.of(13, 30), LocalTime.of(17, 0)},
    };

    /** The test's own reading of the shipped CSV: date → true for make-up working day, false for a day off. */
    private static final Map<LocalDate, Boolean> LISTED = readListedDaysByHand();

    private static Instant at(String isoOffsetDateTime) {
        return OffsetDateTime.parse(isoOffsetDateTime).toInstant();
    }

    private static Map<LocalDate, Boolean> readListedDaysByHand() {
        Map<LocalDate, Boolean> out = new HashMap<>();
        try (InputStream in = WorkingCalendarTest.class.getResourceAsStream("/ioc/vn-holidays.csv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#") || line.startsWith("date,")) {
                    continue;
                }
                String[] f = line.split(",", 4); // date, weekday, kind are the first three unquoted columns
                out.put(LocalDate.parse(f[0]), f[2].equals("makeup_working_day"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Working day by the test's own rule: listed days as listed, else Monday–Friday. */
    private static boolean naiveWorkingDay(LocalDate d) {
        Boolean listed = LISTED.get(d);
        return listed != null ? listed : d.getDayOfWeek().getValue() <= 5;
    }

    /** Interval-by-interval office time in [from, to), millisecond instants, +07:00. */
    private static long naiveWorkingMillis(Instant from, Instant to, Predicate<LocalDate> workingDay) {
        if (!to.isAfter(from)) {
            return 0;
        }
        long total = 0;
        LocalDate last = LocalDate.ofInstant(to, VN);
        for (LocalDate d = LocalDate.ofInstant(from, VN); !d.isAfter(last); d = d.plusDays(1)) {
            if (!workingDay.test(d)) {
                continue;
            }
            for (LocalTime[] iv : INTERVALS) {
                Instant a = d.atTime(iv[0]).toInstant(VN);
                Instant b = d.atTime(iv[1]).toInstant(VN);
                Instant lo = a.isAfter(from) ? a : from;
                Instant hi = b.isBefore(to) ? b : to;
                if (hi.isAfter(lo)) {
                    total += Duration.between(lo, hi).toMillis();
                }
            }
        }
        return total;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Working days")
    class WorkingDays {

        @ParameterizedTest(name = "{0} is a working day: {1} ({2})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-02-13 | true  | Friday before Tết 2026, not listed
                2026-02-14 | false | Saturday
                2026-02-16 | false | Tết 2026 holiday (Mon)
                2026-02-20 | false | Tết 2026 holiday (Fri)
                2026-02-23 | true  | first Monday after Tết 2026
                2024-05-04 | true  | make-up working Saturday (swap for Mon 29/4/2024)
                2024-05-11 | false | an ordinary Saturday
                2024-04-29 | false | swapped day off (Mon)
                2026-01-10 | true  | make-up working Saturday (swap for Fri 2/1/2026)
                2026-08-22 | true  | make-up working Saturday (swap for Mon 31/8/2026)
                2026-04-26 | false | Giỗ Tổ on a Sunday
                2026-04-27 | false | nghỉ bù for Giỗ Tổ (Mon)
                2026-09-02 | false | Quốc khánh (Wed)
                2026-09-03 | true  | ordinary Thursday
                2027-01-01 | true  | Friday in a year without data: weekday rule (documented decision)
                2020-01-01 | true  | Wednesday before the data and the table: weekday rule
                """)
        @DisplayName("a day is a working day iff Monday–Friday and not a listed day off, or a listed make-up day")
        void classification(LocalDate date, boolean working, String why) {
            assertThat(CAL.isWorkingDay(date)).as(why).isEqualTo(working);
        }

        @ParameterizedTest(name = "year {0} has {1} working days")
        @CsvSource({
            // 2024 starts Mon, 366 days = 52 weeks + Mon,Tue → 262 weekdays; weekday days off: 1/1, Tết 8,9,12,13,14/2
            // (10–11/2 are Sat/Sun), 18/4, 29/4, 30/4, 1/5, 2/9, 3/9 = 12; make-up Sat 4/5 → 262 − 12 + 1 = 251.
            "2024, 251",
            // 2025 starts Wed, 365 days = 52 weeks + Wed → 261; days off: 1/1, 27–31/1 (5), 7/4, 30/4, 1/5, 2/5,
            // 1/9, 2/9 = 12; make-up Sat 26/4 → 261 − 12 + 1 = 250.
            "2025, 250",
            // 2026 starts Thu, 365 days = 52 weeks + Thu → 261; days off: 1/1, 2/1, 16–20/2 (5), 27/4, 30/4, 1/5,
            // 31/8, 1/9, 2/9 = 13 (Giỗ Tổ 26/4 is a Sunday); make-up Sat 10/1, 22/8 → 261 − 13 + 2 = 250.
            "2026, 250",
            // 2023: inside the precomputed table but no rows; starts Sun, 52 weeks + Sun → 260.
            "2023, 260",
            // 2027: no data (not announced); starts Fri, 52 weeks + Fri → 261.
            "2027, 261",
            // 2020: before the table; leap year starting Wed, 52 weeks + Wed,Thu → 262.
            "2020, 262",
            // 2030: after the table (2023..2028); starts Tue, 52 weeks + Tue → 261.
            "2030, 261",
        })
        @DisplayName("yearly working-day totals match the hand count from the CSV")
        void yearTotals(int year, int expectedDays) {
            Instant from = LocalDate.of(year, 1, 1).atStartOfDay().toInstant(VN);
            Instant to = LocalDate.of(year + 1, 1, 1).atStartOfDay().toInstant(VN);
            assertThat(CAL.workingMillis(from, to)).isEqualTo(expectedDays * DAY);
            long counted = LocalDate.of(year, 1, 1).datesUntil(LocalDate.of(year + 1, 1, 1))
                    .filter(CAL::isWorkingDay).count();
            assertThat(counted).isEqualTo(expectedDays);
        }

        @Test
        @DisplayName("nextWorkingDay skips weekends and holiday blocks and lands on make-up Saturdays")
        void nextWorkingDay() {
            // Fri 13/2/2026 → Sat, Sun, Tết Mon–Fri, Sat, Sun → Mon 23/2.
            assertThat(CAL.nextWorkingDay(LocalDate.of(2026, 2, 13))).isEqualTo(LocalDate.of(2026, 2, 23));
            // Fri 3/5/2024 → Sat 4/5/2024 is a make-up working day.
            assertThat(CAL.nextWorkingDay(LocalDate.of(2024, 5, 3))).isEqualTo(LocalDate.of(2024, 5, 4));
            // Wed 31/12/2025 → 1/1 holiday, 2/1 swapped off, 3–4/1 weekend → Mon 5/1/2026.
            assertThat(CAL.nextWorkingDay(LocalDate.of(2025, 12, 31))).isEqualTo(LocalDate.of(2026, 1, 5));
            // Outside the table (weekday rule): Fri 6/1/2040 → Mon 9/1/2040; Fri 31/12/1999 → Mon 3/1/2000.
            LocalDate d = LocalDate.of(2040, 1, 6);
            assertThat(d.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
            assertThat(CAL.nextWorkingDay(d)).isEqualTo(LocalDate.of(2040, 1, 9));
            LocalDate e = LocalDate.of(1999, 12, 31);
            assertThat(e.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
            assertThat(CAL.nextWorkingDay(e)).isEqualTo(LocalDate.of(2000, 1, 3));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Start of counting")
    class StartOfCounting {

        @ParameterizedTest(name = "receipt {0} counts from {1} ({2})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-03-03T10:00+07:00          | 2026-03-03T10:00+07:00 | inside the morning interval: itself
                2026-03-03T07:00+07:00          | 2026-03-03T07:00+07:00 | 07:00 is inside [07:00, 11:30)
                2026-03-03T06:59:59.999+07:00   | 2026-03-03T07:00+07:00 | before 07:00 → 07:00
                2026-03-03T00:00+07:00          | 2026-03-03T07:00+07:00 | midnight → 07:00
                2026-03-03T11:29:59.999+07:00   | 2026-03-03T11:29:59.999+07:00 | last instant of the morning
                2026-03-03T11:30+07:00          | 2026-03-03T13:30+07:00 | 11:30 is lunch (half-open) → 13:30
                2026-03-03T12:00+07:00          | 2026-03-03T13:30+07:00 | lunch → 13:30
                2026-03-03T13:30+07:00          | 2026-03-03T13:30+07:00 | 13:30 is inside [13:30, 17:00)
                2026-03-04T16:59:59.999+07:00   | 2026-03-04T16:59:59.999+07:00 | last instant of the day
                2026-03-04T17:00+07:00          | 2026-03-05T07:00+07:00 | 17:00:00 Wed → 07:00 Thu
                2026-03-04T23:00+07:00          | 2026-03-05T07:00+07:00 | evening → next morning
                2026-03-08T10:00+07:00          | 2026-03-09T07:00+07:00 | Sunday → Monday 07:00
                2026-02-13T17:00+07:00          | 2026-02-23T07:00+07:00 | 17:00 Fri before Tết → Mon 23/2 (14–22/2 off)
                2026-04-30T09:00+07:00          | 2026-05-04T07:00+07:00 | 30/4 Thu holiday, 1/5 Fri holiday, weekend → Mon 4/5
                2024-05-04T10:00+07:00          | 2024-05-04T10:00+07:00 | make-up Saturday is a working day: itself
                2024-05-03T17:30+07:00          | 2024-05-04T07:00+07:00 | Fri evening → make-up Sat 4/5 07:00
                2024-05-04T17:00+07:00          | 2024-05-06T07:00+07:00 | make-up Sat 17:00 → Sun off → Mon 6/5 07:00
                """)
        @DisplayName("a receipt inside an office interval counts from itself, otherwise from the next opening")
        void start(String receipt, String expected, String why) {
            assertThat(CAL.startOfCounting(at(receipt))).as(why).isEqualTo(at(expected));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("WORKING_DAY durations")
    class WorkingDayDue {

        @ParameterizedTest(name = "receipt {0} + {1} working days → {2} ({3})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-02-13T16:59+07:00 | 1 | 2026-02-23T17:00+07:00 | Fri 13/2 16:59 is in office; Sat 14, Sun 15, Tết 16–20, Sat 21, Sun 22 → #1 Mon 23/2
                2026-02-13T16:59+07:00 | 3 | 2026-02-25T17:00+07:00 | #1 Mon 23, #2 Tue 24, #3 Wed 25/2
                2026-02-13T16:59+07:00 | 0 | 2026-02-13T17:00+07:00 | n = 0: 17:00 of the receipt day, one minute later
                2026-04-24T16:59+07:00 | 1 | 2026-04-28T17:00+07:00 | Fri 24/4; Sat 25, Sun 26 (Giỗ Tổ), Mon 27 nghỉ bù → #1 Tue 28/4
                2026-04-24T16:59+07:00 | 3 | 2026-05-04T17:00+07:00 | #1 Tue 28, #2 Wed 29, Thu 30/4 + Fri 1/5 holidays, Sat 2, Sun 3 → #3 Mon 4/5
                2026-03-04T17:00+07:00 | 1 | 2026-03-06T17:00+07:00 | 17:00:00 Wed counts from 07:00 Thu 5/3 = receipt day; #1 Fri 6/3
                2026-03-04T17:00+07:00 | 0 | 2026-03-05T17:00+07:00 | receipt day is Thu 5/3
                2026-03-04T16:59:59+07:00 | 1 | 2026-03-05T17:00+07:00 | one second earlier: receipt day Wed 4/3, #1 Thu 5/3
                2026-03-03T12:00+07:00 | 1 | 2026-03-04T17:00+07:00 | lunch counts from 13:30 the same day (Tue 3/3); #1 Wed 4/3
                2026-03-03T12:00+07:00 | 0 | 2026-03-03T17:00+07:00 | lunch, n = 0 → same day 17:00
                2026-03-03T06:30+07:00 | 1 | 2026-03-04T17:00+07:00 | before 07:00 counts from 07:00 the same day; #1 Wed 4/3
                2026-03-08T10:00+07:00 | 0 | 2026-03-09T17:00+07:00 | Sunday: receipt day Mon 9/3
                2026-03-08T10:00+07:00 | 1 | 2026-03-10T17:00+07:00 | Sunday: #1 Tue 10/3
                2024-05-04T10:00+07:00 | 0 | 2024-05-04T17:00+07:00 | make-up Sat 4/5/2024 is the receipt day
                2024-05-04T10:00+07:00 | 1 | 2024-05-06T17:00+07:00 | Sun 5/5 off → #1 Mon 6/5
                2024-05-03T17:30+07:00 | 1 | 2024-05-06T17:00+07:00 | Fri evening → receipt day make-up Sat 4/5; #1 Mon 6/5
                2024-04-26T10:00+07:00 | 2 | 2024-05-03T17:00+07:00 | Fri 26/4; Sat, Sun, Mon 29 swap, Tue 30, Wed 1/5 off → #1 Thu 2/5, #2 Fri 3/5
                2024-04-26T10:00+07:00 | 3 | 2024-05-04T17:00+07:00 | #3 is the make-up Saturday 4/5
                2025-01-24T09:00+07:00 | 5 | 2025-02-07T17:00+07:00 | Fri 24/1/2025; Tết 27–31/1 + weekends → #1 Mon 3/2 .. #5 Fri 7/2
                2025-12-31T10:00+07:00 | 1 | 2026-01-05T17:00+07:00 | Wed 31/12; 1/1 holiday, 2/1 swapped off, 3–4/1 weekend → #1 Mon 5/1/2026
                2025-12-31T10:00+07:00 | 6 | 2026-01-10T17:00+07:00 | #1..#5 Mon 5 – Fri 9/1, #6 make-up Sat 10/1/2026
                2026-03-02T09:00+07:00 | 15 | 2026-03-23T17:00+07:00 | Mon 2/3 (March 2026 has no holidays): #4 Fri 6, #9 Fri 13, #14 Fri 20, #15 Mon 23/3
                2026-12-31T10:00+07:00 | 1 | 2027-01-01T17:00+07:00 | no 2027 data: Fri 1/1/2027 counts as a working day (documented)
                """)
        @DisplayName("WORKING_DAY n ends at 17:00 of the n-th working day after the receipt day")
        void workingDays(String receipt, long n, String expected, String why) {
            assertThat(CAL.due(at(receipt), n, DurationUnit.WORKING_DAY)).as(why).isEqualTo(at(expected));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("DAY durations")
    class CalendarDayDue {

        @ParameterizedTest(name = "receipt {0} + {1} calendar days → {2} ({3})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-03-04T09:00+07:00 | 0  | 2026-03-04T17:00+07:00 | same day 17:00
                2026-03-04T09:00+07:00 | 2  | 2026-03-06T17:00+07:00 | Wed + 2 = Fri 6/3, a working day
                2026-03-04T09:00+07:00 | 3  | 2026-03-09T17:00+07:00 | Wed + 3 = Sat 7/3 → next working day Mon 9/3
                2026-03-04T09:00+07:00 | 4  | 2026-03-09T17:00+07:00 | Wed + 4 = Sun 8/3 → Mon 9/3
                2026-03-04T09:00+07:00 | 5  | 2026-03-09T17:00+07:00 | Wed + 5 = Mon 9/3 itself
                2026-04-24T10:00+07:00 | 2  | 2026-04-28T17:00+07:00 | Fri + 2 = Sun 26/4 (Giỗ Tổ) → Mon 27 nghỉ bù → Tue 28/4
                2026-04-24T10:00+07:00 | 3  | 2026-04-28T17:00+07:00 | Fri + 3 = Mon 27/4 compensatory day off → Tue 28/4
                2026-04-24T10:00+07:00 | 6  | 2026-05-04T17:00+07:00 | Fri + 6 = Thu 30/4 holiday → Fri 1/5 holiday, weekend → Mon 4/5
                2026-02-09T09:00+07:00 | 7  | 2026-02-23T17:00+07:00 | Mon 9/2 + 7 = Mon 16/2 Tết → Tết until Fri 20, weekend → Mon 23/2
                2026-08-03T09:00+07:00 | 30 | 2026-09-03T17:00+07:00 | Mon 3/8 + 30 = Wed 2/9 Quốc khánh → Thu 3/9
                2024-05-02T09:00+07:00 | 2  | 2024-05-04T17:00+07:00 | Thu 2/5/2024 + 2 = make-up Sat 4/5, a working day
                2026-03-08T10:00+07:00 | 1  | 2026-03-10T17:00+07:00 | Sunday receipt: receipt day Mon 9/3 (documented) + 1 = Tue 10/3
                2026-03-06T17:00+07:00 | 1  | 2026-03-10T17:00+07:00 | 17:00 Fri counts from Mon 9/3 07:00; Mon + 1 = Tue 10/3
                """)
        @DisplayName("DAY n ends at 17:00 of receipt date + n, moved to the next working day when that is a day off")
        void calendarDays(String receipt, long n, String expected, String why) {
            assertThat(CAL.due(at(receipt), n, DurationUnit.DAY)).as(why).isEqualTo(at(expected));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("HOUR durations and adding working time")
    class HourDue {

        @ParameterizedTest(name = "receipt {0} + {1} office hours → {2} ({3})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-03-02T17:00+07:00 | 8  | 2026-03-03T17:00+07:00 | 17:00 Mon → 07:00 Tue; 4.5 h to 11:30 + 3.5 h to 17:00 = 17:00 Tue (not 07:00 Wed)
                2026-03-03T11:00+07:00 | 1  | 2026-03-03T14:00+07:00 | 30 min to 11:30, lunch, 30 min from 13:30 → 14:00
                2026-03-03T10:30+07:00 | 1  | 2026-03-03T11:30+07:00 | used up exactly at 11:30: the earliest instant, not 13:30
                2026-03-03T12:00+07:00 | 0  | 2026-03-03T13:30+07:00 | HOUR 0 during lunch → start of counting 13:30 (documented)
                2026-02-13T16:00+07:00 | 16 | 2026-02-24T16:00+07:00 | 1 h Fri 13/2, Tết + weekends, 8 h Mon 23/2 (9 h), Tue 24/2 4.5 h to 11:30 (13.5 h) + 2.5 h → 16:00
                2024-05-03T16:00+07:00 | 4  | 2024-05-04T10:00+07:00 | 1 h Fri 3/5/2024, then make-up Sat 4/5 07:00 + 3 h = 10:00
                2026-03-08T10:00+07:00 | 1  | 2026-03-09T08:00+07:00 | Sunday → Mon 07:00 + 1 h
                """)
        @DisplayName("HOUR n ends at the earliest instant at which n office hours have passed since receipt")
        void hours(String receipt, long n, String expected, String why) {
            assertThat(CAL.due(at(receipt), n, DurationUnit.HOUR)).as(why).isEqualTo(at(expected));
        }

        @Test
        @DisplayName("adding working time is earliest-instant: 17:00 Monday + 8 h = 17:00 Tuesday, 07:00 + 4.5 h = 11:30")
        void addWorkingMillis() {
            // Mon 2/3/2026 17:00 + one working day: the whole of Tue 3/3 → Tue 17:00.
            assertThat(CAL.addWorkingMillis(at("2026-03-02T17:00+07:00"), 8 * H)).isEqualTo(at("2026-03-03T17:00+07:00"));
            // Tue 07:00 + 8 h → Tue 17:00 (same day end, not Wed 07:00).
            assertThat(CAL.addWorkingMillis(at("2026-03-03T07:00+07:00"), 8 * H)).isEqualTo(at("2026-03-03T17:00+07:00"));
            // 07:00 + 4 h 30 min = 11:30 exactly (end of the morning interval).
            assertThat(CAL.addWorkingMillis(at("2026-03-03T07:00+07:00"), 4 * H + 30 * MIN))
                    .isEqualTo(at("2026-03-03T11:30+07:00"));
            // one more millisecond must come from the afternoon: 13:30:00.001.
            assertThat(CAL.addWorkingMillis(at("2026-03-03T07:00+07:00"), 4 * H + 30 * MIN + 1))
                    .isEqualTo(at("2026-03-03T13:30:00.001+07:00"));
            // Fri 6/3 16:00 + 2 h: 1 h to 17:00, weekend, 1 h Mon 9/3 → 08:00.
            assertThat(CAL.addWorkingMillis(at("2026-03-06T16:00+07:00"), 2 * H)).isEqualTo(at("2026-03-09T08:00+07:00"));
            // Fri 6/3 16:00 + 1 h = 17:00 Fri itself (earliest), not Mon 07:00.
            assertThat(CAL.addWorkingMillis(at("2026-03-06T16:00+07:00"), H)).isEqualTo(at("2026-03-06T17:00+07:00"));
            // 10 working days from Mon 2/3 07:00 (March 2026 has no holidays): Mon 2 – Fri 6/3 are days 1–5,
            // Mon 9 – Fri 13/3 days 6–10 → used up at Fri 13/3 17:00.
            assertThat(CAL.addWorkingMillis(at("2026-03-02T07:00+07:00"), 10 * DAY))
                    .isEqualTo(at("2026-03-13T17:00+07:00"));
        }

        @Test
        @DisplayName("adding zero returns the start itself, even outside office hours")
        void addZero() {
            Instant lunch = at("2026-03-03T12:00+07:00");
            Instant sunday = at("2026-03-08T10:00+07:00");
            assertThat(CAL.addWorkingMillis(lunch, 0)).isEqualTo(lunch);
            assertThat(CAL.addWorkingMillis(sunday, 0)).isEqualTo(sunday);
        }

        @Test
        @DisplayName("negative durations are rejected")
        void negative() {
            Instant t = at("2026-03-03T10:00+07:00");
            assertThatThrownBy(() -> CAL.addWorkingMillis(t, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CAL.due(t, -1, DurationUnit.WORKING_DAY)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("sub-millisecond starts are handled exactly")
        void nanos() {
            // 10:00:00.0000005 + 1 ms = 10:00:00.0010005, all inside the morning.
            assertThat(CAL.addWorkingMillis(at("2026-03-03T10:00:00.0000005+07:00"), 1))
                    .isEqualTo(at("2026-03-03T10:00:00.0010005+07:00"));
            // 0.999999 ms of office time floors to 0 ms; 1 ms is 1 ms.
            assertThat(CAL.workingMillis(at("2026-03-03T10:00+07:00"), at("2026-03-03T10:00:00.000999999+07:00")))
                    .isZero();
            assertThat(CAL.workingMillis(at("2026-03-03T10:00+07:00"), at("2026-03-03T10:00:00.001+07:00")))
                    .isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Working time between two instants")
    class WorkingTime {

        @ParameterizedTest(name = "{0} → {1} = {2} ms ({3})")
        @CsvSource(delimiter = '|', textBlock = """
                2026-03-03T11:00+07:00 | 2026-03-03T14:00+07:00 | 3600000  | across lunch: 11:00–11:30 + 13:30–14:00 = 1 h
                2026-03-03T11:45+07:00 | 2026-03-03T13:15+07:00 | 0        | inside lunch
                2026-03-03T00:00+07:00 | 2026-03-04T00:00+07:00 | 28800000 | a whole working day = 8 h
                2026-03-06T16:00+07:00 | 2026-03-09T08:00+07:00 | 7200000  | across a weekend: 1 h Fri + 1 h Mon
                2026-02-13T16:00+07:00 | 2026-02-23T08:00+07:00 | 7200000  | across Tết 2026: 1 h Fri 13/2 + 1 h Mon 23/2
                2026-02-16T00:00+07:00 | 2026-02-23T00:00+07:00 | 0        | the Tết 2026 week and its weekend
                2025-12-31T16:00+07:00 | 2026-01-05T08:00+07:00 | 7200000  | across the year: 1 h Wed 31/12, 1/1 + 2/1 off, weekend, 1 h Mon 5/1
                2024-05-03T16:00+07:00 | 2024-05-06T08:00+07:00 | 36000000 | 1 h Fri + 8 h make-up Sat 4/5/2024 + 1 h Mon = 10 h
                2026-03-03T10:00+07:00 | 2026-03-03T10:00+07:00 | 0        | empty interval
                2026-03-03T14:00+07:00 | 2026-03-03T10:00+07:00 | 0        | to before from
                2026-03-03T17:00+07:00 | 2026-03-04T07:00+07:00 | 0        | 17:00 to next 07:00 is closed time
                """)
        @DisplayName("working time is the office time inside [from, to)")
        void between(String from, String to, long expected, String why) {
            assertThat(CAL.workingMillis(at(from), at(to))).as(why).isEqualTo(expected);
        }

        static Stream<Arguments> longSpans() {
            return Stream.of(
                    // wholly inside the precomputed table (2023..2028), across Tết 2026 and two 30/4 blocks
                    Arguments.of("2025-06-01T10:17:23.456+07:00", "inside the table"),
                    // crosses the table start 2023-01-01 from the weekday-only region
                    Arguments.of("2022-10-01T15:05+07:00", "across the table start"),
                    // crosses the table end 2028-12-31 into the weekday-only region
                    Arguments.of("2028-06-15T11:29:59.999+07:00", "across the table end"),
                    // far outside the data
                    Arguments.of("2035-03-03T12:00+07:00", "outside the table"),
                    Arguments.of("1995-07-07T07:00+07:00", "before the table"));
        }

        @ParameterizedTest(name = "400 days from {0} ({1})")
        @MethodSource("longSpans")
        @DisplayName("over 400 days the result equals an interval-by-interval loop")
        void fourHundredDays(String from, String why) {
            Instant a = at(from);
            Instant b = a.plus(Duration.ofDays(400)).plusMillis(12_345);
            assertThat(CAL.workingMillis(a, b)).as(why)
                    .isEqualTo(naiveWorkingMillis(a, b, WorkingCalendarTest::naiveWorkingDay));
        }

        @Test
        @DisplayName("random spans up to 400 days (seeded) equal the interval-by-interval loop")
        void randomSpans() {
            Random rnd = new Random(20260213L);
            Instant lo = at("2021-06-01T00:00+07:00");
            long range = Duration.ofDays(365L * 10).toMillis(); // 2021-06 .. 2031-06: before, in and after the table
            for (int i = 0; i < 300; i++) {
                Instant a = lo.plusMillis((long) (rnd.nextDouble() * range));
                Instant b = a.plusMillis((long) (rnd.nextDouble() * Duration.ofDays(400).toMillis()));
                assertThat(CAL.workingMillis(a, b)).as("%s → %s", a, b)
                        .isEqualTo(naiveWorkingMillis(a, b, WorkingCalendarTest::naiveWorkingDay));
            }
        }

        @Test
        @DisplayName("addWorkingMillis is the earliest-instant inverse of workingMillis (seeded random instants)")
        void inverse() {
            Random rnd = new Random(766L);
            Instant lo = at("2021-06-01T00:00+07:00");
            long range = Duration.ofDays(365L * 10).toMillis();
            for (int i = 0; i < 5_000; i++) {
                Instant s = lo.plusMillis((long) (rnd.nextDouble() * range));
                if (i % 5 == 0) {
                    s = s.plusNanos(rnd.nextInt(1_000_000)); // some sub-millisecond starts
                }
                long m = switch (i % 3) {
                    case 0 -> (long) (rnd.nextDouble() * 300 * DAY); // up to 300 working days
                    case 1 -> (long) (rnd.nextDouble() * 2 * DAY);
                    default -> rnd.nextInt(4) * 30 * MIN; // lands on interval ends often
                };
                Instant t = CAL.addWorkingMillis(s, m);
                assertThat(CAL.workingMillis(s, t)).as("start %s + %d ms → %s", s, m, t).isEqualTo(m);
                if (m > 0) {
                    // earliest: one nanosecond earlier, strictly less than m of office time has passed
                    assertThat(CAL.workingMillis(s, t.minusNanos(1))).as("earliest %s + %d", s, m).isEqualTo(m - 1);
                } else {
                    assertThat(t).isEqualTo(s);
                }
                // the other direction: add(a, workingMillis(a, b)) is at or before b with no office time left
                Instant b = s.plusMillis((long) (rnd.nextDouble() * Duration.ofDays(500).toMillis()));
                long w = CAL.workingMillis(s, b);
                Instant back = CAL.addWorkingMillis(s, w);
                assertThat(back).isBeforeOrEqualTo(b);
                assertThat(CAL.workingMillis(s, back)).isEqualTo(w);
                assertThat(CAL.workingMillis(back, b)).isZero();
            }
        }

        @Test
        @DisplayName("queries over decades are fast (precomputed table and closed-form weekdays, no day loop)")
        void fast() {
            Random rnd = new Random(42L);
            Instant lo = at("1990-01-01T00:00+07:00");
            long range = Duration.ofDays(365L * 40).toMillis();
            long sink = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < 200_000; i++) {
                Instant a = lo.plusMillis((long) (rnd.nextDouble() * range));
                Instant b = a.plusMillis((long) (rnd.nextDouble() * range)); // spans of up to 40 years
                long w = CAL.workingMillis(a, b);
                sink += w;
                sink += CAL.addWorkingMillis(a, w % (5000 * DAY)).getEpochSecond();
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(sink).isNotZero();
            // a day-by-day loop would need ~200,000 × 7,000 days; O(1) queries take well under a second
            assertThat(elapsedMs).isLessThan(10_000);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Time zone")
    class TimeZone {

        static Stream<Arguments> sameInstantOtherOffsets() {
            return Stream.of(
                    // 16:59 Fri 13/2/2026 in +07:00 = 09:59Z = 04:59 at -05:00
                    Arguments.of("2026-02-13T16:59+07:00", "2026-02-13T09:59Z", "2026-02-13T04:59-05:00"),
                    // Mon 9/3/2026 01:30 in +07:00 is still Sunday 8/3 in UTC and at -05:00
                    Arguments.of("2026-03-09T01:30+07:00", "2026-03-08T18:30Z", "2026-03-08T13:30-05:00"),
                    // 17:00 sharp in +07:00 = 10:00Z
                    Arguments.of("2026-03-04T17:00+07:00", "2026-03-04T10:00Z", "2026-03-04T05:00-05:00"));
        }

        @ParameterizedTest(name = "{0} = {1} = {2}")
        @MethodSource("sameInstantOtherOffsets")
        @DisplayName("instants written with Z or -05:00 give the same results as +07:00")
        void offsets(String vn, String utc, String ny) {
            Instant ref = at(vn);
            for (String other : List.of(utc, ny)) {
                Instant x = at(other);
                assertThat(CAL.startOfCounting(x)).isEqualTo(CAL.startOfCounting(ref));
                for (DurationUnit u : DurationUnit.values()) {
                    assertThat(CAL.due(x, 3, u)).isEqualTo(CAL.due(ref, 3, u));
                }
                Instant later = at("2026-03-20T12:00+07:00");
                assertThat(CAL.workingMillis(x, later)).isEqualTo(CAL.workingMillis(ref, later));
            }
        }

        @Test
        @DisplayName("local date decides: Monday 01:30 in Vietnam is Sunday in UTC but counts from Monday 07:00")
        void localDateDecides() {
            // 2026-03-08T18:30Z = Mon 9/3 01:30 +07:00 → before 07:00 on a working day → Mon 07:00;
            // WORKING_DAY 0 → Mon 9/3 17:00 +07:00 = 10:00Z.
            assertThat(CAL.startOfCounting(at("2026-03-08T18:30Z"))).isEqualTo(at("2026-03-09T07:00+07:00"));
            assertThat(CAL.due(at("2026-03-08T13:30-05:00"), 0, DurationUnit.WORKING_DAY))
                    .isEqualTo(at("2026-03-09T10:00Z"));
            // Fri 6/3 09:00Z = 16:00 +07:00 → Mon 9/3 01:00Z = 08:00 +07:00: 1 h + 1 h.
            assertThat(CAL.workingMillis(at("2026-03-06T09:00Z"), at("2026-03-09T01:00Z"))).isEqualTo(2 * H);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Calendar data")
    class Data {

        @Test
        @DisplayName("the default calendar loads from the classpath and covers 2024–2026")
        void defaultCalendar() {
            assertThat(CAL.source()).isEqualTo("classpath:ioc/vn-holidays.csv");
            assertThat(CAL.firstDataYear()).isEqualTo(2024);
            assertThat(CAL.lastDataYear()).isEqualTo(2026);
            assertThat(WorkingCalendar.WORKING_DAY_MILLIS).isEqualTo(28_800_000L);
        }

        @Test
        @DisplayName("an operator's file is read with comments, a byte-order mark, blank lines and extra columns")
        void operatorFile(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("my-calendar.csv");
            Files.writeString(file, "\uFEFF# my province\n"
                    + "date,name,kind,extra\n"
                    + "2030-01-01,\"Tết Dương lịch, 2030\",holiday,x\n"
                    + "\n"
                    + "# a make-up Saturday\n"
                    + "2030-01-05 , Làm bù , Makeup_Working_Day ,y\n"
                    + "2030-01-01,duplicate of a day off,compensatory_day_off,z\n", StandardCharsets.UTF_8);
            WorkingCalendar c = WorkingCalendar.load(file);
            assertThat(c.source()).isEqualTo(file.toString());
            assertThat(c.firstDataYear()).isEqualTo(2030);
            // Tue 1/1/2030 off, Sat 5/1/2030 working, Sat 12/1/2030 not.
            assertThat(c.isWorkingDay(LocalDate.of(2030, 1, 1))).isFalse();
            assertThat(c.isWorkingDay(LocalDate.of(2030, 1, 5))).isTrue();
            assertThat(c.isWorkingDay(LocalDate.of(2030, 1, 12))).isFalse();
            // 2030: 261 weekdays (starts Tue) − 1 + 1 = 261; 2026 without data here: 261 weekdays (starts Thu).
            assertThat(c.workingMillis(at("2030-01-01T00:00+07:00"), at("2031-01-01T00:00+07:00"))).isEqualTo(261 * DAY);
            assertThat(c.workingMillis(at("2026-01-01T00:00+07:00"), at("2027-01-01T00:00+07:00"))).isEqualTo(261 * DAY);
            // Mon 31/12/2029 16:00 + 2 h: 1 h Mon, Tue 1/1 off → Wed 2/1/2030 08:00.
            assertThat(c.addWorkingMillis(at("2029-12-31T16:00+07:00"), 2 * H)).isEqualTo(at("2030-01-02T08:00+07:00"));
        }

        static Stream<Arguments> badFiles() {
            return Stream.of(
                    Arguments.of("date,kind\n2026-02-16,holliday\n", List.of("bad.csv", "line 2", "2026-02-16", "'kind'", "holliday")),
                    Arguments.of("# c\ndate,kind\n2026-02-16,holiday\n2026-02-30,holiday\n", List.of("bad.csv", "line 4", "'date'", "2026-02-30")),
                    Arguments.of("date,kind\n16/02/2026,holiday\n", List.of("bad.csv", "line 2", "'date'", "16/02/2026")),
                    Arguments.of("date,kind\n,holiday\n", List.of("bad.csv", "line 2", "'date'")),
                    Arguments.of("date,kind\n2026-02-16,\n", List.of("bad.csv", "line 2", "'kind'")),
                    Arguments.of("date,kind\n0226-02-16,holiday\n", List.of("bad.csv", "line 2", "'date'", "0226-02-16")),
                    Arguments.of("date,type\n2026-02-16,holiday\n", List.of("bad.csv", "'kind'")),
                    Arguments.of("day,kind\n2026-02-16,holiday\n", List.of("bad.csv", "'date'")),
                    Arguments.of("date,kind\n", List.of("bad.csv", "no data rows")),
                    Arguments.of("", List.of("bad.csv")),
                    Arguments.of("date,kind\n2024-05-04,makeup_working_day\n2024-05-04,holiday\n",
                            List.of("bad.csv", "line 3", "'kind'", "2024-05-04", "line 2")),
                    Arguments.of("date,kind\n\"2026-02-16,holiday\n", List.of("bad.csv", "not valid CSV")));
        }

        @ParameterizedTest(name = "[{index}] fails naming {1}")
        @MethodSource("badFiles")
        @DisplayName("a bad calendar file fails naming the source, the line and the column")
        void badFile(String csv, List<String> mentions) {
            assertThatThrownBy(() -> WorkingCalendar.parse(new StringReader(csv), "bad.csv"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .message().contains(mentions);
        }

        @Test
        @DisplayName("a calendar survives Java serialization (it is shipped inside stream operators)")
        void serializable() throws Exception {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(CAL);
            }
            WorkingCalendar copy;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy = (WorkingCalendar) in.readObject();
            }
            Instant receipt = at("2026-02-13T16:59+07:00");
            assertThat(copy.due(receipt, 3, DurationUnit.WORKING_DAY)).isEqualTo(at("2026-02-25T17:00+07:00"));
            assertThat(copy.workingMillis(at("2024-01-01T00:00+07:00"), at("2025-01-01T00:00+07:00")))
                    .isEqualTo(251 * DAY);
            assertThat(copy.source()).isEqualTo(CAL.source());
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"2024-05-04", "2026-01-10", "2026-08-22"})
        @DisplayName("every make-up Saturday of the shipped data is a working Saturday")
        void makeupSaturdays(LocalDate d) {
            assertThat(d.getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
            assertThat(CAL.isWorkingDay(d)).isTrue();
        }
    }

    /**
     * Extreme inputs (issue "Hardening" 1–2): a RECEIVED with {@code Long.MAX_VALUE} HOUR once stopped the KPI job with
     * {@code ArithmeticException: long overflow}. Every input now gives a result or a clear IllegalArgumentException.
     * Weekdays of the boundary dates (proleptic Gregorian, checked with an independent date library): 0001-01-01 is a
     * Monday, 9999-12-31 a Friday, so 9999-12-27 is a Monday. Both years are outside the data: weekdays only.
     */
    @Nested
    @DisplayName("extreme values: a result or an IllegalArgumentException, never an overflow")
    class Extremes {
        private Instant local(String localDateTime) {
            return java.time.LocalDateTime.parse(localDateTime).atZone(KpiValue.ZONE).toInstant();
        }

        @ParameterizedTest(name = "{0}")
        @org.junit.jupiter.params.provider.EnumSource(DurationUnit.class)
        @DisplayName("Long.MAX_VALUE of any unit is rejected with a message naming the value")
        void maxDuration(DurationUnit unit) {
            Instant t = at("2026-03-03T10:00+07:00");
            assertThatThrownBy(() -> CAL.due(t, Long.MAX_VALUE, unit))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("9223372036854775807").hasMessageContaining(unit.name());
        }

        @ParameterizedTest(name = "{0}")
        @org.junit.jupiter.params.provider.EnumSource(DurationUnit.class)
        @DisplayName("Long.MIN_VALUE and -1 of any unit are rejected as negative")
        void negativeDuration(DurationUnit unit) {
            Instant t = at("2026-03-03T10:00+07:00");
            assertThatThrownBy(() -> CAL.due(t, Long.MIN_VALUE, unit))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
            assertThatThrownBy(() -> CAL.due(t, -1, unit))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        }

        @Test
        @DisplayName("durations just large enough to overflow a long in milliseconds are rejected, not wrapped")
        void overflowingMillis() {
            Instant t = at("2026-03-03T10:00+07:00");
            long hoursOverflowing = Long.MAX_VALUE / 3_600_000L + 1;
            assertThatThrownBy(() -> CAL.due(t, hoursOverflowing, DurationUnit.HOUR))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CAL.addWorkingMillis(t, Long.MAX_VALUE))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("Instant.MIN / Instant.MAX and year 0 / 10000 are rejected by every query")
        void outOfRangeInstants() {
            Instant ok = at("2026-03-03T10:00+07:00");
            for (Instant bad : List.of(Instant.MIN, Instant.MAX, Instant.parse("0000-06-01T00:00:00Z"),
                    Instant.parse("+10000-06-01T00:00:00Z"))) {
                assertThatThrownBy(() -> CAL.startOfCounting(bad)).isExactlyInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("0001–9999");
                assertThatThrownBy(() -> CAL.due(bad, 1, DurationUnit.WORKING_DAY))
                        .isExactlyInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> CAL.addWorkingMillis(bad, 0)).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> CAL.workingMillis(bad, ok)).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> CAL.workingMillis(ok, bad)).isExactlyInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> CAL.nextWorkingDay(LocalDate.MAX)).isExactlyInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("at the end of year 9999: the last reachable dues are computed, one step further is rejected")
        void endOfRange() {
            // Mon 27/12/9999 09:00: WORKING_DAY 4 = Tue 28 (1), Wed 29 (2), Thu 30 (3), Fri 31 (4) at 17:00
            assertThat(CAL.due(local("9999-12-27T09:00"), 4, DurationUnit.WORKING_DAY))
                    .isEqualTo(local("9999-12-31T17:00"));
            assertThatThrownBy(() -> CAL.due(local("9999-12-27T09:00"), 5, DurationUnit.WORKING_DAY))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            // Fri 31/12/9999 09:00: 2.5 h to 11:30 + 3.5 h from 13:30 = 6 h at 17:00; a 7th hour needs year 10000
            assertThat(CAL.due(local("9999-12-31T09:00"), 6, DurationUnit.HOUR)).isEqualTo(local("9999-12-31T17:00"));
            assertThatThrownBy(() -> CAL.due(local("9999-12-31T09:00"), 7, DurationUnit.HOUR))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            // Thu 30/12/9999 + DAY 1 = Fri 31 (a working day) at 17:00; DAY 2 = 1/1/10000
            assertThat(CAL.due(local("9999-12-30T09:00"), 1, DurationUnit.DAY)).isEqualTo(local("9999-12-31T17:00"));
            assertThatThrownBy(() -> CAL.due(local("9999-12-30T09:00"), 2, DurationUnit.DAY))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            // a receipt after 17:00 on the last day counts from a next working day that does not exist
            assertThatThrownBy(() -> CAL.startOfCounting(local("9999-12-31T18:00")))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            // a full week of weekdays: 5 × 8 h
            assertThat(CAL.workingMillis(local("9999-12-20T07:00"), local("9999-12-27T07:00"))).isEqualTo(40 * H);
        }

        @Test
        @DisplayName("in year 1: dues and working time follow the weekday-only rule")
        void startOfRange() {
            // Mon 1/1/0001 09:00, WORKING_DAY 0: 17:00 the same day; WORKING_DAY 5: Mon 8/1 17:00
            assertThat(CAL.due(local("0001-01-01T09:00"), 0, DurationUnit.WORKING_DAY))
                    .isEqualTo(local("0001-01-01T17:00"));
            assertThat(CAL.due(local("0001-01-01T09:00"), 5, DurationUnit.WORKING_DAY))
                    .isEqualTo(local("0001-01-08T17:00"));
            assertThat(CAL.workingMillis(local("0001-01-01T07:00"), local("0001-01-08T07:00"))).isEqualTo(40 * H);
            assertThat(CAL.startOfCounting(WorkingCalendar.MIN_SUPPORTED)).isEqualTo(local("0001-01-01T07:00"));
        }

        @Test
        @DisplayName("working time across the whole supported range does not overflow and adds up")
        void wholeRange() {
            Instant first = WorkingCalendar.MIN_SUPPORTED;
            Instant last = WorkingCalendar.MAX_SUPPORTED.minusNanos(1);
            Instant mid = at("2026-03-03T10:00+07:00");
            long all = CAL.workingMillis(first, last);
            // 10 000 years of at most 366 days of 8 h: well inside a long, and positive
            assertThat(all).isPositive().isLessThan(10_000L * 366 * DAY);
            assertThat(CAL.workingMillis(first, mid) + CAL.workingMillis(mid, last)).isEqualTo(all);
        }

        @Test
        @DisplayName("zero durations stay legal")
        void zero() {
            // Tue 3/3/2026 10:00: WORKING_DAY 0 and DAY 0 = 17:00 the same day; HOUR 0 = the receipt itself
            Instant t = at("2026-03-03T10:00+07:00");
            assertThat(CAL.due(t, 0, DurationUnit.WORKING_DAY)).isEqualTo(at("2026-03-03T17:00+07:00"));
            assertThat(CAL.due(t, 0, DurationUnit.DAY)).isEqualTo(at("2026-03-03T17:00+07:00"));
            assertThat(CAL.due(t, 0, DurationUnit.HOUR)).isEqualTo(t);
        }
    }
}
