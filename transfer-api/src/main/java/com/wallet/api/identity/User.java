package com.wallet.api.identity;

import java.time.Instant;
import java.util.UUID;

/** A person with a wallet. The password hash never leaves the identity package. */
public record User(
        UUID id,
        String username,
        String email,
        String phone,
        String displayName,
        String status,
        String defaultVisibility,
        Instant createdAt,
        String avatarUrl,
        Instant closedAt) {

    public boolean frozen() {
        return "frozen".equals(status);
    }

    /** Closed for good ({@link AccountClosure}): no token, login, payment or lookup reaches it. */
    public boolean closed() {
        return "closed".equals(status);
    }
}
