package com.wallet.api.schedule;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** A scheduled payment as its payer sees it, with its latest occurrences (newest first). */
public record ScheduledPaymentView(
        UUID id,
        UUID payerId,
        UUID receiverId,
        long amountCents,
        String note,
        String visibility,
        String repeat,
        LocalDate startDate,
        @Schema(nullable = true) LocalDate endDate,
        String status,
        @Schema(nullable = true) LocalDate nextDate,
        Instant createdAt,
        List<Occurrence> occurrences) {

    /** One date of the schedule: {@code due}, {@code retry}, {@code paid} (with its transfer), {@code failed}, {@code cancelled}. */
    public record Occurrence(
            LocalDate date,
            String status,
            int attempts,
            @Schema(nullable = true) UUID transferId,
            @Schema(nullable = true) String failure) {}
}
