package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.api.TransferApiApplication;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.cdc.CdcConnector;
import com.wallet.cdc.CdcSettings;
import com.wallet.fanout.FanoutApp;
import com.wallet.fanout.FanoutSettings;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pipeline end to end on the real stack: money moves through the API, the change reaches Kafka through the CDC
 * connector, fanout-streams writes the feed into Cassandra, and the API reads it back for exactly the entitled
 * readers; the receiver is notified.
 */
@ExtendWith(StackExtension.class)
class PipelineIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private String base;

    private record Person(UUID id, String name, String token) {}

    @Test
    void aTransferThroughTheApiReachesTheFeedsOfExactlyTheEntitledReaders(Stack stack) throws Exception {
        String id = "pipe" + Long.toString(System.nanoTime(), 36);
        PostgresSettings pg = stack.postgres();
        try (var cql = CqlSessions.open(
                stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
            Migrator.forDefaultScripts(cql, id, KeyspaceReplication.simple(1)).migrate();
        }
        try (PartnerSimulator sim = PartnerSimulator.start(0);
                ConfigurableApplicationContext api = new SpringApplicationBuilder(TransferApiApplication.class)
                        .run(
                                "--server.port=0",
                                "--spring.datasource.url=" + pg.jdbcUrl(),
                                "--spring.datasource.username=" + pg.username(),
                                "--spring.datasource.password=" + pg.password(),
                                "--wallet.security.jwt-secret=cGlwZWxpbmUtdGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==",
                                "--wallet.crypto.data-key=cGlwZWxpbmUtdGVzdC1kYXRhLWtleS0zMi1ieXRlcyE=",
                                "--wallet.partners.card.base-url=" + sim.baseUrl(),
                                "--wallet.partners.ach.base-url=" + sim.baseUrl(),
                                "--wallet.feed.contact-point="
                                        + stack.cassandra().host() + ":"
                                        + stack.cassandra().port(),
                                "--wallet.feed.datacenter=" + stack.cassandra().localDatacenter(),
                                "--wallet.feed.keyspace=" + id,
                                "--spring.kafka.bootstrap-servers="
                                        + stack.kafka().bootstrapServers(),
                                "--wallet.notifications.change-topic-prefix=" + id,
                                "--wallet.notifications.topic=" + id + ".notifications.v1",
                                "--spring.batch.job.enabled=false",
                                "--logging.level.root=WARN")) {
            base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
            Map<String, String> cdc = new HashMap<>();
            cdc.put("cdc.postgres.host", pg.host());
            cdc.put("cdc.postgres.port", Integer.toString(pg.port()));
            cdc.put("cdc.postgres.database", pg.database());
            cdc.put("cdc.postgres.username", pg.username());
            cdc.put("cdc.postgres.password", pg.password());
            cdc.put("cdc.kafka.bootstrap-servers", stack.kafka().bootstrapServers());
            cdc.put("cdc.topic.prefix", id);
            cdc.put("cdc.slot.name", "slot_" + id);
            cdc.put("cdc.publication.name", "pub_" + id);
            cdc.put("cdc.offsets.topic", id + "-offsets");
            cdc.put("cdc.topic.partitions", "3");
            cdc.put("cdc.heartbeat.interval", "PT1S");
            cdc.put("cdc.http.port", "0");
            try (CdcConnector connector = new CdcConnector(CdcSettings.from(cdc::get), new SimpleMeterRegistry());
                    FanoutApp fanout = FanoutApp.start(
                            new FanoutApp.Config(
                                    new FanoutSettings(id, 500),
                                    "",
                                    stack.kafka().bootstrapServers(),
                                    stack.cassandra().contactPoint(),
                                    stack.cassandra().localDatacenter(),
                                    id,
                                    Files.createTempDirectory("pipeline-fanout"),
                                    3,
                                    (short) 1,
                                    64),
                            new SimpleMeterRegistry())) {
                connector.start();
                awaitHeartbeat(stack, id);
                await().atMost(Duration.ofSeconds(90)).until(fanout::healthy);

                Person alice = signUp("alice");
                Person bob = signUp("bob");
                Person carol = signUp("carol"); // alice's friend
                Person dave = signUp("dave"); // bob's friend
                Person erin = signUp("erin"); // nobody's friend
                befriend(alice, carol);
                befriend(bob, dave);
                // items are fanned out with the friend graph as it stands when the transfer is processed: wait
                // until the fan-out knows these friendships, as a user would who befriended someone a while ago
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> fanout.friendsOf(alice.id()).contains(carol.id())
                                && fanout.friendsOf(bob.id()).contains(dave.id()));
                call(
                        "POST",
                        "/v1/me/payment-methods",
                        alice,
                        null,
                        Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031));
                call(
                        "POST",
                        "/v1/me/payment-methods",
                        bob,
                        null,
                        Map.of("type", "card", "card_number", "5555555555554444", "exp_month", 12, "exp_year", 2031));
                String shared = call(
                                "POST",
                                "/v1/transfers",
                                alice,
                                UUID.randomUUID().toString(),
                                Map.of(
                                        "receiver_id",
                                        bob.id().toString(),
                                        "amount_cents",
                                        1250,
                                        "note",
                                        "pizza",
                                        "visibility",
                                        "friends"))
                        .path("id")
                        .asString();
                String secret = call(
                                "POST",
                                "/v1/transfers",
                                bob,
                                UUID.randomUUID().toString(),
                                Map.of(
                                        "receiver_id",
                                        alice.id().toString(),
                                        "amount_cents",
                                        300,
                                        "note",
                                        "gift",
                                        "visibility",
                                        "private"))
                        .path("id")
                        .asString();

                await().atMost(Duration.ofSeconds(60)).until(() -> feed(alice).size() == 2);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> feed(carol).size() == 1 && feed(dave).size() == 1);
                assertThat(feed(alice)).containsExactly(secret, shared);
                assertThat(feed(bob)).containsExactly(secret, shared);
                assertThat(feed(carol)).containsExactly(shared);
                assertThat(feed(dave)).containsExactly(shared);
                assertThat(feed(erin)).isEmpty();
                JsonNode carolsItem = call("GET", "/v1/me/feed", carol, null, null)
                        .path("items")
                        .get(0);
                assertThat(carolsItem.has("amount_cents")).isFalse();
                assertThat(carolsItem.path("sender").path("username").asString())
                        .isEqualTo(alice.name());
                assertThat(call("GET", "/v1/me/feed", bob, null, null)
                                .path("items")
                                .get(1)
                                .path("amount_cents")
                                .asLong())
                        .isEqualTo(1250);

                await().atMost(Duration.ofSeconds(60))
                        .until(() -> call("GET", "/v1/me/notifications", bob, null, null)
                                .path("items")
                                .valueStream()
                                .anyMatch(n -> n.path("kind").asString().equals("payment_received")));
            } finally {
                try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                        var s = c.createStatement()) {
                    s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE slot_name = 'slot_" + id + "' AND NOT active");
                }
            }
        }
    }

    private static void awaitHeartbeat(Stack stack, String prefix) {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        "bootstrap.servers",
                        stack.kafka().bootstrapServers(),
                        "group.id",
                        "probe-" + UUID.randomUUID(),
                        "auto.offset.reset",
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(prefix + ".cdc.heartbeat"));
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !consumer.poll(Duration.ofMillis(500)).isEmpty());
        }
    }

    private List<String> feed(Person reader) {
        return call("GET", "/v1/me/feed", reader, null, null)
                .path("items")
                .valueStream()
                .map(i -> i.path("transfer_id").asString())
                .toList();
    }

    private Person signUp(String name) {
        String username = name + "_" + Long.toString(System.nanoTime(), 36);
        JsonNode user = call(
                "POST",
                "/v1/users",
                null,
                null,
                Map.of("username", username, "email", username + "@example.com", "password", "correct horse 1"));
        JsonNode token =
                call("POST", "/v1/auth/token", null, null, Map.of("username", username, "password", "correct horse 1"));
        return new Person(
                UUID.fromString(user.path("id").asString()),
                username,
                token.path("access_token").asString());
    }

    private void befriend(Person a, Person b) {
        call("PUT", "/v1/me/friends/" + b.id(), a, null, null);
        call("PUT", "/v1/me/friends/" + a.id(), b, null, null);
    }

    private JsonNode call(String method, String path, Person as, String key, Object body) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
            if (as != null) {
                request.header("Authorization", "Bearer " + as.token());
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new AssertionError(method + " " + path + ": " + response.statusCode() + " " + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
