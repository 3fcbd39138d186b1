package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Logins throttled per account and per client address (test settings: 2 free failures, delays from 2 s doubling, a
 * lock after 5 account failures or 30 address failures). Each test speaks from addresses of its own, through
 * X-Forwarded-For, which the test profile trusts from loopback as from a local proxy.
 */
@ApiIT
class LoginThrottleIT extends ApiIT.Base {

    private record Answer(int status, String retryAfter, JsonNode body) {}

    private static String newAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }

    private Answer login(String username, String password, String address) {
        Api.Response r = api.postFrom(address, "/v1/auth/token", Map.of("username", username, "password", password));
        return new Answer(r.status(), r.header("Retry-After"), r.json());
    }

    /** A wrong password that gets as far as the password check (waiting out any delay first): 401. */
    private void failOnce(String username, String address) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> login(username, "wrong password", address).status() == 401);
    }

    private String password(Api.Person person) {
        return "correct horse 1"; // Api.newUser's
    }

    @Test
    void wrongPasswordsSlowDownThenLockTheAccountAndTheOwnerIsTold() throws Exception {
        Api.Person alice = api.newUser("alice");
        String address = newAddress();
        assertThat(login(alice.username(), "wrong password", address).status()).isEqualTo(401);
        assertThat(login(alice.username(), "wrong password", address).status()).isEqualTo(401);

        // past the free failures: even the right password waits (and is not checked)
        Answer waiting = login(alice.username(), password(alice), address);
        assertThat(waiting.status()).isEqualTo(429);
        assertThat(waiting.body().path("type").asString()).isEqualTo(Api.PROBLEMS + "rate-limited");
        assertThat(Long.parseLong(waiting.retryAfter())).isPositive();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> login(alice.username(), password(alice), address).status() == 200);

        // a success clears the account's count; five failures now lock it
        for (int i = 0; i < 5; i++) {
            failOnce(alice.username(), address);
        }
        Answer locked = login(alice.username(), password(alice), address);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Long.parseLong(locked.retryAfter())).isGreaterThan(60);
        assertThat(login(alice.username(), password(alice), newAddress()).status())
                .as("the account is locked whatever the address")
                .isEqualTo(429);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'login_locked'",
                        Long.class,
                        alice.id()))
                .isEqualTo(1);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND entity_id = ?"
                                + " AND actor_type = 'anonymous' AND outcome = 'failed' AND reason = 'wrong_password'"
                                + " AND client_address = ?",
                        Long.class,
                        alice.id().toString(),
                        address))
                .isEqualTo(7);
    }

    @Test
    void anUnknownUsernameIsAnsweredLikeAKnownOne() throws Exception {
        Api.Person bob = api.newUser("bob");
        String nobody = "nobody_" + UUID.randomUUID().toString().substring(0, 8);
        for (String username : new String[] {bob.username(), nobody}) {
            String address = newAddress();
            Answer first = login(username, "wrong password", address);
            Answer second = login(username, "wrong password", address);
            Answer third = login(username, "wrong password", address);
            assertThat(first.status()).isEqualTo(401);
            assertThat(first.body().path("type").asString()).isEqualTo(Api.PROBLEMS + "invalid-credentials");
            assertThat(first.body().path("detail").asString()).isEqualTo("username or password is wrong");
            assertThat(second.status()).isEqualTo(401);
            assertThat(third.status()).isEqualTo(429);
        }
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed' AND entity_id = 'unknown'"
                                + " AND reason = 'unknown_username' AND outcome = 'failed'",
                        Long.class))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void oneAddressTryingManyAccountsIsSlowedDownWhileOthersAreNot() throws Exception {
        Api.Person carol = api.newUser("carol");
        String stuffer = newAddress();
        for (int i = 0; i < 20; i++) {
            assertThat(login("v" + i + "_" + UUID.randomUUID().toString().substring(0, 8), "password" + i, stuffer)
                            .status())
                    .isEqualTo(401);
        }
        Answer slowed = login(carol.username(), password(carol), stuffer);
        assertThat(slowed.status()).isEqualTo(429);
        assertThat(login(carol.username(), password(carol), newAddress()).status())
                .as("the account itself is not throttled")
                .isEqualTo(200);
    }

    @Test
    void aRefusedTransferIsAuditedWithItsReasonAndClientAddress() {
        Api.Person dave = api.newUser("dave");
        Api.Person erin = api.newUser("erin");
        String key = UUID.randomUUID().toString();
        Api.Response refused = api.transfer(dave, erin.id(), 5_000, key);
        assertThat(refused.status()).isEqualTo(422);
        var row = db.queryForMap(
                "SELECT actor_type, action, outcome, reason, client_address, request_id FROM audit_log"
                        + " WHERE actor_id = ? AND entity_id = ?",
                dave.id(),
                key);
        assertThat(row)
                .containsEntry("actor_type", "user")
                .containsEntry("action", "POST /v1/transfers")
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "insufficient_funds")
                .containsEntry("client_address", "127.0.0.1");
        assertThat(row.get("request_id")).isNotNull();
    }
}
