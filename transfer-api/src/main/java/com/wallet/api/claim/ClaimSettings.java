package com.wallet.api.claim;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Payments to people not yet users: how long they wait to be claimed, how long a one-time code lives and how many
 * guesses it allows, how often expired claims are released.
 */
@ConfigurationProperties("wallet.claims")
public record ClaimSettings(
        @DefaultValue("P30D") Duration expireAfter,
        @DefaultValue("PT10M") Duration codeLifetime,
        @DefaultValue("5") int codeAttempts,
        @DefaultValue("PT1M") Duration sweepInterval) {}
