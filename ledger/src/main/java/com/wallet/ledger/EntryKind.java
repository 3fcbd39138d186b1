package com.wallet.ledger;

import java.util.Locale;

/** What a ledger entry records; stored in {@code ledger_entries.kind} as the lower-case name. */
public enum EntryKind {
    TRANSFER,
    /** Money added to a wallet from the user's own bank by an ACH debit (unsettled until the debit settles). */
    TOP_UP,
    /** A payment given back (in full or in part) by its receiver to its payer. */
    REFUND,
    /** A standard cashout leaving the wallet when requested. */
    CASHOUT,
    /** A standard cashout put back (never happens today; kept for the entries written before holds). */
    CASHOUT_REVERSAL,
    /** An instant cashout's hold, posted once the card network paid. */
    INSTANT_CASHOUT,
    ACH_RETURN,
    ACH_SETTLED,
    /** The micro-deposits sent to verify a bank account: from our bank, a cost of verification. */
    MICRO_DEPOSITS,
    /**
     * The card network's settlement of report items not booked before: captures (less voids) out of card funding
     * clearing, payouts out of cashout clearing, its fees, the net at our bank.
     */
    CARD_SETTLEMENT,
    /**
     * A card charge the cardholder disputed and the network took back (a chargeback): the payer's wallet pays card
     * funding clearing back, even into a debt.
     */
    CARD_CHARGEBACK,
    /** A chargeback we contested and won: the network paid it back, and the payer's wallet gets back what it paid. */
    CARD_CHARGEBACK_REVERSAL,
    /** A closed account's money that could not be sent on, set aside from its wallet into unclaimed funds. */
    UNCLAIMED_FUNDS,
    /**
     * Unclaimed funds past their dormancy period remitted to the state as unclaimed property: out of unclaimed funds,
     * out of our bank.
     */
    UNCLAIMED_REMITTANCE;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
