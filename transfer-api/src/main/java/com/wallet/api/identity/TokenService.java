package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.identity.internal.UserRepository;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Service;

/** Checks a password and issues a signed access token whose subject is the user id. */
@Service
public class TokenService {

    public record Token(String accessToken, String tokenType, long expiresIn) {}

    private final UserRepository users;
    private final PasswordEncoder passwords;
    private final JwtEncoder encoder;
    private final SecuritySettings settings;
    private final String dummyHash;
    private final LoginThrottle throttle;
    private final AuditLog audit;

    TokenService(
            UserRepository users,
            PasswordEncoder passwords,
            JwtEncoder encoder,
            SecuritySettings settings,
            LoginThrottle throttle,
            AuditLog audit) {
        this.throttle = throttle;
        this.audit = audit;
        this.users = users;
        this.passwords = passwords;
        this.encoder = encoder;
        this.settings = settings;
        this.dummyHash = passwords.encode(UUID.randomUUID().toString());
    }

    /**
     * Checks the password of {@code username} for a client at {@code address}, throttled per account and address
     * ({@link LoginThrottle}); every failure is audited. Unknown usernames get the same answers and the same work.
     */
    public Token issue(String username, String password, String address) {
        UserRepository.Credentials checked = check(username, password, address);
        return issueFor(checked.userId(), checked.tokenGeneration());
    }

    /**
     * The user id whose password this is, or 401 invalid-credentials (throttled per account and address, audited):
     * the login's check, also asked before a PIN is set.
     */
    UUID checkPassword(String username, String password, String address) {
        return check(username, password, address).userId();
    }

    /** {@link #checkPassword}, answering what was read with the password: its hash and the tokens' generation. */
    UserRepository.Credentials check(String username, String password, String address) {
        throttle.check(username, address);
        var credentials = users.credentials(username);
        // Compare against a dummy hash for unknown users too, so timing does not tell which usernames exist.
        boolean matches = passwords.matches(
                password, credentials.map(c -> c.passwordHash()).orElse(dummyHash));
        if (credentials.isEmpty() || !matches) {
            Optional<UUID> owner = credentials.map(c -> c.userId());
            throttle.failed(username, address, owner);
            audit.recordOutcome(
                    null,
                    "auth.login_failed",
                    "user",
                    owner.map(UUID::toString).orElse("unknown"),
                    AuditLog.Outcome.FAILED,
                    credentials.isEmpty() ? "unknown_username" : "wrong_password",
                    Map.of());
            throw LoginThrottle.invalidCredentials();
        }
        throttle.succeeded(username);
        return credentials.get();
    }

    /**
     * A token for {@code userId} of the generation of its tokens ({@link TokenStanding}: one of an older generation
     * than the user's is refused).
     */
    public Token issueFor(UUID userId, int generation) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(settings.issuer())
                .subject(userId.toString())
                .issuedAt(now)
                .expiresAt(now.plus(settings.tokenTtl()))
                .claim(TokenStanding.CLAIM, generation)
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new Token(token, "Bearer", settings.tokenTtl().toSeconds());
    }
}
