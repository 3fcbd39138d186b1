package com.wallet.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.stack.ServiceJar;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The fan-out on the real stack: change events in Kafka, the streams application, the sink, rows in Cassandra. */
@ExtendWith(StackExtension.class)
class FanoutIT {

    private final UUID alice = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final UUID carol = UUID.randomUUID();
    private final UUID stranger = UUID.randomUUID();

    private FanoutApp.Config config(Stack stack, String prefix, String keyspace, String instance) throws Exception {
        return new FanoutApp.Config(
                new FanoutSettings(prefix, 100),
                instance,
                stack.kafka().bootstrapServers(),
                stack.cassandra().contactPoint(),
                stack.cassandra().localDatacenter(),
                keyspace,
                Files.createTempDirectory("fanout-state"),
                3,
                (short) stack.replicas(),
                64,
                "LOCAL_QUORUM");
    }

    @Test
    void itemsReachTheEntitledReadersInCassandraAndAReplayChangesNothing(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "fan" + run;
        String keyspace = "feed_" + run;
        try (CqlSession cql = migrated(stack, keyspace)) {
            UUID friends;
            UUID secret;
            UUID open;
            var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            try (FanoutApp app = FanoutApp.start(config(stack, prefix, keyspace, ""), meters)) {
                try (var producer = producer(stack)) {
                    for (UUID u : List.of(alice, bob, carol, stranger)) {
                        send(
                                producer,
                                prefix + ".public.users",
                                "{\"id\":\"" + u + "\"}",
                                "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + u + "\",\"username\":\"u"
                                        + u.toString().substring(0, 8) + "\"}}");
                    }
                    UUID a = alice.compareTo(carol) < 0 ? alice : carol;
                    UUID b = a.equals(alice) ? carol : alice;
                    send(
                            producer,
                            prefix + ".public.friendships",
                            "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}",
                            "{\"op\":\"c\",\"before\":null,\"after\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b
                                    + "\"}}");
                    producer.flush();
                }
                // the friendship must be in the graph before the transfers are fanned out
                await().atMost(Duration.ofSeconds(90)).until(app::healthy);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> app.friendsOf(carol).contains(alice));
                try (var producer = producer(stack)) {
                    friends = transfer(producer, prefix, alice, bob, "friends", "2026-11-24T12:00:00.000001Z");
                    secret = transfer(producer, prefix, alice, bob, "private", "2026-11-24T12:00:01.000001Z");
                    open = transfer(producer, prefix, bob, alice, "public", "2026-11-24T12:00:02.000001Z");
                    producer.flush();
                }
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> feed(cql, keyspace, carol).size() == 2
                                && feed(cql, keyspace, bob).size() == 3);
                // 3 + 3 parties' items, carol's 2, the public 1
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> meters.get("fanout.feed.items.written")
                                        .functionCounter()
                                        .count()
                                == 9);
                assertThat(meters.get("fanout.sink.stalled").gauge().value()).isZero();
                assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max")
                                .gauges())
                        .as("consumer lag is exported")
                        .isNotEmpty();
            }

            assertThat(feed(cql, keyspace, carol).keySet()).containsExactlyInAnyOrder(friends, open);
            assertThat(feed(cql, keyspace, carol).values())
                    .allSatisfy(amount -> assertThat(amount).isNull());
            assertThat(feed(cql, keyspace, alice).keySet()).containsExactlyInAnyOrder(friends, secret, open);
            assertThat(feed(cql, keyspace, alice).get(friends)).isEqualTo(100L);
            assertThat(feed(cql, keyspace, stranger)).isEmpty();
            assertThat(cql
                            .execute(
                                    "SELECT transfer_id FROM " + keyspace + ".public_feed_by_hour WHERE bucket = ?",
                                    java.time.Instant.parse("2026-11-24T12:00:00Z"))
                            .all()
                            .stream()
                            .map(r -> r.getUuid(0))
                            .toList())
                    .containsExactly(open);

            // replay: a new instance reads every change event again from the beginning
            String before = snapshot(cql, keyspace);
            try (FanoutApp replay = FanoutApp.start(
                    config(stack, prefix, keyspace, "-replay"),
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> replay.sink().itemsWritten() >= 9);
            }
            assertThat(snapshot(cql, keyspace)).isEqualTo(before);
        }
    }

    @Test
    void aPaymentMadeMorePrivateIsDeletedFromEveryFeedButItsPartiesAndComesBackWhenWidened(Stack stack)
            throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "vis" + run;
        String keyspace = "vis_" + run;
        java.time.Instant bucket = java.time.Instant.parse("2026-11-24T12:00:00Z");
        try (CqlSession cql = migrated(stack, keyspace);
                FanoutApp app = FanoutApp.start(
                        config(stack, prefix, keyspace, ""),
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                var producer = producer(stack)) {
            UUID a = alice.compareTo(carol) < 0 ? alice : carol;
            UUID b = a.equals(alice) ? carol : alice;
            send(
                    producer,
                    prefix + ".public.friendships",
                    "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}",
                    "{\"op\":\"c\",\"before\":null,\"after\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}}");
            await().atMost(Duration.ofSeconds(90)).until(app::healthy);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> app.friendsOf(carol).contains(alice));
            UUID id = transfer(producer, prefix, alice, bob, "public", "2026-11-24T12:00:00.000001Z");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> feed(cql, keyspace, carol).containsKey(id)
                            && publicIds(cql, keyspace, bucket).contains(id));

            visibility(producer, prefix, id, "private", 1);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !feed(cql, keyspace, carol).containsKey(id)
                            && !publicIds(cql, keyspace, bucket).contains(id));
            assertThat(feed(cql, keyspace, alice)).containsKey(id);
            assertThat(feed(cql, keyspace, bob)).containsKey(id);
            assertThat(cql.execute("SELECT visibility FROM " + keyspace + ".feed_by_user WHERE user_id = ?", alice)
                            .one()
                            .getString(0))
                    .isEqualTo("private");

            visibility(producer, prefix, id, "friends", 2);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> feed(cql, keyspace, carol).containsKey(id));
            assertThat(publicIds(cql, keyspace, bucket)).doesNotContain(id);
        }
    }

    @Test
    void unfriendingDeletesTheOthersFriendsOnlyPaymentsFromEachFeed(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "unf" + run;
        String keyspace = "unf_" + run;
        try (CqlSession cql = migrated(stack, keyspace);
                FanoutApp app = FanoutApp.start(
                        config(stack, prefix, keyspace, ""),
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                var producer = producer(stack)) {
            friendship(producer, prefix, alice, carol, "c");
            friendship(producer, prefix, bob, carol, "c");
            await().atMost(Duration.ofSeconds(90)).until(app::healthy);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> app.friendsOf(carol).containsAll(List.of(alice, bob)));
            UUID aliceToStranger =
                    transfer(producer, prefix, alice, stranger, "friends", "2026-11-24T12:00:00.000001Z");
            UUID aliceToBob = transfer(producer, prefix, alice, bob, "friends", "2026-11-24T12:00:01.000001Z");
            UUID open = transfer(producer, prefix, alice, stranger, "public", "2026-11-24T12:00:02.000001Z");
            await().atMost(Duration.ofSeconds(90))
                    .until(() ->
                            feed(cql, keyspace, carol).keySet().containsAll(List.of(aliceToStranger, aliceToBob, open))
                                    && feed(cql, keyspace, alice).size() == 3);

            friendship(producer, prefix, alice, carol, "d");

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !feed(cql, keyspace, carol).containsKey(aliceToStranger));
            assertThat(feed(cql, keyspace, carol).keySet())
                    .as("kept: one with bob, still carol's friend, and a public one")
                    .containsExactlyInAnyOrder(aliceToBob, open);
            assertThat(feed(cql, keyspace, alice)).hasSize(3);
        }
    }

    /**
     * A closed account (its user row changed to {@code closed}, as transfer-api's closure writes it): the sink deletes
     * the feed stored for them, and nobody else's.
     */
    @Test
    void aClosedAccountsStoredFeedIsDeletedAndNobodyElses(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "cls" + run;
        String keyspace = "cls_" + run;
        try (CqlSession cql = migrated(stack, keyspace);
                FanoutApp app = FanoutApp.start(
                        config(stack, prefix, keyspace, ""),
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                var producer = producer(stack)) {
            friendship(producer, prefix, alice, carol, "c");
            await().atMost(Duration.ofSeconds(90)).until(app::healthy);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> app.friendsOf(carol).contains(alice));
            UUID aliceToStranger =
                    transfer(producer, prefix, alice, stranger, "friends", "2026-11-24T12:00:00.000001Z");
            UUID aliceToBob = transfer(producer, prefix, alice, bob, "friends", "2026-11-24T12:00:01.000001Z");
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> feed(cql, keyspace, carol).keySet().containsAll(List.of(aliceToStranger, aliceToBob))
                            && feed(cql, keyspace, bob).containsKey(aliceToBob));

            send(
                    producer,
                    prefix + ".public.users",
                    "{\"id\":\"" + carol + "\"}",
                    "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + carol
                            + "\",\"username\":\"carol\",\"status\":\"closed\"}}");

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> feed(cql, keyspace, carol).isEmpty());
            assertThat(feed(cql, keyspace, bob)).containsKey(aliceToBob);
            assertThat(feed(cql, keyspace, alice).keySet()).containsExactlyInAnyOrder(aliceToStranger, aliceToBob);
        }
    }

    /**
     * The sink writes at the consistency level it is given: at {@code TWO} a keyspace of one replica cannot acknowledge
     * a write (on one node or on the cluster), so the sink stalls and retries instead of writing (at the default,
     * {@code LOCAL_QUORUM}, one replica of one is a quorum and every other test here writes).
     */
    @Test
    void theSinkWritesAtTheConsistencyLevelItIsGiven(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "cl" + run;
        String keyspace = "cl_" + run;
        try (CqlSession cql = migrated(stack, keyspace, 1)) {
            FanoutApp.Config two = config(stack, prefix, keyspace, "").withCassandraConsistency("TWO");
            try (FanoutApp app = FanoutApp.start(two, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                    var producer = producer(stack)) {
                transfer(producer, prefix, alice, bob, "public", "2026-11-24T12:00:00.000001Z");
                producer.flush();
                await("the sink to fail its writes and stall")
                        .atMost(Duration.ofSeconds(90))
                        .until(() ->
                                app.sink().writeFailures() > 0 && app.sink().stalled());
                assertThat(app.sink().itemsWritten()).isZero();
                assertThat(app.healthy()).isFalse();
            }
            assertThat(feed(cql, keyspace, alice)).isEmpty();
        }
    }

    /**
     * The runnable jar as an operator starts it ({@code java -jar target/fanout-streams-*-exec.jar}, settings as
     * {@code FANOUT_*} environment variables): a payment reaches the parties' feeds, {@code /health} and
     * {@code /metrics} answer, and SIGTERM ends the process on its own after closing the streams and the sink.
     */
    @Test
    void theRunnableJarFansOutServesHealthAndMetricsAndStopsOnSigterm(Stack stack, @TempDir Path tmp) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "jar" + run;
        String keyspace = "jar_" + run;
        int port = com.wallet.stack.internal.Ports.free();
        Path log = tmp.resolve("fanout.log");
        try (CqlSession cql = migrated(stack, keyspace)) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("FANOUT_PREFIX", prefix);
            env.put("FANOUT_KAFKA_BOOTSTRAP_SERVERS", stack.kafka().bootstrapServers());
            env.put(
                    "FANOUT_CASSANDRA_CONTACT_POINT",
                    stack.cassandra().host() + ":" + stack.cassandra().port());
            env.put("FANOUT_CASSANDRA_DATACENTER", stack.cassandra().localDatacenter());
            env.put("FANOUT_CASSANDRA_KEYSPACE", keyspace);
            env.put("FANOUT_STATE_DIR", tmp.resolve("state").toString());
            env.put("FANOUT_TOPIC_PARTITIONS", "3");
            env.put("FANOUT_HTTP_ADDRESS", "127.0.0.1");
            env.put("FANOUT_HTTP_PORT", Integer.toString(port));
            Process process = ServiceJar.start(ServiceJar.of("fanout-streams"), env, log);
            try {
                await("the jar's /health to say UP")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> ServiceJar.get(port, "/health").startsWith("200 {\"status\":\"UP\""));
                UUID payment;
                try (var producer = producer(stack)) {
                    payment = transfer(producer, prefix, alice, bob, "public", "2026-11-24T12:00:00.000001Z");
                    producer.flush();
                }
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> feed(cql, keyspace, bob).containsKey(payment)
                                && feed(cql, keyspace, alice).containsKey(payment));
                assertThat(ServiceJar.get(port, "/metrics"))
                        .startsWith("200 ")
                        .contains("fanout_feed_items_written_total")
                        .contains("kafka_stream_")
                        .contains("kafka_consumer_fetch_manager_records_lag_max")
                        .contains("jvm_memory_used_bytes");

                assertThat(ServiceJar.terminate(process, Duration.ofSeconds(60)))
                        .as("ends on its own after SIGTERM")
                        .isTrue();
                assertThat(com.wallet.stack.internal.LogTail.of(log, 20)).contains("stopped");
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static void friendship(KafkaProducer<String, String> producer, String prefix, UUID x, UUID y, String op)
            throws Exception {
        UUID a = x.compareTo(y) < 0 ? x : y;
        UUID b = a.equals(x) ? y : x;
        String row = "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}";
        send(
                producer,
                prefix + ".public.friendships",
                row,
                op.equals("d")
                        ? "{\"op\":\"d\",\"before\":" + row + ",\"after\":null}"
                        : "{\"op\":\"c\",\"before\":null,\"after\":" + row + "}");
    }

    private static List<UUID> publicIds(CqlSession cql, String keyspace, java.time.Instant bucket) {
        return cql
                .execute("SELECT transfer_id FROM " + keyspace + ".public_feed_by_hour WHERE bucket = ?", bucket)
                .all()
                .stream()
                .map(r -> r.getUuid(0))
                .toList();
    }

    /** A party changes the payment's visibility: the change event the connector would publish. */
    private void visibility(KafkaProducer<String, String> producer, String prefix, UUID id, String to, int lsn)
            throws Exception {
        send(
                producer,
                prefix + ".public.transfers",
                "{\"id\":\"" + id + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + id + "\",\"sender_id\":\"" + alice
                        + "\",\"receiver_id\":\"" + bob + "\",\"amount_cents\":100,\"note\":\"lunch\",\"visibility\":\""
                        + to + "\",\"status\":\"completed\",\"created_at\":\"2026-11-24T12:00:00.000001Z\"},"
                        + "\"source\":{\"lsn\":" + lsn + "}}");
    }

    @Test
    void aCassandraOutageStallsTheSinkWithoutLosingItemsAndItCatchesUp(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "out" + run;
        String keyspace = "outage_" + run;
        migrated(stack, keyspace).close();
        List<UUID> sent = new java.util.ArrayList<>();
        try (FanoutApp app = FanoutApp.start(
                config(stack, prefix, keyspace, ""), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(90)).until(app::healthy);
            stack.stopCassandra();
            try {
                try (var producer = producer(stack)) {
                    for (int i = 0; i < 20; i++) {
                        sent.add(transfer(
                                producer,
                                prefix,
                                alice,
                                bob,
                                "private",
                                "2026-11-24T13:00:" + String.format("%02d", i) + ".000001Z"));
                    }
                    producer.flush();
                }
                await("the sink to report itself stalled")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> app.sink().stalled() && !app.healthy());
                assertThat(app.sink().writeFailures()).isPositive();
            } finally {
                stack.startCassandra();
            }
            await("the sink to catch up")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> !app.sink().stalled() && app.sink().itemsWritten() >= 40);
        }
        try (CqlSession cql = CqlSessions.open(
                stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
            assertThat(feed(cql, keyspace, alice).keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(feed(cql, keyspace, bob).keySet()).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    /** The user's feed rows: transfer id to amount (null where the reader is not a party). */
    private static Map<UUID, Long> feed(CqlSession cql, String keyspace, UUID user) {
        Map<UUID, Long> rows = new java.util.HashMap<>();
        for (Row r : cql.execute(
                        "SELECT transfer_id, amount_cents FROM " + keyspace + ".feed_by_user WHERE user_id = ?", user)
                .all()) {
            rows.put(r.getUuid(0), r.isNull(1) ? null : r.getLong(1));
        }
        return rows;
    }

    private static String snapshot(CqlSession cql, String keyspace) {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("feed_by_user", "feed_by_author", "public_feed_by_hour")) {
            cql.execute("SELECT * FROM " + keyspace + "." + table).all().stream()
                    .map(FanoutIT::describe)
                    .sorted()
                    .forEach(line -> all.append(table).append(' ').append(line).append('\n'));
        }
        return all.toString();
    }

    private static String describe(Row row) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.getColumnDefinitions().size(); i++) {
            line.append(row.getColumnDefinitions().get(i).getName())
                    .append('=')
                    .append(row.getObject(i))
                    .append(' ');
        }
        return line.toString();
    }

    /** A session on a keyspace of its own with the feed tables migrated; the caller closes it. */
    private static CqlSession migrated(Stack stack, String keyspace) {
        return migrated(stack, keyspace, stack.replicas());
    }

    private static CqlSession migrated(Stack stack, String keyspace, int replicas) {
        CqlSession cql = CqlSessions.open(
                stack.cassandra().contactPoint(), stack.cassandra().localDatacenter());
        Migrator.forDefaultScripts(cql, keyspace, KeyspaceReplication.simple(replicas))
                .migrate();
        return cql;
    }

    /** A consumer of its own group reading from the beginning: to look at a topic without disturbing anyone. */
    private static org.apache.kafka.clients.consumer.KafkaConsumer<String, String> probe(Stack stack) {
        return new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.<String, Object>of(
                        "bootstrap.servers",
                        stack.kafka().bootstrapServers(),
                        "group.id",
                        "probe-" + UUID.randomUUID(),
                        "auto.offset.reset",
                        "earliest"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer());
    }

    private static KafkaProducer<String, String> producer(Stack stack) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String key, String value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static UUID transfer(
            KafkaProducer<String, String> producer,
            String prefix,
            UUID from,
            UUID to,
            String visibility,
            String createdAt)
            throws Exception {
        UUID id = UUID.randomUUID();
        send(
                producer,
                prefix + ".public.transfers",
                "{\"id\":\"" + id + "\"}",
                "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + id + "\",\"sender_id\":\"" + from
                        + "\",\"receiver_id\":\"" + to + "\",\"amount_cents\":100,\"note\":\"lunch\",\"visibility\":\""
                        + visibility + "\",\"status\":\"completed\",\"created_at\":\"" + createdAt + "\"}}");
        return id;
    }

    @Test
    void aFanOutUpgradedFromWholeFriendSetsKeepsTheFriendsItKnew(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "up" + run;
        String keyspace = "feed_up_" + run;
        migrated(stack, keyspace).close();
        FanoutSettings settings = new FanoutSettings(prefix, 100);
        // what the earlier fan-out left: each user's whole friend set as one compacted record
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of(
                        "bootstrap.servers", stack.kafka().bootstrapServers()));
                var producer = producer(stack)) {
            admin.createTopics(List.of(
                            new org.apache.kafka.clients.admin.NewTopic(
                                            settings.friendGraphTopic(), 3, (short) stack.replicas())
                                    .configs(Map.of("cleanup.policy", "compact")),
                            // and its avatars topic, compacted only once half of it was dirty
                            new org.apache.kafka.clients.admin.NewTopic(
                                            settings.avatarsTopic(), 3, (short) stack.replicas())
                                    .configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
            send(producer, settings.friendGraphTopic(), alice.toString(), "[\"" + bob + "\",\"" + carol + "\"]");
            send(producer, settings.friendGraphTopic(), bob.toString(), "[\"" + alice + "\"]");
            send(producer, settings.friendGraphTopic(), carol.toString(), "[\"" + alice + "\"]");
            producer.flush();
        }
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        // and its global state, whose checkpoint names the old topic (Kafka Streams would refuse to start)
        FanoutApp.Config config = config(stack, prefix, keyspace, "");
        java.nio.file.Path global =
                config.stateDir().resolve(prefix + "-fanout").resolve("global");
        Files.createDirectories(global);
        Files.writeString(
                global.resolve(".checkpoint"),
                "0\n2\n" + settings.usernamesTopic() + " 0 0\n" + settings.friendGraphTopic() + " 0 3\n");
        try (FanoutApp app = FanoutApp.start(config, meters)) {
            await().atMost(Duration.ofSeconds(90)).until(app::healthy);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> app.friendsOf(alice).size() == 2);
            assertThat(app.friendsOf(alice)).containsExactlyInAnyOrder(bob, carol);
            assertThat(app.friendsOf(carol)).containsExactly(alice);
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            assertThat(admin.listTopics().names().get())
                    .as("seeded once: the old topic is gone")
                    .doesNotContain(settings.friendGraphTopic())
                    .contains(settings.friendEdgesTopic());
            var avatars = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, settings.avatarsTopic());
            // a broker applies a change of configs from the metadata log, a moment after it is acknowledged
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var configs =
                        admin.describeConfigs(List.of(avatars)).all().get().get(avatars);
                assertThat(Map.of(
                                "cleanup.policy", configs.get("cleanup.policy").value(),
                                "max.compaction.lag.ms",
                                        configs.get("max.compaction.lag.ms").value(),
                                "segment.ms", configs.get("segment.ms").value()))
                        .as("the avatars topic now compacted within the hour")
                        .isEqualTo(Map.of(
                                "cleanup.policy", "compact",
                                "max.compaction.lag.ms", "3600000",
                                "segment.ms", "3600000"));
            });
        }
    }

    @Test
    void aUserWithFiftyThousandFriendsDoesNotStopTheFeed(Stack stack) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String prefix = "big" + run;
        String keyspace = "feed_big_" + run;
        UUID star = UUID.randomUUID();
        int fans = 50_000;
        try (CqlSession cql = migrated(stack, keyspace)) {
            try (FanoutApp app = FanoutApp.start(
                    config(stack, prefix, keyspace, ""),
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
                await().atMost(Duration.ofSeconds(90)).until(app::healthy);
                long started = System.nanoTime();
                try (var producer = producer(stack)) {
                    for (int i = 0; i < fans; i++) {
                        UUID fan = UUID.randomUUID();
                        UUID a = star.compareTo(fan) < 0 ? star : fan;
                        UUID b = a.equals(star) ? fan : star;
                        producer.send(new ProducerRecord<>(
                                prefix + ".public.friendships",
                                "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}",
                                "{\"op\":\"c\",\"before\":null,\"after\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b
                                        + "\"}}"));
                    }
                    UUID a = alice.compareTo(carol) < 0 ? alice : carol;
                    UUID b = a.equals(alice) ? carol : alice;
                    send(
                            producer,
                            prefix + ".public.friendships",
                            "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}",
                            "{\"op\":\"c\",\"before\":null,\"after\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b
                                    + "\"}}");
                    producer.flush();
                }
                await().atMost(Duration.ofSeconds(180))
                        .until(() -> app.friendsOf(carol).contains(alice)
                                && app.friendsOf(star).size() == fans);
                UUID starPaid;
                UUID alicePaid;
                try (var producer = producer(stack)) {
                    starPaid = transfer(producer, prefix, star, bob, "friends", "2026-11-24T14:00:00.000001Z");
                    alicePaid = transfer(producer, prefix, alice, bob, "friends", "2026-11-24T14:00:01.000001Z");
                    producer.flush();
                }
                // the feed keeps flowing: alice's friend gets her payment, the star's goes to the star's timeline
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> feed(cql, keyspace, carol).containsKey(alicePaid)
                                && cql
                                        .execute(
                                                "SELECT transfer_id FROM " + keyspace
                                                        + ".feed_by_author WHERE author_id = ?",
                                                star)
                                        .all()
                                        .stream()
                                        .anyMatch(r -> r.getUuid(0).equals(starPaid)));
                assertThat(app.healthy()).isTrue();
                System.out.printf(
                        java.util.Locale.ROOT,
                        "50,000 friends of one user taken in and the feed flowing in %.1f s%n",
                        (System.nanoTime() - started) / 1e9);
            }
        }
        // no record of the graph grows with the friend count
        try (var consumer = probe(stack)) {
            consumer.subscribe(List.of(prefix + ".fanout.friend-edges"));
            int[] seen = {0, 0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    seen[0]++;
                    seen[1] = Math.max(seen[1], r.serializedKeySize() + Math.max(0, r.serializedValueSize()));
                }
                return seen[0] >= 2 * (fans + 1);
            });
            assertThat(seen[1]).isLessThan(100);
        }
    }
}
