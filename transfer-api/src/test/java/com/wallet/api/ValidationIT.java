package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear problem, never a stack trace, and never moves money. */
@ApiIT
class ValidationIT extends ApiIT.Base {

    Api.Person alice;
    Api.Person bob;

    @BeforeEach
    void users() {
        alice = api.newUser("alice");
        bob = api.newUser("bob");
        api.fund(alice, 10_000);
    }

    private Map<String, Object> valid() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiver_id", bob.id().toString());
        body.put("amount_cents", 100);
        body.put("note", "lunch");
        body.put("visibility", "friends");
        return body;
    }

    private Api.Response send(Object body) {
        return api.post("/v1/transfers", alice.token(), UUID.randomUUID().toString(), body);
    }

    private void assertProblem(Api.Response r, int status, String type, String detailPart) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + type);
        assertThat(r.json().path("title").asString()).isNotBlank();
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().path("detail").asString()).containsIgnoringCase(detailPart);
        assertThat(r.raw())
                .doesNotContain("Exception")
                .doesNotContain("at com.")
                .doesNotContain("trace");
    }

    @Test
    void everyFieldIsValidated() {
        Map<String, Object> body;

        body = valid();
        body.put("amount_cents", 0);
        assertProblem(send(body), 400, "invalid-request", "amount_cents must be greater than or equal to 1");

        body = valid();
        body.put("amount_cents", "100");
        assertProblem(send(body), 400, "malformed-json", "amount_cents");

        body = valid();
        body.put("amount_cents", 12.5);
        assertProblem(send(body), 400, "malformed-json", "amount_cents");

        body = valid();
        body.put("amount_cents", 500_001);
        assertProblem(send(body), 422, "limit-exceeded", "500000");

        body = valid();
        body.put("amount_cents", Long.MAX_VALUE);
        assertProblem(send(body), 422, "limit-exceeded", "per transfer");

        body = valid();
        body.remove("note");
        assertProblem(send(body), 400, "invalid-request", "note");

        body = valid();
        body.put("note", "x".repeat(281));
        assertProblem(send(body), 400, "invalid-request", "1-280");

        body = valid();
        body.put("note", "🍕".repeat(280)); // 280 characters, 560 UTF-16 units: allowed
        assertThat(send(body).status()).isEqualTo(201);

        body = valid();
        body.put("note", "bell\u0007");
        assertProblem(send(body), 400, "invalid-request", "control characters");

        body = valid();
        body.put("note", "   ");
        assertProblem(send(body), 400, "invalid-request", "blank");

        body = valid();
        body.put("visibility", "everyone");
        assertProblem(send(body), 400, "invalid-request", "visibility");

        body = valid();
        body.put("receiver_id", "not-a-uuid");
        assertProblem(send(body), 400, "malformed-json", "receiver_id");

        body = valid();
        body.put("surprise", true);
        assertProblem(send(body), 400, "malformed-json", "unknown field 'surprise'");

        assertProblem(send("{\"receiver_id\": "), 400, "malformed-json", "JSON");
        assertProblem(send("x".repeat(20_000)), 413, "payload-too-large", "16384");

        assertProblem(
                api.post("/v1/transfers", alice.token(), null, valid()),
                400,
                "idempotency-key-missing",
                "Idempotency-Key");
        assertProblem(
                api.post("/v1/transfers", alice.token(), "x".repeat(256), valid()),
                400,
                "invalid-request",
                "Idempotency-Key");

        assertThat(api.balance(alice)).isEqualTo(10_000 - 28_000 / 280); // only the 🍕 transfer of 100 went through
    }

    @Test
    void businessRulesAreProblemsWithTheIds() {
        Map<String, Object> body = valid();
        body.put("receiver_id", alice.id().toString());
        assertProblem(send(body), 422, "self-transfer", "same user");

        UUID nobody = UUID.randomUUID();
        body = valid();
        body.put("receiver_id", nobody.toString());
        Api.Response unknown = send(body);
        assertProblem(unknown, 422, "unknown-receiver", nobody.toString());
        assertThat(unknown.json().path("receiver_id").asString()).isEqualTo(nobody.toString());

        db.update("UPDATE users SET status = 'frozen' WHERE id = ?", bob.id());
        assertProblem(send(valid()), 422, "receiver-unavailable", "cannot receive");
        db.update("UPDATE users SET status = 'frozen' WHERE id = ?", alice.id());
        assertProblem(send(valid()), 422, "account-frozen", "frozen");

        assertThat(api.get("/v1/transfers/not-a-uuid", alice.token()).status()).isEqualTo(400);
        assertThat(api.get("/v1/me/transfers?limit=0", alice.token()).status()).isEqualTo(400);
        assertProblem(api.get("/v1/me/transfers?cursor=bogus", alice.token()), 400, "invalid-request", "cursor");
        assertThat(api.balance(alice)).isEqualTo(10_000);
    }

    @Test
    void signUpIsValidatedAndNeverEchoesThePassword() {
        Map<String, Object> ok = new LinkedHashMap<>(Map.of(
                "username", "carol_" + System.nanoTime() % 1_000_000,
                "email", "carol" + System.nanoTime() + "@example.com",
                "password", "long enough secret"));
        Api.Response created = api.post("/v1/users", null, null, ok);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.raw()).doesNotContain("long enough secret").doesNotContain("password");

        assertProblem(api.post("/v1/users", null, null, ok), 409, "username-taken", "taken");

        Map<String, Object> bad = new LinkedHashMap<>(ok);
        bad.put("username", "x");
        bad.put("email", "not-an-email");
        bad.put("password", "short");
        Api.Response r = api.post("/v1/users", null, null, bad);
        assertProblem(r, 400, "invalid-request", "username");
        assertThat(r.json().path("errors").toString()).contains("email").contains("password");

        assertProblem(
                api.post(
                        "/v1/auth/token",
                        null,
                        null,
                        Map.of("username", ok.get("username"), "password", "wrong password")),
                401,
                "invalid-credentials",
                "wrong");
        assertProblem(
                api.post(
                        "/v1/auth/token",
                        null,
                        null,
                        Map.of("username", "nobody_at_all", "password", "wrong password")),
                401,
                "invalid-credentials",
                "wrong");
    }
}
