package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every authenticated endpoint with no token, with bad tokens, and with another user's token. */
@ApiIT
class AuthorizationIT extends ApiIT.Base {

    record Call(String method, String path, Object body) {}

    private List<Call> everyAuthenticatedEndpoint(UUID someone, UUID someTransfer) {
        return List.of(
                new Call("GET", "/v1/me", null),
                new Call("GET", "/v1/users?username=nobody", null),
                new Call("GET", "/v1/me/wallet", null),
                new Call("PUT", "/v1/me/password", "{\"password\":\"x\",\"new_password\":\"0123456789\"}"),
                new Call("POST", "/v1/me/sign-out-everywhere", null),
                new Call("GET", "/v1/me/friends", null),
                new Call("PUT", "/v1/me/friends/" + someone, null),
                new Call("DELETE", "/v1/me/friends/" + someone, null),
                new Call("GET", "/v1/me/blocks", null),
                new Call("PUT", "/v1/me/blocks/" + someone, null),
                new Call("DELETE", "/v1/me/blocks/" + someone, null),
                new Call(
                        "POST",
                        "/v1/transfers",
                        Map.of("receiver_id", someone.toString(), "amount_cents", 1, "note", "x")),
                new Call("GET", "/v1/transfers/" + someTransfer, null),
                new Call("GET", "/v1/me/transfers", null),
                new Call(
                        "POST",
                        "/v1/payment-requests",
                        Map.of("payer_id", someone.toString(), "amount_cents", 1, "note", "x")),
                new Call("GET", "/v1/payment-requests/" + someTransfer, null),
                new Call("POST", "/v1/payment-requests/" + someTransfer + "/pay", null),
                new Call("POST", "/v1/payment-requests/" + someTransfer + "/decline", null),
                new Call("POST", "/v1/payment-requests/" + someTransfer + "/cancel", null),
                new Call("GET", "/v1/me/payment-requests?role=incoming", null),
                new Call("POST", "/v1/me/payment-methods", "{\"type\":\"card\"}"),
                new Call("GET", "/v1/me/payment-methods", null),
                new Call("POST", "/v1/me/payment-methods/" + someone + "/verify", "{\"amounts_cents\":[1,2]}"),
                new Call("POST", "/v1/me/payment-methods/" + someone + "/default", null),
                new Call("DELETE", "/v1/me/payment-methods/" + someone, null),
                new Call(
                        "POST",
                        "/v1/cashouts",
                        "{\"amount_cents\":100,\"speed\":\"instant\",\"payment_method_id\":\"" + someone + "\"}"),
                new Call("GET", "/v1/cashouts/" + someTransfer, null),
                new Call("GET", "/v1/me/feed", null),
                new Call("GET", "/v1/feed/public", null),
                new Call("GET", "/v1/users/" + someone + "/feed", null),
                new Call("POST", "/v1/feed/" + someTransfer + "/likes", null),
                new Call("DELETE", "/v1/feed/" + someTransfer + "/likes", null),
                new Call("POST", "/v1/feed/" + someTransfer + "/comments", "{\"text\":\"hi\"}"),
                new Call("GET", "/v1/feed/" + someTransfer + "/comments", null),
                new Call("GET", "/v1/me/notifications", null),
                new Call("POST", "/v1/me/notifications/" + someTransfer + "/read", null));
    }

    @Test
    void withoutATokenEveryEndpointAnswers401WithAProblem() {
        Api.Person someone = api.newUser("someone");
        for (Call call : everyAuthenticatedEndpoint(someone.id(), UUID.randomUUID())) {
            Api.Response r = api.send(call.method(), call.path(), null, "k-" + UUID.randomUUID(), call.body());
            assertThat(r.status()).as(call.toString()).isEqualTo(401);
            assertThat(r.problemType()).as(call.toString()).isEqualTo(Api.PROBLEMS + "unauthenticated");
            assertThat(r.header("WWW-Authenticate")).as(call.toString()).startsWith("Bearer");
        }
    }

    @Test
    void badTokensAreRefused() {
        Api.Person someone = api.newUser("someone");
        String[] parts = someone.token().split("\\.");
        String tamperedPayload = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];
        String forged = parts[0] + "." + parts[1] + "." + "c2lnbmVkLWJ5LXNvbWVib2R5LWVsc2U";
        for (String bad : List.of("garbage", tamperedPayload, forged, "")) {
            for (Call call : everyAuthenticatedEndpoint(someone.id(), UUID.randomUUID())) {
                Api.Response r = api.send(call.method(), call.path(), bad, "k-" + UUID.randomUUID(), call.body());
                assertThat(r.status()).as(call + " with token " + bad).isEqualTo(401);
            }
        }
    }

    /**
     * A token as an instance signs it with {@code secret} (base64), with or without a key id in its header, and with
     * no generation claim (as tokens were issued before there was one: PasswordChangeIT).
     */
    static String signed(String secret, UUID user, String keyId) throws Exception {
        byte[] key = java.util.Base64.getDecoder().decode(secret);
        var header = new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256);
        if (keyId != null) {
            header.keyID(keyId);
        }
        java.time.Instant now = java.time.Instant.now();
        var jwt = new com.nimbusds.jwt.SignedJWT(
                header.build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder()
                        .issuer("wallet-transfer-api")
                        .subject(user.toString())
                        .issueTime(java.util.Date.from(now))
                        .expirationTime(java.util.Date.from(now.plusSeconds(600)))
                        .build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(key));
        return jwt.serialize();
    }

    private static String keyId(String secret) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.util.Base64.getDecoder().decode(secret));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 9));
    }

    @Test
    void tokensSignedWithAPreviousSecretAreAcceptedUntilTheyExpireAndNewOnesNameTheCurrentSecret() throws Exception {
        String current = "dGVzdC1vbmx5LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==";
        String previous =
                "dGVzdC1vbmx5LXByZXZpb3VzLWp3dC1zZWNyZXQtMzJi"; // application-test.yaml's previous-jwt-secrets
        String unknown = java.util.Base64.getEncoder().encodeToString("a secret no instance was ever given".getBytes());
        Api.Person someone = api.newUser("someone");
        // issued now: signed with the current secret, named by its key id
        var header = com.nimbusds.jwt.SignedJWT.parse(someone.token()).getHeader();
        assertThat(header.getKeyID()).isEqualTo(keyId(current));
        assertThat(header.getKeyID()).doesNotContain(current.substring(0, 8));

        // signed before the rotation (with or without a key id): accepted
        for (String token :
                List.of(signed(previous, someone.id(), keyId(previous)), signed(previous, someone.id(), null))) {
            assertThat(api.get("/v1/me", token).status()).as(token).isEqualTo(200);
        }
        // a secret that is neither current nor previous, whatever key id the token claims: refused
        for (String token : List.of(
                signed(unknown, someone.id(), keyId(unknown)),
                signed(unknown, someone.id(), keyId(current)),
                signed(unknown, someone.id(), null))) {
            assertThat(api.get("/v1/me", token).status()).as(token).isEqualTo(401);
        }
    }

    @Test
    void aPreviousSecretTooShortStopsTheStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new com.wallet.api.identity.SecuritySettings(
                        "dGVzdC1vbmx5LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==",
                        "wallet-transfer-api",
                        java.time.Duration.ofHours(1),
                        null,
                        null,
                        java.util.Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("previous-jwt-secrets must be base64 of at least 32 bytes");
    }

    @Test
    void anotherUsersTokenSeesNothingOfTheirs() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person mallory = api.newUser("mallory");
        api.fund(alice, 1_000);
        Api.Response sent = api.transfer(alice, bob.id(), 100, UUID.randomUUID().toString());
        String transferId = sent.json().path("id").asString();

        // a transfer is visible to its two parties only; to anyone else it does not exist
        assertThat(api.get("/v1/transfers/" + transferId, alice.token()).status())
                .isEqualTo(200);
        assertThat(api.get("/v1/transfers/" + transferId, bob.token()).status()).isEqualTo(200);
        Api.Response snooped = api.get("/v1/transfers/" + transferId, mallory.token());
        assertThat(snooped.status()).isEqualTo(404);
        assertThat(snooped.raw())
                .doesNotContain("100")
                .doesNotContain(alice.id().toString());

        // history, wallet and profile are always the caller's own
        assertThat(api.get("/v1/me/transfers", mallory.token()).json().path("items"))
                .isEmpty();
        assertThat(api.balance(mallory)).isZero();
        assertThat(api.get("/v1/me", mallory.token()).json().path("id").asString())
                .isEqualTo(mallory.id().toString());

        // there is no way to name a sender: money always leaves the caller's own wallet
        Api.Response spoof = api.post(
                "/v1/transfers",
                mallory.token(),
                UUID.randomUUID().toString(),
                Map.of(
                        "sender_id",
                        alice.id().toString(),
                        "receiver_id",
                        mallory.id().toString(),
                        "amount_cents",
                        1,
                        "note",
                        "mine"));
        assertThat(spoof.status()).isEqualTo(400);
        assertThat(spoof.json().path("detail").asString()).contains("sender_id");
        assertThat(api.balance(alice)).isEqualTo(900);

        // the same Idempotency-Key belongs to each user separately: mallory cannot replay alice's response
        String key = "shared-key-" + UUID.randomUUID();
        assertThat(api.transfer(alice, bob.id(), 10, key).status()).isEqualTo(201);
        Api.Response other = api.transfer(mallory, bob.id(), 10, key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");

        // a user lookup shows no private fields
        Api.Response lookup = api.get("/v1/users?username=" + alice.username(), mallory.token());
        assertThat(lookup.status()).isEqualTo(200);
        assertThat(lookup.json().has("email")).isFalse();
        assertThat(lookup.json().path("id").asString()).isEqualTo(alice.id().toString());
    }

    @Test
    void friendsAreRequestedAcceptedListedAndRemoved() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");

        Api.Response asked = api.send("PUT", "/v1/me/friends/" + bob.id(), alice.token(), null, null);
        assertThat(asked.json().path("status").asString()).isEqualTo("requested");
        assertThat(api.get("/v1/me/friends", bob.token())
                        .json()
                        .path("incoming")
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo(alice.id().toString());

        Api.Response accepted = api.send("PUT", "/v1/me/friends/" + alice.id(), bob.token(), null, null);
        assertThat(accepted.json().path("status").asString()).isEqualTo("friends");
        assertThat(api.get("/v1/me/friends", alice.token())
                        .json()
                        .path("friends")
                        .get(0)
                        .path("username")
                        .asString())
                .isEqualTo(bob.username());
        assertThat(api.get("/v1/me/friends", alice.token()).json().path("outgoing"))
                .isEmpty();

        assertThat(api.send("DELETE", "/v1/me/friends/" + alice.id(), bob.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/v1/me/friends", alice.token()).json().path("friends"))
                .isEmpty();

        assertThat(api.send("PUT", "/v1/me/friends/" + alice.id(), alice.token(), null, null)
                        .problemType())
                .isEqualTo(Api.PROBLEMS + "not-friendable");
        assertThat(api.send("PUT", "/v1/me/friends/" + UUID.randomUUID(), alice.token(), null, null)
                        .status())
                .isEqualTo(404);
    }
}
