package com.wallet.api.identity;

import com.wallet.api.identity.internal.UserRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.time.Instant;
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

    TokenService(UserRepository users, PasswordEncoder passwords, JwtEncoder encoder, SecuritySettings settings) {
        this.users = users;
        this.passwords = passwords;
        this.encoder = encoder;
        this.settings = settings;
        this.dummyHash = passwords.encode(UUID.randomUUID().toString());
    }

    public Token issue(String username, String password) {
        var credentials = users.credentials(username);
        // Compare against a dummy hash for unknown users too, so timing does not tell which usernames exist.
        boolean matches = passwords.matches(
                password, credentials.map(c -> c.passwordHash()).orElse(dummyHash));
        if (credentials.isEmpty() || !matches) {
            throw new DomainException(Problem.INVALID_CREDENTIALS, "username or password is wrong");
        }
        return issueFor(credentials.get().userId());
    }

    public Token issueFor(UUID userId) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(settings.issuer())
                .subject(userId.toString())
                .issuedAt(now)
                .expiresAt(now.plus(settings.tokenTtl()))
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new Token(token, "Bearer", settings.tokenTtl().toSeconds());
    }
}
