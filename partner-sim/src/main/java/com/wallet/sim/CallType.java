package com.wallet.sim;

import java.util.Locale;

/** The kinds of call the simulated partners answer; each has its own {@link Knobs.Knob}. */
public enum CallType {
    CARD_CHARGE,
    CARD_VOID,
    CARD_PAYOUT,
    ACH_FILE,
    ACH_RETURNS,
    MICRO_DEPOSIT;

    /** The name used in the control API: {@code card-charge}, {@code ach-file}, ... */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static CallType ofSlug(String slug) {
        for (CallType type : values()) {
            if (type.slug().equals(slug)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown call type " + slug);
    }
}
