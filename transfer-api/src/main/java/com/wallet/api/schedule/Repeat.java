package com.wallet.api.schedule;

import java.time.LocalDate;
import java.util.Locale;

/** How a scheduled payment repeats; occurrence n is counted from the start date, so months never drift. */
public enum Repeat {
    NONE,
    WEEKLY,
    BIWEEKLY,
    MONTHLY;

    public static Repeat of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The date of occurrence {@code n} (0 is the start date). Monthly: start + n months, on the last day of a month
     * too short for the start's day (the 31st runs on February's 28th or 29th, then on March 31st again).
     */
    public LocalDate occurrence(LocalDate start, int n) {
        switch (this) {
            case WEEKLY -> {
                return start.plusWeeks(n);
            }
            case BIWEEKLY -> {
                return start.plusWeeks(2L * n);
            }
            case MONTHLY -> {
                return start.plusMonths(n);
            }
            default -> {
                if (n != 0) {
                    throw new IllegalArgumentException("a payment that does not repeat has one occurrence");
                }
                return start;
            }
        }
    }
}
