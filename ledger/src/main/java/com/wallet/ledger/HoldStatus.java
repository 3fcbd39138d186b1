package com.wallet.ledger;

import java.util.Locale;

/** A hold is pending until it ends, exactly once, as posted, voided or expired. */
public enum HoldStatus {
    PENDING,
    POSTED,
    VOIDED,
    EXPIRED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static HoldStatus of(String dbName) {
        return valueOf(dbName.toUpperCase(Locale.ROOT));
    }
}
