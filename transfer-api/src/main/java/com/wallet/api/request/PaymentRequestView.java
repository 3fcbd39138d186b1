package com.wallet.api.request;

import com.wallet.api.domain.PaymentRequestStatus;
import com.wallet.api.domain.Visibility;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A payment request as its requester and payer see it; {@code groupId} names the split it is part of, if any. */
public record PaymentRequestView(
        UUID id,
        UUID requesterId,
        UUID payerId,
        long amountCents,
        String note,
        Visibility visibility,
        PaymentRequestStatus status,
        Instant createdAt,
        Instant updatedAt,
        @Schema(nullable = true) UUID transferId,
        @Schema(nullable = true) UUID groupId) {}
