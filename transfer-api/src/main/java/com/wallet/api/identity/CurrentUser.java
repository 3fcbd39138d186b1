package com.wallet.api.identity;

import java.util.UUID;
import org.springframework.security.oauth2.jwt.Jwt;

/** The caller, from its verified token. */
public final class CurrentUser {

    private CurrentUser() {}

    public static UUID id(Jwt token) {
        return UUID.fromString(token.getSubject());
    }
}
