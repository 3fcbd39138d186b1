package com.wallet.ledger;

/** A posting the ledger refuses for a reason a caller can act on (not a bug, not a database failure). */
public abstract class LedgerException extends RuntimeException {

    LedgerException(String message) {
        super(message);
    }

    /** The wallet cannot cover the amount with what it may spend. */
    public static final class InsufficientFunds extends LedgerException {
        private final Money available;
        private final Money needed;

        InsufficientFunds(Money available, Money needed) {
            super("the wallet has " + available.cents() + " cents available; " + needed.cents() + " are needed");
            this.available = available;
            this.needed = needed;
        }

        public Money available() {
            return available;
        }

        public Money needed() {
            return needed;
        }
    }

    /** The hold has already ended (or expired), so it can be neither posted nor voided again. */
    public static final class HoldEnded extends LedgerException {
        private final HoldStatus status;

        HoldEnded(java.util.UUID holdId, HoldStatus status, String why) {
            super("hold " + holdId + " " + why);
            this.status = status;
        }

        public HoldStatus status() {
            return status;
        }
    }
}
