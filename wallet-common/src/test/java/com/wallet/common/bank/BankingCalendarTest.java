package com.wallet.common.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against the Federal Reserve's published holiday schedules for 2026 and 2027 (federalreserve.gov, K.8). */
class BankingCalendarTest {

    private final BankingCalendar calendar = new BankingCalendar();

    private static List<LocalDate> days(String... isoDates) {
        return java.util.Arrays.stream(isoDates).map(LocalDate::parse).toList();
    }

    @Test
    void the2026Holidays() {
        // Independence Day falls on a Saturday: not observed, Friday July 3 is a banking day
        assertThat(calendar.holidays(2026))
                .containsExactlyElementsOf(days(
                        "2026-01-01",
                        "2026-01-19",
                        "2026-02-16",
                        "2026-05-25",
                        "2026-06-19",
                        "2026-09-07",
                        "2026-10-12",
                        "2026-11-11",
                        "2026-11-26",
                        "2026-12-25"));
        assertThat(calendar.isBankingDay(LocalDate.parse("2026-07-03"))).isTrue();
    }

    @Test
    void the2027Holidays() {
        // Juneteenth and Christmas fall on Saturdays (not observed); Independence Day on a Sunday (observed Monday)
        assertThat(calendar.holidays(2027))
                .containsExactlyElementsOf(days(
                        "2027-01-01",
                        "2027-01-18",
                        "2027-02-15",
                        "2027-05-31",
                        "2027-07-05",
                        "2027-09-06",
                        "2027-10-11",
                        "2027-11-11",
                        "2027-11-25"));
        assertThat(calendar.isBankingDay(LocalDate.parse("2027-06-18"))).isTrue();
        assertThat(calendar.isBankingDay(LocalDate.parse("2027-12-24"))).isTrue();
        assertThat(calendar.isBankingDay(LocalDate.parse("2027-07-05"))).isFalse();
    }

    @Test
    void nextBankingDaysSkipWeekendsHolidaysAndYearEnds() {
        // a Friday: Monday
        assertThat(calendar.nextBankingDay(LocalDate.parse("2026-11-20"))).isEqualTo(LocalDate.parse("2026-11-23"));
        // the day before Thanksgiving: the Friday after it
        assertThat(calendar.nextBankingDay(LocalDate.parse("2026-11-25"))).isEqualTo(LocalDate.parse("2026-11-27"));
        // Christmas Eve 2026 (Thursday): Christmas is a holiday, then the weekend: Monday the 28th
        assertThat(calendar.nextBankingDay(LocalDate.parse("2026-12-24"))).isEqualTo(LocalDate.parse("2026-12-28"));
        // New Year's Eve 2026 (Thursday): New Year's Day 2027 is a Friday holiday: Monday January 4
        assertThat(calendar.nextBankingDay(LocalDate.parse("2026-12-31"))).isEqualTo(LocalDate.parse("2027-01-04"));
        // 2027 ends on a Friday; New Year's Day 2028 is a Saturday, so not observed: Monday January 3
        assertThat(calendar.nextBankingDay(LocalDate.parse("2027-12-31"))).isEqualTo(LocalDate.parse("2028-01-03"));
        assertThat(calendar.isBankingDay(LocalDate.parse("2027-12-31"))).isTrue();
        // two banking days after a Friday before a Monday holiday (Presidents' Day 2026)
        assertThat(calendar.plusBankingDays(LocalDate.parse("2026-02-13"), 2)).isEqualTo(LocalDate.parse("2026-02-18"));
        assertThat(calendar.bankingDaysBetween(LocalDate.parse("2026-02-13"), LocalDate.parse("2026-02-18")))
                .isEqualTo(2);
    }
}
