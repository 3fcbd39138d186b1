package com.wallet.api.identity;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * Whether a token's account is closed ({@link AccountClosure}), so that its tokens stop working although they are
 * signed and unexpired. Tokens carry no state, so each instance asks the database, once per user per {@code
 * wallet.security.closed-check-interval} (a Caffeine cache of what it read; the instance that closes an account knows
 * at once). A request costs a cache lookup; the database sees one primary-key read per active user per interval.
 */
@Component
public class ClosedAccounts {

    private static final OAuth2Error CLOSED =
            new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "the account is closed", null);

    private final LoadingCache<UUID, Boolean> closed;

    ClosedAccounts(JdbcClient jdbc, SecuritySettings settings) {
        this.closed = Caffeine.newBuilder()
                .maximumSize(settings.verifiedTokenCacheSize())
                .expireAfterWrite(settings.closedCheckInterval())
                .build(id -> {
                    try {
                        return jdbc.sql("SELECT status = 'closed' FROM users WHERE id = ?")
                                .param(id)
                                .query(Boolean.class)
                                .optional()
                                .orElse(false);
                    } catch (org.springframework.dao.DataAccessException e) {
                        // the database is down: nothing is remembered and the token passes here; every call that
                        // moves money needs the database and refuses a closed account itself
                        return null;
                    }
                });
    }

    public boolean isClosed(UUID userId) {
        return Boolean.TRUE.equals(closed.get(userId));
    }

    /** Told by the closure on this instance, after its commit. */
    void closedNow(UUID userId) {
        closed.put(userId, true);
    }

    /** Refuses a token whose subject's account is closed. */
    OAuth2TokenValidator<Jwt> validator() {
        return jwt -> {
            UUID subject;
            try {
                subject = UUID.fromString(jwt.getSubject());
            } catch (IllegalArgumentException | NullPointerException e) {
                return OAuth2TokenValidatorResult.success(); // not a user's token: nothing to refuse here
            }
            return isClosed(subject)
                    ? OAuth2TokenValidatorResult.failure(CLOSED)
                    : OAuth2TokenValidatorResult.success();
        };
    }
}
