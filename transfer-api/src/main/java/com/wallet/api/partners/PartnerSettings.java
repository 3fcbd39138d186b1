package com.wallet.api.partners;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Where the partner networks are and how hard to try them: per network a timeout, a retry policy and a breaker. */
@Validated
@ConfigurationProperties("wallet.partners")
public record PartnerSettings(
        @Valid @NotNull Network card,
        @Valid @NotNull Network ach,
        @Valid @NotNull Sweep sweep) {

    /**
     * @param timeout one attempt's limit, connect plus response
     * @param retryMaxAttempts attempts in all (1 = no retry); only failures that may not have been processed and
     *     timeouts are retried, which is safe because every call carries our id
     * @param breakerFailureRatePercent failed share of the last {@code breakerWindow} calls that opens the breaker
     * @param breakerMinimumCalls calls needed before the rate is judged
     * @param breakerOpenFor how long an open breaker refuses calls before letting {@code breakerHalfOpenCalls} through
     */
    public record Network(
            @NotNull URI baseUrl,
            @NotNull Duration timeout,
            @Min(1) @Max(10) int retryMaxAttempts,
            @NotNull Duration retryWait,
            @Min(1) @Max(100) int breakerFailureRatePercent,
            @Min(1) int breakerMinimumCalls,
            @Min(1) int breakerWindow,
            @NotNull Duration breakerOpenFor,
            @Min(1) int breakerHalfOpenCalls) {}

    /**
     * @param interval how often unresolved card charges and instant payouts are looked at
     * @param resolveAfter how old a charge or payout must be before the sweeper takes it over from the request that
     *     started it (longer than any request can take: timeout x attempts)
     */
    public record Sweep(@NotNull Duration interval, @NotNull Duration resolveAfter) {}
}
