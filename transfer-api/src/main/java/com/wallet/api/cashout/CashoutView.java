package com.wallet.api.cashout;

import com.wallet.api.domain.CashoutSpeed;
import com.wallet.api.domain.CashoutStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A cashout: {@code amount_cents} leaves the wallet, {@code fee_cents} of it is the instant fee, and
 * {@code payout_cents} reaches the card or bank. {@code status}: pending, submitted, completed, failed, returned.
 */
public record CashoutView(
        UUID id,
        CashoutSpeed speed,
        long amountCents,
        long feeCents,
        long payoutCents,
        UUID paymentMethodId,
        CashoutStatus status,
        @Schema(nullable = true) String failureReason,
        Instant createdAt,
        Instant updatedAt) {}
