package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Blocking a user: what it ends, what it refuses both ways, and that the one blocked is answered as if the blocker did
 * not exist. (The feeds' part is {@code FeedIT.aBlockTakesEachOnesPaymentsOutOfTheOthersFeedsBothWays}.)
 */
@ApiIT
class BlockIT extends ApiIT.Base {

    private Api.Response block(Api.Person who, Api.Person whom) {
        return api.send("PUT", "/v1/me/blocks/" + whom.id(), who.token(), null, null);
    }

    private String statusOf(String path, Api.Person viewer) {
        return api.get(path, viewer.token()).json().path("status").asString();
    }

    @Test
    void aBlockEndsTheFriendshipAndClosesWhatIsPendingBetweenThemAndNothingElse() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        assertThat(api.befriend(alice, bob.id()).status()).isEqualTo(200);
        assertThat(api.befriend(bob, alice.id()).json().path("status").asString())
                .isEqualTo("friends");
        assertThat(api.befriend(alice, carol.id()).status()).isEqualTo(200); // a request carol has not answered
        String bobAsksAlice =
                api.requestMoney(bob, alice.id()).json().path("id").asString();
        String aliceAsksBob =
                api.requestMoney(alice, bob.id()).json().path("id").asString();
        String carolAsksAlice =
                api.requestMoney(carol, alice.id()).json().path("id").asString();
        Api.Response alicePaysBob = api.scheduleMonthly(alice, bob.id());
        Api.Response bobPaysAlice = api.scheduleMonthly(bob, alice.id());
        Api.Response alicePaysCarol = api.scheduleMonthly(alice, carol.id());
        assertThat(List.of(alicePaysBob.status(), bobPaysAlice.status(), alicePaysCarol.status()))
                .containsOnly(201);

        Api.Response blocked = block(alice, bob);
        assertThat(blocked.status()).as(blocked.raw()).isEqualTo(200);
        assertThat(blocked.json().path("user_id").asString()).isEqualTo(bob.id().toString());
        assertThat(blocked.json().path("username").asString()).isEqualTo(bob.username());
        assertThat(block(alice, bob).status()).as("blocking again").isEqualTo(200);

        // the friendship is gone for both; alice's request to carol is not
        assertThat(api.get("/v1/me/friends", bob.token()).json().path("friends").size())
                .isZero();
        assertThat(api.get("/v1/me/friends", alice.token())
                        .json()
                        .path("outgoing")
                        .valueStream()
                        .map(p -> p.path("id").asString())
                        .toList())
                .containsExactly(carol.id().toString());
        // what was pending between them is closed, each as its party would have closed it; the rest stays
        assertThat(statusOf("/v1/payment-requests/" + bobAsksAlice, bob)).isEqualTo("declined");
        assertThat(statusOf("/v1/payment-requests/" + aliceAsksBob, bob)).isEqualTo("cancelled");
        assertThat(statusOf("/v1/payment-requests/" + carolAsksAlice, carol)).isEqualTo("pending");
        assertThat(statusOf(
                        "/v1/scheduled-payments/"
                                + alicePaysBob.json().path("id").asString(),
                        alice))
                .isEqualTo("cancelled");
        assertThat(statusOf(
                        "/v1/scheduled-payments/"
                                + bobPaysAlice.json().path("id").asString(),
                        bob))
                .isEqualTo("cancelled");
        assertThat(statusOf(
                        "/v1/scheduled-payments/"
                                + alicePaysCarol.json().path("id").asString(),
                        alice))
                .isEqualTo("active");
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'user.blocked'",
                        Long.class,
                        alice.id()))
                .as("audited once, though blocked twice")
                .isEqualTo(1);

        assertThat(api.get("/v1/me/blocks", alice.token())
                        .json()
                        .path("items")
                        .valueStream()
                        .map(b -> b.path("user_id").asString())
                        .toList())
                .containsExactly(bob.id().toString());
        assertThat(api.get("/v1/me/blocks", bob.token()).json().path("items").size())
                .as("the one blocked has blocked nobody")
                .isZero();
        assertThat(block(alice, alice).status()).isEqualTo(400);
        assertThat(api.send("PUT", "/v1/me/blocks/" + UUID.randomUUID(), alice.token(), null, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void neitherCanStartAnythingWithTheOtherAndTheOneBlockedIsAnsweredAsIfTheBlockerDidNotExist() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        api.fund(alice, 5_000);
        api.fund(bob, 5_000);
        UUID nobody = UUID.randomUUID();
        assertThat(block(alice, bob).status()).isEqualTo(200);

        // money: bob is told alice does not exist, word for word as for nobody at all; alice that she blocked bob
        Api.Response bobPays =
                api.transfer(bob, alice.id(), 100, UUID.randomUUID().toString());
        Api.Response bobPaysNobody =
                api.transfer(bob, nobody, 100, UUID.randomUUID().toString());
        assertThat(bobPays.status()).isEqualTo(422);
        assertThat(bobPays.problemType()).endsWith("/unknown-receiver");
        assertThat(bobPays.json().path("title").asString())
                .isEqualTo(bobPaysNobody.json().path("title").asString());
        assertThat(bobPays.json().path("detail").asString()).isEqualTo("no user " + alice.id());
        Api.Response alicePays =
                api.transfer(alice, bob.id(), 100, UUID.randomUUID().toString());
        assertThat(alicePays.status()).isEqualTo(422);
        assertThat(alicePays.problemType()).endsWith("/user-blocked");
        assertThat(api.balance(alice)).isEqualTo(5_000);
        assertThat(api.balance(bob)).isEqualTo(5_000);

        // requests, splits, schedules, friend requests, finding by name
        assertThat(api.requestMoney(bob, alice.id()).problemType()).endsWith("/unknown-payer");
        assertThat(api.requestMoney(alice, bob.id()).problemType()).endsWith("/user-blocked");
        Api.Response split = api.post(
                "/v1/payment-requests",
                bob.token(),
                null,
                Map.of(
                        "payers",
                        List.of(
                                Map.of("user_id", carol.id().toString(), "amount_cents", 300),
                                Map.of("user_id", alice.id().toString(), "amount_cents", 300)),
                        "note",
                        "dinner"));
        assertThat(split.problemType()).endsWith("/unknown-payer");
        assertThat(split.json().path("payer_id").asString())
                .isEqualTo(alice.id().toString());
        assertThat(api.scheduleMonthly(bob, alice.id()).problemType()).endsWith("/unknown-receiver");
        assertThat(api.scheduleMonthly(alice, bob.id()).problemType()).endsWith("/user-blocked");
        Api.Response bobBefriends = api.befriend(bob, alice.id());
        assertThat(bobBefriends.status()).isEqualTo(404);
        assertThat(bobBefriends.json().path("detail").asString()).isEqualTo("no user " + alice.id());
        assertThat(api.befriend(alice, bob.id()).problemType()).endsWith("/user-blocked");
        assertThat(api.get("/v1/users?username=" + alice.username(), bob.token())
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/v1/users?username=" + bob.username(), alice.token())
                        .status())
                .as("the blocker still finds whom they blocked (to unblock them)")
                .isEqualTo(200);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM payment_requests WHERE payer_id IN (?, ?) AND requester_id IN (?, ?)",
                        Long.class,
                        alice.id(),
                        bob.id(),
                        alice.id(),
                        bob.id()))
                .isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM friend_requests WHERE requester_id IN (?, ?)",
                        Long.class,
                        alice.id(),
                        bob.id()))
                .isZero();

        // unblocked: everything may start again (nothing closed comes back)
        assertThat(api.send("DELETE", "/v1/me/blocks/" + bob.id(), alice.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(api.send("DELETE", "/v1/me/blocks/" + bob.id(), alice.token(), null, null)
                        .status())
                .as("unblocking again")
                .isEqualTo(204);
        assertThat(api.transfer(bob, alice.id(), 100, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        assertThat(api.requestMoney(alice, bob.id()).status()).isEqualTo(201);
        assertThat(api.befriend(bob, alice.id()).status()).isEqualTo(200);
    }

    @Test
    void aPaymentThatNeedsTheCardIsRefusedBeforeTheCardIsCharged() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.addCard(bob, Api.CARD); // bob's wallet is empty: paying alice would charge his card
        assertThat(block(alice, bob).status()).isEqualTo(200);

        Api.Response paid =
                api.transfer(bob, alice.id(), 2_500, UUID.randomUUID().toString());

        assertThat(paid.problemType()).endsWith("/unknown-receiver");
        assertThat(db.queryForObject("SELECT count(*) FROM card_charges WHERE user_id = ?", Long.class, bob.id()))
                .as("no card charge made for a payment that is refused anyway")
                .isZero();
    }

    @Test
    void aBlockAndAFriendRequestCrossingItNeverBothStand() throws Exception {
        for (int round = 0; round < 10; round++) {
            Api.Person alice = api.newUser("alice");
            Api.Person bob = api.newUser("bob");
            assertThat(api.befriend(alice, bob.id()).status()).isEqualTo(200); // alice asked; bob accepts while blocked
            List<Api.Response> answers =
                    Concurrently.run(2, i -> () -> i == 0 ? block(alice, bob) : api.befriend(bob, alice.id()));
            assertThat(answers.get(0).status()).isEqualTo(200);
            long friends = db.queryForObject(
                    "SELECT count(*) FROM friendships WHERE ? IN (user_a, user_b) AND ? IN (user_a, user_b)",
                    Long.class,
                    alice.id(),
                    bob.id());
            long requests = db.queryForObject(
                    "SELECT count(*) FROM friend_requests WHERE requester_id IN (?, ?)",
                    Long.class,
                    alice.id(),
                    bob.id());
            assertThat(friends + requests).as("round " + round).isZero();
        }
    }
}
