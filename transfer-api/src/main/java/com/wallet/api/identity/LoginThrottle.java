package com.wallet.api.identity;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.api.web.RateLimitedException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Throttles password logins in the database, so every API instance sees the same counts: per account (keyed by the
 * username asked for, existing or not, so the answers never tell whether an account exists) and per client address.
 * Growing delays after a few failures, then a temporary lock; the owner of a locked account is notified. Attempts
 * refused by the throttle never reach the password hash, so a flood costs no bcrypt.
 */
@Component
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final LoginThrottleSettings settings;

    LoginThrottle(JdbcClient jdbc, TransactionTemplate tx, LoginThrottleSettings settings) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.settings = settings;
    }

    private record Key(String key, LoginThrottleSettings.Limits limits) {}

    private record State(int failures, Instant lastFailure, Instant lockedUntil, Instant now) {}

    private List<Key> keys(String username, String address) {
        return List.of(
                new Key("account:" + username.toLowerCase(Locale.ROOT), settings.account()),
                new Key("address:" + address, settings.address()));
    }

    /** Refuses (429 with Retry-After) an attempt that comes while its account or address must wait or is locked. */
    public void check(String username, String address) {
        for (Key k : keys(username, address)) {
            Optional<State> state = state(k.key());
            if (state.isEmpty()) {
                continue;
            }
            State s = state.get();
            Instant until = null;
            if (s.lockedUntil() != null && s.lockedUntil().isAfter(s.now())) {
                until = s.lockedUntil();
            } else if (s.lastFailure().isAfter(s.now().minus(settings.forgetAfter()))
                    && s.failures() >= k.limits().freeFailures()) {
                Instant next = s.lastFailure().plus(delay(k.limits(), s.failures()));
                if (next.isAfter(s.now())) {
                    until = next;
                }
            }
            if (until != null) {
                throw new LoginThrottled(Duration.between(s.now(), until));
            }
        }
    }

    /**
     * Counts a failed attempt for its account and address (in a transaction of its own: it stays whatever the
     * request does next); returns the user to notify if this failure locked their account.
     */
    public Optional<Instant> failed(String username, String address, Optional<UUID> owner) {
        return tx.execute(status -> {
            Optional<Instant> accountLocked = Optional.empty();
            for (Key k : keys(username, address)) {
                // a failure older than forget-after, or a lock that has run out, starts the count again
                String fresh = "(t.last_failure < clock_timestamp() - ?::interval"
                        + " OR coalesce(t.locked_until < clock_timestamp(), false))";
                Instant locked = jdbc.sql("INSERT INTO login_throttle AS t (key, failures, last_failure)"
                                + " VALUES (?, 1, clock_timestamp()) ON CONFLICT (key) DO UPDATE SET"
                                + " failures = CASE WHEN " + fresh + " THEN 1 ELSE t.failures + 1 END,"
                                + " last_failure = clock_timestamp(),"
                                + " locked_until = CASE WHEN t.locked_until > clock_timestamp() THEN t.locked_until"
                                + " WHEN NOT " + fresh + " AND t.failures + 1 >= ?"
                                + " THEN clock_timestamp() + ?::interval END"
                                + " RETURNING CASE WHEN failures >= ? THEN locked_until END")
                        .params(
                                k.key(),
                                interval(settings.forgetAfter()),
                                interval(settings.forgetAfter()),
                                k.limits().lockAfter(),
                                interval(k.limits().lockFor()),
                                k.limits().lockAfter())
                        .query((rs, n) ->
                                Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant))
                        .single()
                        .orElse(null);
                if (locked != null && k.key().startsWith("account:")) {
                    accountLocked = Optional.of(locked);
                }
            }
            if (accountLocked.isPresent() && owner.isPresent()) {
                notifyLocked(owner.get(), accountLocked.get());
            }
            return accountLocked;
        });
    }

    /** A successful login clears its account's failures (not its address's: other accounts may be tried from it). */
    public void succeeded(String username) {
        jdbc.sql("DELETE FROM login_throttle WHERE key = ? AND (locked_until IS NULL OR locked_until < now())")
                .param("account:" + username.toLowerCase(Locale.ROOT))
                .update();
    }

    private void notifyLocked(UUID owner, Instant until) {
        // one notification per lock; published by the notifications sweep, listed by GET /v1/me/notifications
        jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                        + " VALUES (?, ?, 'login_locked', ?, ?, jsonb_build_object('locked_until', ?::text))"
                        + " ON CONFLICT (event_key) DO NOTHING")
                .params(UUID.randomUUID(), owner, owner, "login_locked:" + owner + ":" + until, until.toString())
                .update();
        log.warn("user {}: logins locked until {} after repeated wrong passwords", owner, until);
    }

    private Optional<State> state(String key) {
        return jdbc.sql(
                        "SELECT failures, last_failure, locked_until, clock_timestamp() FROM login_throttle WHERE key = ?")
                .param(key)
                .query((rs, n) -> new State(
                        rs.getInt(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant()))
                .optional();
    }

    /** The wait before the next attempt after {@code failures} failures: base, doubled per failure past the free. */
    static Duration delay(LoginThrottleSettings.Limits limits, int failures) {
        int doublings = Math.min(20, Math.max(0, failures - limits.freeFailures()));
        return limits.baseDelay().multipliedBy(1L << doublings);
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }

    /** 429 rate-limited with Retry-After, the same for every account, existing or not. */
    static final class LoginThrottled extends RateLimitedException {
        LoginThrottled(Duration retryAfter) {
            super(retryAfter, "too many failed logins; retry after " + Math.max(1, retryAfter.toSeconds()) + " s");
        }
    }

    static DomainException invalidCredentials() {
        return new DomainException(Problem.INVALID_CREDENTIALS, "username or password is wrong");
    }
}
