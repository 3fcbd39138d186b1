package com.wallet.cassandra.schema;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide lock taken with a lightweight transaction, so that two processes migrating at once apply each script
 * once. It expires by TTL if its holder dies.
 */
final class MigrationLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
    static final String TABLE = "schema_migration_lock";
    private static final int TTL_SECONDS = 300;

    private final CqlSession session;
    private final String keyspace;
    private final String owner;

    private MigrationLock(CqlSession session, String keyspace, String owner) {
        this.session = session;
        this.keyspace = keyspace;
        this.owner = owner;
    }

    static String createTable(String keyspace) {
        return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + TABLE
                + " (name text PRIMARY KEY, owner text, acquired_at timestamp) WITH "
                + Migrator.fixedId(keyspace, TABLE);
    }

    /** Waits, with growing pauses, until this owner holds the lock or {@code timeout} has passed. */
    static MigrationLock acquire(CqlSession session, String keyspace, String owner, Duration timeout) {
        SimpleStatement insert = SimpleStatement.newInstance(
                        "INSERT INTO " + keyspace + "." + TABLE
                                + " (name, owner, acquired_at) VALUES ('migrations', ?, toTimestamp(now()))"
                                + " IF NOT EXISTS USING TTL " + TTL_SECONDS,
                        owner)
                .setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL);
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 50;
        while (true) {
            com.datastax.oss.driver.api.core.cql.ResultSet result;
            try {
                result = session.execute(insert);
            } catch (UnavailableException
                    | AllNodesFailedException
                    | com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException e) {
                // too few replicas alive as the coordinator sees them, or too few answering in time (a write timeout
                // at SERIAL): a node restarting, or a cluster just started whose gossip has not yet marked every
                // node up; the lightweight transaction needs a quorum. A timed-out attempt may have taken the lock
                // all the same: the next one then finds this owner holding it (below)
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.info("migration lock of {} not available yet ({}); trying again", keyspace, e.getMessage());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
                pauseMillis = Math.min(pauseMillis * 2, 1000);
                continue;
            }
            if (result.wasApplied()) {
                log.debug("{} holds the migration lock of {}", owner, keyspace);
                return new MigrationLock(session, keyspace, owner);
            }
            String holder = result.one().getString("owner");
            if (owner.equals(holder)) {
                log.info("{} holds the migration lock of {} (taken by an attempt that timed out)", owner, keyspace);
                return new MigrationLock(session, keyspace, owner);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not take the migration lock of keyspace " + keyspace
                        + " within " + timeout.toSeconds() + " s: held by " + holder
                        + " (it expires " + TTL_SECONDS + " s after it was taken)");
            }
            log.info("migration lock of {} is held by {}; waiting", keyspace, holder);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
            pauseMillis = Math.min(pauseMillis * 2, 1000);
        }
    }

    @Override
    public void close() {
        session.execute(SimpleStatement.newInstance(
                "DELETE FROM " + keyspace + "." + TABLE + " WHERE name = 'migrations' IF owner = ?", owner));
    }
}
