package com.wallet.api.topup;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Limits of adding money from a bank: per top-up, and over a rolling 24 hours per user. */
@Validated
@ConfigurationProperties("wallet.top-ups")
public record TopUpSettings(
        @DefaultValue("500000") @Min(1) long maxAmountCents,
        @DefaultValue("1000000") @Min(1) long dailyLimitCents) {}
