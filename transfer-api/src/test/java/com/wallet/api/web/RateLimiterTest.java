package com.wallet.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final UUID user = UUID.randomUUID();

    @Test
    void aFullBucketIsSpentThenRefilledAtTheRate() {
        RateLimiter limiter = new RateLimiter(new RateLimiter.Settings(2, 5), now::get);
        limiter.acquire(user);
        limiter.acquire(user);
        assertThatThrownBy(() -> limiter.acquire(user))
                .isInstanceOfSatisfying(
                        RateLimitedException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        now.addAndGet(Duration.ofMillis(200).toNanos()); // one token at 5 per second
        limiter.acquire(user);
        assertThatThrownBy(() -> limiter.acquire(user)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void otherUsersHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(new RateLimiter.Settings(1, 1), now::get);
        limiter.acquire(user);
        limiter.acquire(UUID.randomUUID());
        assertThatThrownBy(() -> limiter.acquire(user)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void aLongIdleSpellWithAHighRefillRateDoesNotOverflow() {
        // 60 s in nanoseconds times 10^9 per second is past Long.MAX_VALUE: the refill once went negative here
        RateLimiter limiter = new RateLimiter(new RateLimiter.Settings(1_000_000_000, 1_000_000_000), now::get);
        limiter.acquire(user);
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        for (int i = 0; i < 1000; i++) {
            limiter.acquire(user);
        }
    }
}
