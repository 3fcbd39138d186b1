package com.wallet.api.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Where a cashout is: pending, submitted (in an ACH file), completed, failed (instant, money released) or returned (ACH). On the wire and in the database as the lower-case name. */
public enum CashoutStatus {
    PENDING,
    SUBMITTED,
    COMPLETED,
    FAILED,
    RETURNED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or database name; an unknown name is an {@link IllegalArgumentException}. */
    public static CashoutStatus of(String wire) {
        return Arrays.stream(values())
                .filter(v -> v.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CashoutStatus '" + wire + "'"));
    }

    @Override
    public String toString() {
        return wire();
    }
}
