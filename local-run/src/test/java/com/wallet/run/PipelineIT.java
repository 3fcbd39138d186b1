package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.run.Pipeline.Person;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The pipeline end to end on the real stack: money moves through the API, the change reaches Kafka through the CDC
 * connector, fanout-streams writes the feed into Cassandra, and the API reads it back for exactly the entitled
 * readers; the receiver is notified.
 */
@ExtendWith(StackExtension.class)
class PipelineIT {

    @Test
    void aTransferThroughTheApiReachesTheFeedsOfExactlyTheEntitledReaders(Stack stack) throws Exception {
        try (Pipeline p = new Pipeline(stack)) {
            Person alice = p.signUp("alice");
            Person bob = p.signUp("bob");
            Person carol = p.signUp("carol"); // alice's friend
            Person dave = p.signUp("dave"); // bob's friend
            Person erin = p.signUp("erin"); // nobody's friend
            p.befriend(alice, carol);
            p.befriend(bob, dave);
            // items are fanned out with the friend graph as it stands when the transfer is processed: wait until
            // the fan-out knows these friendships, as a user would who befriended someone a while ago
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.fanout.friendsOf(alice.id()).contains(carol.id())
                            && p.fanout.friendsOf(bob.id()).contains(dave.id()));
            p.call(
                    "POST",
                    "/v1/me/payment-methods",
                    alice,
                    null,
                    Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031));
            p.call(
                    "POST",
                    "/v1/me/payment-methods",
                    bob,
                    null,
                    Map.of("type", "card", "card_number", "5555555555554444", "exp_month", 12, "exp_year", 2031));
            String shared = p.call(
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
            String secret = p.call(
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

            await().atMost(Duration.ofSeconds(60)).until(() -> p.feed(alice).size() == 2);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.feed(carol).size() == 1 && p.feed(dave).size() == 1);
            assertThat(p.feed(alice)).containsExactly(secret, shared);
            assertThat(p.feed(bob)).containsExactly(secret, shared);
            assertThat(p.feed(carol)).containsExactly(shared);
            assertThat(p.feed(dave)).containsExactly(shared);
            assertThat(p.feed(erin)).isEmpty();
            JsonNode carolsItem = p.call("GET", "/v1/me/feed", carol, null, null)
                    .path("items")
                    .get(0);
            assertThat(carolsItem.has("amount_cents")).isFalse();
            assertThat(carolsItem.path("sender").path("username").asString()).isEqualTo(alice.name());
            assertThat(p.call("GET", "/v1/me/feed", bob, null, null)
                            .path("items")
                            .get(1)
                            .path("amount_cents")
                            .asLong())
                    .isEqualTo(1250);

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.call("GET", "/v1/me/notifications", bob, null, null)
                            .path("items")
                            .valueStream()
                            .anyMatch(n -> n.path("kind").asString().equals("payment_received")));

            // the receiver makes it private: through CDC and the fan-out, the friends' rows leave Cassandra
            p.call("PATCH", "/v1/transfers/" + shared, bob, null, Map.of("visibility", "private"));
            assertThat(p.feed(carol)).as("hidden at once by the read").isEmpty();
            try (var cql = com.wallet.cassandra.schema.CqlSessions.open(
                    stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
                java.util.function.Function<Person, Boolean> hasRow = reader -> cql
                        .execute("SELECT transfer_id FROM " + p.id + ".feed_by_user WHERE user_id = ?", reader.id())
                        .all()
                        .stream()
                        .anyMatch(r -> r.getUuid(0).toString().equals(shared));
                await().atMost(Duration.ofSeconds(60)).until(() -> !hasRow.apply(carol) && !hasRow.apply(dave));
                assertThat(hasRow.apply(alice)).isTrue();
                assertThat(hasRow.apply(bob)).isTrue();
            }
        }
    }
}
