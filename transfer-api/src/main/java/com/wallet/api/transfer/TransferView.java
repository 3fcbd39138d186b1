package com.wallet.api.transfer;

import com.wallet.api.domain.TransferStatus;
import com.wallet.api.domain.Visibility;
import io.swagger.v3.oas.annotations.media.Schema;
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
        @Schema(nullable = true) FundingView funding,
        @Schema(nullable = true) UUID paymentRequestId,
        @Schema(nullable = true) UUID refundOf) {

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
