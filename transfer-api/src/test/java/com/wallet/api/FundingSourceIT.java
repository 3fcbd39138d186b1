package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.sim.CardNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@ApiIT
class FundingSourceIT extends ApiIT.Base {

    @Test
    void aLinkedBankShowsOnlyItsLast4AndIsStoredEncrypted() {
        Api.Person alice = api.newUser("alice");
        String account = Api.newAccountNumber();

        Api.Response linked = api.post(
                "/v1/me/payment-methods",
                alice.token(),
                null,
                Map.of("type", "bank", "routing_number", Api.ROUTING, "account_number", account));

        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.raw()).doesNotContain(account);
        assertThat(linked.json().path("last4").asString()).isEqualTo(account.substring(account.length() - 4));
        assertThat(linked.json().path("status").asString()).isEqualTo("unverified");
        assertThat(linked.json().path("is_default").asBoolean()).isTrue();
        UUID id = UUID.fromString(linked.json().path("id").asString());
        byte[] stored =
                db.queryForObject("SELECT number_encrypted FROM payment_methods WHERE id = ?", byte[].class, id);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(account);
        assertThat(stored.length).isGreaterThan(account.length() + 16); // nonce and tag around the ciphertext
        assertThat(api.get("/v1/me/payment-methods", alice.token()).raw()).doesNotContain(account);
    }

    @Test
    void numbersAreCheckedAndNeverEchoed() {
        Api.Person alice = api.newUser("alice");
        Api.Response badRouting = api.post(
                "/v1/me/payment-methods",
                alice.token(),
                null,
                Map.of("type", "bank", "routing_number", "091000018", "account_number", "12345678"));
        assertThat(badRouting.status()).isEqualTo(400);
        assertThat(badRouting.json().path("detail").asString()).contains("routing_number", "check digit");

        Api.Response badLuhn = api.post(
                "/v1/me/payment-methods",
                alice.token(),
                null,
                Map.of("type", "card", "card_number", "4242424242424241", "exp_month", 12, "exp_year", 2031));
        assertThat(badLuhn.status()).isEqualTo(400);
        assertThat(badLuhn.json().path("detail").asString()).contains("Luhn");
        assertThat(badLuhn.raw()).doesNotContain("4242424242424241");

        Api.Response expired = api.post(
                "/v1/me/payment-methods",
                alice.token(),
                null,
                Map.of("type", "card", "card_number", Api.CARD, "exp_month", 1, "exp_year", 2020));
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().path("detail").asString()).contains("exp_month/exp_year");

        Api.Response mixed = api.post(
                "/v1/me/payment-methods",
                alice.token(),
                null,
                Map.of(
                        "type",
                        "card",
                        "card_number",
                        Api.CARD,
                        "exp_month",
                        1,
                        "exp_year",
                        2031,
                        "routing_number",
                        Api.ROUTING));
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(api.get("/v1/me/payment-methods", alice.token()).json().path("items"))
                .isEmpty();
    }

    @Test
    void aBankIsVerifiedByItsMicroDepositsAndLockedAfterThreeWrongTries() {
        Api.Person alice = api.newUser("alice");
        String account = Api.newAccountNumber();
        UUID good = api.linkBank(alice, account);
        assertThat(api.verifyBank(alice, good, account).json().path("status").asString())
                .isEqualTo("active");

        String other = Api.newAccountNumber();
        UUID bad = api.linkBank(alice, other);
        List<Long> real = sim.ach().statement(Api.ROUTING, other).get(0).amountsCents();
        List<Long> wrong = List.of(real.get(0) % 99 + 1, real.get(1));
        for (int attempt = 1; attempt <= 3; attempt++) {
            Api.Response r = api.post(
                    "/v1/me/payment-methods/" + bad + "/verify", alice.token(), null, Map.of("amounts_cents", wrong));
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "verification-failed");
            assertThat(r.json().path("attempts_left").asInt()).isEqualTo(3 - attempt);
        }
        Api.Response locked = api.post(
                "/v1/me/payment-methods/" + bad + "/verify", alice.token(), null, Map.of("amounts_cents", real));
        assertThat(locked.status()).isEqualTo(409);
        assertThat(locked.problemType()).isEqualTo(Api.PROBLEMS + "not-verifiable");
    }

    private Api.Response link(Api.Person user, String account) {
        return api.post(
                "/v1/me/payment-methods",
                user.token(),
                null,
                Map.of("type", "bank", "routing_number", Api.ROUTING, "account_number", account));
    }

    @Test
    void relinkingABankAccountGivesNoFreshGuessesToAnyone() {
        // someone else's account: three wrong answers lock it for good, across re-links and across users
        String victim = Api.newAccountNumber();
        Api.Person mallory = api.newUser("mallory");
        UUID first = api.linkBank(mallory, victim);
        api.guessWrongThreeTimes(mallory, first, victim);
        long deposits = sim.ach().statement(Api.ROUTING, victim).size();

        Api.Response relinked = link(mallory, victim);
        assertThat(relinked.status()).isEqualTo(409);
        assertThat(relinked.problemType()).isEqualTo(Api.PROBLEMS + "not-verifiable");
        Api.Response accomplice = link(api.newUser("accomplice"), victim);
        assertThat(accomplice.status()).isEqualTo(409);
        assertThat(sim.ach().statement(Api.ROUTING, victim))
                .as("no more micro-deposits are sent to a locked account")
                .hasSize((int) deposits);
        // the fingerprint is stored, the number never in clear
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM bank_verification_failures f JOIN payment_methods m"
                                + " ON m.fingerprint = f.fingerprint WHERE m.id = ?",
                        Long.class,
                        first))
                .isEqualTo(3);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM payment_methods WHERE id = ? AND position(?::bytea IN fingerprint) > 0",
                        Long.class,
                        first,
                        victim.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isZero();
    }

    @Test
    void aUserWhoGuessesAcrossAccountsIsStoppedAndLinksAreCappedPerDay() {
        Api.Person mallory = api.newUser("mallory");
        String a = Api.newAccountNumber();
        String b = Api.newAccountNumber();
        api.guessWrongThreeTimes(mallory, api.linkBank(mallory, a), a);
        UUID second = api.linkBank(mallory, b);
        List<Long> real = sim.ach().statement(Api.ROUTING, b).get(0).amountsCents();
        List<Long> wrong = List.of(real.get(0) % 99 + 1, real.get(1));
        for (int i = 0; i < 2; i++) {
            assertThat(api.post(
                                    "/v1/me/payment-methods/" + second + "/verify",
                                    mallory.token(),
                                    null,
                                    Map.of("amounts_cents", wrong))
                            .status())
                    .isEqualTo(422);
        }
        // five wrong answers in all: even the right amounts are refused now
        Api.Response stopped = api.post(
                "/v1/me/payment-methods/" + second + "/verify", mallory.token(), null, Map.of("amounts_cents", real));
        assertThat(stopped.status()).isEqualTo(409);
        assertThat(stopped.json().path("reason").asString()).isEqualTo("user_locked");

        Api.Person linker = api.newUser("linker");
        for (int i = 0; i < 3; i++) {
            assertThat(link(linker, Api.newAccountNumber()).status()).isEqualTo(201);
        }
        Api.Response fourth = link(linker, Api.newAccountNumber());
        assertThat(fourth.status()).isEqualTo(422);
        assertThat(fourth.problemType()).isEqualTo(Api.PROBLEMS + "limit-exceeded");
    }

    @Test
    void microDepositsAreBookedAsMoneyLeaving() {
        long before = db.queryForObject(
                "SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 6", Long.class);
        Api.Person alice = api.newUser("alice");
        String account = Api.newAccountNumber();
        api.linkBank(alice, account);
        long sent = sim.ach().statement(Api.ROUTING, account).get(0).amountsCents().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertThat(db.queryForObject(
                        "SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 6", Long.class))
                .isEqualTo(before - sent);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void theDefaultIsOnePerTypeAndTheWaterfallUsesIt() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID first = api.addVerifiedBank(alice);
        UUID second = api.addVerifiedBank(alice);
        assertThat(api.post("/v1/me/payment-methods/" + second + "/default", alice.token(), null, null)
                        .json()
                        .path("is_default")
                        .asBoolean())
                .isTrue();
        Api.Response listed = api.get("/v1/me/payment-methods", alice.token());
        assertThat(listed.json()
                        .path("items")
                        .valueStream()
                        .filter(m -> m.path("is_default").asBoolean())
                        .map(m -> m.path("id").asString())
                        .toList())
                .containsExactly(second.toString());

        Api.Response sent = api.transfer(alice, bob.id(), 700, UUID.randomUUID().toString());
        assertThat(sent.status()).isEqualTo(201);
        assertThat(db.queryForObject(
                        "SELECT payment_method_id FROM external_charges WHERE transfer_id = ?",
                        UUID.class,
                        UUID.fromString(sent.json().path("id").asString())))
                .isEqualTo(second)
                .isNotEqualTo(first);
    }

    @Test
    void unlinkIsRefusedWhileABankDebitIsUnsettled() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        UUID bank = api.addVerifiedBank(alice);
        UUID card = api.addCard(alice, Api.CARD);
        assertThat(api.transfer(alice, bob.id(), 500, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);

        Api.Response refused = api.send("DELETE", "/v1/me/payment-methods/" + bank, alice.token(), null, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo(Api.PROBLEMS + "payment-method-in-use");

        assertThat(api.send("DELETE", "/v1/me/payment-methods/" + card, alice.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/v1/me/payment-methods", alice.token()).raw())
                .contains(bank.toString())
                .doesNotContain(card.toString());
    }

    @Test
    void someoneElsesMethodDoesNotExistForTheCaller() {
        Api.Person alice = api.newUser("alice");
        Api.Person mallory = api.newUser("mallory");
        UUID card = api.addCard(alice, Api.CARD);
        assertThat(api.send("DELETE", "/v1/me/payment-methods/" + card, mallory.token(), null, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/v1/me/payment-methods/" + card + "/default", mallory.token(), null, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.post(
                                "/v1/me/payment-methods/" + card + "/verify",
                                mallory.token(),
                                null,
                                Map.of("amounts_cents", List.of(1, 2)))
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/v1/me/payment-methods", alice.token()).raw()).contains(card.toString());
    }

    @Test
    void aChargeWhoseTransferNeverCommittedIsVoidedByTheSweep() {
        // what a crash between the network's capture and our commit leaves: a started journal row, a captured charge
        Api.Person alice = api.newUser("alice");
        UUID card = api.addCard(alice, Api.CARD);
        UUID charge = UUID.randomUUID();
        db.update(
                "INSERT INTO card_charges (id, user_id, payment_method_id, amount_cents, status, created_at)"
                        + " VALUES (?, ?, ?, 1234, 'started', now() - interval '1 hour')",
                charge,
                alice.id(),
                card);
        sim.card().charge(charge.toString(), Api.CARD, 1_234);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(db.queryForObject("SELECT status FROM card_charges WHERE id = ?", String.class, charge))
                    .isEqualTo("voided");
            assertThat(sim.card().findCharge(charge.toString()))
                    .map(CardNetwork.Operation::status)
                    .contains(CardNetwork.Status.VOIDED);
        });
    }

    @Test
    void aDeclinedCardFailsTheTransferAndMovesNothing() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.addCard(alice, "4000000000000002");

        Api.Response r = api.transfer(alice, bob.id(), 1_000, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "card-declined");
        assertThat(api.balance(bob)).isZero();
        assertThat(db.queryForObject("SELECT status FROM card_charges WHERE user_id = ?", String.class, alice.id()))
                .isEqualTo("declined");
        LedgerInvariants.assertHold(db);
    }
}
