package com.wallet.api.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokenCacheTest {

    private Instant now = Instant.parse("2026-11-25T10:00:00Z");
    private final List<String> verified = new ArrayList<>();

    /** Accepts "good-<seconds to live>" tokens, as a signature check would accept a well-signed one. */
    private final JwtDecoder verifier = token -> {
        verified.add(token);
        if (!token.startsWith("good-")) {
            throw new BadJwtException("bad signature");
        }
        Instant issued = now;
        return Jwt.withTokenValue(token)
                .header("alg", "HS256")
                .subject("user")
                .issuedAt(issued)
                .expiresAt(issued.plusSeconds(Long.parseLong(token.substring(5))))
                .build();
    };

    private VerifiedTokenCache cache(int capacity) {
        JwtTimestampValidator validator = new JwtTimestampValidator(Duration.ZERO);
        validator.setClock(new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        });
        return new VerifiedTokenCache(verifier, validator, capacity, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromTheCache() {
        VerifiedTokenCache cache = cache(10);
        Jwt first = cache.decode("good-3600");
        Jwt second = cache.decode("good-3600");
        assertThat(second).isSameAs(first);
        assertThat(verified).containsExactly("good-3600");
    }

    @Test
    void aCachedTokenStillExpires() {
        VerifiedTokenCache cache = cache(10);
        cache.decode("good-60");
        now = now.plusSeconds(61);
        assertThatThrownBy(() -> cache.decode("good-60")).isInstanceOf(JwtValidationException.class);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenThatFailsVerificationIsNeverRemembered() {
        VerifiedTokenCache cache = cache(10);
        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> cache.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(verified).containsExactly("forged", "forged");
        assertThat(cache.size()).isZero();
    }

    @Test
    void theCacheNeverHoldsMoreThanItsCapacity() {
        VerifiedTokenCache cache = cache(3);
        for (int i = 0; i < 10; i++) {
            cache.decode("good-" + (3600 + i));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        // every token still works: the seven or more no longer remembered are verified again
        for (int i = 0; i < 10; i++) {
            cache.decode("good-" + (3600 + i));
        }
        assertThat(verified).hasSizeGreaterThanOrEqualTo(17);
        assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
}
