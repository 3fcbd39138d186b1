package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two API instances on one database share each user's rate limit (test settings: 100 calls at once, one more a
 * second): alternating between them, a user is refused after about 100 calls in all, not 200.
 */
@ApiIT
class SharedRateLimitIT extends ApiIT.Base {

    @Test
    void twoInstancesShareOneBudgetPerUser() {
        try (ConfigurableApplicationContext second = anotherInstance()) {
            Api other = new Api(portOf(second), db, sim);
            Api.Person alice = api.newUser("alice");
            Api.Person bob = api.newUser("bob");
            Map<String, Object> ask = Map.of("payer_id", bob.id().toString(), "amount_cents", 100, "note", "lunch");

            int accepted = 0;
            Api.Response refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                Api.Response r = (i % 2 == 0 ? api : other).post("/v1/payment-requests", alice.token(), null, ask);
                if (r.status() == 201) {
                    accepted++;
                } else {
                    refused = r;
                }
            }
            assertThat(refused).as("refused before 200 calls").isNotNull();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(accepted)
                    .as("one budget of 100 (and a few refilled) across both instances, not 100 each")
                    .isBetween(100, 130);
            // and the other instance refuses too, at once
            Api.Response r1 = api.post("/v1/payment-requests", alice.token(), null, ask);
            Api.Response r2 = other.post("/v1/payment-requests", alice.token(), null, ask);
            assertThat(r1.status() == 429 || r2.status() == 429).isTrue();
            // the budget is the user's: another user is not affected
            assertThat(other.post(
                                    "/v1/payment-requests",
                                    bob.token(),
                                    null,
                                    Map.of("payer_id", alice.id().toString(), "amount_cents", 100, "note", "back"))
                            .status())
                    .isEqualTo(201);
        }
    }

    @Test
    void commentsSpendTheUsersBudget() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        Api.Response sent =
                api.transfer(alice, bob.id(), 100, java.util.UUID.randomUUID().toString());
        assertThat(sent.status()).isEqualTo(201);
        String comments = "/v1/feed/" + sent.json().path("id").asString() + "/comments";

        int accepted = 0;
        Api.Response refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            Api.Response r = api.post(comments, alice.token(), null, Map.of("text", "thanks " + i));
            if (r.status() == 201) {
                accepted++;
            } else {
                refused = r;
            }
        }
        assertThat(refused).as("comments refused before 200").isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(accepted)
                .as("the budget of 100, less the transfer, and a few refilled")
                .isBetween(95, 130);
        assertThat(db.queryForObject("SELECT count(*) FROM feed_comments WHERE user_id = ?", Integer.class, alice.id()))
                .isEqualTo(accepted);
    }
}
