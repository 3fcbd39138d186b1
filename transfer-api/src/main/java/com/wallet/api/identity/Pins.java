package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.identity.internal.UserRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import jakarta.validation.constraints.Min;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.validation.annotation.Validated;

/**
 * The step-up PIN of the original design: 4 to 6 digits, hashed like a password (bcrypt), required in the
 * {@value #HEADER} header for cash-outs, for linking or unlinking a funding source and for transfers (and payments of
 * requests) above {@code wallet.pin.transfer-above-cents}. Wrong PINs are throttled per user like passwords
 * ({@code wallet.login-throttle.pin}: growing delays, then a lock the owner is notified of) and audited. A PIN is
 * checked before any connection is held for the call itself, and before an idempotency key is looked up, so a replay
 * needs the PIN too.
 */
@Service
public class Pins {

    public static final String HEADER = "Wallet-Pin";

    /** What a PIN looks like: 4 to 6 digits. */
    public static final String FORMAT = "[0-9]{4,6}";

    private static final Pattern PATTERN = Pattern.compile(FORMAT);

    /** {@code transfer-above-cents}: transfers and payments of requests above this amount need the PIN. */
    @Validated
    @ConfigurationProperties("wallet.pin")
    public record Settings(@Min(0) long transferAboveCents) {}

    private final UserRepository users;
    private final PasswordEncoder hashes;
    private final LoginThrottle throttle;
    private final TokenService tokens;
    private final AuditLog audit;
    private final Settings settings;
    private final TransactionTemplate tx;

    Pins(
            UserRepository users,
            PasswordEncoder hashes,
            LoginThrottle throttle,
            TokenService tokens,
            AuditLog audit,
            Settings settings,
            TransactionTemplate tx) {
        this.tx = tx;
        this.users = users;
        this.hashes = hashes;
        this.throttle = throttle;
        this.tokens = tokens;
        this.audit = audit;
        this.settings = settings;
    }

    /** Whether a transfer of {@code amountCents} needs the PIN. */
    public boolean neededFor(long amountCents) {
        return amountCents > settings.transferAboveCents();
    }

    /** {@link #require} for a payment of {@code amountCents} that needs the PIN ({@link #neededFor}); else nothing. */
    public void requireAbove(UUID user, String pin, long amountCents, String action) {
        if (neededFor(amountCents)) {
            require(user, pin, action);
        }
    }

    /**
     * Refuses the call ({@code action}, for the audit trail) unless {@code pin} is the user's PIN: 403 pin-not-set,
     * 403 pin-required (no header), 429 while wrong answers must wait or the PIN is locked, 403 pin-incorrect.
     */
    public void require(UUID user, String pin, String action) {
        Optional<String> hash = users.pinHash(user);
        if (hash.isEmpty()) {
            audit(user, action, AuditLog.Outcome.REFUSED, "pin_not_set");
            throw new DomainException(
                    Problem.PIN_NOT_SET, "set a PIN first (PUT /v1/me/pin), then send it in the " + HEADER + " header");
        }
        if (pin == null || pin.isEmpty()) {
            audit(user, action, AuditLog.Outcome.REFUSED, "pin_required");
            throw new DomainException(Problem.PIN_REQUIRED, "this call needs your PIN in the " + HEADER + " header");
        }
        throttle.checkPin(user);
        if (!PATTERN.matcher(pin).matches() || !hashes.matches(pin, hash.get())) {
            throttle.pinFailed(user);
            audit(user, action, AuditLog.Outcome.FAILED, "wrong_pin");
            throw new DomainException(Problem.PIN_INCORRECT, "the PIN is wrong");
        }
        throttle.pinSucceeded(user);
    }

    /**
     * Sets or replaces the user's PIN ({@link #FORMAT}, checked by the request's validation). The password is asked for
     * (and throttled as a login from {@code address}), so a stolen access token alone cannot set the PIN that guards
     * cash-outs.
     */
    public void set(UUID user, String username, String password, String pin, String address) {
        tokens.checkPassword(username, password, address);
        String hash = hashes.encode(pin); // the hashing holds no connection; the write and its audit row are one
        tx.executeWithoutResult(status -> {
            users.setPinHash(user, hash);
            audit.record(user, "pin.set", "user", user, Map.of());
        });
    }

    /** pin.refused (no PIN set or sent) or pin.failed (a wrong one), outside any refused transaction. */
    private void audit(UUID user, String action, AuditLog.Outcome outcome, String reason) {
        String event = outcome == AuditLog.Outcome.FAILED ? "pin.failed" : "pin.refused";
        audit.recordOutcome(user, event, "user", user.toString(), outcome, reason, Map.of("action", action));
    }
}
