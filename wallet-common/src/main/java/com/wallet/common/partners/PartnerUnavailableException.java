package com.wallet.common.partners;

import java.time.Duration;

/**
 * A partner network could not be used: its breaker is open, or it failed (or did not answer) on every attempt. The
 * API answers 503 with {@code Retry-After}. {@link #outcomeUnknown()} is true when the network may have processed the
 * call anyway (a timeout): the caller must then resolve it (void, or look the result up) rather than assume nothing
 * happened.
 */
public class PartnerUnavailableException extends RuntimeException {

    private final String service;
    private final Duration retryAfter;
    private final boolean outcomeUnknown;

    public PartnerUnavailableException(String service, String message, Duration retryAfter, boolean outcomeUnknown) {
        super(message);
        this.service = service;
        this.retryAfter = retryAfter;
        this.outcomeUnknown = outcomeUnknown;
    }

    public String service() {
        return service;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
