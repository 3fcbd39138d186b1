package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@ApiIT
class TopUpIT extends ApiIT.Base {

    private Api.Response topUp(Api.Person who, long cents, UUID method, String key) {
        return api.post(
                "/v1/me/wallet/top-ups",
                who.token(),
                key,
                Map.of("amount_cents", cents, "payment_method_id", method.toString()));
    }

    @Test
    void addedMoneyCanBeSentAtOnceButCashedOutOnlyOnceItsDebitSettles() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID bank = api.addVerifiedBank(alice);
        String key = UUID.randomUUID().toString();

        Api.Response added = topUp(alice, 5_000, bank, key);

        assertThat(added.status()).as(added.raw()).isEqualTo(201);
        assertThat(added.json().path("status").asString()).isEqualTo("pending");
        assertThat(added.json().path("amount_cents").asLong()).isEqualTo(5_000);
        String id = added.json().path("id").asString();
        Api.Response replay = topUp(alice, 5_000, bank, key);
        assertThat(replay.raw()).isEqualTo(added.raw());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");

        var wallet = api.get("/v1/me/wallet", alice.token()).json();
        assertThat(wallet.path("balance_cents").asLong()).isEqualTo(5_000);
        assertThat(wallet.path("unsettled_cents").asLong()).isEqualTo(5_000);
        assertThat(wallet.path("cashable_cents").asLong())
                .as("a new account has no allowance")
                .isZero();
        // the debit goes out in the next ACH file, as a bank debit that funds no transfer
        assertThat(db.queryForMap("SELECT kind, status, transfer_id FROM external_charges WHERE id = ?::uuid", id))
                .containsEntry("kind", "bank_debit")
                .containsEntry("status", "pending")
                .containsEntry("transfer_id", null);
        assertThat(db.queryForObject("SELECT kind FROM ledger_entries WHERE top_up_id = ?::uuid", String.class, id))
                .isEqualTo("top_up");

        Api.Response cashout = api.withPin(Api.PIN)
                .post(
                        "/v1/cashouts",
                        alice.token(),
                        UUID.randomUUID().toString(),
                        Map.of("amount_cents", 1_000, "speed", "standard", "payment_method_id", bank.toString()));
        assertThat(cashout.status()).isEqualTo(422);
        assertThat(cashout.problemType()).isEqualTo(Api.PROBLEMS + "funds-not-settled");
        Api.Response sent =
                api.transfer(alice, bob.id(), 2_000, UUID.randomUUID().toString());
        assertThat(sent.status()).as("sendable at once").isEqualTo(201);
        assertThat(api.get("/v1/me/wallet", bob.token())
                        .json()
                        .path("unsettled_cents")
                        .asLong())
                .as("and unsettled where it went")
                .isEqualTo(2_000);

        assertThat(api.get("/v1/me/wallet/top-ups", alice.token())
                        .json()
                        .path("items")
                        .valueStream()
                        .map(t -> t.path("id").asString()))
                .containsExactly(id);
        assertThat(api.get("/v1/me/wallet/top-ups/" + id, bob.token()).status())
                .as("another user's")
                .isEqualTo(404);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void onlyAVerifiedBankOfTheUsersOwnAddsMoneyWithinTheLimits() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID unverified = api.linkBank(alice, Api.newAccountNumber());
        UUID card = api.addCard(alice, Api.CARD);
        UUID bobsBank = api.addVerifiedBank(bob);
        UUID bank = api.addVerifiedBank(alice);

        Api.Response fromUnverified =
                topUp(alice, 100, unverified, UUID.randomUUID().toString());
        assertThat(fromUnverified.status()).isEqualTo(422);
        assertThat(fromUnverified.problemType()).isEqualTo(Api.PROBLEMS + "payment-method-unsuitable");
        assertThat(topUp(alice, 100, card, UUID.randomUUID().toString()).problemType())
                .isEqualTo(Api.PROBLEMS + "payment-method-unsuitable");
        assertThat(topUp(alice, 100, bobsBank, UUID.randomUUID().toString()).status())
                .isEqualTo(404);
        Api.Response tooMuch = api.withPin(Api.PIN)
                .post(
                        "/v1/me/wallet/top-ups",
                        alice.token(),
                        UUID.randomUUID().toString(),
                        Map.of("amount_cents", 500_001, "payment_method_id", bank.toString()));
        assertThat(tooMuch.problemType()).isEqualTo(Api.PROBLEMS + "limit-exceeded");

        // the daily limit (1,000,000) holds under concurrent top-ups: three of 400,000 at once, two pass
        List<Api.Response> at = Concurrently.run(
                3,
                i -> () -> api.withPin(Api.PIN)
                        .post(
                                "/v1/me/wallet/top-ups",
                                alice.token(),
                                UUID.randomUUID().toString(),
                                Map.of("amount_cents", 400_000, "payment_method_id", bank.toString())));
        Map<Integer, Long> byStatus =
                at.stream().collect(Collectors.groupingBy(Api.Response::status, Collectors.counting()));
        assertThat(byStatus).containsEntry(201, 2L).containsEntry(422, 1L);
        assertThat(api.balance(alice)).isEqualTo(800_000);
        LedgerInvariants.assertHold(db);
    }
}
