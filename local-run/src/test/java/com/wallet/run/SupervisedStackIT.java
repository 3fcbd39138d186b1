package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.run.Pipeline.Person;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import com.wallet.stack.Supervisor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The run command's supervisor: PostgreSQL, Kafka and Cassandra killed at once with {@code kill -9} while the
 * pipeline runs are each started again once, with their data, and the pipeline carries on by itself: a payment made
 * before is still there, and one made after reaches a friend's feed through the connector, the fan-out and Cassandra.
 * While PostgreSQL is gone a payment is answered {@code 503 database-unavailable}; retried with its key once it is
 * back, it is made, once.
 */
@ExtendWith(StackExtension.class)
class SupervisedStackIT {

    private final Stack stack;

    SupervisedStackIT(Stack stack) {
        this.stack = stack;
    }

    @Test
    void serversKilledMidRunAreStartedAgainWithTheirDataAndThePipelineCarriesOn() throws Exception {
        List<Supervisor.Server> servers = stack.servers();
        // containers (-Dstack=containers) are Docker's to restart: nothing for a supervisor here
        Assumptions.assumeFalse(servers.isEmpty(), "this stack runs no server processes of its own");
        try (Pipeline p = new Pipeline(stack)) {
            Person alice = p.signUp("alice");
            Person bob = p.signUp("bob");
            Person carol = p.signUp("carol");
            p.befriend(alice, carol);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.fanout.friendsOf(alice.id()).contains(carol.id()));
            p.linkCard(alice);
            String before = p.pay(alice, bob, 100, "lunch", "friends");
            await().atMost(Duration.ofSeconds(60)).until(() -> p.feed(carol).contains(before));

            // PostgreSQL gone: a payment is answered 503 database-unavailable, to be retried with its key
            Supervisor.Server postgres = servers.stream()
                    .filter(s -> s.name().equals("PostgreSQL"))
                    .findFirst()
                    .orElseThrow();
            postgres.kill().run();
            String key = UUID.randomUUID().toString();
            Map<String, Object> payment = ApiClient.payment(bob, 100, "lunch", "friends");
            HttpResponse<String> refused = p.client.exchange("POST", "/v1/transfers", alice, key, payment);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("/problems/database-unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();

            try (Supervisor supervisor = Supervisor.watch(servers, Duration.ofSeconds(1))) {
                servers.forEach(server -> server.kill().run());
                assertThat(servers).noneMatch(server -> server.alive().getAsBoolean());

                await("every server started again")
                        .atMost(Duration.ofMinutes(5))
                        .until(() -> servers.stream()
                                .allMatch(s -> supervisor.restarts(s.name()) >= 1
                                        && s.alive().getAsBoolean()));

                // the API's pool, the connector, the fan-out and its sink reconnect by themselves
                String after = await("a payment through the API")
                        .atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> p.pay(alice, bob, 100, "lunch", "friends"), id -> id != null && !id.isEmpty());
                // the refused payment, retried with its key once the database is back, is made then (once)
                String retried = await("the refused payment retried with its key")
                        .atMost(Duration.ofMinutes(1))
                        .ignoreExceptions()
                        .until(
                                () -> p.call("POST", "/v1/transfers", alice, key, payment)
                                        .path("id")
                                        .asString(),
                                id -> id != null && !id.isEmpty());
                assertThat(p.call("POST", "/v1/transfers", alice, key, payment)
                                .path("id")
                                .asString())
                        .isEqualTo(retried);
                await("the payment made after in carol's feed")
                        .atMost(Duration.ofMinutes(3))
                        .ignoreExceptions()
                        .until(() -> p.feed(carol).contains(after));
                assertThat(p.feed(carol)).contains(before);
                assertThat(p.call("GET", "/v1/transfers/" + before, alice, null, null)
                                .path("id")
                                .asString())
                        .isEqualTo(before);
                // each was started again once: a running server is left alone
                servers.forEach(server -> assertThat(supervisor.restarts(server.name()))
                        .as(server.name())
                        .isEqualTo(1));
            }
        }
    }
}
