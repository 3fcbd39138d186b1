package com.wallet.api.web;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * A token bucket per user for the calls worth abusing (money movement, linking and verifying, payment requests,
 * friend requests, comments): {@code capacity} calls at once, refilled at {@code refill-per-second}. The buckets live
 * in PostgreSQL (bucket4j's select-for-update proxy over the table {@code rate_limit_buckets}), so every API instance
 * shares them: N instances do not give a user N times the budget. A bucket expires once it would be full again, and a
 * sweep deletes expired ones, so the table holds only recently active users. Each check is a short transaction of its
 * own, taken before the request's own transaction.
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    /**
     * {@code capacity} and {@code refill-per-second}: each user's budget for the calls above. {@code sign-up}: the
     * sign-ups one client address may make, {@code capacity} at once and as many again per {@code refill-period}.
     */
    @Validated
    @ConfigurationProperties("wallet.rate-limit")
    public record Settings(
            @Min(1) int capacity,
            @Min(1) int refillPerSecond,
            @NotNull @Valid Period signUp) {}

    /** {@code capacity} calls at once, refilled evenly to full over {@code refill-period}. */
    public record Period(@Min(1) int capacity, @NotNull Duration refillPeriod) {}

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final BucketConfiguration configuration;
    private final BucketConfiguration signUps;

    public RateLimiter(Settings settings, DataSource dataSource) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(settings.capacity())
                        .refillGreedy(settings.refillPerSecond(), Duration.ofSeconds(1)))
                .build();
        this.signUps = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(settings.signUp().capacity())
                        .refillGreedy(
                                settings.signUp().capacity(), settings.signUp().refillPeriod()))
                .build();
    }

    /**
     * Takes one sign-up from the client address's budget, or throws {@link RateLimitedException}: account creation
     * costs a password hash and feeds every other abuse, so one address cannot mint accounts in bulk.
     */
    public void acquireSignUp(String clientAddress) {
        ConsumptionProbe probe = buckets.builder()
                .build("sign-up:" + clientAddress, () -> signUps)
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = retryAfter(probe);
            throw new RateLimitedException(
                    wait, "too many sign-ups from this address; retry after " + wait.toSeconds() + " s");
        }
    }

    /** Takes one token for the user, or throws {@link RateLimitedException} saying when the next one is due. */
    public void acquire(UUID userId) {
        ConsumptionProbe probe =
                buckets.builder().build("user:" + userId, () -> configuration).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw new RateLimitedException(userId, retryAfter(probe));
        }
    }

    private static Duration retryAfter(ConsumptionProbe probe) {
        return Duration.ofNanos(probe.getNanosToWaitForRefill()).plusSeconds(1).withNanos(0);
    }

    /** Deletes buckets that have refilled completely: their users start afresh at full capacity anyway. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void purge() {
        int removed;
        int total = 0;
        do {
            removed = buckets.removeExpired(1_000);
            total += removed;
        } while (removed == 1_000);
        if (total > 0) {
            log.debug("{} idle rate-limit buckets removed", total);
        }
    }
}
