package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Changing the account's email address ({@code PUT /v1/me/email}): only to an address the caller proved, with the
 * password asked again; the address replaced is told, and password reset codes go to the new one from then on.
 */
@ApiIT
class EmailChangeIT extends ApiIT.Base {

    private static final Pattern CODE = Pattern.compile("code is ([0-9]{6})");

    private Api.Response change(Api.Person who, String email, String password) {
        return api.send("PUT", "/v1/me/email", who.token(), null, Map.of("email", email, "password", password));
    }

    /** Proves {@code email} for {@code who} as a contact (the code read from the delivery stub). */
    private void prove(Api.Person who, String email) {
        assertThat(api.post("/v1/me/contacts", who.token(), null, Map.of("email", email))
                        .status())
                .isEqualTo(202);
        String body = db.queryForObject(
                "SELECT body FROM contact_messages WHERE contact_kind = 'email' AND contact = lower(?)"
                        + " AND kind = 'verification_code' ORDER BY id DESC LIMIT 1",
                String.class,
                email);
        Matcher m = CODE.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        Api.Response verified =
                api.post("/v1/me/contacts/verify", who.token(), null, Map.of("email", email, "code", m.group(1)));
        assertThat(verified.status()).as(verified.raw()).isEqualTo(200);
    }

    private long messages(String email, String kind) {
        return db.queryForObject(
                "SELECT count(*) FROM contact_messages WHERE contact_kind = 'email' AND contact = lower(?)"
                        + " AND kind = ?",
                Long.class,
                email,
                kind);
    }

    private static String fresh() {
        return "moved." + UUID.randomUUID() + "@example.com";
    }

    @Test
    void aProvenAddressBecomesTheAccountsAndTheOneReplacedIsTold() {
        Api.Person alice = api.newUser("alice");
        String before = alice.username() + "@example.com";
        String after = fresh();
        Api.Response unproven = change(alice, after, "correct horse 1");
        assertThat(unproven.status()).as(unproven.raw()).isEqualTo(422);
        assertThat(unproven.problemType()).endsWith("/contact-not-proven");
        assertThat(api.get("/v1/me", alice.token()).json().path("email").asString())
                .isEqualTo(before);

        prove(alice, after);
        // a reset code sent to the address before the change (someone may have asked for it) ends with the change
        assertThat(api.postFrom("192.0.2.93", "/v1/auth/password-reset", Map.of("email", before))
                        .status())
                .isEqualTo(202);
        String earlier = db.queryForObject(
                        "SELECT body FROM contact_messages WHERE contact = lower(?) AND kind = 'password_reset'",
                        String.class,
                        before)
                .replaceAll("(?s).*reset code is (\\S+) .*", "$1");
        Api.Response wrong = api.send(
                "PUT",
                "/v1/me/email",
                alice.token(),
                null,
                Map.of("email", after, "password", "not her password"),
                Map.of("X-Forwarded-For", "192.0.2.91"));
        assertThat(wrong.status()).isEqualTo(401);
        Api.Response changed = change(alice, after.toUpperCase(java.util.Locale.ROOT), "correct horse 1");
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.json().path("email").asString()).isEqualTo(after);
        assertThat(messages(before, "email_changed"))
                .as("the address replaced is told")
                .isEqualTo(1);
        Api.Response stale = api.postFrom(
                "192.0.2.93",
                "/v1/auth/password-reset/confirm",
                Map.of("code", earlier, "new_password", "taken over at last"));
        assertThat(stale.status()).as("a code sent to the address replaced").isEqualTo(422);
        assertThat(db.queryForObject(
                        "SELECT body FROM contact_messages WHERE contact = lower(?) AND kind = 'email_changed'",
                        String.class,
                        before))
                .doesNotContain(after);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'user.email_changed'"
                                + " AND details::text NOT LIKE '%example.com%'",
                        Long.class, alice.id()))
                .isEqualTo(1);

        // a password reset goes to the new address only (a minute after the code above, which the change ended:
        // moved back rather than waited for)
        db.update(
                "UPDATE password_resets SET created_at = created_at - interval '2 minutes' WHERE user_id = ?",
                alice.id());
        assertThat(api.postFrom("192.0.2.92", "/v1/auth/password-reset", Map.of("email", before))
                        .status())
                .isEqualTo(202);
        assertThat(api.postFrom("192.0.2.92", "/v1/auth/password-reset", Map.of("email", after))
                        .status())
                .isEqualTo(202);
        assertThat(messages(before, "password_reset"))
                .as("only the one sent before")
                .isEqualTo(1);
        assertThat(messages(after, "password_reset")).isEqualTo(1);

        // the same address again: nothing changes, nobody is told
        assertThat(change(alice, after, "correct horse 1").status()).isEqualTo(200);
        assertThat(messages(after, "email_changed")).isZero();
    }

    @Test
    void anAddressAnotherAccountHasIsRefused() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        String bobs = bob.username() + "@example.com";
        prove(alice, bobs); // bob signed up with it, but never proved it: alice can
        Api.Response taken = change(alice, bobs, "correct horse 1");
        assertThat(taken.status()).as(taken.raw()).isEqualTo(409);
        assertThat(taken.problemType()).endsWith("/email-taken");
        assertThat(api.get("/v1/me", alice.token()).json().path("email").asString())
                .isEqualTo(alice.username() + "@example.com");
    }
}
