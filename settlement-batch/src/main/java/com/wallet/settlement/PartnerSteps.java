package com.wallet.settlement;

import java.util.function.Supplier;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the steps that call a partner (the ACH processor, the card network) run under, so that no partner call holds a
 * database connection or a lock. Spring Batch wraps each tasklet call in a transaction of the step's manager; with the
 * database's manager that transaction holds a pooled connection, and every lock it took, through the partner's latency
 * (up to its timeout times its attempts). These steps get Spring Batch's resourceless manager instead ({@link
 * #step()}) and do their database work in transactions of their own ({@link #inTransaction}), each ended before the
 * next partner call. Every database statement of such a step must be inside one: outside, a statement would bind its
 * connection to the step's (resourceless) transaction until the step's chunk ends, and the partner client's guard
 * ({@code NoConnectionHeld}) refuses the next call. The step's own bookkeeping commits through the job repository, in
 * its own transactions.
 */
@Component
public class PartnerSteps {

    private final PlatformTransactionManager step = new ResourcelessTransactionManager();
    private final TransactionTemplate database;
    private final TransactionTemplate snapshot;

    PartnerSteps(PlatformTransactionManager database) {
        this.database = new TransactionTemplate(database);
        this.snapshot = new TransactionTemplate(database);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** The transaction manager for a step that calls a partner: nothing held. */
    public PlatformTransactionManager step() {
        return step;
    }

    /** {@code work} in a database transaction of its own, committed before this returns. */
    public <T> T inTransaction(Supplier<T> work) {
        return database.execute(status -> work.get());
    }

    /**
     * {@code work} in a read-only transaction of its own that sees one snapshot of the database (PostgreSQL's
     * {@code REPEATABLE READ}): for checks that compare what several statements read, which at the default {@code READ
     * COMMITTED} would each see the commits made between them.
     */
    public <T> T inSnapshot(Supplier<T> work) {
        return snapshot.execute(status -> work.get());
    }

    /** {@code work} in a database transaction of its own, committed before this returns. */
    public void inTransaction(Runnable work) {
        database.executeWithoutResult(status -> work.run());
    }
}
