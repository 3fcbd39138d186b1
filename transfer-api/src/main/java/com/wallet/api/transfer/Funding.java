package com.wallet.api.transfer;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.ledger.Money;
import java.util.Map;

/**
 * Where the money of one transfer comes from: the wallet balance first, then the verified default bank account, else
 * the default card with a fee. {@code balance + bank + card = amount}; the fee is charged to the card on top.
 */
public record Funding(Money balance, Money bank, Money card, Money fee) {

    /** The funding waterfall. A pure function of the amount, the available balance and which sources exist. */
    public static Funding plan(
            Money amount, Money available, boolean bankAvailable, boolean cardAvailable, long cardFeeBp) {
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("amount must be positive, was " + amount);
        }
        Money fromBalance = amount.min(available.max0());
        Money rest = amount.minus(fromBalance);
        if (rest.isZero()) {
            return new Funding(fromBalance, Money.ZERO, Money.ZERO, Money.ZERO);
        }
        if (bankAvailable) {
            return new Funding(fromBalance, rest, Money.ZERO, Money.ZERO);
        }
        if (cardAvailable) {
            return new Funding(fromBalance, Money.ZERO, rest, rest.percentOf(cardFeeBp));
        }
        throw new DomainException(
                Problem.INSUFFICIENT_FUNDS,
                "the wallet holds " + available.cents() + " cents of the " + amount.cents()
                        + " needed, and there is no verified default bank account or default card to cover the rest",
                Map.of("amount_cents", amount.cents(), "available_cents", available.cents()));
    }

    /** The source that covered the part beyond the balance, or {@code balance}; the metrics tag. */
    public String source() {
        return card.isPositive() ? "card" : bank.isPositive() ? "bank" : "balance";
    }
}
