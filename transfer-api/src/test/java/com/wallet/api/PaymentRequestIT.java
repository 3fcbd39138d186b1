package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@ApiIT
class PaymentRequestIT extends ApiIT.Base {

    private Api.Response ask(Api.Person requester, Api.Person payer, long cents) {
        return api.post(
                "/v1/payment-requests",
                requester.token(),
                null,
                Map.of(
                        "payer_id",
                        payer.id().toString(),
                        "amount_cents",
                        cents,
                        "note",
                        "dinner",
                        "visibility",
                        "private"));
    }

    private Api.Response act(Api.Person who, String requestId, String action, String key) {
        return api.post("/v1/payment-requests/" + requestId + "/" + action, who.token(), key, null);
    }

    @Test
    void thePayerPaysARequestWithOneLinkedTransfer() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(bob, 2_000);

        Api.Response asked = ask(alice, bob, 1_500);
        assertThat(asked.status()).isEqualTo(201);
        assertThat(asked.json().path("status").asString()).isEqualTo("pending");
        String id = asked.json().path("id").asString();

        Api.Response paid = act(bob, id, "pay", UUID.randomUUID().toString());

        assertThat(paid.status()).isEqualTo(201);
        assertThat(paid.json().path("payment_request_id").asString()).isEqualTo(id);
        assertThat(paid.json().path("receiver_id").asString())
                .isEqualTo(alice.id().toString());
        assertThat(paid.json().path("amount_cents").asLong()).isEqualTo(1_500);
        assertThat(paid.json().path("visibility").asString()).isEqualTo("private");
        assertThat(api.balance(bob)).isEqualTo(500);
        assertThat(api.balance(alice)).isEqualTo(1_500);
        Api.Response after = api.get("/v1/payment-requests/" + id, alice.token());
        assertThat(after.json().path("status").asString()).isEqualTo("paid");
        assertThat(after.json().path("transfer_id").asString())
                .isEqualTo(paid.json().path("id").asString());
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aRequestPaidTwiceAtOnceIsPaidOnce() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(bob, 10_000);
        String id = ask(alice, bob, 700).json().path("id").asString();

        List<Api.Response> responses = Concurrently.run(
                20, i -> () -> act(bob, id, "pay", UUID.randomUUID().toString()));

        Map<Integer, Long> byStatus =
                responses.stream().collect(Collectors.groupingBy(Api.Response::status, Collectors.counting()));
        assertThat(byStatus).containsEntry(201, 1L).containsEntry(409, 19L);
        assertThat(responses.stream().filter(r -> r.status() == 409))
                .allMatch(r -> r.problemType().equals(Api.PROBLEMS + "request-not-pending"));
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM transfers WHERE payment_request_id = ?", Long.class, UUID.fromString(id)))
                .isEqualTo(1);
        assertThat(api.balance(bob)).isEqualTo(9_300);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void theDatabaseItselfRefusesASecondTransferForOnePaidRequest() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(bob, 1_000);
        String id = ask(alice, bob, 100).json().path("id").asString();
        assertThat(act(bob, id, "pay", UUID.randomUUID().toString()).status()).isEqualTo(201);

        // a copy of the paying transfer under a new id: the partial unique index on payment_request_id refuses it
        assertThatThrownBy(() -> db.update(
                        "INSERT INTO transfers (id, sender_id, receiver_id, amount_cents,"
                                + " balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status,"
                                + " payment_request_id) SELECT ?, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                                + " card_cents, fee_cents, note, visibility, status, payment_request_id FROM transfers"
                                + " WHERE payment_request_id = ?",
                        UUID.randomUUID(),
                        UUID.fromString(id)))
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
    }

    @Test
    void onlyThePayerPaysOrDeclinesAndOnlyTheRequesterCancels() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person mallory = api.newUser("mallory");
        api.fund(bob, 1_000);
        String id = ask(alice, bob, 100).json().path("id").asString();

        assertThat(act(mallory, id, "pay", "k1").status()).isEqualTo(404);
        assertThat(act(mallory, id, "decline", null).status()).isEqualTo(404);
        assertThat(api.get("/v1/payment-requests/" + id, mallory.token()).status())
                .isEqualTo(404);
        assertThat(act(alice, id, "pay", "k2").status()).isEqualTo(403);
        assertThat(act(alice, id, "decline", null).status()).isEqualTo(403);
        assertThat(act(bob, id, "cancel", null).status()).isEqualTo(403);

        Api.Response declined = act(bob, id, "decline", null);
        assertThat(declined.status()).isEqualTo(200);
        assertThat(declined.json().path("status").asString()).isEqualTo("declined");
        Api.Response late = act(bob, id, "pay", UUID.randomUUID().toString());
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json().path("request_status").asString()).isEqualTo("declined");
        assertThat(api.balance(bob)).isEqualTo(1_000);

        String second = ask(alice, bob, 100).json().path("id").asString();
        assertThat(act(alice, second, "cancel", null).json().path("status").asString())
                .isEqualTo("cancelled");
        assertThat(act(alice, second, "cancel", null).status()).isEqualTo(409);
    }

    @Test
    void requestsAreListedByRoleAndStatusAndValidated() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        String first = ask(alice, bob, 100).json().path("id").asString();
        String second = ask(alice, bob, 200).json().path("id").asString();
        act(bob, first, "decline", null);

        Api.Response incoming = api.get("/v1/me/payment-requests?role=incoming", bob.token());
        assertThat(incoming.json().path("items")).hasSize(2);
        assertThat(incoming.json().path("items").get(0).path("id").asString()).isEqualTo(second);
        Api.Response pending = api.get("/v1/me/payment-requests?role=outgoing&status=pending", alice.token());
        assertThat(pending.json().path("items")).hasSize(1);
        assertThat(pending.json().path("items").get(0).path("id").asString()).isEqualTo(second);
        assertThat(api.get("/v1/me/payment-requests?role=outgoing", bob.token())
                        .json()
                        .path("items"))
                .isEmpty();

        assertThat(api.get("/v1/me/payment-requests?role=sideways", bob.token()).status())
                .isEqualTo(400);
        assertThat(api.get("/v1/me/payment-requests?role=incoming&status=lost", bob.token())
                        .status())
                .isEqualTo(400);
        assertThat(ask(alice, alice, 100).problemType()).isEqualTo(Api.PROBLEMS + "self-request");
        assertThat(api.post(
                                "/v1/payment-requests",
                                alice.token(),
                                null,
                                Map.of("payer_id", UUID.randomUUID().toString(), "amount_cents", 5, "note", "x"))
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "unknown-payer");
        assertThat(ask(alice, bob, 0).status()).isEqualTo(400);
        assertThat(ask(alice, bob, 500_001).problemType()).isEqualTo(Api.PROBLEMS + "limit-exceeded");
    }

    private long reminders(Api.Person payer, String requestId) {
        return db.queryForObject(
                "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'request_reminder'"
                        + " AND subject_id = ?::uuid",
                Long.class,
                payer.id(),
                requestId);
    }

    /**
     * The requester reminds the payer of a pending request: a notification, at most one a day (the next refused 429
     * with the wait), none by the payer or anyone else, none once the request has ended.
     */
    @Test
    void theRequesterRemindsThePayerAtMostOnceADay() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        String id = ask(alice, bob, 1_200).json().path("id").asString();

        // two sent together make one reminder
        List<Api.Response> together = Concurrently.run(2, i -> () -> act(alice, id, "remind", null));
        assertThat(together.stream().map(Api.Response::status).sorted().toList())
                .containsExactly(200, 429);
        assertThat(reminders(bob, id)).isEqualTo(1);
        Api.Response again = act(alice, id, "remind", null);
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.problemType()).isEqualTo(Api.PROBLEMS + "rate-limited");
        assertThat(Long.parseLong(again.header("Retry-After"))).isBetween(86_000L, 86_400L);
        String payload = db.queryForObject(
                "SELECT payload::text FROM notifications WHERE user_id = ? AND kind = 'request_reminder'",
                String.class,
                bob.id());
        assertThat(payload).contains(alice.id().toString()).contains("1200").contains("dinner");

        // a day later (moved back rather than waited for)
        db.update(
                "UPDATE payment_request_reminders SET reminded_at = reminded_at - interval '1 day'"
                        + " WHERE request_id = ?::uuid",
                id);
        assertThat(act(alice, id, "remind", null).status()).isEqualTo(200);
        assertThat(reminders(bob, id)).isEqualTo(2);

        assertThat(act(bob, id, "remind", null).status()).as("the payer").isEqualTo(403);
        assertThat(act(carol, id, "remind", null).status()).as("anyone else").isEqualTo(404);
        assertThat(act(bob, id, "decline", null).status()).isEqualTo(200);
        db.update(
                "UPDATE payment_request_reminders SET reminded_at = reminded_at - interval '1 day'"
                        + " WHERE request_id = ?::uuid",
                id);
        Api.Response ended = act(alice, id, "remind", null);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.problemType()).isEqualTo(Api.PROBLEMS + "request-not-pending");
        assertThat(reminders(bob, id)).isEqualTo(2);
    }
}
