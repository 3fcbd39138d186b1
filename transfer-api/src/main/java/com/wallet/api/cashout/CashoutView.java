package com.wallet.api.cashout;

import java.time.Instant;
import java.util.UUID;

/**
 * A cashout: {@code amount_cents} leaves the wallet, {@code fee_cents} of it is the instant fee, and
 * {@code payout_cents} reaches the card or bank. {@code status}: pending, submitted, completed, failed, returned.
 */
public record CashoutView(
        UUID id,
        String speed,
        long amountCents,
        long feeCents,
        long payoutCents,
        UUID paymentMethodId,
        String status,
        String failureReason,
        Instant createdAt,
        Instant updatedAt) {}
