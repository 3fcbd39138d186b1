package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.identity.internal.UserRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.ledger.Ledger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class UserService {

    /** BCrypt reads at most 72 bytes of a password; longer ones would be silently truncated. */
    static final int MAX_PASSWORD_BYTES = 72;

    private final UserRepository users;
    private final Ledger ledger;
    private final PasswordEncoder passwords;
    private final AuditLog audit;

    UserService(UserRepository users, Ledger ledger, PasswordEncoder passwords, AuditLog audit) {
        this.users = users;
        this.ledger = ledger;
        this.passwords = passwords;
        this.audit = audit;
    }

    /** Creates the user, its wallet (balance 0) and its PIN if one is given ({@link Pins}) in one transaction. */
    @Transactional
    public User signUp(String username, String email, String password, String phone, String displayName, String pin) {
        requirePasswordLength(password, "password");
        if (users.usernameTaken(username)) {
            throw new DomainException(Problem.USERNAME_TAKEN, "username '" + username + "' is taken");
        }
        if (users.emailTaken(email)) {
            throw new DomainException(Problem.EMAIL_TAKEN, "that email address is already registered");
        }
        User user = new User(
                UUID.randomUUID(),
                username,
                email,
                phone,
                displayName == null || displayName.isBlank() ? username : displayName.strip(),
                "active",
                null,
                Instant.now().truncatedTo(ChronoUnit.MICROS),
                null,
                null);
        try {
            users.insert(user, passwords.encode(password));
        } catch (DuplicateKeyException e) {
            // a concurrent sign-up won the race for the same name or address
            boolean name = String.valueOf(e.getMessage()).contains("users_username_key");
            throw new DomainException(
                    name ? Problem.USERNAME_TAKEN : Problem.EMAIL_TAKEN,
                    name ? "username '" + username + "' is taken" : "that email address is already registered");
        }
        if (pin != null) {
            users.setPinHash(user.id(), passwords.encode(pin));
        }
        long wallet = ledger.openWallet(user.id()).value();
        audit.record(user.id(), "user.created", "user", user.id(), Map.of("wallet_account_id", wallet));
        return user;
    }

    /** Refuses (400) a password BCrypt would truncate: more than {@value #MAX_PASSWORD_BYTES} bytes in UTF-8. */
    static void requirePasswordLength(String password, String field) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, field + " must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
    }

    public User get(UUID id) {
        return users.find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<User> find(UUID id) {
        return users.find(id);
    }

    /**
     * Whether a friend request, payment request or schedule may name the user (there, not closed), in the caller's
     * transaction: the user's row stays locked {@code FOR SHARE} until it ends, so that an account closing at the
     * same moment either waits and then ends what the transaction made (its friend requests, requests, schedules),
     * or closed first and is not found. Without the lock, one made while the closure committed outlived it.
     */
    public boolean lockOpen(UUID id) {
        return users.lockOpen(id);
    }

    public User byUsername(String username) {
        return users.findByUsername(username).orElseThrow(() -> notNamed(username));
    }

    public static DomainException notNamed(String username) {
        return new DomainException(Problem.NOT_FOUND, "no user named '" + username + "'");
    }

    /**
     * Sets (or, with null, removes) the caller's avatar: an https URL of at most 2,048 characters, with a host and no
     * user name or password in it. Audited; the change reaches the change topic like any of the user's columns.
     */
    @org.springframework.transaction.annotation.Transactional
    public User setAvatar(UUID id, String url) {
        if (url != null) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                throw new DomainException(Problem.INVALID_REQUEST, "avatar url is not a URL: " + e.getReason());
            }
            if (url.length() > 2048
                    || !"https".equals(uri.getScheme())
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                throw new DomainException(
                        Problem.INVALID_REQUEST,
                        "avatar url must be an https URL with a host (and no user name or password), at most 2048"
                                + " characters");
            }
        }
        get(id);
        users.setAvatar(id, url);
        audit.record(id, "user.avatar_changed", "user", id, Map.of("removed", url == null));
        return get(id);
    }

    public static DomainException notFound(UUID id) {
        return new DomainException(Problem.NOT_FOUND, "no user " + id, Map.of("user_id", id));
    }
}
