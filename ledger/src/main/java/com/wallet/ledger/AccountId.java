package com.wallet.ledger;

/** A ledger account's id: a wallet's, or one of the {@link SystemAccount}s (ids below 1000). */
public record AccountId(long value) {

    public AccountId {
        if (value <= 0) {
            throw new IllegalArgumentException("ledger account ids are positive, was " + value);
        }
    }

    public static AccountId of(long value) {
        return new AccountId(value);
    }

    @Override
    public String toString() {
        return "account " + value;
    }
}
