package com.wallet.api.claim;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import io.swagger.v3.oas.annotations.media.Schema;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Proving an email address or phone number with a one-time code (6 digits from a SecureRandom, kept only as a bcrypt
 * hash, {@code wallet.claims.code-lifetime}, {@code code-attempts} guesses). A proven contact belongs to one user, and
 * proving it claims the payments waiting for it ({@link ClaimService#claimAll}).
 */
@Service
public class ContactService {

    public record ContactView(
            String contactKind,
            String contact,
            @Schema(nullable = true) Instant verifiedAt) {}

    public record CodeSent(String contactKind, String contact, Instant expiresAt) {}

    public record Verified(String contactKind, String contact, Instant verifiedAt, List<ClaimView> claims) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final PasswordEncoder hashes;
    private final ClaimService claims;
    private final ClaimSettings settings;
    private final AuditLog audit;
    private final ContactMessages messages;

    ContactService(
            JdbcClient jdbc,
            PasswordEncoder hashes,
            ClaimService claims,
            ClaimSettings settings,
            AuditLog audit,
            ContactMessages messages) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.hashes = hashes;
        this.claims = claims;
        this.settings = settings;
        this.audit = audit;
    }

    /** Sends a new code to the contact (through the delivery stub); earlier codes for it stop working. */
    @Transactional
    public CodeSent sendCode(UUID userId, Contact contact) {
        requireNotTaken(userId, contact);
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        jdbc.sql("UPDATE contact_codes SET used = true WHERE user_id = ? AND contact_kind = ? AND contact = ?"
                        + " AND NOT used")
                .params(userId, contact.kind(), contact.value())
                .update();
        Instant expires = jdbc.sql("INSERT INTO contact_codes (id, user_id, contact_kind, contact, code_hash,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, clock_timestamp() + ?::interval) RETURNING expires_at")
                .params(
                        UUID.randomUUID(),
                        userId,
                        contact.kind(),
                        contact.value(),
                        hashes.encode(code),
                        settings.codeLifetime().toMillis() + " milliseconds")
                .query(Timestamp.class)
                .single()
                .toInstant();
        messages.send(contact, "verification_code", "Your Wallet code is " + code + ". It expires at " + expires + ".");
        audit.record(userId, "contact.code_sent", "user", userId, Map.of("contact_kind", contact.kind()));
        return new CodeSent(contact.kind(), contact.value(), expires);
    }

    /** Checks the code; once right, the contact is the user's and its waiting payments are theirs. */
    @Transactional(noRollbackFor = DomainException.class)
    public Verified verify(UUID userId, Contact contact, String code) {
        requireNotTaken(userId, contact);
        record Pending(UUID id, String hash, int attempts) {}
        Pending pending = jdbc.sql("SELECT id, code_hash, attempts FROM contact_codes WHERE user_id = ?"
                        + " AND contact_kind = ? AND contact = ? AND NOT used AND expires_at > clock_timestamp()"
                        + " ORDER BY created_at DESC LIMIT 1 FOR UPDATE")
                .params(userId, contact.kind(), contact.value())
                .query((rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)))
                .optional()
                .orElseThrow(() -> new DomainException(
                        Problem.CODE_INCORRECT, "no code is waiting for this contact; ask for a new one"));
        if (code == null || !code.matches("[0-9]{6}") || !hashes.matches(code, pending.hash())) {
            int attempts = pending.attempts() + 1;
            jdbc.sql("UPDATE contact_codes SET attempts = ?, used = ? WHERE id = ?")
                    .params(attempts, attempts >= settings.codeAttempts(), pending.id())
                    .update();
            throw new DomainException(
                    Problem.CODE_INCORRECT,
                    attempts >= settings.codeAttempts()
                            ? "the code is wrong, and that was the last try; ask for a new one"
                            : "the code is wrong",
                    Map.of("attempts_left", Math.max(0, settings.codeAttempts() - attempts)));
        }
        jdbc.sql("UPDATE contact_codes SET used = true WHERE id = ?")
                .param(pending.id())
                .update();
        int added = jdbc.sql("INSERT INTO user_contacts (user_id, contact_kind, contact) VALUES (?, ?, ?)"
                        + " ON CONFLICT DO NOTHING")
                .params(userId, contact.kind(), contact.value())
                .update();
        if (added == 0) {
            requireNotTaken(userId, contact); // proven by someone else at the same moment
        }
        audit.record(userId, "contact.verified", "user", userId, Map.of("contact_kind", contact.kind()));
        List<ClaimView> claimed = claims.claimAll(userId, contact);
        Instant at = jdbc.sql("SELECT verified_at FROM user_contacts WHERE contact_kind = ? AND contact = ?")
                .params(contact.kind(), contact.value())
                .query(Timestamp.class)
                .single()
                .toInstant();
        return new Verified(contact.kind(), contact.value(), at, claimed);
    }

    @Transactional(readOnly = true)
    public List<ContactView> list(UUID userId) {
        return jdbc.sql("SELECT contact_kind, contact, verified_at FROM user_contacts WHERE user_id = ?"
                        + " ORDER BY verified_at")
                .param(userId)
                .query((rs, n) -> new ContactView(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
                .list();
    }

    private void requireNotTaken(UUID userId, Contact contact) {
        claims.owner(contact).filter(owner -> !owner.equals(userId)).ifPresent(owner -> {
            throw new DomainException(
                    Problem.CONTACT_TAKEN, "another user has proven this " + contact.kind(), Map.of());
        });
    }
}
