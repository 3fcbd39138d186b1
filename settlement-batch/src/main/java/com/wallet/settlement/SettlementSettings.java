package com.wallet.settlement;

import com.wallet.common.partners.NetworkSettings;
import com.wallet.settlement.nacha.NachaFile;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param outputDir where NACHA files and reconciliation reports are written
 * @param settlementWindow how long a submitted entry may still be returned before it counts as settled
 * @param dataKey the base64 AES-256 key that transfer-api encrypted account numbers with (its
 *     {@code wallet.crypto.data-key}); {@code dataKeyId} its id
 */
@Validated
@ConfigurationProperties("settlement")
public record SettlementSettings(
        @NotNull Path outputDir,
        @NotNull Duration settlementWindow,
        @NotNull NachaFile.Originator originator,
        @NotNull NetworkSettings ach,
        @NotBlank String dataKey,
        int dataKeyId,
        @NotNull Schedule schedule) {

    /** Cron expressions (Spring's six fields); "-" disables a job's schedule. */
    public record Schedule(
            @NotBlank String origination,
            @NotBlank String returns,
            @NotBlank String reconciliation) {}

    @Override
    public String toString() {
        return "SettlementSettings[outputDir=" + outputDir + ", settlementWindow=" + settlementWindow + ", ach="
                + ach.baseUrl() + ", dataKey=<hidden>]";
    }
}
