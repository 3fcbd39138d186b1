package com.wallet.ledger;

/** The platform's own accounts, created by the schema with these ids. They keep no cached balance (no hot row). */
public enum SystemAccount {
    /** Bank debits not collected yet: negative by what the banks still owe us. */
    BANK_FUNDING_CLEARING(1),
    /** Card charges that funded transfers. */
    CARD_FUNDING_CLEARING(2),
    /** Cashouts on their way out: standard ones until their ACH credit settles, instant ones once paid out. */
    CASHOUT_CLEARING(3),
    FEE_REVENUE(4),
    /** Money at our own bank: settled ACH debits in, settled ACH credits out. */
    SETTLEMENT_BANK(5),
    /** What verifying bank accounts cost: the micro-deposits we send. */
    VERIFICATION_EXPENSE(6),
    /** What the card network charges us: its fees on captures and payouts, booked from its settlement reports. */
    CARD_NETWORK_FEES(7),
    /**
     * Money of closed accounts that could not be sent on, set aside from their wallets: still owed to the people,
     * paid on a claim or remitted to the state as unclaimed property (transfer-api's {@code unclaimed_funds} lists it).
     */
    UNCLAIMED_FUNDS(8);

    private final AccountId id;

    SystemAccount(long id) {
        this.id = AccountId.of(id);
    }

    public AccountId id() {
        return id;
    }
}
