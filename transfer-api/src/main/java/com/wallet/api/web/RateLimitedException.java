package com.wallet.api.web;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A caller spent its request budget; it may try again after {@link #retryAfter()}. */
public class RateLimitedException extends DomainException {

    private final Duration retryAfter;

    public RateLimitedException(UUID userId, Duration retryAfter) {
        super(
                Problem.RATE_LIMITED,
                "too many money-moving requests; retry after " + Math.max(1, retryAfter.toSeconds()) + " s",
                Map.of("user_id", userId));
        this.retryAfter = retryAfter;
    }

    /** A refusal of another kind of request (logins, say), with its own message and no user id. */
    public RateLimitedException(Duration retryAfter, String message) {
        super(Problem.RATE_LIMITED, message, Map.of());
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
