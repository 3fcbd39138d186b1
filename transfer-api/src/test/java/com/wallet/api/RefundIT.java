package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

@ApiIT
class RefundIT extends ApiIT.Base {

    private Api.Response refund(Api.Person who, String transferId, long cents, String note, String key) {
        Map<String, Object> body = new HashMap<>();
        body.put("amount_cents", cents);
        if (note != null) {
            body.put("note", note);
        }
        return api.post("/v1/transfers/" + transferId + "/refunds", who.token(), key, body);
    }

    private Api.Response refund(Api.Person who, String transferId, long cents) {
        return refund(who, transferId, cents, null, UUID.randomUUID().toString());
    }

    private String pay(Api.Person from, Api.Person to, long cents) {
        Api.Response paid = api.transfer(from, to.id(), cents, UUID.randomUUID().toString());
        assertThat(paid.status()).as(paid.raw()).isEqualTo(201);
        return paid.json().path("id").asString();
    }

    private List<String> historyIds(Api.Person who) {
        return api.get("/v1/me/transfers?limit=100", who.token())
                .json()
                .path("items")
                .valueStream()
                .map(i -> i.path("id").asString())
                .toList();
    }

    @Test
    void theReceiverRefundsInPartsUpToThePaymentAndNoFurther() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        String payment = pay(alice, bob, 1_000);

        Api.Response first = refund(
                bob, payment, 300, "sorry, wrong amount", UUID.randomUUID().toString());
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(first.json().path("refund_of").asString()).isEqualTo(payment);
        assertThat(first.json().path("sender_id").asString()).isEqualTo(bob.id().toString());
        assertThat(first.json().path("receiver_id").asString())
                .isEqualTo(alice.id().toString());
        assertThat(first.json().path("note").asString()).isEqualTo("sorry, wrong amount");
        assertThat(first.json().path("visibility").asString()).isEqualTo("friends");
        Api.Response rest = refund(bob, payment, 700);
        assertThat(rest.status()).as(rest.raw()).isEqualTo(201);
        assertThat(rest.json().path("note").asString()).isEqualTo("Refund: test 1000");

        Api.Response more = refund(bob, payment, 1);
        assertThat(more.status()).isEqualTo(422);
        assertThat(more.problemType()).isEqualTo(Api.PROBLEMS + "refund-exceeds-payment");
        assertThat(more.json().path("refundable_cents").asLong()).isZero();

        assertThat(api.balance(alice)).isEqualTo(1_000);
        assertThat(api.balance(bob)).isZero();
        Api.Response listed = api.get("/v1/transfers/" + payment + "/refunds", alice.token());
        assertThat(listed.json().path("refunded_cents").asLong()).isEqualTo(1_000);
        assertThat(listed.json().path("refundable_cents").asLong()).isZero();
        assertThat(listed.json()
                        .path("refunds")
                        .valueStream()
                        .map(r -> r.path("amount_cents").asLong()))
                .containsExactly(300L, 700L);
        // in both histories, linked to the payment
        String firstId = first.json().path("id").asString();
        assertThat(historyIds(alice)).contains(payment, firstId);
        assertThat(historyIds(bob)).contains(payment, firstId);
        assertThat(api.get("/v1/transfers/" + firstId, alice.token())
                        .json()
                        .path("refund_of")
                        .asString())
                .isEqualTo(payment);
        // booked as refunds, audited, and not counted against the refunder's sending limits
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM ledger_entries e JOIN transfers t ON t.id = e.transfer_id"
                                + " WHERE t.refund_of = ?::uuid AND e.kind = 'refund'",
                        Long.class,
                        payment))
                .isEqualTo(2);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'transfer.refunded' AND actor_id = ?",
                        Long.class,
                        bob.id()))
                .isEqualTo(2);
        assertThat(db.queryForObject(
                        "SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = ?",
                        Long.class,
                        bob.id()))
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    @Test
    void onlyTheReceiverRefundsAPaymentWithMoneyOfTheirOwn() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        api.fund(alice, 500);
        String payment = pay(alice, bob, 500);

        assertThat(refund(alice, payment, 100).status()).as("the payer").isEqualTo(403);
        assertThat(refund(carol, payment, 100).status()).as("a stranger").isEqualTo(404);
        assertThat(refund(bob, UUID.randomUUID().toString(), 100).status()).isEqualTo(404);
        assertThat(refund(bob, payment, 0).status()).isEqualTo(400);

        // bob spends the money: a refund is paid from the balance, so it is refused
        assertThat(pay(bob, carol, 450)).isNotNull();
        Api.Response poor = refund(bob, payment, 100);
        assertThat(poor.status()).isEqualTo(422);
        assertThat(poor.problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");
        assertThat(poor.json().path("available_cents").asLong()).isEqualTo(50);

        Api.Response ok = refund(bob, payment, 50);
        assertThat(ok.status()).isEqualTo(201);
        Api.Response again = refund(alice, ok.json().path("id").asString(), 10);
        assertThat(again.status()).as("a refund of a refund").isEqualTo(422);
        assertThat(again.problemType()).isEqualTo(Api.PROBLEMS + "not-refundable");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aRetriedRefundRefundsOnce() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 800);
        String payment = pay(alice, bob, 800);
        String key = UUID.randomUUID().toString();

        Api.Response first = refund(bob, payment, 200, null, key);
        Api.Response replay = refund(bob, payment, 200, null, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().path("id").asString())
                .isEqualTo(first.json().path("id").asString());
        assertThat(api.balance(alice)).isEqualTo(200);
        assertThat(refund(bob, payment, 300, null, key).status())
                .as("the same key for another amount")
                .isEqualTo(422);
    }

    @Test
    void concurrentRefundsNeverAddUpToMoreThanThePayment() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        api.fund(bob, 5_000); // enough of bob's own money that only the payment's amount can limit the refunds
        String payment = pay(alice, bob, 1_000);

        List<Api.Response> responses = Concurrently.run(16, i -> () -> refund(bob, payment, 125));

        Map<Integer, Long> byStatus =
                responses.stream().collect(Collectors.groupingBy(Api.Response::status, Collectors.counting()));
        assertThat(byStatus).containsEntry(201, 8L).containsEntry(422, 8L);
        assertThat(responses.stream().filter(r -> r.status() == 422))
                .allMatch(r -> r.problemType().equals(Api.PROBLEMS + "refund-exceeds-payment"));
        assertThat(db.queryForObject(
                        "SELECT sum(amount_cents) FROM transfers WHERE refund_of = ?::uuid", Long.class, payment))
                .isEqualTo(1_000);
        assertThat(api.balance(alice)).isEqualTo(1_000);
        assertThat(api.balance(bob)).isEqualTo(5_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aRefundSharesThePaymentsVisibilityAndFollowsItsChanges() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 400);
        String payment = pay(alice, bob, 400);
        String refundId = refund(bob, payment, 100).json().path("id").asString();

        Api.Response narrowed =
                api.send("PATCH", "/v1/transfers/" + refundId, bob.token(), null, Map.of("visibility", "private"));

        assertThat(narrowed.status()).as(narrowed.raw()).isEqualTo(200);
        assertThat(api.get("/v1/transfers/" + payment, alice.token())
                        .json()
                        .path("visibility")
                        .asString())
                .isEqualTo("private");
        assertThat(refund(bob, payment, 100).json().path("visibility").asString())
                .isEqualTo("private");
        // widening is the payment's sender's to do, whichever of the family is named
        assertThat(api.send("PATCH", "/v1/transfers/" + refundId, bob.token(), null, Map.of("visibility", "public"))
                        .status())
                .isEqualTo(403);
        assertThat(api.send("PATCH", "/v1/transfers/" + refundId, alice.token(), null, Map.of("visibility", "public"))
                        .status())
                .isEqualTo(200);
        assertThat(db.queryForList(
                        "SELECT DISTINCT visibility FROM transfers WHERE id = ?::uuid OR refund_of = ?::uuid",
                        String.class,
                        payment,
                        payment))
                .containsExactly("public");
    }

    @Test
    void aPaymentOlderThanTheWindowCannotBeRefunded() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 300);
        String payment = pay(alice, bob, 300);
        try (ConfigurableApplicationContext strict = anotherInstance("--wallet.transfers.refund-window=PT0S")) {
            Api other = new Api(portOf(strict), db, sim);
            Api.Response late = other.post(
                    "/v1/transfers/" + payment + "/refunds",
                    bob.token(),
                    UUID.randomUUID().toString(),
                    Map.of("amount_cents", 100));
            assertThat(late.status()).isEqualTo(422);
            assertThat(late.problemType()).isEqualTo(Api.PROBLEMS + "refund-window-closed");
            assertThat(late.json().path("refundable_until").asString()).isNotBlank();
            assertThat(other.get("/v1/transfers/" + payment + "/refunds", alice.token())
                            .json()
                            .path("refundable_cents")
                            .asLong())
                    .isZero();
        }
        assertThat(refund(bob, payment, 100).status())
                .as("within the default 180 days")
                .isEqualTo(201);
    }
}
