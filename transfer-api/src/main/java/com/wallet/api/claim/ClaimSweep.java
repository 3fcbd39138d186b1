package com.wallet.api.claim;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Releases payments nobody claimed in time back to their payers (every instance; rows claimed with SKIP LOCKED). */
@Component
class ClaimSweep {

    private static final Logger log = LoggerFactory.getLogger(ClaimSweep.class);

    private final ClaimService claims;
    private final Clock clock;

    ClaimSweep(ClaimService claims, Clock clock) {
        this.claims = claims;
        this.clock = clock;
    }

    @Scheduled(
            fixedDelayString = "${wallet.claims.sweep-interval:PT1M}",
            initialDelayString = "${wallet.claims.sweep-interval:PT1M}")
    void sweep() {
        int expired = claims.expireAt(clock.instant());
        if (expired > 0) {
            log.info("{} unclaimed payments expired back to their payers", expired);
        }
    }
}
