package com.wallet.api.identity;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.wallet.api.web.Problem;
import com.wallet.api.web.ProblemBody;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
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
                .authorizeHttpRequests(auth -> auth.requestMatchers(HttpMethod.POST, "/v1/users", "/v1/auth/token")
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
    JwtDecoder jwtDecoder(SecuritySettings settings, ClosedAccounts closed) {
        NimbusJwtDecoder verifier = NimbusJwtDecoder.withSecretKey(key(settings))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        // the issuer is a name, not a URL: kept as the string it is (the default conversion tries a URL first and
        // throws and catches an exception on every token)
        verifier.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                Map.<String, Converter<Object, ?>>of(JwtClaimNames.ISS, iss -> iss == null ? null : iss.toString())));
        // validation runs on every use in the cache, not once in the verifier
        verifier.setJwtValidator(token -> OAuth2TokenValidatorResult.success());
        return new VerifiedTokenCache(
                verifier,
                new org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator<>(
                        JwtValidators.createDefaultWithIssuer(settings.issuer()), closed.validator()),
                settings.verifiedTokenCacheSize(),
                Clock.systemUTC());
    }

    @Bean
    JwtEncoder jwtEncoder(SecuritySettings settings) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(key(settings)));
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder(10);
    }

    private static SecretKey key(SecuritySettings settings) {
        return new SecretKeySpec(settings.keyBytes(), "HmacSHA256");
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
