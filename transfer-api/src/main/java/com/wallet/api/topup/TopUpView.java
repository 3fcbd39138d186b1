package com.wallet.api.topup;

import java.time.Instant;
import java.util.UUID;

/**
 * Money added from the user's bank: {@code pending} until it goes out in an ACH file, {@code submitted} until it
 * settles, then {@code completed} (cashable from then on) or {@code returned} (taken back).
 */
public record TopUpView(
        UUID id, long amountCents, UUID paymentMethodId, String status, Instant createdAt, Instant updatedAt) {}
