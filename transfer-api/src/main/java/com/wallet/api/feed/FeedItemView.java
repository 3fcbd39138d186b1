package com.wallet.api.feed;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A feed item as the contract shows it; {@code amount_cents} is present only for the sender and the receiver. */
public record FeedItemView(
        UUID transferId,
        Party sender,
        Party receiver,
        String note,
        String visibility,
        Instant createdAt,
        long likeCount,
        long commentCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long amountCents) {

    /** A party, with their avatar as it is now (null: none). */
    public record Party(
            UUID id,
            String username,
            @Schema(nullable = true) String avatarUrl) {}
}
