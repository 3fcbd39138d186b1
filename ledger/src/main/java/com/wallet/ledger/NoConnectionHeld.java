package com.wallet.ledger;

import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The rule that a partner call (the card network, the ACH processor) is never made while the calling thread holds a
 * database connection: a transaction's, or one a statement took while transaction synchronization was active and has
 * not given back yet. A partner's latency (up to its timeout times its attempts) would otherwise hold a pooled
 * connection, and every lock its transaction took, for as long. The services give {@link #check} to their partner
 * clients as their guard, so a call made in the wrong place fails in the tests that make it instead of starving the
 * pool under load. It lives here, beside {@link SqlBatch}, as the one module the services share that knows Spring's
 * JDBC support.
 */
public final class NoConnectionHeld {

    private NoConnectionHeld() {}

    /** Throws {@link IllegalStateException} if a connection is bound to this thread. */
    public static void check() {
        if (TransactionSynchronizationManager.getResourceMap().values().stream()
                .anyMatch(ConnectionHolder.class::isInstance)) {
            throw new IllegalStateException("a partner call while this thread holds a database connection"
                    + (TransactionSynchronizationManager.isActualTransactionActive() ? " (in a transaction)" : "")
                    + ": partner calls go outside transactions");
        }
    }
}
