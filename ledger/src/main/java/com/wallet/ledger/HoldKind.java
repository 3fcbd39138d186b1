package com.wallet.ledger;

import java.util.Locale;

/** Why money is held; stored in {@code ledger_holds.kind} as the lower-case name. */
public enum HoldKind {
    /** An instant cashout: held until the card network pays (posted) or refuses (voided). */
    INSTANT_CASHOUT,
    /** A payment to someone not yet a user: held until they prove the contact it was sent to, or it expires. */
    CLAIM;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static HoldKind of(String dbName) {
        return valueOf(dbName.toUpperCase(Locale.ROOT));
    }
}
