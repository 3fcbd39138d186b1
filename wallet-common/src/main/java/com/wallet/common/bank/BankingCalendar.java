package com.wallet.common.bank;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;
import java.util.TreeSet;

/**
 * Banking days as the Federal Reserve's ACH operator keeps them: Monday to Friday, except the Fed's holidays as
 * observed. A holiday on a Sunday is observed the Monday after; one on a Saturday is not moved (the Friday before is a
 * banking day). Computed for any year from the rules, not from a list: New Year's Day, Martin Luther King Jr.'s
 * Birthday (third Monday of January), Washington's Birthday (third Monday of February), Memorial Day (last Monday of
 * May), Juneteenth (June 19, from 2022), Independence Day, Labor Day (first Monday of September), Columbus Day (second
 * Monday of October), Veterans Day (November 11), Thanksgiving (fourth Thursday of November) and Christmas Day.
 */
public final class BankingCalendar {

    /** The zone the ACH operators' deadlines and business days are kept in. */
    public static final ZoneId EASTERN = ZoneId.of("America/New_York");

    /** The Fed's holidays of a year, as observed (only those that close a weekday). */
    public Set<LocalDate> holidays(int year) {
        Set<LocalDate> days = new TreeSet<>();
        observed(days, LocalDate.of(year, Month.JANUARY, 1));
        days.add(nth(year, Month.JANUARY, DayOfWeek.MONDAY, 3));
        days.add(nth(year, Month.FEBRUARY, DayOfWeek.MONDAY, 3));
        days.add(LocalDate.of(year, Month.MAY, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)));
        if (year >= 2022) {
            observed(days, LocalDate.of(year, Month.JUNE, 19));
        }
        observed(days, LocalDate.of(year, Month.JULY, 4));
        days.add(nth(year, Month.SEPTEMBER, DayOfWeek.MONDAY, 1));
        days.add(nth(year, Month.OCTOBER, DayOfWeek.MONDAY, 2));
        observed(days, LocalDate.of(year, Month.NOVEMBER, 11));
        days.add(nth(year, Month.NOVEMBER, DayOfWeek.THURSDAY, 4));
        observed(days, LocalDate.of(year, Month.DECEMBER, 25));
        return days;
    }

    public boolean isBankingDay(LocalDate day) {
        DayOfWeek dow = day.getDayOfWeek();
        return dow != DayOfWeek.SATURDAY
                && dow != DayOfWeek.SUNDAY
                && !holidays(day.getYear()).contains(day);
    }

    /** The first banking day strictly after {@code day}. */
    public LocalDate nextBankingDay(LocalDate day) {
        LocalDate next = day.plusDays(1);
        while (!isBankingDay(next)) {
            next = next.plusDays(1);
        }
        return next;
    }

    /** {@code day} if it is a banking day, else the next one. */
    public LocalDate onOrAfter(LocalDate day) {
        return isBankingDay(day) ? day : nextBankingDay(day);
    }

    /** The banking day {@code n} banking days after {@code day} (n >= 0; 0 is {@link #onOrAfter}). */
    public LocalDate plusBankingDays(LocalDate day, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, was " + n);
        }
        LocalDate result = onOrAfter(day);
        for (int i = 0; i < n; i++) {
            result = nextBankingDay(result);
        }
        return result;
    }

    /** Banking days after {@code from} up to and including {@code to} (0 if {@code to} is not after it). */
    public int bankingDaysBetween(LocalDate from, LocalDate to) {
        int count = 0;
        for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
            if (isBankingDay(d)) {
                count++;
            }
        }
        return count;
    }

    /** A Sunday holiday is observed on Monday; a Saturday one is not observed at all (the Friday stays open). */
    private static void observed(Set<LocalDate> days, LocalDate date) {
        switch (date.getDayOfWeek()) {
            case SATURDAY -> {}
            case SUNDAY -> days.add(date.plusDays(1));
            default -> days.add(date);
        }
    }

    private static LocalDate nth(int year, Month month, DayOfWeek day, int n) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, day));
    }
}
