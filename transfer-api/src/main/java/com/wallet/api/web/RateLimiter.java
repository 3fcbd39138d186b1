package com.wallet.api.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.annotation.PreDestroy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * sweep deletes expired ones, so the table holds only recently active users. Each trip to the database is a short
 * transaction of its own (three round trips), taken before the request's own transaction.
 *
 * <p>So that a user's calls do not each pay those three round trips, an instance keeps a copy of each active user's
 * bucket (bucket4j's delaying optimization, the copies in a Caffeine cache) and answers from it, telling the database
 * what it admitted once {@code local-allowance.calls} calls have gone by or {@code local-allowance.period} has passed,
 * and when the copy leaves the cache or the instance stops. A refusal never waits for the database: the copy can only
 * overstate the tokens left (it misses what other instances spent), so a user it refuses has none anywhere, and a
 * client hammering past its budget costs the database nothing. The price: each instance may admit up to {@code
 * local-allowance.calls} of a user's calls beyond the shared budget (one instance alone enforces it exactly).
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    /** Bucket copies kept at most (a few MB); beyond it the least recently used is told and dropped. */
    private static final int MAX_USERS = 100_000;

    /** The longest a stopping instance waits for its copies to be told. */
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    /**
     * Tells the database what evicted copies admitted, one at a time, on a thread of its own: with the database away
     * each tell waits for the pool's timeout, which must not hold up Caffeine's or the common pool's threads.
     */
    private final ExecutorService teller = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "rate-limit-teller");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * {@code capacity} and {@code refill-per-second}: each user's budget for the calls above. {@code sign-up}: the
     * sign-ups one client address may make, {@code capacity} at once and as many again per {@code refill-period}.
     * {@code export}: the data exports one user may make, likewise (each reads the whole account). {@code
     * password-reset}: the password reset calls (asked for or confirmed) one client address may make, likewise.
     */
    @Validated
    @ConfigurationProperties("wallet.rate-limit")
    public record Settings(
            @Min(1) int capacity,
            @Min(1) int refillPerSecond,
            @NotNull @Valid Allowance localAllowance,
            @NotNull @Valid Period signUp,
            @NotNull @Valid Period export,
            @NotNull @Valid Period passwordReset) {}

    /**
     * The calls an instance may admit for a user from its own copy of the bucket before it tells the database, and
     * the longest it keeps them untold; {@code calls} 0 asks the database on every call.
     */
    public record Allowance(@Min(0) int calls, @NotNull Duration period) {}

    /** {@code capacity} calls at once, refilled evenly to full over {@code refill-period}. */
    public record Period(@Min(1) int capacity, @NotNull Duration refillPeriod) {}

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final BucketConfiguration configuration;
    private final BucketConfiguration signUps;
    private final BucketConfiguration exports;
    private final BucketConfiguration passwordResets;
    /** Each active user's bucket as this instance knows it; null when every call asks the database. */
    private final Cache<UUID, BucketProxy> users;

    private final Optimization delaying;

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
        this.signUps = perPeriod(settings.signUp());
        this.exports = perPeriod(settings.export());
        this.passwordResets = perPeriod(settings.passwordReset());
        Allowance allowance = settings.localAllowance();
        if (allowance.calls() == 0) {
            this.delaying = null;
            this.users = null;
        } else {
            this.delaying = Optimizations.delaying(new DelayParameters(allowance.calls(), allowance.period()));
            // a copy idle for the period has nothing left to say but what it admitted: told as it leaves
            this.users = Caffeine.newBuilder()
                    .expireAfterAccess(allowance.period())
                    .maximumSize(MAX_USERS)
                    .scheduler(Scheduler.systemScheduler())
                    .<UUID, BucketProxy>removalListener((user, bucket, cause) -> {
                        if (cause.wasEvicted()) {
                            teller.execute(() -> tell(user, bucket));
                        }
                    })
                    .build();
        }
    }

    /**
     * Takes one sign-up from the client address's budget, or throws {@link RateLimitedException}: account creation
     * costs a password hash and feeds every other abuse, so one address cannot mint accounts in bulk.
     */
    public void acquireSignUp(String clientAddress) {
        takeOne("sign-up:" + clientAddress, signUps, "too many sign-ups from this address");
    }

    /**
     * Takes one data export from the user's budget, or throws {@link RateLimitedException}: an export reads, renders
     * and writes out everything the account holds, so it is not a call to repeat at the rate of payments.
     */
    public void acquireExport(UUID userId) {
        takeOne("export:" + userId, exports, "too many exports");
    }

    /**
     * Takes one password reset call (a code asked for, or one confirmed) from the client address's budget, or throws
     * {@link RateLimitedException}: each may send an email or hash a password, and none needs a token.
     */
    public void acquirePasswordReset(String clientAddress) {
        takeOne("password-reset:" + clientAddress, passwordResets, "too many password resets from this address");
    }

    /** {@code period.capacity()} at once, and as many again per {@code period.refillPeriod()}. */
    private static BucketConfiguration perPeriod(Period period) {
        return BucketConfiguration.builder()
                .addLimit(limit ->
                        limit.capacity(period.capacity()).refillGreedy(period.capacity(), period.refillPeriod()))
                .build();
    }

    /**
     * Takes one token from the shared bucket {@code key} (made with {@code configuration} when new), or throws {@link
     * RateLimitedException}: "{@code refused}; retry after N s".
     */
    private void takeOne(String key, BucketConfiguration configuration, String refused) {
        ConsumptionProbe probe =
                buckets.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = retryAfter(probe);
            throw new RateLimitedException(wait, refused + "; retry after " + wait.toSeconds() + " s");
        }
    }

    /** Takes one token for the user, or throws {@link RateLimitedException} saying when the next one is due. */
    public void acquire(UUID userId) {
        ConsumptionProbe probe;
        if (users == null) {
            probe = shared(userId).tryConsumeAndReturnRemaining(1);
        } else {
            try {
                probe = users.get(userId, this::copy).tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException e) {
                // bucket4j does not recreate a bucket missing from the database for calls on a copy that it batched
                // together (a user's first calls arriving at once, or the bucket swept while the copy lived; the
                // calls that waited in the batch get it wrapped): this call asks the database directly, which
                // recreates it; the copy goes, with the calls it had not told
                if (!bucketNotFound(e)) {
                    throw e;
                }
                users.invalidate(userId);
                probe = shared(userId).tryConsumeAndReturnRemaining(1);
            }
        }
        if (!probe.isConsumed()) {
            throw new RateLimitedException(userId, retryAfter(probe));
        }
    }

    private static boolean bucketNotFound(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private BucketProxy shared(UUID userId) {
        return buckets.builder().build("user:" + userId, () -> configuration);
    }

    private BucketProxy copy(UUID userId) {
        return buckets.builder().withOptimization(delaying).build("user:" + userId, () -> configuration);
    }

    /**
     * Writes to the database what the copy admitted and has not told yet (nothing if it has told all); false if the
     * database could not be reached.
     */
    private static boolean tell(UUID userId, BucketProxy bucket) {
        try {
            bucket.getOptimizationController().syncByCondition(1, Duration.ZERO);
            return true;
        } catch (RuntimeException e) {
            log.warn("rate-limit calls of user {} admitted here could not be written: {}", userId, e.toString());
            return false;
        }
    }

    /**
     * Tells the database what each copy admitted (when the instance stops, before its pool closes), on the teller's
     * thread, waiting at most {@link #FLUSH_WAIT}: with the database away a connection would take the pool's whole
     * timeout, so the first failure ends the flush and a stop is never held up for long. What is not told is lost:
     * at most {@code local-allowance.calls} calls per user.
     */
    @PreDestroy
    public void flush() {
        if (users == null) {
            return;
        }
        Future<?> told = teller.submit(() -> {
            for (Map.Entry<UUID, BucketProxy> copy : users.asMap().entrySet()) {
                if (!tell(copy.getKey(), copy.getValue())) {
                    return;
                }
            }
        });
        try {
            told.get(FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("rate-limit calls admitted here not all written after {}; left", FLUSH_WAIT);
        } catch (ExecutionException e) {
            log.warn(
                    "rate-limit calls admitted here not all written: {}",
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
