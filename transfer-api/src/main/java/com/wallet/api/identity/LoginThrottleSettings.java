package com.wallet.api.identity;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Login throttling, per account and per client address: {@code freeFailures} wrong passwords are answered at once;
 * after that each next attempt must wait {@code baseDelay} doubled per further failure (429 with Retry-After, the
 * password not even checked); at {@code lockAfter} failures the key is locked for {@code lockFor} (an account's owner
 * is notified). {@code pin}: the same for each user's PIN (the step-up of {@link Pins}), its owner notified of a lock.
 * Failures older than {@code forgetAfter} are forgotten; a successful login clears its account's.
 */
@Validated
@ConfigurationProperties("wallet.login-throttle")
public record LoginThrottleSettings(Limits account, Limits address, Limits pin, Duration forgetAfter) {

    public record Limits(
            @Min(0) int freeFailures,
            Duration baseDelay,
            @Min(1) int lockAfter,
            Duration lockFor) {}
}
