package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.run.Pipeline.Person;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Money from end to end on the real stack with every service in its own process, as in production (settlement jobs
 * as one process per run): link and verify banks, link cards, befriend, send
 * funded by balance, bank and card, request and pay, read the feeds, cash out instantly and by ACH, originate the
 * NACHA file, have the bank return the debits, apply the returns, reconcile, and check every balance to the cent.
 */
@ExtendWith(StackExtension.class)
class MoneyJourneyIT {

    private static final String ROUTING = "091000019";

    private Services p;

    private String bank(Person user, String account) {
        String id = p.call(
                        "POST",
                        "/v1/me/payment-methods",
                        user,
                        null,
                        Map.of("type", "bank", "routing_number", ROUTING, "account_number", account))
                .path("id")
                .asString();
        var deposits = p.sim.ach().statement(ROUTING, account);
        p.call(
                "POST",
                "/v1/me/payment-methods/" + id + "/verify",
                user,
                null,
                Map.of("amounts_cents", deposits.get(deposits.size() - 1).amountsCents()));
        return id;
    }

    private String card(Person user, String number) {
        return p.call(
                        "POST",
                        "/v1/me/payment-methods",
                        user,
                        null,
                        Map.of("type", "card", "card_number", number, "exp_month", 12, "exp_year", 2031))
                .path("id")
                .asString();
    }

    private JsonNode send(Person from, Person to, long cents) {
        return p.client.send(from, to, cents, "for " + cents, "friends");
    }

    private long balance(Person user) {
        return p.call("GET", "/v1/me/wallet", user, null, null)
                .path("balance_cents")
                .asLong();
    }

    private static void funding(JsonNode transfer, long balance, long bank, long card, long fee) {
        JsonNode f = transfer.path("funding");
        assertThat(List.of(
                        f.path("balance_cents").asLong(),
                        f.path("bank_cents").asLong(),
                        f.path("card_cents").asLong(),
                        f.path("fee_cents").asLong()))
                .containsExactly(balance, bank, card, fee);
    }

    @Test
    void moneyMovesSettlesAndReconcilesToTheCent(Stack stack) throws Exception {
        try (Services services = new Services(stack)) {
            p = services;
            Person alice = p.signUp("alice");
            Person bob = p.signUp("bob");
            Person carol = p.signUp("carol");
            Person dave = p.signUp("dave");
            Person erin = p.signUp("erin"); // a stranger to everyone
            String aliceAccount = Long.toString(7_000_000_000L + System.nanoTime() % 1_000_000_000L);
            String carolAccount = Long.toString(8_000_000_000L + System.nanoTime() % 1_000_000_000L);
            bank(alice, aliceAccount);
            card(alice, "4242424242424242");
            String bobsCard = card(bob, "5555555555554444");
            String carolsBank = bank(carol, carolAccount);
            card(dave, "4000056655665556");
            p.befriend(alice, bob);
            p.befriend(bob, carol);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.fanoutKnows(bob.id(), alice.id()) && p.fanoutKnows(bob.id(), carol.id()));

            JsonNode t1 = send(alice, bob, 1_000); // empty wallet: the verified bank pays
            funding(t1, 0, 1_000, 0, 0);
            JsonNode t2 = send(bob, alice, 400); // from the balance
            funding(t2, 400, 0, 0, 0);
            JsonNode t3 = send(alice, carol, 500); // 400 from the balance, the rest from the bank
            funding(t3, 400, 100, 0, 0);
            JsonNode t4 = send(dave, bob, 1_000); // no bank: the card pays, with the 3% fee
            funding(t4, 0, 0, 1_000, 30);

            String request = p.call(
                            "POST",
                            "/v1/payment-requests",
                            carol,
                            null,
                            Map.of("payer_id", bob.id().toString(), "amount_cents", 200, "note", "tickets"))
                    .path("id")
                    .asString();
            JsonNode paid = p.call(
                    "POST",
                    "/v1/payment-requests/" + request + "/pay",
                    bob,
                    UUID.randomUUID().toString(),
                    null);
            assertThat(paid.path("payment_request_id").asString()).isEqualTo(request);

            // funds availability: what alice's bank sent has not settled, wherever it went (bob 600 of his 1,400,
            // carol 500 of her 700): only the rest can be cashed out
            assertThat(p.call("GET", "/v1/me/wallet", bob, null, null)
                            .path("cashable_cents")
                            .asLong())
                    .isEqualTo(800);
            assertThat(p.call("GET", "/v1/me/wallet", carol, null, null)
                            .path("cashable_cents")
                            .asLong())
                    .isEqualTo(200);
            JsonNode instant = p.call(
                    "POST",
                    "/v1/cashouts",
                    bob,
                    UUID.randomUUID().toString(),
                    Map.of("amount_cents", 800, "speed", "instant", "payment_method_id", bobsCard));
            assertThat(instant.path("status").asString()).isEqualTo("completed");
            // 1.75% of 800 is 14 cents, below the 25-cent minimum
            assertThat(instant.path("fee_cents").asLong()).isEqualTo(25);
            assertThat(p.sim.card().findPayout(instant.path("id").asString()))
                    .hasValueSatisfying(
                            payout -> assertThat(payout.amountCents()).isEqualTo(775));
            JsonNode standard = p.call(
                    "POST",
                    "/v1/cashouts",
                    carol,
                    UUID.randomUUID().toString(),
                    Map.of("amount_cents", 200, "speed", "standard", "payment_method_id", carolsBank));
            assertThat(standard.path("status").asString()).isEqualTo("pending");

            assertThat(List.of(balance(alice), balance(bob), balance(carol), balance(dave)))
                    .containsExactly(0L, 600L, 500L, 0L);

            // the feed: bob's friends see his payments, and nobody sees amounts but the parties
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.feed(carol).contains(t1.path("id").asString()));
            assertThat(p.feed(bob))
                    .contains(
                            t1.path("id").asString(),
                            t4.path("id").asString(),
                            paid.path("id").asString());
            assertThat(p.feed(erin)).isEmpty();
            assertThat(p.call("GET", "/v1/users/" + bob.id() + "/feed", erin, null, null)
                            .path("items"))
                    .as("bob's payments are friends-only: a stranger sees none of them")
                    .isEmpty();

            // settlement: alice's bank returns both debits (R02, account closed), carol's cashout goes out
            p.sim.ach().returnEntriesTo(aliceAccount, "R02");
            assertThat(p.runJob("achOrigination")).isTrue();
            assertThat(p.call("GET", "/v1/cashouts/" + standard.path("id").asString(), carol, null, null)
                            .path("status")
                            .asString())
                    .isEqualTo("submitted");
            assertThat(p.runJob("achReturns")).isTrue();

            // the returned money is taken back where it still sat unsettled (bob 600, carol 500), so alice owes nothing
            JsonNode alicesWallet = p.call("GET", "/v1/me/wallet", alice, null, null);
            assertThat(alicesWallet.path("balance_cents").asLong()).isZero();
            assertThat(alicesWallet.path("restricted").asBoolean()).isFalse();
            JsonNode carolsWallet = p.call("GET", "/v1/me/wallet", carol, null, null);
            assertThat(carolsWallet.path("pending_cents").asLong()).isEqualTo(200);
            assertThat(carolsWallet.path("unsettled_cents").asLong()).isZero();

            assertThat(p.runJob("reconciliation"))
                    .as("the books balance after everything")
                    .isTrue();
            assertThat(List.of(balance(alice), balance(bob), balance(carol), balance(dave)))
                    .containsExactly(0L, 0L, 0L, 0L);
        }
    }
}
