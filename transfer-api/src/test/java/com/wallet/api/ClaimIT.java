package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.claim.ClaimService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Paying someone who is not a user yet; the one-time codes are read from the delivery stub's table. */
@ApiIT
class ClaimIT extends ApiIT.Base {

    @Autowired
    ClaimService claims;

    private static final Pattern CODE = Pattern.compile("code is ([0-9]{6})");

    private Api.Response pay(Api.Person from, String field, String contact, long cents) {
        Map<String, Object> body = new HashMap<>(Map.of(field, contact, "amount_cents", cents, "note", "welcome"));
        return api.post("/v1/transfers", from.token(), UUID.randomUUID().toString(), body);
    }

    private String lastCode(String kind, String contact) {
        String body = db.queryForObject(
                "SELECT body FROM contact_messages WHERE contact_kind = ? AND contact = ?"
                        + " AND kind = 'verification_code' ORDER BY id DESC LIMIT 1",
                String.class,
                kind,
                contact);
        Matcher m = CODE.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    private Api.Response prove(Api.Person who, String field, String contact, String code) {
        return api.post("/v1/me/contacts/verify", who.token(), null, Map.of(field, contact, "code", code));
    }

    private static String newEmail() {
        return "newbie." + UUID.randomUUID() + "@Example.com";
    }

    private static String newPhone() {
        return "+1555" + String.format("%07d", Math.floorMod(UUID.randomUUID().hashCode(), 10_000_000));
    }

    private JsonNode wallet(Api.Person who) {
        return api.get("/v1/me/wallet", who.token()).json();
    }

    @Test
    void aPaymentToAnEmailIsHeldUntilSomeoneProvesItThenTheEmailReachesThemDirectly() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 2_000);
        String email = newEmail();
        String normalized = email.toLowerCase(java.util.Locale.ROOT);

        Api.Response sent = pay(alice, "receiver_email", email, 1_500);

        assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
        assertThat(sent.json().path("status").asString()).isEqualTo("pending");
        assertThat(sent.json().path("receiver_email").asString()).isEqualTo(normalized);
        String claimId = sent.json().path("id").asString();
        assertThat(wallet(alice).path("held_cents").asLong()).isEqualTo(1_500);
        assertThat(wallet(alice).path("available_cents").asLong()).isEqualTo(500);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM contact_messages WHERE contact = ? AND kind = 'invitation'",
                        Long.class,
                        normalized))
                .isEqualTo(1);

        Api.Person bob = api.newUser("bob");
        assertThat(api.post("/v1/me/contacts", bob.token(), null, Map.of("email", email))
                        .status())
                .isEqualTo(202);
        String code = lastCode("email", normalized);
        Api.Response wrong = prove(bob, "email", email, code.equals("000000") ? "111111" : "000000");
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.problemType()).isEqualTo(Api.PROBLEMS + "code-incorrect");
        assertThat(wrong.json().path("attempts_left").asInt()).isEqualTo(4);

        Api.Response proven = prove(bob, "email", email, code);

        assertThat(proven.status()).as(proven.raw()).isEqualTo(200);
        assertThat(proven.json()
                        .path("claims")
                        .valueStream()
                        .map(c -> c.path("status").asString()))
                .containsExactly("claimed");
        assertThat(api.balance(bob)).isEqualTo(1_500);
        assertThat(api.balance(alice)).isEqualTo(500);
        assertThat(wallet(alice).path("held_cents").asLong()).isZero();
        JsonNode claim = api.get("/v1/claims/" + claimId, alice.token()).json();
        assertThat(claim.path("status").asString()).isEqualTo("claimed");
        assertThat(claim.path("claimed_by").asString()).isEqualTo(bob.id().toString());
        JsonNode transfer = api.get("/v1/transfers/" + claim.path("transfer_id").asString(), bob.token())
                .json();
        assertThat(transfer.path("sender_id").asString()).isEqualTo(alice.id().toString());
        assertThat(transfer.path("note").asString()).isEqualTo("welcome");
        assertThat(api.get("/v1/me/notifications", alice.token())
                        .json()
                        .path("items")
                        .valueStream()
                        .map(n -> n.path("kind").asString()))
                .contains("claim_claimed");
        assertThat(prove(bob, "email", email, code).status())
                .as("a code works once")
                .isEqualTo(422);

        // the proven email now reaches bob directly
        Api.Response direct = pay(alice, "receiver_email", email, 100);
        assertThat(direct.status()).isEqualTo(201);
        assertThat(direct.json().path("receiver_id").asString())
                .isEqualTo(bob.id().toString());
        assertThat(api.balance(bob)).isEqualTo(1_600);
        // nobody else can prove it
        Api.Person carol = api.newUser("carol");
        Api.Response taken = api.post("/v1/me/contacts", carol.token(), null, Map.of("email", email));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.problemType()).isEqualTo(Api.PROBLEMS + "contact-taken");
        // counted against alice's limits once, when sent: 1,500 + 100
        assertThat(db.queryForObject(
                        "SELECT sum(sent_cents) FROM sent_by_hour WHERE user_id = ?", Long.class, alice.id()))
                .isEqualTo(1_600);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aPaymentHeldForAContactIsNotClaimedBySomeoneWhoBlockedThePayer() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 2_000);
        String email = newEmail();
        String normalized = email.toLowerCase(java.util.Locale.ROOT);
        String claimId =
                pay(alice, "receiver_email", email, 1_500).json().path("id").asString();
        Api.Person bob = api.newUser("bob");
        assertThat(api.send("PUT", "/v1/me/blocks/" + alice.id(), bob.token(), null, null)
                        .status())
                .isEqualTo(200);

        assertThat(api.post("/v1/me/contacts", bob.token(), null, Map.of("email", email))
                        .status())
                .isEqualTo(202);
        Api.Response proven = prove(bob, "email", email, lastCode("email", normalized));

        assertThat(proven.status()).as(proven.raw()).isEqualTo(200);
        assertThat(proven.json().path("claims").size()).as("nothing claimed").isZero();
        assertThat(api.balance(bob)).isZero();
        assertThat(api.get("/v1/claims/" + claimId, alice.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("pending");
        assertThat(wallet(alice).path("held_cents").asLong()).isEqualTo(1_500);
        // the proven email now names bob, whom alice is told does not exist
        Api.Response direct = pay(alice, "receiver_email", email, 100);
        assertThat(direct.status()).isEqualTo(422);
        assertThat(direct.problemType()).isEqualTo(Api.PROBLEMS + "unknown-receiver");
        // alice takes her money back
        assertThat(api.post("/v1/claims/" + claimId + "/cancel", alice.token(), null, null)
                        .status())
                .isEqualTo(200);
        assertThat(wallet(alice).path("available_cents").asLong()).isEqualTo(2_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void anUnclaimedPaymentGoesBackToThePayerWhenItExpiresOrIsCancelled() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 1_000);
        String phone = newPhone();
        String expiring =
                pay(alice, "receiver_phone", phone, 400).json().path("id").asString();
        String cancelled =
                pay(alice, "receiver_email", newEmail(), 300).json().path("id").asString();
        assertThat(wallet(alice).path("available_cents").asLong()).isEqualTo(300);

        Api.Response cancel = api.post("/v1/claims/" + cancelled + "/cancel", alice.token(), null, null);
        assertThat(cancel.json().path("status").asString()).isEqualTo("cancelled");
        assertThat(api.post("/v1/claims/" + cancelled + "/cancel", alice.token(), null, null)
                        .status())
                .isEqualTo(409);
        assertThat(claims.expireAt(Instant.now().plus(Duration.ofDays(29))))
                .as("not yet")
                .isZero();
        claims.expireAt(Instant.now().plus(Duration.ofDays(31)));

        assertThat(api.get("/v1/claims/" + expiring, alice.token())
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("expired");
        assertThat(wallet(alice).path("available_cents").asLong()).isEqualTo(1_000);
        assertThat(api.get("/v1/me/notifications", alice.token())
                        .json()
                        .path("items")
                        .valueStream()
                        .map(n -> n.path("kind").asString()))
                .contains("claim_expired");
        // proving the phone afterwards claims nothing
        Api.Person late = api.newUser("late");
        api.post("/v1/me/contacts", late.token(), null, Map.of("phone", phone));
        Api.Response proven = prove(late, "phone", phone, lastCode("phone", phone));
        assertThat(proven.status()).isEqualTo(200);
        assertThat(proven.json().path("claims").size()).isZero();
        assertThat(api.balance(late)).isZero();
        assertThat(api.balance(alice)).isEqualTo(1_000);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aClaimAndItsExpiryAtTheSameMomentMoveTheMoneyOnce() throws Exception {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 800);
        String email = newEmail();
        String claimId =
                pay(alice, "receiver_email", email, 800).json().path("id").asString();
        Api.Person bob = api.newUser("bob");
        api.post("/v1/me/contacts", bob.token(), null, Map.of("email", email));
        String code = lastCode("email", email.toLowerCase(java.util.Locale.ROOT));

        List<Object> outcomes = Concurrently.run(
                2,
                i -> i == 0
                        ? () -> prove(bob, "email", email, code)
                        : () -> claims.expireAt(Instant.now().plus(Duration.ofDays(31))));

        String status = api.get("/v1/claims/" + claimId, alice.token())
                .json()
                .path("status")
                .asString();
        assertThat(status).as(outcomes.toString()).isIn("claimed", "expired");
        long bobs = api.balance(bob);
        long alices = api.balance(alice);
        assertThat(bobs + alices).isEqualTo(800);
        assertThat(bobs).isEqualTo(status.equals("claimed") ? 800 : 0);
        assertThat(wallet(alice).path("held_cents").asLong()).isZero();
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aBadContactIsRefusedClearly() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 100);
        assertThat(pay(alice, "receiver_email", "not-an-email", 10).status()).isEqualTo(400);
        assertThat(pay(alice, "receiver_phone", "555-0100", 10).status())
                .as("not E.164")
                .isEqualTo(400);
        Api.Response both = api.post(
                "/v1/transfers",
                alice.token(),
                UUID.randomUUID().toString(),
                Map.of(
                        "receiver_id",
                        alice.id().toString(),
                        "receiver_email",
                        newEmail(),
                        "amount_cents",
                        10,
                        "note",
                        "x"));
        assertThat(both.status()).isEqualTo(400);
        Api.Response poor = pay(alice, "receiver_email", newEmail(), 101);
        assertThat(poor.status()).isEqualTo(422);
        assertThat(poor.problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");
        assertThat(api.post(
                                "/v1/me/contacts/verify",
                                alice.token(),
                                null,
                                Map.of("email", newEmail(), "code", "123456"))
                        .problemType())
                .as("no code was sent")
                .isEqualTo(Api.PROBLEMS + "code-incorrect");
    }
}
