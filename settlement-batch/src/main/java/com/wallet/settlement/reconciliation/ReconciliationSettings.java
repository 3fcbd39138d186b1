package com.wallet.settlement.reconciliation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param fullHistory check every ledger line, not only those since the last checkpoint (and the checkpoint's sums
 *     against the lines they stand for): for a periodic deep check, or after restoring a backup
 * @param checkpointWait how long reconciliation waits for the transactions writing ledger lines to end before it
 *     takes a checkpoint (payments wait behind it meanwhile); when they do not, this run takes none
 */
@ConfigurationProperties("settlement.reconciliation")
public record ReconciliationSettings(
        @DefaultValue("false") boolean fullHistory,
        @DefaultValue("PT2S") Duration checkpointWait) {}
