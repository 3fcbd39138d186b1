package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.sim.CallType;
import com.wallet.sim.CardNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@ApiIT
class CashoutIT extends ApiIT.Base {

    @AfterEach
    void networkBackToNormal() {
        sim.knobs().reset();
    }

    private Api.Response cashout(Api.Person user, long cents, String speed, UUID method, String key) {
        return api.post(
                "/v1/cashouts",
                user.token(),
                key,
                Map.of("amount_cents", cents, "speed", speed, "payment_method_id", method.toString()));
    }

    private long feeRevenue() {
        return db.queryForObject(
                "SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 4", Long.class);
    }

    @Test
    void anInstantCashoutPaysTheCardTheAmountLessItsFee() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 300_000);
        UUID card = api.addCard(alice, Api.CARD);
        long feesBefore = feeRevenue();
        String key = UUID.randomUUID().toString();

        Api.Response r = cashout(alice, 10_000, "instant", card, key);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("status").asString()).isEqualTo("completed");
        assertThat(r.json().path("fee_cents").asLong()).isEqualTo(175); // 1.75%
        assertThat(r.json().path("payout_cents").asLong()).isEqualTo(9_825);
        assertThat(sim.card().findPayout(r.json().path("id").asString()))
                .hasValueSatisfying(p -> assertThat(p.amountCents()).isEqualTo(9_825));
        assertThat(api.balance(alice)).isEqualTo(290_000);
        assertThat(feeRevenue() - feesBefore).isEqualTo(175);

        Api.Response replay = cashout(alice, 10_000, "instant", card, key);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.raw()).isEqualTo(r.raw());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(api.balance(alice)).isEqualTo(290_000);

        // the fee is at least 25 cents and at most $25
        assertThat(cashout(alice, 1_000, "instant", card, UUID.randomUUID().toString())
                        .json()
                        .path("fee_cents")
                        .asLong())
                .isEqualTo(25);
        assertThat(cashout(alice, 200_000, "instant", card, UUID.randomUUID().toString())
                        .json()
                        .path("fee_cents")
                        .asLong())
                .isEqualTo(2_500);
        Api.Response tooSmall =
                cashout(alice, 25, "instant", card, UUID.randomUUID().toString());
        assertThat(tooSmall.status()).isEqualTo(400);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aStandardCashoutIsHeldAsPendingForTheSettlementJob() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID bank = api.addVerifiedBank(alice);

        Api.Response r =
                cashout(alice, 2_000, "standard", bank, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().path("status").asString()).isEqualTo("pending");
        assertThat(r.json().path("fee_cents").asLong()).isZero();
        Api.Response wallet = api.get("/v1/me/wallet", alice.token());
        assertThat(wallet.json().path("balance_cents").asLong()).isEqualTo(3_000);
        assertThat(wallet.json().path("pending_cents").asLong()).isEqualTo(2_000);
        assertThat(wallet.json().path("available_cents").asLong()).isEqualTo(3_000);
        String id = r.json().path("id").asString();
        assertThat(api.get("/v1/cashouts/" + id, alice.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("pending");
        assertThat(api.get("/v1/cashouts/" + id, api.newUser("mallory").token()).status())
                .isEqualTo(404);
        assertThat(api.send("DELETE", "/v1/me/payment-methods/" + bank, alice.token(), null, null)
                        .status())
                .isEqualTo(409);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void eachSpeedNeedsItsKindOfMethod() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID unverified = api.linkBank(alice, Api.newAccountNumber());
        UUID card = api.addCard(alice, Api.CARD);

        Api.Response toBank =
                cashout(alice, 1_000, "instant", unverified, UUID.randomUUID().toString());
        Api.Response toCard =
                cashout(alice, 1_000, "standard", card, UUID.randomUUID().toString());
        Api.Response unverifiedBank =
                cashout(alice, 1_000, "standard", unverified, UUID.randomUUID().toString());

        for (Api.Response r : List.of(toBank, toCard, unverifiedBank)) {
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "payment-method-unsuitable");
        }
        Api.Response tooMuch =
                cashout(alice, 5_001, "instant", card, UUID.randomUUID().toString());
        assertThat(tooMuch.problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");
        assertThat(api.balance(alice)).isEqualTo(5_000);
    }

    @Test
    void aDeclinedPayoutPutsTheMoneyBack() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID card = api.addCard(alice, "4000000000000002");

        Api.Response r =
                cashout(alice, 1_000, "instant", card, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "card-declined");
        UUID id = UUID.fromString(r.json().path("cashout_id").asString());
        assertThat(api.get("/v1/cashouts/" + id, alice.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("failed");
        assertThat(api.balance(alice)).isEqualTo(5_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void whileTheNetworkIsOutTheCashoutFailsWith503AndTheSameKeyWorksLater() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID card = api.addCard(alice, Api.CARD);
        String key = UUID.randomUUID().toString();
        sim.knobs()
                .set(CallType.CARD_PAYOUT, sim.knobs().get(CallType.CARD_PAYOUT).withOutage(true));

        Api.Response down = cashout(alice, 1_000, "instant", card, key);

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.problemType()).isEqualTo(Api.PROBLEMS + "partner-unavailable");
        assertThat(down.header("Retry-After")).isNotBlank();
        assertThat(api.balance(alice)).isEqualTo(5_000);

        // the network is back; the client retries with the same key, honouring Retry-After, until it goes through
        // (the failures may have opened the breaker)
        sim.knobs().reset();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> cashout(alice, 1_000, "instant", card, key).status() == 201);
        assertThat(api.balance(alice)).isEqualTo(4_000);
        assertThat(db.queryForList(
                        "SELECT status FROM cashouts WHERE user_id = ? ORDER BY created_at", String.class, alice.id()))
                .containsExactly("failed", "completed");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void anUnknownOutcomeStaysPendingUntilTheSweepLearnsItFromTheNetwork() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID card = api.addCard(alice, Api.CARD);
        sim.knobs().hang(Duration.ofSeconds(2));
        sim.knobs()
                .set(CallType.CARD_PAYOUT, sim.knobs().get(CallType.CARD_PAYOUT).withTimeout(true));

        Api.Response r =
                cashout(alice, 1_000, "instant", card, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().path("status").asString()).isEqualTo("pending");
        String id = r.json().path("id").asString();
        // the network did pay (it only answered too late): the money must not come back to the wallet
        assertThat(sim.card().findPayout(id)).map(CardNetwork.Operation::status).contains(CardNetwork.Status.PAID);
        sim.knobs().reset();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> api.get("/v1/cashouts/" + id, alice.token())
                                .json()
                                .path("status")
                                .asString(),
                        "completed"::equals);
        assertThat(api.balance(alice)).isEqualTo(4_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aGateway502AfterThePayoutWasMadeIsSettledByTheNetworkNeverByPayingAgain() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 5_000);
        UUID card = api.addCard(alice, Api.CARD);
        long paidBefore = sim.card().payoutCount();
        // the network pays, then its gateway answers 502: the client cannot know, so the outcome is unknown
        sim.knobs()
                .set(CallType.CARD_PAYOUT, sim.knobs().get(CallType.CARD_PAYOUT).withBadGateway(true));

        Api.Response r =
                cashout(alice, 2_000, "instant", card, UUID.randomUUID().toString());

        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        assertThat(r.json().path("status").asString()).isEqualTo("pending");
        String id = r.json().path("id").asString();
        assertThat(api.get("/v1/me/wallet", alice.token())
                        .json()
                        .path("held_cents")
                        .asLong())
                .as("held, not released: the payout may have been made")
                .isEqualTo(2_000);
        sim.knobs().reset();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> api.get("/v1/cashouts/" + id, alice.token())
                                .json()
                                .path("status")
                                .asString(),
                        "completed"::equals);
        assertThat(sim.card().payoutCount() - paidBefore)
                .as("paid exactly once")
                .isEqualTo(1);
        assertThat(sim.card().findPayout(id))
                .map(CardNetwork.Operation::amountCents)
                .contains(1_965L);
        assertThat(api.balance(alice)).isEqualTo(3_000);
        assertThat(api.get("/v1/me/wallet", alice.token())
                        .json()
                        .path("held_cents")
                        .asLong())
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aCashoutAndATransferRacingForTheSameBalanceNeverBothSucceed() throws Exception {
        Api.Person bob = api.newUser("bob");
        for (int round = 0; round < 15; round++) {
            Api.Person alice = api.newUser("alice");
            api.fund(alice, 1_000);
            UUID bank = api.addVerifiedBank(alice);
            // the bank must not fund the transfer: make the waterfall find no default bank
            db.update("UPDATE payment_methods SET is_default = false WHERE id = ?", bank);
            String speed = round % 2 == 0 ? "standard" : "instant";
            UUID method = speed.equals("standard") ? bank : api.addCard(alice, Api.CARD);
            db.update("UPDATE payment_methods SET is_default = false WHERE user_id = ? AND type = 'card'", alice.id());

            List<Integer> statuses = Concurrently.run(
                    2,
                    i -> () -> i == 0
                            ? cashout(
                                            alice,
                                            1_000,
                                            speed,
                                            method,
                                            UUID.randomUUID().toString())
                                    .status()
                            : api.transfer(
                                            alice,
                                            bob.id(),
                                            1_000,
                                            UUID.randomUUID().toString())
                                    .status());

            assertThat(statuses)
                    .as("round %d (%s): one wins, the other is refused", round, speed)
                    .containsAnyOf(201, 202)
                    .contains(422);
            assertThat(api.balance(alice)).isZero();
        }
        LedgerInvariants.assertHold(db);
    }
}
