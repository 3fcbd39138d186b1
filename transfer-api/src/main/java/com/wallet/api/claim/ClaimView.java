package com.wallet.api.claim;

import java.time.Instant;
import java.util.UUID;

/**
 * A payment to someone not yet a user, as its payer sees it: {@code pending} (the money held in the payer's wallet),
 * then {@code claimed} (by {@code claimedBy}, as {@code transferId}), {@code expired} or {@code cancelled} (released).
 */
public record ClaimView(
        UUID id,
        UUID payerId,
        String receiverEmail,
        String receiverPhone,
        long amountCents,
        String note,
        String visibility,
        String status,
        Instant expiresAt,
        Instant createdAt,
        UUID claimedBy,
        UUID transferId) {}
