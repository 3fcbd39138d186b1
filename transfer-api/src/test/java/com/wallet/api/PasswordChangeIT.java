package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Changing the password ({@code PUT /v1/me/password}) and signing out everywhere ({@code POST
 * /v1/me/sign-out-everywhere}): each revokes every token the account holds, so that someone who took over a session
 * loses it. Wrong current passwords are sent from addresses of their own (X-Forwarded-For), so that their failures
 * count against no other test's client address.
 */
@ApiIT
class PasswordChangeIT extends ApiIT.Base {

    private static final String PASSWORD = "correct horse 1";

    private static final String SECRET = "dGVzdC1vbmx5LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==";

    private Api.Response change(String token, String current, String replacement, String address) {
        return api.send(
                "PUT",
                "/v1/me/password",
                token,
                null,
                Map.of("password", current, "new_password", replacement),
                Map.of("X-Forwarded-For", address));
    }

    private Api.Response login(String username, String password, String address) {
        return api.postFrom(address, "/v1/auth/token", Map.of("username", username, "password", password));
    }

    private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES =
            new java.util.concurrent.atomic.AtomicInteger();

    /** A client address no other call of the tests uses. */
    private static String address() {
        return "198.51.100." + ADDRESSES.incrementAndGet();
    }

    private static long generationOf(String token) throws Exception {
        Object claim = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getClaim("gen");
        return ((Number) claim).longValue();
    }

    @Test
    void aPasswordChangeRevokesEveryTokenOfTheAccountAndAnswersANewOne() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        String address = address();
        String second = login(alice.username(), PASSWORD, address)
                .json()
                .path("access_token")
                .asString();
        String older = AuthorizationIT.signed(SECRET, alice.id(), null); // no "gen": issued before generations
        for (String token : List.of(alice.token(), second, older)) {
            assertThat(api.get("/v1/me", token).status()).isEqualTo(200);
        }

        Api.Response changed = change(alice.token(), PASSWORD, "a new passphrase 2", address);
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        String fresh = changed.json().path("access_token").asString();
        assertThat(changed.json().path("token_type").asString()).isEqualTo("Bearer");
        assertThat(generationOf(fresh)).isEqualTo(1);

        // every token issued before, the one that asked too, stops at once on this instance
        List<String> before = List.of(alice.token(), second, older);
        for (int i = 0; i < before.size(); i++) {
            assertThat(api.get("/v1/me/wallet", before.get(i)).status())
                    .as("token %d issued before", i)
                    .isEqualTo(401);
        }
        assertThat(api.get("/v1/me", fresh).status()).isEqualTo(200);
        assertThat(api.get("/v1/me", bob.token()).status())
                .as("someone else's tokens")
                .isEqualTo(200);
        assertThat(login(alice.username(), PASSWORD, address).status()).isEqualTo(401);
        Api.Response again = login(alice.username(), "a new passphrase 2", address);
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(generationOf(again.json().path("access_token").asString())).isEqualTo(1);
        assertThat(api.get("/v1/me", again.json().path("access_token").asString())
                        .status())
                .isEqualTo(200);

        // audited without the password; the owner is told
        List<String> details = db.queryForList(
                "SELECT details::text FROM audit_log WHERE actor_id = ? AND action = 'user.password_changed'",
                String.class,
                alice.id());
        assertThat(details).hasSize(1);
        assertThat(details.get(0)).doesNotContain("passphrase").doesNotContain("horse");
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'password_changed'",
                        Long.class,
                        alice.id()))
                .isEqualTo(1);
    }

    @Test
    void aWrongCurrentPasswordOrABadNewOneChangesNothing() {
        Api.Person alice = api.newUser("alice");
        String address = address();
        Api.Response wrong = change(alice.token(), "not my password", "a new passphrase 2", address);
        assertThat(wrong.status()).as(wrong.raw()).isEqualTo(401);
        assertThat(wrong.problemType()).endsWith("/invalid-credentials");
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'auth.login_failed'",
                        Long.class,
                        alice.id().toString()))
                .as("counted and audited as a failed login")
                .isEqualTo(1);
        Api.Response same = change(alice.token(), PASSWORD, PASSWORD, address);
        assertThat(same.status()).as(same.raw()).isEqualTo(400);
        Api.Response tooShort = change(alice.token(), PASSWORD, "short", address);
        assertThat(tooShort.status()).as(tooShort.raw()).isEqualTo(400);
        Api.Response tooLong = change(alice.token(), PASSWORD, "é".repeat(40), address);
        assertThat(tooLong.status()).as(tooLong.raw()).isEqualTo(400);
        assertThat(tooLong.raw()).contains("72 bytes");
        // nothing changed: the token works, the password logs in
        assertThat(api.get("/v1/me", alice.token()).status()).isEqualTo(200);
        assertThat(login(alice.username(), PASSWORD, address).status()).isEqualTo(200);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM token_generations WHERE user_id = ?", Long.class, alice.id()))
                .isZero();
    }

    /**
     * Changes sent together with the same current password: each checks it before any of them writes, so without the
     * write's condition (the password still the one checked) every one would succeed and the last would win, leaving
     * the others' callers with a password that does not log in.
     */
    @Test
    void ofChangesSentTogetherWithTheSamePasswordOneWins() throws Exception {
        Api.Person alice = api.newUser("alice");
        String address = address();
        List<Api.Response> outcomes =
                Concurrently.run(3, i -> () -> change(alice.token(), PASSWORD, "new passphrase number " + i, address));
        List<Integer> won = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            Api.Response r = outcomes.get(i);
            assertThat(r.status()).as(r.raw()).isIn(200, 401);
            if (r.status() == 200) {
                won.add(i);
            }
        }
        assertThat(won).hasSize(1);
        // the winner's password logs in (which also clears the account's failures, so that the next two are free)
        assertThat(login(alice.username(), "new passphrase number " + won.get(0), address())
                        .status())
                .isEqualTo(200);
        for (int i = 0; i < outcomes.size(); i++) {
            if (!won.contains(i)) {
                assertThat(login(alice.username(), "new passphrase number " + i, address())
                                .status())
                        .as("change %d", i)
                        .isEqualTo(401);
            }
        }
        assertThat(db.queryForObject(
                        "SELECT generation FROM token_generations WHERE user_id = ?", Integer.class, alice.id()))
                .isEqualTo(1);
    }

    @Test
    void signingOutEverywhereRevokesEveryTokenAndALoginAfterItWorks() throws Exception {
        Api.Person alice = api.newUser("alice");
        String address = address();
        // a reset code asked for before (by anyone who knows the address) ends when the owner signs out everywhere
        assertThat(api.postFrom(address, "/v1/auth/password-reset", Map.of("email", alice.username() + "@example.com"))
                        .status())
                .isEqualTo(202);
        String code = db.queryForObject(
                        "SELECT body FROM contact_messages WHERE contact = lower(?) AND kind = 'password_reset'",
                        String.class,
                        alice.username() + "@example.com")
                .replaceAll("(?s).*reset code is (\\S+) .*", "$1");
        String second = login(alice.username(), PASSWORD, address)
                .json()
                .path("access_token")
                .asString();
        assertThat(api.get("/v1/me", second).status()).isEqualTo(200);

        Api.Response out = api.post("/v1/me/sign-out-everywhere", alice.token(), null, null);
        assertThat(out.status()).as(out.raw()).isEqualTo(204);
        assertThat(api.get("/v1/me", alice.token()).status()).isEqualTo(401);
        assertThat(api.get("/v1/me", second).status()).isEqualTo(401);

        Api.Response reset = api.postFrom(
                address, "/v1/auth/password-reset/confirm", Map.of("code", code, "new_password", "taken over at last"));
        assertThat(reset.status()).as("the code asked for before").isEqualTo(422);
        Api.Response in = login(alice.username(), PASSWORD, address);
        assertThat(in.status()).isEqualTo(200);
        String token = in.json().path("access_token").asString();
        assertThat(generationOf(token)).isEqualTo(1);
        assertThat(api.get("/v1/me", token).status()).isEqualTo(200);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'user.signed_out_everywhere'",
                        Long.class,
                        alice.id()))
                .isEqualTo(1);
    }

    /**
     * An instance trusts what it read of a user for {@code closed-check-interval} (2 s in the tests): tokens revoked
     * through another instance (here, its committed row) stop here once that passes, and a token issued after it works.
     */
    @Test
    void tokensRevokedThroughAnotherInstanceStopHereWithinTheCheckInterval() {
        Api.Person alice = api.newUser("alice");
        assertThat(api.get("/v1/me", alice.token()).status())
                .as("read at generation 0")
                .isEqualTo(200);
        db.update("INSERT INTO token_generations (user_id, generation) VALUES (?, 1)", alice.id());
        await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> api.get("/v1/me", alice.token()).status() == 401);
        Api.Response in = login(alice.username(), PASSWORD, address());
        assertThat(api.get("/v1/me", in.json().path("access_token").asString()).status())
                .isEqualTo(200);
    }
}
