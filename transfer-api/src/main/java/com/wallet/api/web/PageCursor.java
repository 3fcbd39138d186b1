package com.wallet.api.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * An opaque keyset cursor: the (time, id) of the last item of a page. Clients pass it back unchanged; its encoding is
 * not part of the contract.
 */
public record PageCursor(Instant time, UUID id) {

    /** Before everything: the first page. */
    public static final PageCursor START = new PageCursor(Instant.parse("9999-12-31T23:59:59Z"), new UUID(-1L, -1L));

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, time);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    public static PageCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return START;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":", 2);
            return new PageCursor(
                    Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new DomainException(Problem.INVALID_REQUEST, "cursor is not one this API returned");
        }
    }
}
