package com.wallet.api.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.wallet.api.web.Problem;
import com.wallet.api.web.ProblemBody;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/** Stateless bearer-token security: every endpoint but sign-up, token issue and operations needs a valid token. */
@Configuration
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, JsonMapper json) throws Exception {
        ProblemWriter problems = new ProblemWriter(json);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth.requestMatchers(
                                HttpMethod.POST,
                                "/v1/users",
                                "/v1/auth/token",
                                "/v1/auth/password-reset",
                                "/v1/auth/password-reset/confirm")
                        .permitAll()
                        .requestMatchers(
                                "/actuator/health/**",
                                "/actuator/prometheus",
                                "/v3/api-docs/**",
                                "/v3/api-docs.yaml",
                                "/swagger-ui/**",
                                "/swagger-ui.html",
                                "/error")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> {})
                        .authenticationEntryPoint((request, response, e) -> problems.unauthenticated(response))
                        .accessDeniedHandler((request, response, e) -> problems.forbidden(response)))
                .exceptionHandling(
                        ex -> ex.authenticationEntryPoint((request, response, e) -> problems.unauthenticated(response))
                                .accessDeniedHandler((request, response, e) -> problems.forbidden(response)));
        return http.build();
    }

    @Bean
    JwtDecoder jwtDecoder(SecuritySettings settings, TokenStanding standing) {
        // every secret a token may be signed with, each under its key id: Nimbus picks the key a token's "kid" names,
        // and tries each for a token without one (signed before key ids were set)
        List<JWK> keys = new java.util.ArrayList<>();
        keys.add(jwk(settings.keyBytes()));
        settings.previousKeyBytes().forEach(k -> keys.add(jwk(k)));
        var processor = new com.nimbusds.jwt.proc.DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new com.nimbusds.jose.proc.JWSVerificationKeySelector<>(
                com.nimbusds.jose.JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(keys))));
        // claims are checked by the validators below, not by the processor
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder verifier = new NimbusJwtDecoder(processor);
        // the issuer is a name, not a URL: kept as the string it is (the default conversion tries a URL first and
        // throws and catches an exception on every token)
        verifier.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                Map.<String, Converter<Object, ?>>of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString())));
        // validation runs on every use in the cache, not once in the verifier
        verifier.setJwtValidator(token -> OAuth2TokenValidatorResult.success());
        return new VerifiedTokenCache(
                verifier,
                new org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator<>(
                        JwtValidators.createDefaultWithIssuer(settings.issuer()), standing.validator()),
                settings.verifiedTokenCacheSize(),
                Clock.systemUTC());
    }

    @Bean
    JwtEncoder jwtEncoder(SecuritySettings settings) {
        // the encoder puts the key's id in the header of every token it signs (Spring's NimbusJwtEncoder)
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk(settings.keyBytes()))));
    }

    /**
     * The key id of a secret, put in the header of the tokens it signs: the start of the SHA-256 of the secret, which
     * tells the secrets apart without saying anything about them.
     */
    private static String keyId(byte[] secret) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(secret);
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 9));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWK jwk(byte[] secret) {
        return new OctetSequenceKey.Builder(secret)
                .keyID(keyId(secret))
                .algorithm(com.nimbusds.jose.JWSAlgorithm.HS256)
                .keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
                .build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder(10);
    }

    private record ProblemWriter(JsonMapper json) {
        void unauthenticated(HttpServletResponse response) throws IOException {
            response.setHeader("WWW-Authenticate", "Bearer");
            write(response, Problem.UNAUTHENTICATED, "a valid bearer token is required");
        }

        void forbidden(HttpServletResponse response) throws IOException {
            write(response, Problem.FORBIDDEN, "this token may not do that");
        }

        private void write(HttpServletResponse response, Problem problem, String detail) throws IOException {
            response.setStatus(ProblemBody.statusOf(problem).value());
            response.setContentType("application/problem+json");
            json.writeValue(response.getOutputStream(), ProblemBody.of(problem, detail, Map.of()));
        }
    }
}
