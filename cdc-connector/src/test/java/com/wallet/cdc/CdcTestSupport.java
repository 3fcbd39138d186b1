package com.wallet.cdc;

import static org.awaitility.Awaitility.await;

import com.wallet.stack.PostgresSettings;
import com.wallet.stack.Stack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;

/** The transfer-api schema on the shared stack, connector settings isolated per test, and a topic reader. */
final class CdcTestSupport {

    private static boolean migrated;

    private CdcTestSupport() {}

    static synchronized void migrate(Stack stack) {
        if (!migrated) {
            PostgresSettings pg = stack.postgres();
            Flyway.configure()
                    .dataSource(pg.jdbcUrl(), pg.username(), pg.password())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            migrated = true;
        }
    }

    /** Settings with a slot, publication, topic prefix and offsets topic of their own. */
    static CdcSettings settings(Stack stack, String name) {
        return settings(stack, name, Map.of());
    }

    /** {@link #settings(Stack, String)} with {@code overrides} on top. */
    static CdcSettings settings(Stack stack, String name, Map<String, String> overrides) {
        String id = name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        PostgresSettings pg = stack.postgres();
        Map<String, String> values = new HashMap<>();
        values.put("cdc.postgres.host", pg.host());
        values.put("cdc.postgres.port", Integer.toString(pg.port()));
        values.put("cdc.postgres.database", pg.database());
        values.put("cdc.postgres.username", pg.username());
        values.put("cdc.postgres.password", pg.password());
        values.put("cdc.kafka.bootstrap-servers", stack.kafka().bootstrapServers());
        values.put("cdc.topic.prefix", id);
        values.put("cdc.slot.name", "slot_" + id);
        values.put("cdc.publication.name", "pub_" + id);
        values.put("cdc.offsets.topic", id + "-offsets");
        values.put("cdc.topic.partitions", "3");
        values.put("cdc.topic.replication-factor", Integer.toString(stack.replicas()));
        values.put("cdc.heartbeat.interval", "PT1S");
        values.put("cdc.http.port", Integer.toString(com.wallet.stack.internal.Ports.free()));
        values.put("cdc.kafka.delivery-timeout", "PT6S");
        values.putAll(overrides);
        return CdcSettings.from(values::get);
    }

    static Connection connect(Stack stack) throws SQLException {
        PostgresSettings pg = stack.postgres();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    static void sql(Stack stack, String... statements) throws SQLException {
        try (Connection c = connect(stack);
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static void dropSlot(Stack stack, CdcSettings s) throws SQLException {
        sql(
                stack,
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + s.slotName() + "' AND NOT active");
    }

    /** A sender and a receiver for test transfers. */
    static UUID[] twoUsers(Stack stack, String prefix) throws SQLException {
        try (Connection c = connect(stack)) {
            return new UUID[] {
                insertUser(c, prefix + "_from_" + System.nanoTime()), insertUser(c, prefix + "_to_" + System.nanoTime())
            };
        }
    }

    static UUID insertUser(Connection c, String username) throws SQLException {
        UUID id = UUID.randomUUID();
        try (var insert = c.prepareStatement("INSERT INTO users (id, username, email, phone, password_hash,"
                + " display_name) VALUES (?, ?, ?, '+15555550123', 'bcrypt-hash-that-must-never-leave', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, username);
            insert.setString(3, username + "@example.com");
            insert.setString(4, username);
            insert.executeUpdate();
        }
        return id;
    }

    /**
     * Waits until the connector streams: its first heartbeat is published only after the initial snapshot, so changes
     * made after this arrive as changes (c/u/d), not folded into snapshot reads.
     */
    static void awaitStreaming(CdcSettings settings) {
        try (TopicReader heartbeats = new TopicReader(settings.bootstrapServers(), settings.heartbeatTopic())) {
            heartbeats.readUntil(Duration.ofSeconds(90), records -> !records.isEmpty());
        }
    }

    /** Inserts transfers between two users in transactions of {@code perCommit}; returns their ids. */
    static List<UUID> insertTransfers(Stack stack, UUID from, UUID to, int count, int perCommit) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = connect(stack);
                var insert = c.prepareStatement("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents,"
                        + " balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status)"
                        + " VALUES (?, ?, ?, 1, 1, 0, 0, 0, 'burst', 'private', 'completed')")) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setObject(2, from);
                insert.setObject(3, to);
                insert.addBatch();
                ids.add(id);
                if ((i + 1) % perCommit == 0 || i == count - 1) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        }
        return ids;
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read. */
    static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

        TopicReader(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    2000,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    StringDeserializer.class));
            consumer.subscribe(List.of(topic));
        }

        List<ConsumerRecord<String, String>> readUntil(
                Duration timeout, Predicate<List<ConsumerRecord<String, String>>> done) {
            await("records on the topic")
                    .atMost(timeout)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return done.test(records);
                    });
            return records;
        }

        /** Reads until the consumer has reached the end of every partition as it is now. */
        List<ConsumerRecord<String, String>> readToEnd(Duration timeout) {
            return readUntil(timeout, records -> {
                var assignment = consumer.assignment();
                if (assignment.isEmpty()) {
                    return false;
                }
                var ends = consumer.endOffsets(assignment);
                return assignment.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
