package com.wallet.api.transfer;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and fees of sending money. Daily and weekly limits are rolling windows over what the user sent (24 hours and
 * 7 days). The card fee is in basis points of the card-funded part (300 = 3%), rounded half up to the cent. A payment
 * may be refunded by its receiver for {@code refundWindow} after it was made. Payments arriving together are posted
 * in groups of up to {@code groupMaxMembers} per transaction (1: each alone; issue 16's group commit), at most
 * {@code groupMaxRunning} groups at a time, one beside running ones only once {@code groupMinBeside} payments wait.
 */
@Validated
@ConfigurationProperties("wallet.transfers")
public record TransferSettings(
        @Min(1) long minAmountCents,
        @Min(1) long maxAmountCents,
        @Min(1) long dailyLimitCents,
        @Min(1) long weeklyLimitCents,
        @Min(0) @Max(10_000) long cardFeeBasisPoints,
        @DefaultValue("P180D") Duration refundWindow,
        @DefaultValue("16") @Min(1) @Max(256) int groupMaxMembers,
        @DefaultValue("2") @Min(1) @Max(64) int groupMaxRunning,
        @DefaultValue("1") @Min(1) @Max(256) int groupMinBeside) {

    /** Refuses an amount outside what one transfer may move (the same rule for every kind of payment). */
    public void requireAmountAllowed(long amountCents) {
        if (amountCents < minAmountCents || amountCents > maxAmountCents) {
            throw new com.wallet.api.web.DomainException(
                    com.wallet.api.web.Problem.LIMIT_EXCEEDED,
                    "amount_cents must be from " + minAmountCents + " to " + maxAmountCents + " per transfer, was "
                            + amountCents,
                    java.util.Map.of("max_amount_cents", maxAmountCents));
        }
    }

    public TransferSettings {
        if (minAmountCents > maxAmountCents) {
            throw new IllegalArgumentException("wallet.transfers.min-amount-cents (" + minAmountCents
                    + ") exceeds max-amount-cents (" + maxAmountCents + ")");
        }
        if (refundWindow.isNegative()) {
            throw new IllegalArgumentException("wallet.transfers.refund-window must not be negative: " + refundWindow);
        }
    }
}
