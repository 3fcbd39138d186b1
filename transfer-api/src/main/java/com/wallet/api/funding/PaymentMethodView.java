package com.wallet.api.funding;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A linked bank account or card as clients see it: masked to its last 4 digits. {@code status} is {@code active},
 * {@code unverified} (a bank awaiting its micro-deposits), {@code verification_locked} (too many wrong amounts) or
 * {@code disabled} (its bank returned an ACH entry for an account problem or as unauthorized; it funds nothing more).
 */
public record PaymentMethodView(
        UUID id,
        String type,
        String last4,
        @Schema(nullable = true) String routingNumber,
        @Schema(nullable = true) Integer expMonth,
        @Schema(nullable = true) Integer expYear,
        boolean verified,
        boolean isDefault,
        String status,
        Instant createdAt) {}
