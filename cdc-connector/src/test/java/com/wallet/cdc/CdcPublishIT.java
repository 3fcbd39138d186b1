package com.wallet.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StackExtension.class)
class CdcPublishIT {

    private final Stack stack;
    private CdcSettings settings;
    private CdcConnector connector;

    CdcPublishIT(Stack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void start() throws Exception {
        CdcTestSupport.migrate(stack);
        settings = CdcTestSupport.settings(stack, "publish");
        connector = new CdcConnector(settings, new SimpleMeterRegistry());
        connector.start();
        CdcTestSupport.awaitStreaming(settings);
    }

    @AfterEach
    void stop() throws Exception {
        connector.close();
        CdcTestSupport.dropSlot(stack, settings);
    }

    @Test
    void rowChangesArriveKeyedByPrimaryKeyInCommitOrderWithoutSecrets() throws Exception {
        UUID alice;
        UUID bob;
        try (Connection c = CdcTestSupport.connect(stack)) {
            alice = CdcTestSupport.insertUser(c, "cdc_alice_" + System.nanoTime());
            bob = CdcTestSupport.insertUser(c, "cdc_bob_" + System.nanoTime());
            for (int i = 1; i <= 3; i++) {
                c.createStatement()
                        .execute("UPDATE users SET display_name = 'Alice " + i + "' WHERE id = '" + alice + "'");
            }
            c.createStatement()
                    .execute("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents,"
                            + " bank_cents, card_cents, fee_cents, note, visibility, status) VALUES ('"
                            + UUID.randomUUID() + "', '" + alice + "', '" + bob
                            + "', 1250, 1250, 0, 0, 0, 'pizza', 'friends',"
                            + " 'completed')");
            c.createStatement()
                    .execute("INSERT INTO friendships (user_a, user_b) VALUES ('"
                            + (alice.toString().compareTo(bob.toString()) < 0
                                    ? alice + "', '" + bob
                                    : bob + "', '" + alice)
                            + "')");
            c.createStatement().execute("DELETE FROM friendships WHERE user_a IN ('" + alice + "', '" + bob + "')");
        }

        try (var users =
                new CdcTestSupport.TopicReader(stack.kafka().bootstrapServers(), settings.topicOf("public.users"))) {
            List<ConsumerRecord<String, String>> aliceEvents = users
                    .readUntil(
                            Duration.ofSeconds(90),
                            rs -> rs.stream()
                                            .filter(r -> r.key().contains(alice.toString()))
                                            .count()
                                    >= 4)
                    .stream()
                    .filter(r -> r.key().contains(alice.toString()))
                    .toList();
            assertThat(aliceEvents.get(0).key()).isEqualTo("{\"id\":\"" + alice + "\"}");
            assertThat(aliceEvents).extracting(r -> opOf(r.value())).containsExactly("c", "u", "u", "u");
            assertThat(aliceEvents.get(3).value()).contains("\"display_name\":\"Alice 3\"");
            assertThat(aliceEvents)
                    .extracting(ConsumerRecord::partition)
                    .containsOnly(aliceEvents.get(0).partition());
            assertThat(aliceEvents)
                    .allSatisfy(r -> assertThat(r.value())
                            .doesNotContain("password_hash")
                            .doesNotContain("bcrypt-hash-that-must-never-leave")
                            .as("no personal data in the raw topic by default")
                            .doesNotContain("@example.com")
                            .doesNotContain("+15555550123")
                            .doesNotContain("\"email\"")
                            .doesNotContain("\"phone\""));
        }

        try (var transfers = new CdcTestSupport.TopicReader(
                stack.kafka().bootstrapServers(), settings.topicOf("public.transfers"))) {
            ConsumerRecord<String, String> sent = transfers
                    .readUntil(
                            Duration.ofSeconds(60),
                            rs -> rs.stream().anyMatch(r -> r.value().contains(alice.toString())))
                    .stream()
                    .filter(r -> r.value().contains(alice.toString()))
                    .findFirst()
                    .orElseThrow();
            System.out.println("example key: " + sent.key() + "\nexample value: " + sent.value());
            assertThat(sent.value())
                    .contains("\"amount_cents\":1250")
                    .contains("\"note\":\"pizza\"")
                    .contains("\"op\":\"c\"");
        }

        try (var friendships = new CdcTestSupport.TopicReader(
                stack.kafka().bootstrapServers(), settings.topicOf("public.friendships"))) {
            List<ConsumerRecord<String, String>> events = friendships.readUntil(
                    Duration.ofSeconds(60), rs -> rs.stream().anyMatch(r -> r.value() == null));
            assertThat(events)
                    .extracting(r -> r.value() == null ? "tombstone" : opOf(r.value()))
                    .containsExactly("c", "d", "tombstone");
        }
    }

    @Test
    void aColumnAddedByAMigrationDoesNotStopTheConnector() throws Exception {
        UUID carol;
        CdcTestSupport.sql(stack, "ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text");
        try (Connection c = CdcTestSupport.connect(stack)) {
            carol = CdcTestSupport.insertUser(c, "cdc_carol_" + System.nanoTime());
            c.createStatement().execute("UPDATE users SET nickname = 'caz' WHERE id = '" + carol + "'");
        }
        try {
            try (var users = new CdcTestSupport.TopicReader(
                    stack.kafka().bootstrapServers(), settings.topicOf("public.users"))) {
                List<ConsumerRecord<String, String>> events = users.readUntil(
                        Duration.ofSeconds(90),
                        rs -> rs.stream()
                                .anyMatch(r -> r.value() != null && r.value().contains("\"nickname\":\"caz\"")));
                assertThat(events).isNotEmpty();
            }
            assertThat(connector.running()).isTrue();
        } finally {
            CdcTestSupport.sql(stack, "ALTER TABLE users DROP COLUMN IF EXISTS nickname");
        }
    }

    private static String opOf(String value) {
        int i = value.indexOf("\"op\":\"");
        return value.substring(i + 6, i + 7);
    }
}
