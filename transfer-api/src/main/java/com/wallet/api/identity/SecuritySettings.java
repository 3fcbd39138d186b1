package com.wallet.api.identity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Token settings. {@code jwt-secret} is base64 of at least 32 random bytes (HS256); it has no default, so a deployment
 * without one fails at start instead of signing tokens with a known key. {@code verified-token-cache-size} (50,000)
 * bounds how many signature-checked tokens are remembered until they expire. {@code closed-check-interval} (30 s) is
 * how long an instance trusts what it last read about whether a token's account is closed or its tokens revoked
 * ({@link TokenStanding}): the tokens of an account closed, or revoked, through another instance stop working within
 * it. {@code previous-jwt-secrets}
 * (comma-separated, {@code WALLET_SECURITY_PREVIOUS_JWT_SECRETS}) are secrets tokens are still accepted under while a
 * rotation goes on: new tokens are signed with {@code jwt-secret} only, so a previous secret can go once the tokens
 * signed with it have expired ({@code token-ttl}).
 */
@Validated
@ConfigurationProperties("wallet.security")
public record SecuritySettings(
        @NotBlank String jwtSecret,
        @NotBlank String issuer,
        @NotNull Duration tokenTtl,
        Integer verifiedTokenCacheSize,
        Duration closedCheckInterval,
        String previousJwtSecrets) {

    public SecuritySettings {
        if (verifiedTokenCacheSize == null) {
            verifiedTokenCacheSize = 50_000;
        } else if (verifiedTokenCacheSize < 1) {
            throw new IllegalArgumentException(
                    "wallet.security.verified-token-cache-size must be positive, was " + verifiedTokenCacheSize);
        }
        if (closedCheckInterval == null) {
            closedCheckInterval = Duration.ofSeconds(30);
        } else if (closedCheckInterval.isNegative() || closedCheckInterval.isZero()) {
            throw new IllegalArgumentException(
                    "wallet.security.closed-check-interval must be positive, was " + closedCheckInterval);
        }
        check(jwtSecret, "wallet.security.jwt-secret");
        for (String previous : previous(previousJwtSecrets)) {
            check(previous, "a secret of wallet.security.previous-jwt-secrets");
        }
    }

    private static byte[] check(String secret, String name) {
        byte[] key;
        try {
            key = secret == null ? new byte[0] : Base64.getDecoder().decode(secret.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64");
        }
        if (key.length < 32) {
            throw new IllegalArgumentException(
                    name + " must be base64 of at least 32 bytes, was " + key.length + " bytes");
        }
        return key;
    }

    private static java.util.List<String> previous(String secrets) {
        return secrets == null || secrets.isBlank()
                ? java.util.List.of()
                : java.util.Arrays.stream(secrets.split(",")).map(String::trim).toList();
    }

    /** The current secret: it signs every new token. */
    public byte[] keyBytes() {
        return Base64.getDecoder().decode(jwtSecret.trim());
    }

    /** The previous secrets, which still verify tokens signed before a rotation. */
    public java.util.List<byte[]> previousKeyBytes() {
        return previous(previousJwtSecrets).stream()
                .map(s -> Base64.getDecoder().decode(s))
                .toList();
    }

    @Override
    public String toString() {
        return "SecuritySettings[issuer=" + issuer + ", tokenTtl=" + tokenTtl + ", verifiedTokenCacheSize="
                + verifiedTokenCacheSize + ", closedCheckInterval=" + closedCheckInterval + ", jwtSecret=(hidden),"
                + " previousJwtSecrets=(hidden)]";
    }
}
