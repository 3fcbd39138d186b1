package com.wallet.api.claim;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A payment to someone not yet a user, as its payer sees it: {@code pending} (the money held in the payer's wallet),
 * then {@code claimed} (by {@code claimedBy}, as {@code transferId}), {@code expired} or {@code cancelled} (released).
 */
public record ClaimView(
        UUID id,
        UUID payerId,
        @Schema(nullable = true) String receiverEmail,
        @Schema(nullable = true) String receiverPhone,
        long amountCents,
        String note,
        String visibility,

        @Schema(allowableValues = {"pending", "claimed", "expired", "cancelled"})
        String status,

        Instant expiresAt,
        Instant createdAt,
        @Schema(nullable = true) UUID claimedBy,
        @Schema(nullable = true) UUID transferId) {}
