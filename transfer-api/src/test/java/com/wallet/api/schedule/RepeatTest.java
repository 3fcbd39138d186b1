package com.wallet.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RepeatTest {

    private static java.util.List<LocalDate> first(Repeat repeat, String start, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> repeat.occurrence(LocalDate.parse(start), i))
                .toList();
    }

    @Test
    void monthlyOnThe31stRunsOnEachMonthsLastDayWithoutDrifting() {
        assertThat(first(Repeat.MONTHLY, "2027-01-31", 5))
                .containsExactly(
                        LocalDate.parse("2027-01-31"),
                        LocalDate.parse("2027-02-28"),
                        LocalDate.parse("2027-03-31"),
                        LocalDate.parse("2027-04-30"),
                        LocalDate.parse("2027-05-31"));
        assertThat(Repeat.MONTHLY.occurrence(LocalDate.parse("2028-01-31"), 1)).isEqualTo("2028-02-29");
        assertThat(Repeat.MONTHLY.occurrence(LocalDate.parse("2026-01-30"), 1)).isEqualTo("2026-02-28");
        assertThat(Repeat.MONTHLY.occurrence(LocalDate.parse("2026-01-30"), 2)).isEqualTo("2026-03-30");
    }

    @Test
    void weeksCountFromTheStart() {
        assertThat(first(Repeat.WEEKLY, "2026-12-29", 3))
                .containsExactly(
                        LocalDate.parse("2026-12-29"), LocalDate.parse("2027-01-05"), LocalDate.parse("2027-01-12"));
        assertThat(first(Repeat.BIWEEKLY, "2026-12-29", 3))
                .containsExactly(
                        LocalDate.parse("2026-12-29"), LocalDate.parse("2027-01-12"), LocalDate.parse("2027-01-26"));
        assertThat(Repeat.NONE.occurrence(LocalDate.parse("2026-12-29"), 0)).isEqualTo("2026-12-29");
    }
}
