package com.wallet.api.funding;

import java.time.Instant;
import java.util.UUID;

/**
 * A linked bank account or card as clients see it: masked to its last 4 digits. {@code status} is {@code active},
 * {@code unverified} (a bank awaiting its micro-deposits) or {@code verification_locked} (too many wrong amounts).
 */
public record PaymentMethodView(
        UUID id,
        String type,
        String last4,
        String routingNumber,
        Integer expMonth,
        Integer expYear,
        boolean verified,
        boolean isDefault,
        String status,
        Instant createdAt) {}
