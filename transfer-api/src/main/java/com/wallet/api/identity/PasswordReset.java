package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.claim.Contact;
import com.wallet.api.claim.ContactMessages;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.api.web.RateLimiter;
import com.wallet.common.crypto.Sha256;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Resetting a forgotten password (README "Resetting a forgotten password"). Asked for with an email address, it sends
 * a one-time code to that address if an open account has it (through the delivery stub, {@code contact_messages}) and
 * answers the same whether or not one does, so the call tells nobody which addresses are registered. The code is 256
 * random bits ({@link SecureRandom}, base64url), kept only as its SHA-256 ({@code password_resets}): too long to
 * guess, so a fast hash is enough and the code is found by it. It works once, for {@code code-lifetime}; a newer code
 * ends it. Confirmed with a new password, the password is replaced, every token of the account revoked ({@link
 * TokenStanding}), the owner notified ({@code password_changed}) and a new token answered. Both calls take from the
 * client address's budget ({@link RateLimiter#acquirePasswordReset}); an account is sent at most one code per {@code
 * resend-after}, silently (a refusal would tell that the address is registered).
 */
@Service
public class PasswordReset {

    private static final Logger log = LoggerFactory.getLogger(PasswordReset.class);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code code-lifetime}: how long a code works; {@code resend-after}: the least time between two codes sent. */
    @ConfigurationProperties("wallet.password-reset")
    public record Settings(
            @DefaultValue("PT30M") Duration codeLifetime,
            @DefaultValue("PT1M") Duration resendAfter) {}

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final AccountSecurity security;
    private final LoginThrottle throttle;
    private final RateLimiter rateLimiter;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Settings settings;
    private final ContactMessages messages;

    PasswordReset(
            JdbcClient jdbc,
            PasswordEncoder passwords,
            AccountSecurity security,
            LoginThrottle throttle,
            RateLimiter rateLimiter,
            AuditLog audit,
            TransactionTemplate transactions,
            Settings settings,
            ContactMessages messages) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.security = security;
        this.throttle = throttle;
        this.rateLimiter = rateLimiter;
        this.audit = audit;
        this.transactions = transactions;
        this.settings = settings;
    }

    /**
     * Sends a reset code to {@code email} if an open account has that address and was sent none within {@code
     * resend-after}; earlier codes of the account stop working. Answers nothing either way.
     */
    public void request(String email, String address) {
        rateLimiter.acquirePasswordReset(address);
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        String code = newCode();
        transactions.executeWithoutResult(status -> {
            Optional<UUID> user = jdbc.sql(
                            "SELECT id FROM users WHERE lower(email) = ? AND status <> 'closed' FOR NO KEY UPDATE")
                    .param(normalized)
                    .query(UUID.class)
                    .optional();
            if (user.isEmpty()) {
                return;
            }
            UUID id = user.get();
            boolean recent = jdbc.sql("SELECT EXISTS (SELECT 1 FROM password_resets WHERE user_id = ?"
                            + " AND created_at > clock_timestamp() - ?::interval)")
                    .params(id, settings.resendAfter().toMillis() + " milliseconds")
                    .query(Boolean.class)
                    .single();
            if (recent) {
                log.info("password reset for user {} not sent: one was sent within {}", id, settings.resendAfter());
                return;
            }
            security.endResetCodes(id);
            Instant expires = jdbc.sql("INSERT INTO password_resets (id, user_id, code_hash, expires_at)"
                            + " VALUES (?, ?, ?, clock_timestamp() + ?::interval) RETURNING expires_at")
                    .params(
                            UUID.randomUUID(),
                            id,
                            Sha256.hex(code),
                            settings.codeLifetime().toMillis() + " milliseconds")
                    .query(Timestamp.class)
                    .single()
                    .toInstant();
            messages.send(
                    new Contact("email", normalized),
                    "password_reset",
                    "Your Wallet password reset code is " + code + " . It works once, until " + expires
                            + ". If you did not ask for it, ignore this message: your password is unchanged.");
            audit.record(null, "user.password_reset_requested", "user", id, Map.of("expires_at", expires.toString()));
        });
    }

    /**
     * Replaces the password of the account a live code was sent to, revokes every token of the account and answers a
     * new one; 422 code-incorrect for a code that is wrong, used or expired. The new password is hashed with no
     * connection held.
     */
    public TokenService.Token confirm(String code, String replacement, String address) {
        rateLimiter.acquirePasswordReset(address);
        UserService.requirePasswordLength(replacement, "new_password");
        String hash = passwords.encode(replacement);
        record Reset(UUID id, UUID user, String username) {}
        record Revoked(UUID user, int generation) {}
        Revoked revoked = transactions.execute(status -> {
            Reset found = jdbc.sql("SELECT r.id, r.user_id, u.username FROM password_resets r"
                            + " JOIN users u ON u.id = r.user_id"
                            + " WHERE r.code_hash = ? AND r.used_at IS NULL AND r.expires_at > clock_timestamp()"
                            + " AND u.status <> 'closed' FOR NO KEY UPDATE OF r")
                    .param(Sha256.hex(code))
                    .query((rs, n) ->
                            new Reset(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
                    .optional()
                    .orElseThrow(() -> new DomainException(
                            Problem.CODE_INCORRECT, "the reset code is wrong, used or expired; ask for a new one"));
            // this code and any other of the account's stop working
            security.endResetCodes(found.user());
            jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ?")
                    .params(hash, found.user())
                    .update();
            // a lock after wrong passwords guarded the password replaced: the owner logs in with the new one at once
            throttle.unlock(found.username());
            // in the same transaction: the new password never stands beside tokens issued before it
            return new Revoked(
                    found.user(),
                    security.revoke(found.user(), "user.password_reset", Map.of("reset_id", found.id()), true));
        });
        return security.revoked(revoked.user(), revoked.generation());
    }

    private static String newCode() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
