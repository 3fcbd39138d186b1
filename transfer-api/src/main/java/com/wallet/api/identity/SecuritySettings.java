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
 * how long an instance trusts what it last read about whether a token's account is closed ({@link ClosedAccounts}):
 * the tokens of an account closed through another instance stop working within it.
 */
@Validated
@ConfigurationProperties("wallet.security")
public record SecuritySettings(
        @NotBlank String jwtSecret,
        @NotBlank String issuer,
        @NotNull Duration tokenTtl,
        Integer verifiedTokenCacheSize,
        Duration closedCheckInterval) {

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
        byte[] key;
        try {
            key = jwtSecret == null ? new byte[0] : Base64.getDecoder().decode(jwtSecret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("wallet.security.jwt-secret must be base64");
        }
        if (key.length < 32) {
            throw new IllegalArgumentException(
                    "wallet.security.jwt-secret must be base64 of at least 32 bytes, was " + key.length + " bytes");
        }
    }

    public byte[] keyBytes() {
        return Base64.getDecoder().decode(jwtSecret);
    }

    @Override
    public String toString() {
        return "SecuritySettings[issuer=" + issuer + ", tokenTtl=" + tokenTtl + ", verifiedTokenCacheSize="
                + verifiedTokenCacheSize + ", closedCheckInterval=" + closedCheckInterval + ", jwtSecret=(hidden)]";
    }
}
