package com.wallet.settlement.returns;

import java.util.Set;

/**
 * What an ACH return code means for us, after NACHA's return reason codes (as moov-io/ach groups them). Every return
 * is reversed in the ledger; the kind decides what else happens (README "Returns by kind").
 */
enum ReturnKind {
    /** R01 insufficient funds, R09 uncollected funds: the account exists; the money was not there. */
    INSUFFICIENT_FUNDS,
    /** R02 closed, R03 no account, R04 invalid number, R12 branch sold, R13 invalid ACH routing, R16 frozen, R20
     * non-transaction account: the account cannot take entries; the method is disabled and its owner told. */
    ACCOUNT_PROBLEM,
    /** R05, R07, R10, R11, R29, R51: the holder says the debit was not authorized: the method is disabled, bank
     * funding frozen for its owner, and a review case opened. */
    UNAUTHORIZED,
    /** Anything else: reversed, nothing more. */
    OTHER;

    private static final Set<String> NSF = Set.of("R01", "R09");
    private static final Set<String> ACCOUNT = Set.of("R02", "R03", "R04", "R12", "R13", "R16", "R20");
    static final Set<String> NOT_AUTHORIZED = Set.of("R05", "R07", "R10", "R11", "R29", "R51");

    static ReturnKind of(String code) {
        if (NSF.contains(code)) {
            return INSUFFICIENT_FUNDS;
        }
        if (ACCOUNT.contains(code)) {
            return ACCOUNT_PROBLEM;
        }
        if (NOT_AUTHORIZED.contains(code)) {
            return UNAUTHORIZED;
        }
        return OTHER;
    }

    /** Banking days after the effective entry date within which a return of this kind is on time (NACHA's 2; 60
     * calendar days, about 40 banking days, for unauthorized consumer debits). */
    int deadlineBankingDays() {
        return this == UNAUTHORIZED ? 40 : 2;
    }
}
