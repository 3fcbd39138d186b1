package com.wallet.settlement;

import com.wallet.common.partners.NetworkSettings;
import com.wallet.settlement.nacha.NachaFile;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param outputDir where NACHA files and reconciliation reports are written
 * @param settlementDays banking days after its effective entry date after which an entry not returned counts as
 *     settled (NACHA's return deadline for most codes is two)
 * @param sameDay same-day ACH: whether entries go out for settlement on the business date, in which windows
 * @param card the card network, whose daily settlement report reconciliation checks
 * @param unclaimed when and where unclaimed funds are remitted as unclaimed property
 * @param dataKey the base64 AES-256 key that transfer-api encrypted account numbers with (its
 *     {@code wallet.crypto.data-key}); {@code dataKeyId} its id; {@code previousDataKeys} its {@code
 *     wallet.crypto.previous-keys} (the keys of numbers a rotation has not sealed again yet)
 */
@Validated
@ConfigurationProperties("settlement")
public record SettlementSettings(
        @NotNull Path outputDir,
        @Min(0) int settlementDays,
        @NotNull SameDay sameDay,
        @NotNull NachaFile.Originator originator,
        @NotNull NetworkSettings ach,
        @NotNull NetworkSettings card,
        @NotBlank String dataKey,
        int dataKeyId,
        String previousDataKeys,
        @NotNull @jakarta.validation.Valid Unclaimed unclaimed,
        @NotNull Schedule schedule) {

    /**
     * Unclaimed property: the money of closed accounts set aside as unclaimed (transfer-api's unclaimed_funds) is
     * remitted once the account has been closed for {@code dormancy} (most states' period for general property: three
     * years) to {@code state}, the holder's state of incorporation, where property goes whose owner's address is
     * unknown (a closed account keeps none).
     */
    public record Unclaimed(
            @NotNull java.time.Period dormancy,

            @NotBlank @jakarta.validation.constraints.Pattern(regexp = "[A-Z]{2}")
            String state) {}

    /**
     * @param cutoffs the processor's submission deadlines for same-day settlement, Eastern time, earliest first (the
     *     Federal Reserve's windows: 10:30, 14:45, 16:45)
     * @param perEntryLimitCents entries above this go out for the next banking day (NACHA: $1,000,000)
     */
    public record SameDay(
            boolean enabled,
            @NotEmpty List<LocalTime> cutoffs,
            @Positive long perEntryLimitCents) {}

    /** Cron expressions (Spring's six fields); "-" disables a job's schedule. */
    public record Schedule(
            @NotBlank String origination,
            @NotBlank String returns,
            @NotBlank String reconciliation,
            @NotBlank String unclaimedRemittance) {}

    @Override
    public String toString() {
        return "SettlementSettings[outputDir=" + outputDir + ", settlementDays=" + settlementDays + ", sameDay="
                + sameDay + ", ach="
                + ach.baseUrl() + ", dataKey=<hidden>, dataKeyId=" + dataKeyId + ", previousDataKeys=<hidden>]";
    }
}
