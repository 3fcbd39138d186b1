package com.wallet.api.partners;

import com.wallet.common.partners.NetworkSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Where the partner networks are and how hard to try them: per network a timeout, a retry policy and a breaker. */
@Validated
@ConfigurationProperties("wallet.partners")
public record PartnerSettings(
        @NotNull NetworkSettings card,
        @NotNull NetworkSettings ach,
        @Valid @NotNull Sweep sweep) {

    /**
     * @param interval how often unresolved card charges and instant payouts are looked at
     * @param resolveAfter how old a charge or payout must be before the sweeper takes it over from the request that
     *     started it (longer than any request can take: timeout x attempts)
     */
    public record Sweep(@NotNull Duration interval, @NotNull Duration resolveAfter) {}
}
