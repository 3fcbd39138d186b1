package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@ApiIT
class SplitRequestIT extends ApiIT.Base {

    private Api.Response split(Api.Person requester, Map<String, Object> body) {
        Map<String, Object> full = new HashMap<>(body);
        full.putIfAbsent("note", "dinner");
        return api.post("/v1/payment-requests", requester.token(), null, full);
    }

    private static List<Map<String, Object>> payers(Api.Person... people) {
        return java.util.Arrays.stream(people)
                .map(p -> Map.<String, Object>of("user_id", p.id().toString()))
                .toList();
    }

    /** Each request of the group by its payer. */
    private static Map<String, JsonNode> byPayer(JsonNode group) {
        return group.path("requests")
                .valueStream()
                .collect(Collectors.toMap(r -> r.path("payer_id").asString(), r -> r));
    }

    @Test
    void anEqualSplitGivesTheRemainderToTheFirstPayersAndCanIncludeTheRequester() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        Api.Person dan = api.newUser("dan");

        Api.Response three =
                split(alice, Map.of("split", "equal", "total_cents", 1_000, "payers", payers(bob, carol, dan)));
        assertThat(three.status()).as(three.raw()).isEqualTo(201);
        assertThat(byPayer(three.json())
                        .get(bob.id().toString())
                        .path("amount_cents")
                        .asLong())
                .isEqualTo(334);
        assertThat(byPayer(three.json())
                        .get(carol.id().toString())
                        .path("amount_cents")
                        .asLong())
                .isEqualTo(333);
        assertThat(byPayer(three.json())
                        .get(dan.id().toString())
                        .path("amount_cents")
                        .asLong())
                .isEqualTo(333);
        assertThat(three.json().path("requested_cents").asLong()).isEqualTo(1_000);

        Api.Response withMe = split(
                alice,
                Map.of(
                        "split",
                        "equal",
                        "total_cents",
                        1_001,
                        "include_requester",
                        true,
                        "payers",
                        payers(bob, carol, dan)));
        assertThat(withMe.status()).as(withMe.raw()).isEqualTo(201);
        assertThat(withMe.json().path("total_cents").asLong()).isEqualTo(1_001);
        assertThat(withMe.json().path("requester_share_cents").asLong()).isEqualTo(250);
        assertThat(withMe.json().path("requested_cents").asLong()).isEqualTo(751);
        assertThat(byPayer(withMe.json())
                        .get(bob.id().toString())
                        .path("amount_cents")
                        .asLong())
                .isEqualTo(251);
        String group = withMe.json().path("id").asString();
        assertThat(withMe.json()
                        .path("requests")
                        .valueStream()
                        .map(r -> r.path("group_id").asString()))
                .containsOnly(group);
        // each payer sees it among their incoming requests, linked to the group
        assertThat(api.get("/v1/me/payment-requests?role=incoming", carol.token())
                        .json()
                        .path("items")
                        .valueStream()
                        .filter(r -> r.path("group_id").asString().equals(group))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void eachRequestOfASplitIsPaidDeclinedOrCancelledOnItsOwn() throws Exception {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        Api.Person dan = api.newUser("dan");
        Api.Person erin = api.newUser("erin");
        Api.Person stranger = api.newUser("stranger");
        api.fund(bob, 1_000);
        api.fund(carol, 1_000);

        Api.Response created = split(
                alice,
                Map.of(
                        "payers",
                        List.of(
                                Map.of("user_id", bob.id().toString(), "amount_cents", 400),
                                Map.of("user_id", carol.id().toString(), "amount_cents", 700),
                                Map.of("user_id", dan.id().toString(), "amount_cents", 100),
                                Map.of("user_id", erin.id().toString(), "amount_cents", 50)),
                        "total_cents",
                        1_250));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.json().path("split").asString()).isEqualTo("custom");
        String group = created.json().path("id").asString();
        Map<String, JsonNode> requests = byPayer(created.json());

        // bob and carol pay at the same moment, dan declines, alice cancels erin's
        List<Api.Response> paid = Concurrently.run(2, i -> {
            Api.Person payer = i == 0 ? bob : carol;
            String id = requests.get(payer.id().toString()).path("id").asString();
            return () -> api.post(
                    "/v1/payment-requests/" + id + "/pay",
                    payer.token(),
                    UUID.randomUUID().toString(),
                    null);
        });
        assertThat(paid).allMatch(r -> r.status() == 201);
        assertThat(api.post(
                                "/v1/payment-requests/"
                                        + requests.get(dan.id().toString())
                                                .path("id")
                                                .asString() + "/decline",
                                dan.token(),
                                null,
                                null)
                        .status())
                .isEqualTo(200);
        assertThat(api.post(
                                "/v1/payment-requests/"
                                        + requests.get(erin.id().toString())
                                                .path("id")
                                                .asString() + "/cancel",
                                alice.token(),
                                null,
                                null)
                        .status())
                .isEqualTo(200);

        JsonNode after =
                api.get("/v1/payment-requests/groups/" + group, dan.token()).json();
        Map<String, JsonNode> now = byPayer(after);
        assertThat(now.get(bob.id().toString()).path("status").asString()).isEqualTo("paid");
        assertThat(now.get(carol.id().toString()).path("status").asString()).isEqualTo("paid");
        assertThat(now.get(dan.id().toString()).path("status").asString()).isEqualTo("declined");
        assertThat(now.get(erin.id().toString()).path("status").asString()).isEqualTo("cancelled");
        assertThat(after.path("paid_cents").asLong()).isEqualTo(1_100);
        assertThat(api.balance(alice)).isEqualTo(1_100);
        assertThat(api.get("/v1/payment-requests/groups/" + group, alice.token())
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/v1/payment-requests/groups/" + group, stranger.token())
                        .status())
                .isEqualTo(404);
        LedgerInvariants.assertHold(db);
    }

    @Test
    void aBadSplitIsRefusedAndCreatesNothing() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Map<String, Object> bobPays = Map.of("user_id", bob.id().toString(), "amount_cents", 100);

        record Case(Map<String, Object> body, int status, String problem) {}
        List<Case> bad = List.of(
                new Case(Map.of("payers", List.of(bobPays, bobPays)), 400, "invalid-request"),
                new Case(Map.of("payers", List.of(bobPays), "payer_id", bob.id().toString()), 400, "invalid-request"),
                new Case(Map.of("payers", List.of(bobPays), "total_cents", 99), 400, "invalid-request"),
                new Case(Map.of("payers", List.of(Map.of("user_id", bob.id().toString()))), 400, "invalid-request"),
                new Case(Map.of("split", "equal", "payers", payers(bob)), 400, "invalid-request"),
                new Case(
                        Map.of("split", "equal", "total_cents", 1, "include_requester", true, "payers", payers(bob)),
                        400,
                        "invalid-request"),
                new Case(Map.of("split", "thirds", "total_cents", 300, "payers", payers(bob)), 400, "invalid-request"),
                new Case(Map.of("payers", List.of()), 400, "invalid-request"),
                new Case(
                        Map.of(
                                "payers",
                                List.of(bobPays, Map.of("user_id", alice.id().toString(), "amount_cents", 5))),
                        422,
                        "self-request"),
                new Case(
                        Map.of(
                                "payers",
                                List.of(
                                        bobPays,
                                        Map.of("user_id", UUID.randomUUID().toString(), "amount_cents", 5))),
                        422,
                        "unknown-payer"));
        for (Case c : bad) {
            Api.Response r = split(alice, c.body());
            assertThat(r.status()).as(c.body() + " → " + r.raw()).isEqualTo(c.status());
            assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + c.problem());
        }
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM payment_requests WHERE requester_id = ?", Long.class, alice.id()))
                .as("nothing of a refused split was kept")
                .isZero();
    }
}
