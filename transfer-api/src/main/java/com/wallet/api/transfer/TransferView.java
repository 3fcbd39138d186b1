package com.wallet.api.transfer;

import com.wallet.api.domain.TransferStatus;
import com.wallet.api.domain.Visibility;
import java.time.Instant;
import java.util.UUID;

/** A transfer as the API shows it to its sender or receiver; {@code refundOf} names the payment a refund gives back. */
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
        UUID paymentRequestId,
        UUID refundOf) {

    /** The same transfer, dated as the database dated it on insert. */
    public TransferView createdAt(Instant at) {
        return new TransferView(
                id,
                senderId,
                receiverId,
                amountCents,
                note,
                visibility,
                status,
                at,
                funding,
                paymentRequestId,
                refundOf);
    }

    public record FundingView(long balanceCents, long bankCents, long cardCents, long feeCents) {}
}
