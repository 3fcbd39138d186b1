package com.wallet.settlement;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.batch.core.scope.context.ChunkContext;

/** What a step reads from its job's parameters (set by {@link JobRunner}), and the ids partners send back. */
public final class StepParameters {

    private StepParameters() {}

    /** The business date the run is for. */
    public static LocalDate businessDate(ChunkContext chunk) {
        return chunk.getStepContext().getStepExecution().getJobParameters().getLocalDate("business_date");
    }

    /** The moment the run counts as made at (now if the run did not say). */
    public static Instant runAt(ChunkContext chunk) {
        LocalDateTime runAt =
                chunk.getStepContext().getStepExecution().getJobParameters().getLocalDateTime("run_at");
        return runAt != null ? runAt.toInstant(ZoneOffset.UTC) : Instant.now();
    }

    /** A UUID a partner sent back, or null if it is missing or not one. */
    public static UUID uuidOrNull(String text) {
        try {
            return text == null || text.isEmpty() ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
