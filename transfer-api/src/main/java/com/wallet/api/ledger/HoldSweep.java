package com.wallet.api.ledger;

import com.wallet.ledger.Ledger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enforces holds' expiry: pending holds past their {@code expires_at} are marked expired, which releases them. (A
 * post after the expiry is refused even before this runs.) Several instances may sweep at once: each takes rows the
 * others have not locked.
 */
@Component
class HoldSweep {

    private static final Logger log = LoggerFactory.getLogger(HoldSweep.class);

    private final Ledger ledger;
    private final TransactionTemplate tx;

    HoldSweep(Ledger ledger, TransactionTemplate tx) {
        this.ledger = ledger;
        this.tx = tx;
    }

    @Scheduled(
            fixedDelayString = "${wallet.ledger.hold-sweep-interval:PT1M}",
            initialDelayString = "${wallet.ledger.hold-sweep-interval:PT1M}")
    void expire() {
        List<Ledger.Hold> expired = tx.execute(s -> ledger.expireHolds(500));
        if (expired != null && !expired.isEmpty()) {
            log.info("{} holds expired and released", expired.size());
        }
    }
}
