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

    /** A throttled key; {@code lockNotice} is the notification kind its owner gets when it locks (none if null). */
    private record Key(String key, LoginThrottleSettings.Limits limits, String lockNotice) {}

    private record State(int failures, Instant lastFailure, Instant lockedUntil, Instant now) {}

    private List<Key> keys(String username, String address) {
        return List.of(
                new Key("account:" + username.toLowerCase(Locale.ROOT), settings.account(), "login_locked"),
                new Key("address:" + address, settings.address(), null));
    }

    private Key pinKey(UUID user) {
        return new Key("pin:" + user, settings.pin(), "pin_locked");
    }

    /** Refuses (429 with Retry-After) an attempt that comes while its account or address must wait or is locked. */
    public void check(String username, String address) {
        check(keys(username, address), "too many failed logins");
    }

    /** Refuses (429 with Retry-After) a PIN attempt while the user's PIN must wait or is locked. */
    public void checkPin(UUID user) {
        check(List.of(pinKey(user)), "too many wrong PINs");
    }

    /** Counts a wrong PIN (in a transaction of its own); the owner is notified when it locks their PIN. */
    public void pinFailed(UUID user) {
        failed(List.of(pinKey(user)), Optional.of(user));
    }

    /** A right PIN clears the user's PIN failures (unless locked). */
    public void pinSucceeded(UUID user) {
        clear(pinKey(user).key());
    }

    private void check(List<Key> keys, String what) {
        for (Key k : keys) {
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
                throw new LoginThrottled(Duration.between(s.now(), until), what);
            }
        }
    }

    /**
     * Counts a failed attempt for its account and address (in a transaction of its own: it stays whatever the
     * request does next); returns the user to notify if this failure locked their account.
     */
    public Optional<Instant> failed(String username, String address, Optional<UUID> owner) {
        return failed(keys(username, address), owner);
    }

    private Optional<Instant> failed(List<Key> keys, Optional<UUID> owner) {
        return tx.execute(status -> {
            Optional<Instant> ownerLocked = Optional.empty();
            String notice = null;
            for (Key k : keys) {
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
                if (locked != null && k.lockNotice() != null) {
                    ownerLocked = Optional.of(locked);
                    notice = k.lockNotice();
                }
            }
            if (ownerLocked.isPresent() && owner.isPresent()) {
                notifyLocked(owner.get(), notice, ownerLocked.get());
            }
            return ownerLocked;
        });
    }

    /** A successful login clears its account's failures (not its address's: other accounts may be tried from it). */
    public void succeeded(String username) {
        clear("account:" + username.toLowerCase(Locale.ROOT));
    }

    /**
     * Ends the account's failures and its lock, if any (a password reset proved control of the account's email
     * address: the lock was against guessing the password the reset replaced), in the caller's transaction.
     */
    void unlock(String username) {
        jdbc.sql("DELETE FROM login_throttle WHERE key = ?")
                .param("account:" + username.toLowerCase(Locale.ROOT))
                .update();
    }

    private void clear(String key) {
        jdbc.sql("DELETE FROM login_throttle WHERE key = ? AND (locked_until IS NULL OR locked_until < now())")
                .param(key)
                .update();
    }

    private void notifyLocked(UUID owner, String kind, Instant until) {
        // one notification per lock; published by the notifications sweep, listed by GET /v1/me/notifications
        jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                        + " VALUES (?, ?, ?, ?, ?, jsonb_build_object('locked_until', ?::text))"
                        + " ON CONFLICT (event_key) DO NOTHING")
                .params(UUID.randomUUID(), owner, kind, owner, kind + ":" + owner + ":" + until, until.toString())
                .update();
        log.warn("user {}: {} until {} after repeated wrong answers", owner, kind, until);
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
        LoginThrottled(Duration retryAfter, String what) {
            super(retryAfter, what + "; retry after " + Math.max(1, retryAfter.toSeconds()) + " s");
        }
    }

    static DomainException invalidCredentials() {
        return new DomainException(Problem.INVALID_CREDENTIALS, "username or password is wrong");
    }
}
