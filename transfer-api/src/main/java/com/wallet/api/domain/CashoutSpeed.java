package com.wallet.api.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How a cashout leaves: instantly to a card (with a fee), or by ACH to a verified bank (free). On the wire and in the database as the lower-case name. */
public enum CashoutSpeed {
    INSTANT,
    STANDARD;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or database name; an unknown name is an {@link IllegalArgumentException}. */
    public static CashoutSpeed of(String wire) {
        return Arrays.stream(values())
                .filter(v -> v.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CashoutSpeed '" + wire + "'"));
    }

    @Override
    public String toString() {
        return wire();
    }
}
