package com.wallet.cassandra.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.wallet.stack.CassandraSettings;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StackExtension.class)
class CassandraMigrationsIT {

    private static CassandraSettings cassandra;
    private static CqlSession session;

    @BeforeAll
    static void connect(Stack stack) {
        cassandra = stack.cassandra();
        session = CqlSessions.open(cassandra.contactPoint(), cassandra.localDatacenter());
    }

    @AfterAll
    static void disconnect() {
        session.close();
    }

    private static String freshKeyspace() {
        return "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static Migrator migrator(CqlSession s, String keyspace, String location) {
        return new Migrator(
                s, keyspace, KeyspaceReplication.simple(1), MigrationScripts.load(location), Duration.ofMinutes(1));
    }

    @Test
    void aLockWithTooFewReplicasAliveIsTriedAgainUntilItsTimeoutThenFailsSayingSo() {
        // three replicas on this one node: the lock's lightweight transaction needs two alive, as on a cluster whose
        // nodes are not all up yet; the migrator keeps trying for its lock timeout (a node coming up would let it in)
        Migrator migrator = new Migrator(
                session,
                freshKeyspace(),
                KeyspaceReplication.simple(3),
                MigrationScripts.load(MigrationScripts.DEFAULT_LOCATION),
                Duration.ofSeconds(2));
        long started = System.nanoTime();

        assertThatThrownBy(migrator::migrate)
                .isInstanceOfAny(
                        com.datastax.oss.driver.api.core.servererrors.UnavailableException.class,
                        com.datastax.oss.driver.api.core.AllNodesFailedException.class)
                .hasMessageContaining("Not enough replicas available");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    /**
     * A lock attempt that timed out (a write timeout at SERIAL, as a cluster just started answered ClusterIT once) may
     * have taken the lock: the next attempt finds this owner holding it and goes on, instead of waiting out its own
     * lock's TTL as if another process held it. Another owner's lock is still waited for.
     */
    @Test
    void aLockTakenByAnAttemptThatTimedOutIsRecognisedAsOurs() {
        String keyspace = freshKeyspace();
        session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute(MigrationLock.createTable(keyspace));
        // what the timed-out attempt left: the lock row under this owner
        session.execute("INSERT INTO " + keyspace + "." + MigrationLock.TABLE
                + " (name, owner, acquired_at) VALUES ('migrations', 'me', toTimestamp(now())) USING TTL 300");
        long started = System.nanoTime();
        try (MigrationLock lock = MigrationLock.acquire(session, keyspace, "me", Duration.ofSeconds(5))) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        session.execute(
                "INSERT INTO " + keyspace + "." + MigrationLock.TABLE
                        + " (name, owner, acquired_at) VALUES ('migrations', 'someone else', toTimestamp(now())) USING TTL 300");
        assertThatThrownBy(() -> MigrationLock.acquire(session, keyspace, "me", Duration.ofSeconds(1)))
                .hasMessageContaining("held by someone else");
    }

    @Test
    void appliesEveryShippedMigrationOnceAndRecordsIt() {
        String keyspace = freshKeyspace();
        List<Migration> shipped = MigrationScripts.load(MigrationScripts.DEFAULT_LOCATION);
        Migrator migrator = Migrator.forDefaultScripts(session, keyspace, KeyspaceReplication.simple(1));

        assertThat(migrator.migrate())
                .containsExactlyElementsOf(
                        shipped.stream().map(Migration::version).toList());
        assertThat(migrator.migrate()).isEmpty();
        assertThat(migrator.currentVersion())
                .isEqualTo(shipped.get(shipped.size() - 1).version());

        List<Row> recorded = session.execute("SELECT version, checksum FROM " + keyspace + ".schema_version")
                .all();
        assertThat(recorded).hasSize(shipped.size());
        assertThat(recorded)
                .extracting(r -> r.getString("checksum"))
                .containsExactlyInAnyOrderElementsOf(
                        shipped.stream().map(Migration::checksum).toList());
        assertThat(session.execute(SimpleStatement.newInstance(
                                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace))
                        .all())
                .extracting(r -> r.getString("table_name"))
                .contains("feed_by_user", "public_feed_by_hour", "feed_by_author");
    }

    @Test
    void twoProcessesMigratingAtOnceApplyEachScriptExactlyOnce() throws Exception {
        // V0002 of this set holds an ALTER TABLE ... ADD, which fails if it runs twice: a broken lock shows here.
        for (int round = 0; round < 3; round++) {
            String keyspace = freshKeyspace();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            try (CqlSession other = CqlSessions.open(cassandra.contactPoint(), cassandra.localDatacenter())) {
                List<Future<List<Integer>>> runs = new ArrayList<>();
                for (CqlSession s : List.of(session, other)) {
                    Migrator migrator = migrator(s, keyspace, "test-migrations/original");
                    runs.add(pool.submit(() -> {
                        go.await();
                        return migrator.migrate();
                    }));
                }
                go.countDown();
                List<Integer> applied = new ArrayList<>();
                for (Future<List<Integer>> run : runs) {
                    applied.addAll(run.get(2, TimeUnit.MINUTES));
                }

                assertThat(applied).containsExactlyInAnyOrder(1, 2);
                assertThat(session.execute("SELECT version FROM " + keyspace + ".schema_version")
                                .all())
                        .hasSize(2);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aScriptEditedAfterItWasAppliedIsRefused() {
        String keyspace = freshKeyspace();
        migrator(session, keyspace, "test-migrations/original").migrate();

        assertThatThrownBy(() ->
                        migrator(session, keyspace, "test-migrations/edited").migrate())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V0001__notes.cql was changed after it was applied");
    }

    @Test
    void aFeedRowIsWrittenAndReadBackNewestFirstWithPaging() {
        String keyspace = freshKeyspace();
        Migrator.forDefaultScripts(session, keyspace, KeyspaceReplication.simple(1))
                .migrate();
        UUID reader = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        List<UUID> transfers = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        String insert = "INSERT INTO " + keyspace + ".feed_by_user (user_id, created_at, transfer_id, sender_id,"
                + " sender_username, receiver_id, receiver_username, note, visibility, amount_cents)"
                + " VALUES (?, ?, ?, ?, 'alice', ?, 'bob', ?, 'friends', ?)";
        for (int i = 0; i < transfers.size(); i++) {
            session.execute(SimpleStatement.newInstance(
                    insert,
                    reader,
                    t0.plusSeconds(i),
                    transfers.get(i),
                    reader,
                    UUID.randomUUID(),
                    "pizza " + i,
                    1250L + i));
        }
        // a replayed change event writes the same item again: same key, same row
        session.execute(SimpleStatement.newInstance(
                insert, reader, t0.plusSeconds(2), transfers.get(2), reader, UUID.randomUUID(), "pizza 2", 1252L));

        List<Row> firstPage = session.execute(SimpleStatement.newInstance(
                        "SELECT transfer_id, created_at, note, amount_cents FROM " + keyspace
                                + ".feed_by_user WHERE user_id = ? LIMIT 2",
                        reader))
                .all();
        assertThat(firstPage)
                .extracting(r -> r.getUuid("transfer_id"))
                .containsExactly(transfers.get(2), transfers.get(1));
        assertThat(firstPage.get(0).getString("note")).isEqualTo("pizza 2");
        assertThat(firstPage.get(0).getLong("amount_cents")).isEqualTo(1252L);

        Row last = firstPage.get(1);
        List<Row> secondPage = session.execute(SimpleStatement.newInstance(
                        "SELECT transfer_id FROM " + keyspace + ".feed_by_user WHERE user_id = ?"
                                + " AND (created_at, transfer_id) < (?, ?) LIMIT 2",
                        reader,
                        last.getInstant("created_at"),
                        last.getUuid("transfer_id")))
                .all();
        assertThat(secondPage).extracting(r -> r.getUuid("transfer_id")).containsExactly(transfers.get(0));
    }
}
