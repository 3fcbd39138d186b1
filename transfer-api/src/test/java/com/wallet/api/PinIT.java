package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The step-up PIN: asked for (Wallet-Pin header) on cash-outs, linking and unlinking funding sources, and transfers
 * and payments of requests above $100; refusals change nothing; wrong PINs are throttled and locked like passwords
 * (test settings: 2 free failures, delays from 1 s, a lock at 5) and audited.
 */
@ApiIT
class PinIT extends ApiIT.Base {

    private static Map<String, Object> card() {
        return Map.of(
                "type",
                "card",
                "card_number",
                Api.CARD,
                "exp_month",
                12,
                "exp_year",
                java.time.Year.now().getValue() + 3);
    }

    private int methods(Api.Person user) {
        return db.queryForObject(
                "SELECT count(*) FROM payment_methods WHERE user_id = ? AND NOT removed", Integer.class, user.id());
    }

    @Test
    void everyGuardedCallAsksForThePinAndARefusalChangesNothing() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api noPin = api.withPin(null);
        Api wrongPin = api.withPin("1357");

        // linking
        Api.Response refused = noPin.post("/v1/me/payment-methods", alice.token(), null, card());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.problemType()).isEqualTo(Api.PROBLEMS + "pin-required");
        assertThat(wrongPin.post("/v1/me/payment-methods", alice.token(), null, card())
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "pin-incorrect");
        assertThat(methods(alice)).isZero();
        UUID card = api.addCard(alice, Api.CARD);

        // unlinking
        assertThat(noPin.send("DELETE", "/v1/me/payment-methods/" + card, alice.token(), null, null)
                        .status())
                .isEqualTo(403);
        assertThat(methods(alice)).isEqualTo(1);
        assertThat(api.send("DELETE", "/v1/me/payment-methods/" + card, alice.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(methods(alice)).isZero();

        // cash-outs, whatever the amount
        api.fund(alice, 50_000);
        UUID bank = api.addVerifiedBank(alice);
        Map<String, Object> cashout =
                Map.of("amount_cents", 100, "speed", "standard", "payment_method_id", bank.toString());
        String key = UUID.randomUUID().toString();
        assertThat(noPin.post("/v1/cashouts", alice.token(), key, cashout).problemType())
                .isEqualTo(Api.PROBLEMS + "pin-required");
        assertThat(db.queryForObject("SELECT count(*) FROM cashouts WHERE user_id = ?", Integer.class, alice.id()))
                .isZero();
        // the refused key was not stored: the same key with the PIN runs the cash-out
        assertThat(api.post("/v1/cashouts", alice.token(), key, cashout).status())
                .isEqualTo(202);

        // transfers: up to $100 without, above with the PIN
        assertThat(noPin.transfer(alice, bob.id(), 10_000, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        long before = api.balance(alice);
        Api.Response large =
                noPin.transfer(alice, bob.id(), 10_001, UUID.randomUUID().toString());
        assertThat(large.status()).isEqualTo(403);
        assertThat(large.problemType()).isEqualTo(Api.PROBLEMS + "pin-required");
        assertThat(api.balance(alice)).isEqualTo(before);
        assertThat(api.transfer(alice, bob.id(), 10_001, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);

        // paying a request above $100
        Api.Response ask = api.post(
                "/v1/payment-requests",
                bob.token(),
                null,
                Map.of("payer_id", alice.id().toString(), "amount_cents", 20_000, "note", "rent"));
        assertThat(ask.status()).isEqualTo(201);
        String pay = "/v1/payment-requests/" + ask.json().path("id").asString() + "/pay";
        assertThat(noPin.post(pay, alice.token(), UUID.randomUUID().toString(), null)
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "pin-required");
        assertThat(api.post(pay, alice.token(), UUID.randomUUID().toString(), null)
                        .status())
                .isEqualTo(201);

        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'pin.refused'"
                                + " AND outcome = 'refused' AND reason = 'pin_required'",
                        Integer.class,
                        alice.id()))
                .isEqualTo(5);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'pin.failed'",
                        Integer.class,
                        alice.id()))
                .isEqualTo(1);
    }

    @Test
    void aUserWithoutAPinSetsOneWithTheirPassword() {
        String name = "nopin_" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post(
                                "/v1/users",
                                null,
                                null,
                                Map.of("username", name, "email", name + "@example.com", "password", "correct horse 1"))
                        .status())
                .isEqualTo(201);
        String token = api.post("/v1/auth/token", null, null, Map.of("username", name, "password", "correct horse 1"))
                .json()
                .path("access_token")
                .asString();
        Api.Response notSet = api.post("/v1/me/payment-methods", token, null, card());
        assertThat(notSet.status()).isEqualTo(403);
        assertThat(notSet.problemType()).isEqualTo(Api.PROBLEMS + "pin-not-set");

        assertThat(api.send("PUT", "/v1/me/pin", token, null, Map.of("pin", "12a4", "password", "correct horse 1"))
                        .status())
                .isEqualTo(400);
        assertThat(api.send("PUT", "/v1/me/pin", token, null, Map.of("pin", "2468", "password", "wrong password"))
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "invalid-credentials");
        assertThat(api.post("/v1/me/payment-methods", token, null, card()).problemType())
                .isEqualTo(Api.PROBLEMS + "pin-not-set");
        assertThat(api.send("PUT", "/v1/me/pin", token, null, Map.of("pin", Api.PIN, "password", "correct horse 1"))
                        .status())
                .isEqualTo(204);
        assertThat(api.post("/v1/me/payment-methods", token, null, card()).status())
                .isEqualTo(201);
        assertThat(db.queryForObject(
                        "SELECT pin_hash FROM user_pins p JOIN users u ON u.id = p.user_id WHERE u.username = ?",
                        String.class,
                        name))
                .as("stored hashed")
                .startsWith("$2")
                .doesNotContain(Api.PIN);
    }

    @Test
    void wrongPinsSlowDownThenLockThePinAndTheOwnerIsTold() {
        Api.Person mallory = api.newUser("mallory");
        Api wrong = api.withPin("0000");
        assertThat(wrong.post("/v1/me/payment-methods", mallory.token(), null, card())
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "pin-incorrect");
        assertThat(wrong.post("/v1/me/payment-methods", mallory.token(), null, card())
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "pin-incorrect");
        // past the free failures: even the right PIN must wait, and is not checked
        Api.Response waiting = api.post("/v1/me/payment-methods", mallory.token(), null, card());
        assertThat(waiting.status()).isEqualTo(429);
        assertThat(Long.parseLong(waiting.header("Retry-After"))).isPositive();
        // three more wrong PINs (each once its delay has passed) lock it
        for (int i = 0; i < 3; i++) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> wrong.post("/v1/me/payment-methods", mallory.token(), null, card())
                                    .status()
                            == 403);
        }
        Api.Response locked = api.post("/v1/me/payment-methods", mallory.token(), null, card());
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Long.parseLong(locked.header("Retry-After"))).isGreaterThan(3000);
        assertThat(methods(mallory)).isZero();
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'pin_locked'",
                        Integer.class,
                        mallory.id()))
                .isEqualTo(1);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'pin.failed'"
                                + " AND outcome = 'failed'",
                        Integer.class,
                        mallory.id()))
                .isEqualTo(5);
    }
}
