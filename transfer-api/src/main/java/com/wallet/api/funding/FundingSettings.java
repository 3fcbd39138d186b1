package com.wallet.api.funding;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on linking and verifying bank accounts, against guessing micro-deposits: wrong answers are counted per bank
 * account (its keyed fingerprint, across every link and user, for good) and per user (over {@code userFailureWindow}),
 * and each user may link only so many bank accounts a day.
 */
@Validated
@ConfigurationProperties("wallet.funding")
public record FundingSettings(
        @Min(1) int maxFailuresPerAccount,
        @Min(1) int maxFailuresPerUser,
        Duration userFailureWindow,
        @Min(1) int bankLinksPerDay) {}
