package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.jdbc.core.JdbcTemplate;

/** The money invariants of the design, checked on the real database. */
public final class LedgerInvariants {

    private LedgerInvariants() {}

    public static void assertHold(JdbcTemplate db) {
        assertThat(db.queryForObject("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines", Long.class))
                .as("the ledger sums to zero")
                .isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM (SELECT entry_id FROM ledger_lines GROUP BY entry_id"
                                + " HAVING sum(amount_cents) <> 0) unbalanced",
                        Long.class))
                .as("every entry balances")
                .isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM ledger_accounts a WHERE kind = 'wallet' AND balance_cents <>"
                                + " coalesce((SELECT sum(amount_cents) FROM ledger_lines l WHERE l.account_id = a.id), 0)",
                        Long.class))
                .as("every cached wallet balance equals the sum of its lines")
                .isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM ledger_accounts WHERE kind = 'wallet' AND balance_cents < 0"
                                + " AND NOT restricted",
                        Long.class))
                .as("no wallet is negative but a restricted one (a debt after an ACH return)")
                .isZero();
    }
}
