package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Resetting a forgotten password ({@code POST /v1/auth/password-reset}, {@code .../confirm}): a code sent to the
 * account's email address (the delivery stub, {@code contact_messages}), once, for a while, and the same answer for an
 * address nobody has. Each test speaks from a client address of its own (X-Forwarded-For), as the calls are budgeted
 * per address.
 */
@ApiIT
class PasswordResetIT extends ApiIT.Base {

    private static final Pattern CODE = Pattern.compile("reset code is (\\S+) ");

    private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES =
            new java.util.concurrent.atomic.AtomicInteger();

    /** A client address no other call of the tests uses. */
    private static String address() {
        return "203.0.113." + ADDRESSES.incrementAndGet();
    }

    private Api.Response ask(String email, String address) {
        return api.postFrom(address, "/v1/auth/password-reset", Map.of("email", email));
    }

    private Api.Response confirm(String code, String password, String address) {
        return api.postFrom(address, "/v1/auth/password-reset/confirm", Map.of("code", code, "new_password", password));
    }

    private Api.Response login(String username, String password) {
        return api.postFrom(address(), "/v1/auth/token", Map.of("username", username, "password", password));
    }

    /** The codes sent to {@code email} so far, oldest first. */
    private List<String> codesSentTo(String email) {
        return db
                .queryForList(
                        "SELECT body FROM contact_messages WHERE contact_kind = 'email' AND contact = ?"
                                + " AND kind = 'password_reset' ORDER BY id",
                        String.class,
                        email)
                .stream()
                .map(body -> {
                    Matcher m = CODE.matcher(body);
                    assertThat(m.find()).as(body).isTrue();
                    return m.group(1);
                })
                .toList();
    }

    private static String email(Api.Person p) {
        return p.username().toLowerCase(java.util.Locale.ROOT) + "@example.com";
    }

    @Test
    void aCodeSentToTheEmailSetsANewPasswordOnceAndRevokesEveryToken() throws Exception {
        Api.Person alice = api.newUser("Alice");
        String address = address();
        Api.Response asked = ask("  " + email(alice).toUpperCase(java.util.Locale.ROOT) + " ", address);
        assertThat(asked.status()).as(asked.raw()).isEqualTo(202);
        List<String> codes = codesSentTo(email(alice));
        assertThat(codes).hasSize(1);
        String code = codes.get(0);
        assertThat(code).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM password_resets WHERE user_id = ? AND code_hash <> ?",
                        Long.class,
                        alice.id(),
                        code))
                .as("kept only as its hash")
                .isEqualTo(1);
        assertThat(api.get("/v1/me", alice.token()).status())
                .as("asking changes nothing")
                .isEqualTo(200);

        Api.Response reset = confirm(code, "a remembered passphrase", address);
        assertThat(reset.status()).as(reset.raw()).isEqualTo(200);
        String token = reset.json().path("access_token").asString();
        assertThat(api.get("/v1/me", token).status()).isEqualTo(200);
        assertThat(api.get("/v1/me", alice.token()).status())
                .as("a token issued before")
                .isEqualTo(401);
        assertThat(login(alice.username(), "correct horse 1").status()).isEqualTo(401);
        assertThat(login(alice.username(), "a remembered passphrase").status()).isEqualTo(200);

        Api.Response again = confirm(code, "yet another passphrase", address);
        assertThat(again.status()).as("a code works once").isEqualTo(422);
        assertThat(again.problemType()).endsWith("/code-incorrect");
        assertThat(login(alice.username(), "a remembered passphrase").status()).isEqualTo(200);

        assertThat(db.queryForObject(
                        "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'password_changed'",
                        Long.class,
                        alice.id()))
                .isEqualTo(1);
        List<String> audited = db.queryForList(
                "SELECT action || ' ' || details::text FROM audit_log WHERE entity_id = ?"
                        + " AND action LIKE 'user.password_reset%' ORDER BY id",
                String.class, alice.id().toString());
        assertThat(audited).hasSize(2);
        assertThat(audited.get(0)).startsWith("user.password_reset_requested");
        assertThat(audited.get(1)).startsWith("user.password_reset ");
        assertThat(String.join(" ", audited)).doesNotContain(code).doesNotContain("passphrase");
    }

    /**
     * An account locked by wrong passwords (someone guessing, or the owner who forgot it) is unlocked by a reset: the
     * lock guarded the password the reset replaced.
     */
    @Test
    void aResetEndsTheLockWrongPasswordsPutOnTheAccount() {
        Api.Person alice = api.newUser("alice");
        db.update(
                "INSERT INTO login_throttle (key, failures, last_failure, locked_until) VALUES (?, 10,"
                        + " clock_timestamp(), clock_timestamp() + interval '1 hour')",
                "account:" + alice.username().toLowerCase(java.util.Locale.ROOT));
        assertThat(login(alice.username(), "correct horse 1").status())
                .as("locked")
                .isEqualTo(429);
        String address = address();
        assertThat(ask(email(alice), address).status()).isEqualTo(202);
        Api.Response reset = confirm(codesSentTo(email(alice)).get(0), "a remembered passphrase", address);
        assertThat(reset.status()).as(reset.raw()).isEqualTo(200);
        assertThat(login(alice.username(), "a remembered passphrase").status()).isEqualTo(200);
    }

    @Test
    void anAddressNobodyHasGetsTheSameAnswerAndNothingIsSent() {
        String nobody = "nobody_" + UUID.randomUUID() + "@example.com";
        Api.Response asked = ask(nobody, address());
        assertThat(asked.status()).isEqualTo(202);
        assertThat(asked.raw()).isEmpty();
        assertThat(db.queryForObject("SELECT count(*) FROM contact_messages WHERE contact = ?", Long.class, nobody))
                .isZero();
        Api.Response malformed = api.postFrom(address(), "/v1/auth/password-reset", Map.of("email", ""));
        assertThat(malformed.status()).isEqualTo(400);
    }

    @Test
    void aCodeIsSentAtMostOnceAMinuteAndANewerOneEndsTheEarlier() {
        Api.Person alice = api.newUser("alice");
        String address = address();
        assertThat(ask(email(alice), address).status()).isEqualTo(202);
        assertThat(ask(email(alice), address).status()).as("the same answer").isEqualTo(202);
        assertThat(codesSentTo(email(alice))).as("one code a minute at most").hasSize(1);
        // a minute later (moved back rather than waited for)
        db.update(
                "UPDATE password_resets SET created_at = created_at - interval '2 minutes' WHERE user_id = ?",
                alice.id());
        assertThat(ask(email(alice), address).status()).isEqualTo(202);
        List<String> codes = codesSentTo(email(alice));
        assertThat(codes).hasSize(2);
        assertThat(confirm(codes.get(0), "a remembered passphrase", address).status())
                .as("the earlier code")
                .isEqualTo(422);
        assertThat(confirm(codes.get(1), "a remembered passphrase", address).status())
                .isEqualTo(200);
    }

    @Test
    void aWrongOrExpiredCodeChangesNothing() {
        Api.Person alice = api.newUser("alice");
        String address = address();
        assertThat(ask(email(alice), address).status()).isEqualTo(202);
        String code = codesSentTo(email(alice)).get(0);
        assertThat(confirm(code.substring(1) + "A", "a remembered passphrase", address)
                        .status())
                .isEqualTo(422);
        assertThat(confirm(code, "short", address).status())
                .as("a bad new password")
                .isEqualTo(400);
        db.update(
                "UPDATE password_resets SET expires_at = clock_timestamp() - interval '1 second' WHERE user_id = ?",
                alice.id());
        assertThat(confirm(code, "a remembered passphrase", address).status())
                .as("expired")
                .isEqualTo(422);
        assertThat(login(alice.username(), "correct horse 1").status()).isEqualTo(200);
        assertThat(api.get("/v1/me", alice.token()).status()).isEqualTo(200);
    }

    @Test
    void oneClientAddressGetsFiveCallsAnHour() {
        String address = address();
        for (int i = 0; i < 5; i++) {
            assertThat(ask("nobody_" + i + "@example.com", address).status()).isEqualTo(202);
        }
        Api.Response refused = confirm("some code", "a remembered passphrase", address);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(ask("nobody@example.com", address()).status())
                .as("another address")
                .isEqualTo(202);
    }
}
