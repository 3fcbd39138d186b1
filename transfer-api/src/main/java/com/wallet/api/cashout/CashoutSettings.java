package com.wallet.api.cashout;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Cashout limits and the instant fee: basis points of the amount (175 = 1.75%), rounded half up to the cent, then
 * kept between the minimum and maximum fee. The fee is taken from the amount: the card receives amount - fee.
 */
@Validated
@ConfigurationProperties("wallet.cashouts")
public record CashoutSettings(
        @Min(1) long maxAmountCents,
        @Min(0) @Max(10_000) long instantFeeBasisPoints,
        @Min(0) long instantFeeMinCents,
        @Min(0) long instantFeeMaxCents) {

    public CashoutSettings {
        if (instantFeeMinCents > instantFeeMaxCents) {
            throw new IllegalArgumentException("wallet.cashouts.instant-fee-min-cents (" + instantFeeMinCents
                    + ") exceeds instant-fee-max-cents (" + instantFeeMaxCents + ")");
        }
    }
}
