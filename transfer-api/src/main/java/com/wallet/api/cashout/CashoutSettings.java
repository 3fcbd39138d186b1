package com.wallet.api.cashout;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Cashout limits and the instant fee: basis points of the amount (175 = 1.75%), rounded half up to the cent, then
 * kept between the minimum and maximum fee. The fee is taken from the amount: the card receives amount - fee.
 *
 * <p>Funds availability: money that arrived from a bank debit that has not settled may be cashed out only within an
 * allowance of {@code unsettledAllowanceBasisPoints} of the user's own settled bank debits, at most
 * {@code unsettledAllowanceMaxCents} (so 0 for a new account). An instant cashout's hold expires after
 * {@code instantHoldExpiry} if the network's answer never arrives and the sweep cannot learn it. Money of a closed
 * account that could not be sent on is set aside into unclaimed funds {@code unclaimedAfter} after the closure.
 */
@Validated
@ConfigurationProperties("wallet.cashouts")
public record CashoutSettings(
        @Min(1) long maxAmountCents,
        @Min(0) @Max(10_000) long instantFeeBasisPoints,
        @Min(0) long instantFeeMinCents,
        @Min(0) long instantFeeMaxCents,
        @Min(0) @Max(10_000) long unsettledAllowanceBasisPoints,
        @Min(0) long unsettledAllowanceMaxCents,
        java.time.Duration instantHoldExpiry,
        java.time.Duration unclaimedAfter) {

    public CashoutSettings {
        if (instantFeeMinCents > instantFeeMaxCents) {
            throw new IllegalArgumentException("wallet.cashouts.instant-fee-min-cents (" + instantFeeMinCents
                    + ") exceeds instant-fee-max-cents (" + instantFeeMaxCents + ")");
        }
    }
}
