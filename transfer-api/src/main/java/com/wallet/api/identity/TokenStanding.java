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
 * Whether a signed, unexpired token still stands: refused when its account is closed ({@link AccountClosure}) or when
 * it was issued before its user's tokens were revoked ({@link AccountSecurity}: a password change, signing out
 * everywhere). A token carries the generation of its user's tokens it was issued in ({@value #CLAIM}, 0 when absent);
 * a revocation moves the user's generation on ({@code token_generations}), and a token of an older one is refused.
 * Tokens carry no state, so each instance asks the database, once per user per {@code
 * wallet.security.closed-check-interval} (a Caffeine cache of what it read; the instance that closes an account or
 * revokes its tokens knows at once). A request costs a cache lookup; the database sees one primary-key read per active
 * user per interval.
 */
@Component
public class TokenStanding {

    /** The claim of a token that names its generation. */
    public static final String CLAIM = "gen";

    private static final OAuth2Error CLOSED =
            new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "the account is closed", null);

    private static final OAuth2Error REVOKED = new OAuth2Error(
            OAuth2ErrorCodes.INVALID_TOKEN, "the token was revoked (password changed or signed out everywhere)", null);

    /** What an instance knows of a user: closed, and the generation a token must be of at least. */
    private record Standing(boolean closed, int generation) {}

    private final LoadingCache<UUID, Standing> standing;

    TokenStanding(JdbcClient jdbc, SecuritySettings settings) {
        this.standing = Caffeine.newBuilder()
                .maximumSize(settings.verifiedTokenCacheSize())
                .expireAfterWrite(settings.closedCheckInterval())
                .build(id -> {
                    try {
                        return jdbc.sql("SELECT u.status = 'closed', coalesce(g.generation, 0) FROM users u"
                                        + " LEFT JOIN token_generations g ON g.user_id = u.id WHERE u.id = ?")
                                .param(id)
                                .query((rs, n) -> new Standing(rs.getBoolean(1), rs.getInt(2)))
                                .optional()
                                .orElse(new Standing(false, 0));
                    } catch (org.springframework.dao.DataAccessException e) {
                        // the database is down: nothing is remembered and the token passes here; every call that
                        // moves money needs the database and refuses a closed account itself
                        return null;
                    }
                });
    }

    public boolean isClosed(UUID userId) {
        Standing s = standing.get(userId);
        return s != null && s.closed();
    }

    /** Told by the closure on this instance, after its commit. */
    void closedNow(UUID userId) {
        standing.put(userId, new Standing(true, Integer.MAX_VALUE));
    }

    /** Told by a revocation on this instance, after its commit: tokens of an older generation stop here at once. */
    void revokedNow(UUID userId, int generation) {
        // two revocations on this instance may be told out of order: the later generation wins
        standing.asMap()
                .merge(
                        userId,
                        new Standing(false, generation),
                        (known, now) -> new Standing(known.closed(), Math.max(known.generation(), now.generation())));
    }

    /** The generation a token carries ({@value #CLAIM}); 0 for one issued before generations were kept. */
    static int generationOf(Jwt jwt) {
        Object claim = jwt.getClaims().get(CLAIM);
        return claim instanceof Number n ? n.intValue() : 0;
    }

    /** Refuses a token whose subject's account is closed, or that is of a generation its user revoked. */
    OAuth2TokenValidator<Jwt> validator() {
        return jwt -> {
            UUID subject;
            try {
                subject = UUID.fromString(jwt.getSubject());
            } catch (IllegalArgumentException | NullPointerException e) {
                return OAuth2TokenValidatorResult.success(); // not a user's token: nothing to refuse here
            }
            Standing s = standing.get(subject);
            if (s == null) {
                return OAuth2TokenValidatorResult.success();
            }
            if (s.closed()) {
                return OAuth2TokenValidatorResult.failure(CLOSED);
            }
            return generationOf(jwt) < s.generation()
                    ? OAuth2TokenValidatorResult.failure(REVOKED)
                    : OAuth2TokenValidatorResult.success();
        };
    }
}
