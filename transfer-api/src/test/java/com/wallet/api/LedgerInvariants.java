package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The money invariants of the design, checked on the real database by the ledger module's own checks. */
public final class LedgerInvariants {

    private LedgerInvariants() {}

    public static void assertHold(JdbcTemplate db) {
        assertThat(new com.wallet.ledger.LedgerInvariants(JdbcClient.create(db)).check())
                .as(
                        "the ledger's invariants (zero sum, balanced entries, cached balances with the credits beside them, holds, overdrafts)")
                .isEmpty();
    }
}
