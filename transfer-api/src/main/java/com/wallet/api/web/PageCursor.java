package com.wallet.api.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * An opaque keyset cursor: the (time, id) of the last item of a page. Clients pass it back unchanged; its encoding is
 * not part of the contract.
 */
public record PageCursor(Instant time, UUID id) {

    /** Before everything: the first page. */
    public static final PageCursor START = new PageCursor(Instant.parse("9999-12-31T23:59:59Z"), new UUID(-1L, -1L));

    /** One page: at most {@code limit} items, and the cursor of the next page, null on the last one. */
    public record Page<T>(
            List<T> items, @Schema(nullable = true) String nextCursor) {}

    /**
     * Cuts a page from {@code limit + 1} rows read in page order: the extra row, if any, only says that a next page
     * exists, and the cursor points after the last item kept.
     */
    public static <T> Page<T> page(List<T> rows, int limit, Function<T, Instant> time, Function<T, UUID> id) {
        List<T> items = List.copyOf(rows.subList(0, Math.min(limit, rows.size())));
        if (rows.size() <= limit) {
            return new Page<>(items, null);
        }
        T last = items.get(items.size() - 1);
        return new Page<>(items, new PageCursor(time.apply(last), id.apply(last)).encode());
    }

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
