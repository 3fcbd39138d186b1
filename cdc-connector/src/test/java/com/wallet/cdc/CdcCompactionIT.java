package com.wallet.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The users' topic is compacted: a closed account's earlier name and avatar leave it once the partition has rolled
 * and been compacted, not after the whole retention. A compaction lag of half a second here (an hour by default).
 */
@ExtendWith(StackExtension.class)
class CdcCompactionIT {

    private final Stack stack;

    CdcCompactionIT(Stack stack) {
        this.stack = stack;
    }

    @Test
    void aClosedAccountsEarlierNameAndAvatarLeaveTheUsersTopicOnceCompacted() throws Exception {
        CdcTestSupport.migrate(stack);
        CdcSettings settings = CdcTestSupport.settings(
                stack, "compact", Map.of("cdc.topic.partitions", "1", "cdc.topic.compaction-lag", "PT0.5S"));
        String topic = settings.topicOf("public.users");
        String name = "Carol Secret " + System.nanoTime();
        String avatar = "https://example.com/avatars/" + UUID.randomUUID() + ".png";
        try (CdcConnector connector = new CdcConnector(settings, new SimpleMeterRegistry())) {
            connector.start();
            CdcTestSupport.awaitStreaming(settings);
            UUID carol;
            UUID dave;
            try (Connection c = CdcTestSupport.connect(stack)) {
                carol = CdcTestSupport.insertUser(c, "cdc_carol_" + System.nanoTime());
                dave = CdcTestSupport.insertUser(c, "cdc_dave_" + System.nanoTime());
                try (PreparedStatement named =
                        c.prepareStatement("UPDATE users SET display_name = ?, avatar_url = ? WHERE id = ?")) {
                    named.setString(1, name);
                    named.setString(2, avatar);
                    named.setObject(3, carol);
                    named.executeUpdate();
                }
                // what AccountClosure does to the row
                c.createStatement()
                        .execute("UPDATE users SET status = 'closed', closed_at = now(), email = NULL, phone = NULL,"
                                + " password_hash = NULL, avatar_url = NULL, display_name = 'Closed account'"
                                + " WHERE id = '" + carol + "'");
            }

            // Published: the name and avatar, then the closure. Nothing is written to the topic after the closure
            // until this has been read, so its segment cannot have rolled and nothing of it can be compacted yet.
            try (var users = new CdcTestSupport.TopicReader(settings.bootstrapServers(), topic)) {
                List<ConsumerRecord<String, String>> read = users.readUntil(
                        Duration.ofSeconds(90), rs -> latestOf(rs, carol).contains("\"status\":\"closed\""));
                assertThat(read).anySatisfy(r -> assertThat(r.value()).contains(name, avatar));
            }

            // Writes go on (another user's, on the same partition), rolling its segments; the cleaner then leaves
            // carol's closed image and nothing before it.
            AtomicReference<List<ConsumerRecord<String, String>>> last = new AtomicReference<>();
            try (Connection c = CdcTestSupport.connect(stack);
                    PreparedStatement write = c.prepareStatement("UPDATE users SET display_name = ? WHERE id = ?")) {
                await("carol's earlier images compacted away")
                        .atMost(Duration.ofSeconds(90))
                        .pollInSameThread()
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            write.setString(1, "Dave " + System.nanoTime());
                            write.setObject(2, dave);
                            write.executeUpdate();
                            List<ConsumerRecord<String, String>> all;
                            try (var users = new CdcTestSupport.TopicReader(settings.bootstrapServers(), topic)) {
                                all = users.readToEnd(Duration.ofSeconds(30));
                            }
                            last.set(all);
                            return all.stream()
                                            .filter(r -> r.key().contains(carol.toString()))
                                            .count()
                                    == 1;
                        });
            }
            List<ConsumerRecord<String, String>> compacted = last.get();
            assertThat(compacted).noneSatisfy(r -> assertThat(r.value()).contains(name));
            assertThat(compacted).noneSatisfy(r -> assertThat(r.value()).contains(avatar));
            assertThat(latestOf(compacted, carol))
                    .contains("\"status\":\"closed\"", "\"display_name\":\"Closed account\"", "\"avatar_url\":null");
            assertThat(latestOf(compacted, dave)).contains("\"display_name\":\"Dave ");
        }
    }

    @Test
    void aUsersTopicMadeBeforeCompactionIsMadeCompactedAndItsRetentionLeftAsItIs() throws Exception {
        CdcSettings settings = CdcTestSupport.settings(stack, "upgrade", Map.of("cdc.topic.compaction-lag", "PT2H"));
        String users = settings.topicOf("public.users");
        String transfers = settings.topicOf("public.transfers");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", settings.bootstrapServers()))) {
            // as an earlier connector made them: deleted by age only, the users' retention changed by an operator
            admin.createTopics(List.of(
                            new NewTopic(users, 1, settings.replicationFactor())
                                    .configs(Map.of("retention.ms", "86400000")),
                            new NewTopic(transfers, 1, settings.replicationFactor())
                                    .configs(Map.of("retention.ms", "86400000"))))
                    .all()
                    .get();

            Topics.ensure(settings);

            // a broker applies a change of configs from the metadata log, a moment after it is acknowledged
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(configs(admin, users))
                            .containsEntry("cleanup.policy", "compact,delete")
                            .containsEntry("max.compaction.lag.ms", "7200000")
                            .containsEntry("segment.ms", "7200000")
                            .containsEntry("retention.ms", "86400000"));
            assertThat(configs(admin, transfers))
                    .containsEntry("cleanup.policy", "delete")
                    .containsEntry("retention.ms", "86400000");
        }
    }

    private static Map<String, String> configs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<String, String> configs = new java.util.HashMap<>();
        admin.describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .entries()
                .forEach(e -> {
                    if (e.value() != null) {
                        configs.put(e.name(), e.value());
                    }
                });
        return configs;
    }

    private static String latestOf(List<ConsumerRecord<String, String>> records, UUID user) {
        String latest = "";
        for (ConsumerRecord<String, String> r : records) {
            if (r.key().contains(user.toString()) && r.value() != null) {
                latest = r.value();
            }
        }
        return latest;
    }
}
