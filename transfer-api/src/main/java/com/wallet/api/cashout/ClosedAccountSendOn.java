package com.wallet.api.cashout;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends money that reached a closed account on to its bank ({@link CashoutService#sendOnClosed}), or, when it cannot
 * and the account closed long enough ago, sets it aside as unclaimed ({@link CashoutService#setAsideUnclaimed}), every
 * {@code wallet.cashouts.closed-send-on-interval} (1 h) on every instance; each account under its wallet's lock, so
 * the money goes once however many instances sweep.
 */
@Component
public class ClosedAccountSendOn {

    private static final Logger log = LoggerFactory.getLogger(ClosedAccountSendOn.class);

    private final CashoutService cashouts;

    ClosedAccountSendOn(CashoutService cashouts) {
        this.cashouts = cashouts;
    }

    /** One sweep; returns how many cash-outs it made. */
    @Scheduled(
            fixedDelayString = "${wallet.cashouts.closed-send-on-interval:PT1H}",
            initialDelayString = "${wallet.cashouts.closed-send-on-interval:PT1H}")
    public int sendOn() {
        int made = 0;
        for (UUID user : cashouts.closedHoldingMoney()) {
            try {
                if (cashouts.sendOnClosed(user).isPresent()) {
                    made++;
                } else {
                    cashouts.setAsideUnclaimed(user, java.time.Instant.now());
                }
            } catch (RuntimeException e) {
                // one account's failure (the database going away) stops nobody else's; the next sweep tries again
                log.warn("sending on the money of closed account {} failed: {}", user, e.toString());
            }
        }
        return made;
    }
}
