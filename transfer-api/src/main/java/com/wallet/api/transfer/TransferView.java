package com.wallet.api.transfer;

import java.time.Instant;
import java.util.UUID;

/** A transfer as the API shows it to its sender or receiver. */
public record TransferView(
        UUID id,
        UUID senderId,
        UUID receiverId,
        long amountCents,
        String note,
        String visibility,
        String status,
        Instant createdAt,
        FundingView funding,
        UUID paymentRequestId) {

    public record FundingView(long balanceCents, long bankCents, long cardCents, long feeCents) {}
}
