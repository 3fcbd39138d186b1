package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A person's data export ({@code GET /v1/me/export}): one JSON document of what is theirs, and nothing that is another
 * person's to keep (how someone else funded a payment, who blocked them).
 */
@ApiIT
class AccountExportIT extends ApiIT.Base {

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.path(field).asString()));
        return values;
    }

    @Test
    void theExportHoldsThePersonsDataInOneDocumentAndNothingThatIsAnotherPersonsToKeep() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        Api.Person dave = api.newUser("dave");
        Api.Person eve = api.newUser("eve");
        api.fund(bob, 2_000);
        assertThat(api.befriend(alice, bob.id()).status()).isEqualTo(200);
        assertThat(api.befriend(bob, alice.id()).status()).isEqualTo(200);
        assertThat(api.befriend(carol, alice.id()).status()).isEqualTo(200); // a request alice has not answered
        assertThat(api.send("PUT", "/v1/me/blocks/" + dave.id(), alice.token(), null, null)
                        .status())
                .isEqualTo(200);
        assertThat(api.send("PUT", "/v1/me/blocks/" + alice.id(), eve.token(), null, null)
                        .status())
                .isEqualTo(200); // eve blocked alice: eve's to know, not alice's
        Api.Response received =
                api.transfer(bob, alice.id(), 1_500, UUID.randomUUID().toString());
        assertThat(received.status()).as(received.raw()).isEqualTo(201);
        Api.Response sent = api.transfer(alice, bob.id(), 500, UUID.randomUUID().toString());
        assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
        UUID card = api.addCard(alice, Api.CARD);
        String asked = api.requestMoney(alice, carol.id()).json().path("id").asString();

        Api.Response export = api.get("/v1/me/export", alice.token());
        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(export.header("Content-Type")).startsWith("application/json");
        assertThat(export.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"wallet-export-" + alice.username() + ".json\"");
        assertThat(export.header("Cache-Control")).contains("no-store");
        JsonNode data = export.json();
        // one snapshot, in UTC
        assertThat(data.path("exported_at").asString()).endsWith("+00:00");
        JsonNode profile = data.path("profile");
        assertThat(profile.path("id").asString()).isEqualTo(alice.id().toString());
        assertThat(profile.path("username").asString()).isEqualTo(alice.username());
        assertThat(profile.path("email").asString()).isEqualTo(alice.username() + "@example.com");
        assertThat(profile.path("created_at").asString()).endsWith("+00:00");
        // payments either way, oldest first; how she funded hers, not how bob funded his
        JsonNode payments = data.path("payments");
        assertThat(payments).hasSize(2);
        assertThat(payments.get(0).path("id").asString())
                .isEqualTo(received.json().path("id").asString());
        assertThat(payments.get(0).path("direction").asString()).isEqualTo("received");
        assertThat(payments.get(0).path("counterparty").asString()).isEqualTo(bob.username());
        assertThat(payments.get(0).path("amount_cents").asLong()).isEqualTo(1_500);
        assertThat(payments.get(0).path("funding").isNull()).as("bob's funding").isTrue();
        assertThat(payments.get(1).path("id").asString())
                .isEqualTo(sent.json().path("id").asString());
        assertThat(payments.get(1).path("direction").asString()).isEqualTo("sent");
        assertThat(payments.get(1).path("funding").path("balance_cents").asLong())
                .isEqualTo(500);
        // a card by its last four digits only
        JsonNode methods = data.path("payment_methods");
        assertThat(methods).hasSize(1);
        assertThat(methods.get(0).path("id").asString()).isEqualTo(card.toString());
        assertThat(methods.get(0).path("last4").asString()).isEqualTo(Api.CARD.substring(12));
        assertThat(export.raw()).doesNotContain(Api.CARD).doesNotContain("password");
        // her people: a friend, a request to her, whom she blocked, and not who blocked her
        assertThat(texts(data.path("friends"), "username")).containsExactly(bob.username());
        assertThat(texts(data.path("friend_requests"), "username")).containsExactly(carol.username());
        assertThat(texts(data.path("friend_requests"), "direction")).containsExactly("received");
        assertThat(texts(data.path("blocked"), "username")).containsExactly(dave.username());
        assertThat(export.raw()).doesNotContain(eve.username());
        assertThat(texts(data.path("payment_requests"), "id")).containsExactly(asked);
        assertThat(texts(data.path("payment_requests"), "direction")).containsExactly("sent");
        // her account's security events (her sign-up among them), each dated
        assertThat(texts(data.path("security_events"), "action")).contains("user.created");
        data.path("security_events")
                .forEach(e -> assertThat(e.path("occurred_at").asString()).endsWith("+00:00"));
        // the export is audited
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'user.exported'",
                        Long.class,
                        alice.id()))
                .isEqualTo(1);
        // bob's export shows the same payment from his side, with his funding
        JsonNode bobsView = null;
        for (JsonNode p : api.get("/v1/me/export", bob.token()).json().path("payments")) {
            if (p.path("id").asString().equals(received.json().path("id").asString())) {
                bobsView = p;
            }
        }
        assertThat(bobsView).isNotNull();
        assertThat(bobsView.path("direction").asString()).isEqualTo("sent");
        assertThat(bobsView.path("funding").path("balance_cents").asLong()).isEqualTo(1_500);
        // and nobody's without a token
        assertThat(api.get("/v1/me/export", null).status()).isEqualTo(401);
    }

    @Test
    void aLongExportIsStreamedWholeInOrderAndLeavesNoFileBehind() throws Exception {
        Api.Person alice = api.newUser("alice");
        int many = 1_000; // four fetches' worth of rows
        db.update(
                "INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload, created_at)"
                        + " SELECT gen_random_uuid(), ?, 'test', ?, 'export-' || ? || '-' || n,"
                        + " jsonb_build_object('n', n, 'text', 'héllo \"' || n || '\"'),"
                        + " timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second'"
                        + " FROM generate_series(1, ?) n",
                alice.id(),
                alice.id(),
                alice.id().toString(),
                many);
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        // one left by a process killed mid-export two hours ago, and one being written right now by another instance
        java.nio.file.Path leftover = java.nio.file.Files.createTempFile(tmp, "wallet-export-", ".json");
        java.nio.file.Files.setLastModifiedTime(
                leftover,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        java.nio.file.Path current = java.nio.file.Files.createTempFile(tmp, "wallet-export-", ".json");
        List<java.nio.file.Path> before = exportFiles(tmp);

        Api.Response export = api.get("/v1/me/export", alice.token());

        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        assertThat(Long.parseLong(export.header("Content-Length")))
                .isEqualTo(export.raw().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        JsonNode data = export.json();
        assertThat(data.path("profile").path("id").asString())
                .isEqualTo(alice.id().toString());
        List<Integer> numbers = new ArrayList<>();
        data.path("notifications").forEach(n -> {
            if (n.path("kind").asString().equals("test")) {
                numbers.add(n.path("payload").path("n").asInt());
                assertThat(n.path("payload").path("text").asString())
                        .isEqualTo("héllo \"" + n.path("payload").path("n").asInt() + "\"");
            }
        });
        assertThat(numbers).hasSize(many).isSorted().startsWith(1).endsWith(many);
        List<java.nio.file.Path> after = new ArrayList<>(before);
        after.remove(leftover);
        assertThat(exportFiles(tmp))
                .as("the export's file is gone once sent, and the leftover too")
                .isEqualTo(after)
                .contains(current);
        java.nio.file.Files.delete(current);
    }

    @Test
    void aUserMayExportThreeTimesAnHourAndIsToldWhenTheNextIsDue() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/v1/me/export", alice.token()).status()).isEqualTo(200);
        }

        Api.Response fourth = api.get("/v1/me/export", alice.token());

        assertThat(fourth.status()).as(fourth.raw()).isEqualTo(429);
        assertThat(fourth.problemType()).isEqualTo(Api.PROBLEMS + "rate-limited");
        // three an hour: the next one is due in about twenty minutes
        assertThat(Long.parseLong(fourth.header("Retry-After"))).isBetween(1_000L, 1_200L);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'user.exported'",
                        Long.class,
                        alice.id()))
                .as("the refused export was not made")
                .isEqualTo(3);
        // another user's budget is their own, and alice's payments are not held to it
        assertThat(api.get("/v1/me/export", bob.token()).status()).isEqualTo(200);
        api.fund(alice, 100);
        assertThat(api.transfer(alice, bob.id(), 100, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
    }

    private static List<java.nio.file.Path> exportFiles(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wallet-export-"))
                    .sorted()
                    .toList();
        }
    }
}
