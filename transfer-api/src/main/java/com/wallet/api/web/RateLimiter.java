package com.wallet.api.web;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * A token bucket per user for money-moving calls: {@code capacity} requests at once, refilled at
 * {@code refill-per-second}. Per instance: with N instances a user gets up to N times the budget.
 */
@Component
public class RateLimiter {

    @Validated
    @ConfigurationProperties("wallet.rate-limit")
    public record Settings(@Min(1) int capacity, @Min(1) int refillPerSecond) {}

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    @Autowired
    public RateLimiter(Settings settings) {
        this(settings, System::nanoTime);
    }

    RateLimiter(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for the user, or throws {@link RateLimitedException} saying when the next one is due. */
    public void acquire(UUID userId) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(userId, id -> new Bucket(settings.capacity(), now));
        long waitNanos = bucket.take(settings.capacity(), settings.refillPerSecond(), now);
        if (waitNanos > 0) {
            throw new RateLimitedException(
                    userId, Duration.ofNanos(waitNanos).plusSeconds(1).withNanos(0));
        }
    }

    private static final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.updatedAt = now;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        synchronized long take(int capacity, int refillPerSecond, long now) {
            // in double: nanoseconds times a large refill rate overflow a long within seconds; a caller that read the
            // clock before another one took its turn brings no time back
            long elapsed = Math.max(0, now - updatedAt);
            tokens = Math.min(capacity, tokens + elapsed / 1e9 * refillPerSecond);
            updatedAt += elapsed;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 1e9 / refillPerSecond);
        }
    }
}
