package com.wallet.api.transfer;

import com.wallet.api.domain.TransferStatus;
import com.wallet.api.domain.Visibility;
import java.time.Instant;
import java.util.UUID;

/** A transfer as the API shows it to its sender or receiver. */
public record TransferView(
        UUID id,
        UUID senderId,
        UUID receiverId,
        long amountCents,
        String note,
        Visibility visibility,
        TransferStatus status,
        Instant createdAt,
        FundingView funding,
        UUID paymentRequestId) {

    public record FundingView(long balanceCents, long bankCents, long cardCents, long feeCents) {}
}
