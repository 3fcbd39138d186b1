package com.wallet.cassandra.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered CQL migrations in order, each once, and records them in {@code schema_version}. Safe to run
 * on every start and from several processes at once: the keyspace and the bookkeeping tables are created with
 * {@code IF NOT EXISTS}, and the scripts run under a {@link MigrationLock}.
 */
public final class Migrator {

    private static final Logger log = LoggerFactory.getLogger(Migrator.class);
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    static final String VERSION_TABLE = "schema_version";

    private final CqlSession session;
    private final String keyspace;
    private final KeyspaceReplication replication;
    private final List<Migration> migrations;
    private final Duration lockTimeout;
    private final String owner;

    public Migrator(
            CqlSession session,
            String keyspace,
            KeyspaceReplication replication,
            List<Migration> migrations,
            Duration lockTimeout) {
        this.session = Objects.requireNonNull(session, "session");
        this.keyspace = requireKeyspaceName(keyspace);
        this.replication = Objects.requireNonNull(replication, "replication");
        this.migrations = List.copyOf(migrations);
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    }

    /** This module's own migrations, with a two-minute lock timeout. */
    public static Migrator forDefaultScripts(CqlSession session, String keyspace, KeyspaceReplication replication) {
        return new Migrator(
                session,
                keyspace,
                replication,
                MigrationScripts.load(MigrationScripts.DEFAULT_LOCATION),
                Duration.ofMinutes(2));
    }

    public static String requireKeyspaceName(String keyspace) {
        if (keyspace == null || !KEYSPACE_NAME.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("keyspace must be lower-case letters, digits and _ (at most 48, "
                    + "starting with a letter), was '" + keyspace + "'");
        }
        return keyspace;
    }

    /** Applies what is not applied yet and returns the versions applied by this call (empty when up to date). */
    public List<Integer> migrate() {
        execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication.toCql());
        execute(MigrationLock.createTable(keyspace));
        execute("CREATE TABLE IF NOT EXISTS " + keyspace + "." + VERSION_TABLE
                + " (version int PRIMARY KEY, description text, script text, checksum text,"
                + " applied_at timestamp, applied_by text, execution_ms bigint) WITH "
                + fixedId(keyspace, VERSION_TABLE));
        List<Integer> appliedNow = new ArrayList<>();
        MigrationLock lock = onKnownSchema(() -> MigrationLock.acquire(session, keyspace, owner, lockTimeout));
        try {
            Map<Integer, String> applied = appliedChecksums();
            for (Migration migration : migrations) {
                String checksum = applied.get(migration.version());
                if (checksum != null) {
                    if (!checksum.equals(migration.checksum())) {
                        throw new IllegalStateException(migration.script() + " was changed after it was applied to "
                                + keyspace + ": add a new migration instead of editing an applied one");
                    }
                    continue;
                }
                apply(migration);
                appliedNow.add(migration.version());
            }
        } finally {
            lock.close();
        }
        if (appliedNow.isEmpty()) {
            log.info("keyspace {} is up to date at version {}", keyspace, currentVersion());
        }
        return appliedNow;
    }

    /**
     * The table option that gives one of the migrator's own tables (created before the lock, by every process that
     * starts) the same id whichever node creates it. Two processes starting at once on a cluster each send {@code
     * CREATE TABLE IF NOT EXISTS} to a coordinator of their own; before the schema has spread, both coordinators
     * create the table, and with random ids the two versions never merge: one process then finds no such table (seen
     * on the three-node stack). With the same id the two creations are the same table.
     */
    static String fixedId(String keyspace, String table) {
        return "id = '"
                + java.util.UUID.nameUUIDFromBytes(
                        (keyspace + "." + table).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "'";
    }

    /** The highest applied version, 0 when none. */
    public int currentVersion() {
        return appliedChecksums().keySet().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
    }

    private void apply(Migration migration) {
        long started = System.nanoTime();
        for (String statement : migration.statements(keyspace)) {
            execute(statement);
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        onKnownSchema(() -> session.execute(SimpleStatement.newInstance(
                        "INSERT INTO " + keyspace + "." + VERSION_TABLE
                                + " (version, description, script, checksum, applied_at, applied_by, execution_ms)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        migration.version(),
                        migration.description(),
                        migration.script(),
                        migration.checksum(),
                        Instant.now(),
                        owner,
                        millis)
                .setConsistencyLevel(DefaultConsistencyLevel.QUORUM)));
        log.info("applied {} to keyspace {} in {} ms", migration.script(), keyspace, millis);
    }

    private Map<Integer, String> appliedChecksums() {
        return onKnownSchema(() -> {
            Map<Integer, String> applied = new HashMap<>();
            for (Row row : session.execute(
                    SimpleStatement.newInstance("SELECT version, checksum FROM " + keyspace + "." + VERSION_TABLE)
                            .setConsistencyLevel(DefaultConsistencyLevel.QUORUM))) {
                applied.put(row.getInt("version"), row.getString("checksum"));
            }
            return applied;
        });
    }

    /**
     * Runs a read or write of the migrator's own tables, asked again while its coordinator answers that the keyspace
     * or the table does not exist, for at most the schema agreement's timeout. The agreement {@link #execute} waits
     * for is among the nodes the driver counts as up; a node it did not count yet (one still joining as the cluster
     * starts) can coordinate the next query without having heard of the keyspace: seen once in CI on the three-node
     * stack ({@code ClusterIT}: "keyspace ... does not exist" on the first read of the version table, after the
     * keyspace, both tables and the lock had been made). The next attempt goes to another coordinator, or to the same
     * one once the schema has reached it.
     */
    private <T> T onKnownSchema(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + SCHEMA_AGREEMENT_TIMEOUT.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (com.datastax.oss.driver.api.core.servererrors.InvalidQueryException e) {
                if (!String.valueOf(e.getMessage()).contains("does not exist") || System.nanoTime() > deadline) {
                    throw e;
                }
                log.info(
                        "a coordinator does not know the schema of {} yet ({}); asking again",
                        keyspace,
                        e.getMessage());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200); // polling the cluster's state: the driver has no wait for it of its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema to spread", e);
        }
    }

    /**
     * Runs one schema statement and waits until every node agrees on the schema. Also after a statement that changed
     * nothing ({@code IF NOT EXISTS} of something another process just made): the driver waits for agreement only
     * after a change of its own, and a node that has not yet heard of the other process's table answers "does not
     * exist" to the next query it coordinates (seen on the three-node stack).
     */
    private void execute(String cql) {
        session.execute(cql);
        long deadline = System.nanoTime() + SCHEMA_AGREEMENT_TIMEOUT.toNanos();
        while (!session.checkSchemaAgreement()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "nodes still disagree on the schema " + SCHEMA_AGREEMENT_TIMEOUT + " after: " + cql);
            }
            pause();
        }
    }

    private static final Duration SCHEMA_AGREEMENT_TIMEOUT = Duration.ofSeconds(60);
}
