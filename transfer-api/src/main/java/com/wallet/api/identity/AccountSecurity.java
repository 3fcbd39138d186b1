package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.claim.Contact;
import com.wallet.api.claim.ContactMessages;
import com.wallet.api.identity.internal.UserRepository;
import com.wallet.api.notification.NotificationOutbox;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changing the password and signing out everywhere (README "Changing the password, signing out everywhere"): both
 * revoke every token the account holds, by moving the generation of its tokens on ({@code token_generations},
 * {@link TokenStanding}), so that someone who took over a session loses it. On the instance that does it the old
 * tokens stop at once; on the others within {@code wallet.security.closed-check-interval}.
 */
@Service
public class AccountSecurity {

    private final JdbcClient jdbc;
    private final TokenService tokens;
    private final PasswordEncoder passwords;
    private final TokenStanding standing;
    private final AuditLog audit;
    private final NotificationOutbox notifications;
    private final TransactionTemplate transactions;
    private final ContactMessages messages;

    AccountSecurity(
            JdbcClient jdbc,
            TokenService tokens,
            PasswordEncoder passwords,
            TokenStanding standing,
            AuditLog audit,
            NotificationOutbox notifications,
            TransactionTemplate transactions,
            ContactMessages messages) {
        this.messages = messages;
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.passwords = passwords;
        this.standing = standing;
        this.audit = audit;
        this.notifications = notifications;
        this.transactions = transactions;
    }

    /**
     * Replaces the caller's password once the current one is checked again (throttled and audited as a login, before
     * any connection is held for the change), revokes every token of the account, the caller's too, and answers a new
     * token. The new password is hashed with no connection held; the change is made only if the password is still the
     * one checked, so of two changes sent with the same current password one wins and the other is answered 401.
     * The owner is notified ({@code password_changed}); the audit row names no password.
     */
    public TokenService.Token changePassword(
            UUID me, String username, String current, String replacement, String address) {
        UserService.requirePasswordLength(replacement, "new_password");
        if (replacement.equals(current)) {
            throw new DomainException(Problem.INVALID_REQUEST, "new_password must differ from the current password");
        }
        UserRepository.Credentials checked = tokens.check(username, current, address);
        if (!checked.userId().equals(me)) {
            throw LoginThrottle.invalidCredentials();
        }
        String hash = passwords.encode(replacement);
        int generation = transactions.execute(status -> {
            int changed = jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?"
                            + " AND status <> 'closed'")
                    .params(hash, me, checked.passwordHash())
                    .update();
            if (changed == 0) {
                // changed (or the account closed) since it was checked: the password given is no longer the current
                throw LoginThrottle.invalidCredentials();
            }
            return revoke(me, "user.password_changed", Map.of(), true);
        });
        return revoked(me, generation);
    }

    /**
     * Makes {@code email} the account's address (the one password reset codes go to) once the password is checked
     * again (throttled and audited as a login) and only if the caller has proven it ({@code user_contacts}, {@code POST
     * /v1/me/contacts}): 422 contact-not-proven otherwise, 409 email-taken when another account has it. The address it
     * replaces is told (the delivery stub, kind {@code email_changed}), so that an owner whose session was taken over
     * learns of it there; audited without either address. Setting the address the account has already changes and
     * tells nothing.
     */
    public void changeEmail(UUID me, String username, String password, String email, String address) {
        Contact contact = Contact.of(email, null);
        if (!tokens.checkPassword(username, password, address).equals(me)) {
            throw LoginThrottle.invalidCredentials();
        }
        try {
            transactions.executeWithoutResult(status -> {
                boolean proven = jdbc.sql("SELECT EXISTS (SELECT 1 FROM user_contacts WHERE user_id = ?"
                                + " AND contact_kind = 'email' AND contact = ?)")
                        .params(me, contact.value())
                        .query(Boolean.class)
                        .single();
                if (!proven) {
                    throw new DomainException(
                            Problem.CONTACT_NOT_PROVEN,
                            "prove the address first: POST /v1/me/contacts {\"email\"}, then /v1/me/contacts/verify");
                }
                String before = jdbc.sql("SELECT lower(email) FROM users WHERE id = ? FOR NO KEY UPDATE")
                        .param(me)
                        .query(String.class)
                        .single();
                if (contact.value().equals(before)) {
                    return;
                }
                jdbc.sql("UPDATE users SET email = ? WHERE id = ?")
                        .params(contact.value(), me)
                        .update();
                endResetCodes(me); // sent to the address replaced
                // the address replaced is told, with nothing of the new one
                messages.send(
                        new Contact("email", before),
                        "email_changed",
                        "The email address of your Wallet account " + username + " was changed. If you did not"
                                + " change it, tell us at once: password reset codes now go to the new address.");
                audit.record(me, "user.email_changed", "user", me, Map.of());
            });
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw new DomainException(Problem.EMAIL_TAKEN, "another account has that email address");
        }
    }

    /** Revokes every token of the caller's account, the one of this call too; audited. */
    public void signOutEverywhere(UUID me) {
        int generation = transactions.execute(status -> revoke(me, "user.signed_out_everywhere", Map.of(), false));
        standing.revokedNow(me, generation); // no token to answer: signing out ends this session too
    }

    /**
     * Moves the user's generation of tokens on in the caller's transaction, with its audit row ({@code action}, the
     * new generation added to {@code details}) and, when {@code notify}, the owner's {@code password_changed}
     * notification; answers the new generation, for {@link #revoked} once the transaction has committed.
     */
    int revoke(UUID me, String action, Map<String, Object> details, boolean notify) {
        int next = nextGeneration(me);
        endResetCodes(me);
        Map<String, Object> audited = new java.util.LinkedHashMap<>(details);
        audited.put("token_generation", next);
        audit.record(me, action, "user", me, audited);
        if (notify) {
            notifications.add(me, "password_changed", me, "password_changed:" + me + ":" + next, Map.of());
        }
        return next;
    }

    /**
     * After the commit of {@link #revoke}: this instance refuses the older tokens at once; answers a token of the new
     * generation.
     */
    TokenService.Token revoked(UUID me, int generation) {
        standing.revokedNow(me, generation);
        return tokens.issueFor(me, generation);
    }

    /**
     * Ends the account's password reset codes not used yet ({@link PasswordReset}), in the caller's transaction: once
     * the owner has secured the account (a new password, every session ended) or moved its address, a code sent
     * before, perhaps asked for by someone else, must not reset the password after it.
     */
    void endResetCodes(UUID me) {
        jdbc.sql("UPDATE password_resets SET used_at = clock_timestamp() WHERE user_id = ? AND used_at IS NULL")
                .param(me)
                .update();
    }

    /** Moves the user's generation of tokens on, in the caller's transaction; answers the new one. */
    private int nextGeneration(UUID me) {
        return jdbc.sql("INSERT INTO token_generations (user_id, generation) VALUES (?, 1) ON CONFLICT (user_id)"
                        + " DO UPDATE SET generation = token_generations.generation + 1, changed_at = now()"
                        + " RETURNING generation")
                .param(me)
                .query(Integer.class)
                .single();
    }
}
