package com.wallet.common.partners;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one partner network and how hard to try it.
 *
 * @param timeout one attempt's limit, connect plus response
 * @param retryMaxAttempts attempts in all (1 = no retry); only failures that may not have been processed and timeouts
 *     are retried, which is safe because every call carries the caller's id
 * @param breakerFailureRatePercent failed share of the last {@code breakerWindow} calls that opens the breaker
 * @param breakerMinimumCalls calls needed before the rate is judged
 * @param breakerOpenFor how long an open breaker refuses calls before letting {@code breakerHalfOpenCalls} through
 */
public record NetworkSettings(
        URI baseUrl,
        Duration timeout,
        int retryMaxAttempts,
        Duration retryWait,
        int breakerFailureRatePercent,
        int breakerMinimumCalls,
        int breakerWindow,
        Duration breakerOpenFor,
        int breakerHalfOpenCalls) {

    public NetworkSettings {
        Objects.requireNonNull(baseUrl, "base-url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryWait, "retry-wait");
        Objects.requireNonNull(breakerOpenFor, "breaker-open-for");
        if (retryMaxAttempts < 1 || breakerMinimumCalls < 1 || breakerWindow < 1 || breakerHalfOpenCalls < 1) {
            throw new IllegalArgumentException("retry-max-attempts and the breaker's counts must be at least 1");
        }
        if (breakerFailureRatePercent < 1 || breakerFailureRatePercent > 100) {
            throw new IllegalArgumentException(
                    "breaker-failure-rate-percent must be from 1 to 100, was " + breakerFailureRatePercent);
        }
    }
}
