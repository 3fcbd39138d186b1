package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.stack.SharedStack;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The feed read path: rows are written into Cassandra the way fanout-streams writes them (its own tests cover that
 * part); the API must page them newest first, merge high-degree friends' timelines, show amounts only to the parties
 * and never show anyone an item they may not see. The test profile's high-degree threshold is 2.
 */
@ApiIT
class FeedIT extends ApiIT.Base {

    private static CqlSession cql;

    @BeforeAll
    static void keyspace() {
        migrateFeedKeyspace();
        var cassandra = SharedStack.get().cassandra();
        cql = CqlSessions.open(cassandra.contactPoint(), cassandra.localDatacenter());
    }

    @AfterAll
    static void close() {
        cql.close();
    }

    /** A real transfer through the API, and its feed rows as the fan-out would write them for these readers. */
    private UUID pay(Api.Person from, Api.Person to, long cents, String visibility, Instant at, List<UUID> readers) {
        api.fund(from, cents);
        Api.Response r = api.post(
                "/v1/transfers",
                from.token(),
                UUID.randomUUID().toString(),
                java.util.Map.of(
                        "receiver_id",
                        to.id().toString(),
                        "amount_cents",
                        cents,
                        "note",
                        "for " + cents,
                        "visibility",
                        visibility));
        assertThat(r.status()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().path("id").asString());
        for (UUID reader : readers) {
            boolean party = reader.equals(from.id()) || reader.equals(to.id());
            cql.execute(
                    "INSERT INTO " + ApiIT.FEED_KEYSPACE + ".feed_by_user (user_id, created_at, transfer_id, sender_id,"
                            + " sender_username, receiver_id, receiver_username, note, visibility, amount_cents)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    reader,
                    at,
                    id,
                    from.id(),
                    from.username(),
                    to.id(),
                    to.username(),
                    "for " + cents,
                    visibility,
                    party ? cents : null);
        }
        return id;
    }

    /** The public feed's row of a public payment, as the fan-out writes it. */
    private void publish(UUID id, Api.Person from, Api.Person to, Instant at, String note) {
        cql.execute(
                "INSERT INTO " + ApiIT.FEED_KEYSPACE
                        + ".public_feed_by_hour (bucket, created_at, transfer_id, sender_id,"
                        + " sender_username, receiver_id, receiver_username, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                at.truncatedTo(java.time.temporal.ChronoUnit.HOURS),
                at,
                id,
                from.id(),
                from.username(),
                to.id(),
                to.username(),
                note);
    }

    /** How many comments on a payment the reader is shown. */
    private int commentCount(UUID transfer, Api.Person reader) {
        return api.get("/v1/feed/" + transfer + "/comments", reader.token())
                .json()
                .path("items")
                .size();
    }

    private void befriend(Api.Person a, Api.Person b) {
        assertThat(api.send("PUT", "/v1/me/friends/" + b.id(), a.token(), null, null)
                        .status())
                .isEqualTo(200);
        assertThat(api.send("PUT", "/v1/me/friends/" + a.id(), b.token(), null, null)
                        .status())
                .isEqualTo(200);
    }

    private static List<String> ids(Api.Response page) {
        return page.json()
                .path("items")
                .valueStream()
                .map(i -> i.path("transfer_id").asString())
                .toList();
    }

    @Test
    void theFriendsFeedPagesNewestFirstAndShowsAmountsOnlyToParties() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        befriend(alice, carol);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        UUID first = pay(alice, bob, 100, "friends", t0, List.of(alice.id(), bob.id(), carol.id()));
        UUID second = pay(bob, alice, 200, "friends", t0.plusSeconds(1), List.of(alice.id(), bob.id(), carol.id()));
        UUID third = pay(alice, bob, 300, "private", t0.plusSeconds(2), List.of(alice.id(), bob.id()));

        Api.Response page1 = api.get("/v1/me/feed?limit=2", carol.token());
        assertThat(ids(page1)).containsExactly(second.toString(), first.toString());
        assertThat(page1.json().path("next_cursor").isNull()).isTrue();
        assertThat(page1.json().path("items").valueStream()).allSatisfy(i -> {
            assertThat(i.has("amount_cents")).as("carol is not a party").isFalse();
            assertThat(i.path("like_count").asLong()).isZero();
        });

        Api.Response mine = api.get("/v1/me/feed?limit=2", alice.token());
        assertThat(ids(mine)).containsExactly(third.toString(), second.toString());
        assertThat(mine.json().path("items").get(0).path("amount_cents").asLong())
                .isEqualTo(300);
        assertThat(mine.json()
                        .path("items")
                        .get(0)
                        .path("sender")
                        .path("username")
                        .asString())
                .isEqualTo(alice.username());
        Api.Response next = api.get(
                "/v1/me/feed?limit=2&cursor=" + mine.json().path("next_cursor").asString(), alice.token());
        assertThat(ids(next)).containsExactly(first.toString());
    }

    @Test
    void aHighDegreeFriendsTimelineIsMergedInForTheirFriendsOnly() {
        Api.Person celeb = api.newUser("celeb");
        Api.Person fan = api.newUser("fan");
        Api.Person other = api.newUser("other");
        Api.Person stranger = api.newUser("stranger");
        for (Api.Person p : List.of(fan, other, api.newUser("more"))) {
            befriend(celeb, p); // 3 friends: above the threshold of 2
        }
        Instant at = Instant.parse("2026-11-24T11:00:00Z");
        UUID id = pay(celeb, other, 500, "friends", at, List.of(celeb.id(), other.id()));
        cql.execute(
                "INSERT INTO " + ApiIT.FEED_KEYSPACE + ".feed_by_author (author_id, created_at, transfer_id, sender_id,"
                        + " sender_username, receiver_id, receiver_username, note, visibility)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                celeb.id(),
                at,
                id,
                celeb.id(),
                celeb.username(),
                other.id(),
                other.username(),
                "for 500",
                "friends");

        assertThat(ids(api.get("/v1/me/feed", fan.token()))).containsExactly(id.toString());
        assertThat(ids(api.get("/v1/me/feed", stranger.token()))).isEmpty();
        // the party's own row and the author row are one item
        assertThat(ids(api.get("/v1/me/feed", other.token()))).containsExactly(id.toString());
    }

    @Test
    void aUsersFeedShowsTheCallerOnlyWhatTheyMaySee() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person friend = api.newUser("friend");
        Api.Person stranger = api.newUser("stranger");
        befriend(alice, friend);
        Instant at = Instant.parse("2026-11-24T12:00:00Z");
        UUID open = pay(alice, bob, 10, "public", at, List.of(alice.id(), bob.id()));
        UUID friendsOnly = pay(alice, bob, 20, "friends", at.plusSeconds(1), List.of(alice.id(), bob.id()));
        UUID secret = pay(alice, bob, 30, "private", at.plusSeconds(2), List.of(alice.id(), bob.id()));

        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed", stranger.token())))
                .containsExactly(open.toString());
        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed", friend.token())))
                .containsExactly(friendsOnly.toString(), open.toString());
        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed", bob.token())))
                .containsExactly(secret.toString(), friendsOnly.toString(), open.toString());
    }

    @Test
    void likesCountOncePerUserAndCommentsOnlyOnWhatTheCallerMaySee() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person stranger = api.newUser("stranger");
        Instant at = Instant.parse("2026-11-24T13:00:00Z");
        UUID friendsOnly = pay(alice, bob, 40, "friends", at, List.of(alice.id(), bob.id()));

        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/v1/feed/" + friendsOnly + "/likes", bob.token(), null, null)
                            .status())
                    .isEqualTo(204);
        }
        assertThat(api.post("/v1/feed/" + friendsOnly + "/likes", stranger.token(), null, null)
                        .status())
                .isEqualTo(404);
        Api.Response comment = api.post(
                "/v1/feed/" + friendsOnly + "/comments", alice.token(), null, java.util.Map.of("text", "thanks!"));
        assertThat(comment.status()).isEqualTo(201);
        assertThat(api.post(
                                "/v1/feed/" + friendsOnly + "/comments",
                                stranger.token(),
                                null,
                                java.util.Map.of("text", "hi"))
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/v1/feed/" + friendsOnly + "/comments", stranger.token())
                        .status())
                .isEqualTo(404);
        assertThat(commentCount(friendsOnly, bob)).isEqualTo(1);

        JsonNode item =
                api.get("/v1/me/feed", alice.token()).json().path("items").get(0);
        assertThat(item.path("like_count").asLong()).isEqualTo(1);
        assertThat(item.path("comment_count").asLong()).isEqualTo(1);

        assertThat(api.send("DELETE", "/v1/feed/" + friendsOnly + "/likes", bob.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/v1/me/feed", alice.token())
                        .json()
                        .path("items")
                        .get(0)
                        .path("like_count")
                        .asLong())
                .isZero();
    }

    @Test
    void aBlockTakesEachOnesPaymentsOutOfTheOthersFeedsBothWays() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        befriend(alice, bob);
        befriend(alice, carol);
        befriend(bob, carol);
        List<UUID> all = List.of(alice.id(), bob.id(), carol.id());
        Instant at = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        UUID bobToCarol = pay(bob, carol, 10, "public", at, all);
        publish(bobToCarol, bob, carol, at, "for 10");
        UUID carolToAlice = pay(carol, alice, 20, "public", at.plusSeconds(1), all);
        publish(carolToAlice, carol, alice, at.plusSeconds(1), "for 20");
        UUID aliceToBob = pay(alice, bob, 30, "friends", at.plusSeconds(2), all);
        assertThat(api.post("/v1/feed/" + carolToAlice + "/comments", bob.token(), null, java.util.Map.of("text", "hi"))
                        .status())
                .isEqualTo(201);
        assertThat(ids(api.get("/v1/me/feed", alice.token())))
                .containsExactly(aliceToBob.toString(), carolToAlice.toString(), bobToCarol.toString());

        assertThat(api.send("PUT", "/v1/me/blocks/" + bob.id(), alice.token(), null, null)
                        .status())
                .isEqualTo(200);

        // neither sees a payment the other is a party to, in any feed; everything else stays
        assertThat(ids(api.get("/v1/me/feed", alice.token()))).containsExactly(carolToAlice.toString());
        assertThat(ids(api.get("/v1/me/feed", bob.token()))).containsExactly(bobToCarol.toString());
        assertThat(ids(api.get("/v1/me/feed", carol.token())))
                .containsExactly(aliceToBob.toString(), carolToAlice.toString(), bobToCarol.toString());
        assertThat(ids(api.get("/v1/feed/public?limit=100", alice.token())))
                .contains(carolToAlice.toString())
                .doesNotContain(bobToCarol.toString());
        assertThat(ids(api.get("/v1/feed/public?limit=100", bob.token())))
                .contains(bobToCarol.toString())
                .doesNotContain(carolToAlice.toString());
        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed", bob.token())))
                .isEmpty();
        assertThat(ids(api.get("/v1/users/" + bob.id() + "/feed", alice.token())))
                .isEmpty();
        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed", carol.token())))
                .containsExactly(aliceToBob.toString(), carolToAlice.toString());
        // nor likes, comments on or reads the comments of such a payment; a blocked user's comment is not shown
        assertThat(api.post("/v1/feed/" + carolToAlice + "/likes", bob.token(), null, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/v1/feed/" + carolToAlice + "/comments", bob.token())
                        .status())
                .isEqualTo(404);
        assertThat(commentCount(carolToAlice, alice)).isZero();
        assertThat(commentCount(carolToAlice, carol)).isEqualTo(1);

        // lifted: alice's payments are back for bob, his own and the public one (the friendship ended is not)
        assertThat(api.send("DELETE", "/v1/me/blocks/" + bob.id(), alice.token(), null, null)
                        .status())
                .isEqualTo(204);
        assertThat(ids(api.get("/v1/me/feed", bob.token())))
                .containsExactly(aliceToBob.toString(), carolToAlice.toString(), bobToCarol.toString());
    }

    private Api.Response changeVisibility(Api.Person as, UUID transfer, String visibility) {
        return api.send(
                "PATCH", "/v1/transfers/" + transfer, as.token(), null, java.util.Map.of("visibility", visibility));
    }

    @Test
    void aPaymentMadeMorePrivateOrAnUnfriendingIsGoneFromEveryFeedAtOnceAndPagesStayFull() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol"); // alice's friend
        Api.Person dave = api.newUser("dave"); // bob's friend
        befriend(alice, carol);
        befriend(bob, dave);
        Instant t0 = Instant.parse("2026-11-24T13:00:00Z");
        List<UUID> all = List.of(alice.id(), bob.id(), carol.id(), dave.id());
        List<UUID> paid = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            paid.add(pay(alice, bob, 100 + i, "friends", t0.plusSeconds(i), all));
        }
        // the public feed looks back from now: the public payment is a minute old
        Instant openAt = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        UUID open = pay(bob, alice, 50, "public", openAt, all);
        publish(open, bob, alice, openAt, "for 50");

        // the receiver narrows four of them to private: gone from carol's and dave's feeds, kept for the parties
        for (UUID id : paid.subList(1, 5)) {
            Api.Response r = changeVisibility(bob, id, "private");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("visibility").asString()).isEqualTo("private");
        }
        // pages of one stay full through the gaps, and end where the items end
        List<String> carolSees = new java.util.ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            Api.Response r =
                    api.get("/v1/me/feed?limit=1" + (cursor == null ? "" : "&cursor=" + cursor), carol.token());
            carolSees.addAll(ids(r));
            if (r.json().path("next_cursor").isNull()) {
                break;
            }
            cursor = r.json().path("next_cursor").asString();
        }
        assertThat(carolSees)
                .containsExactly(
                        open.toString(), paid.get(5).toString(), paid.get(0).toString());
        assertThat(ids(api.get("/v1/me/feed?limit=20", dave.token())))
                .containsExactly(
                        open.toString(), paid.get(5).toString(), paid.get(0).toString());
        Api.Response alicesOwn = api.get("/v1/me/feed?limit=20", alice.token());
        assertThat(ids(alicesOwn)).hasSize(7);
        assertThat(alicesOwn
                        .json()
                        .path("items")
                        .valueStream()
                        .filter(i -> i.path("transfer_id")
                                .asString()
                                .equals(paid.get(1).toString()))
                        .findFirst()
                        .orElseThrow()
                        .path("visibility")
                        .asString())
                .isEqualTo("private");
        assertThat(ids(api.get("/v1/users/" + alice.id() + "/feed?limit=20", carol.token())))
                .containsExactly(
                        open.toString(), paid.get(5).toString(), paid.get(0).toString());

        // only the sender makes a payment more visible; strangers are told it does not exist
        assertThat(changeVisibility(bob, paid.get(1), "friends").status()).isEqualTo(403);
        assertThat(changeVisibility(carol, paid.get(1), "private").status()).isEqualTo(404);
        assertThat(changeVisibility(alice, paid.get(1), "everyone").status()).isEqualTo(400);
        assertThat(changeVisibility(alice, paid.get(1), "friends").status()).isEqualTo(200);
        assertThat(ids(api.get("/v1/me/feed?limit=20", carol.token())))
                .contains(paid.get(1).toString());

        // the public payment made friends-only leaves the public feed
        assertThat(ids(api.get("/v1/feed/public?limit=20", carol.token()))).contains(open.toString());
        assertThat(changeVisibility(alice, open, "friends").status())
                .as("the receiver narrows")
                .isEqualTo(200);
        assertThat(ids(api.get("/v1/feed/public?limit=20", carol.token()))).doesNotContain(open.toString());

        // unfriending: carol no longer sees alice's friends-only payments, backward too
        assertThat(api.send("DELETE", "/v1/me/friends/" + alice.id(), carol.token(), null, null)
                        .status())
                .isLessThan(300);
        assertThat(ids(api.get("/v1/me/feed?limit=20", carol.token()))).isEmpty();
        assertThat(ids(api.get("/v1/me/feed?limit=20", dave.token())))
                .as("dave is still bob's friend")
                .contains(paid.get(0).toString(), open.toString());

        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'transfer.visibility_changed' AND entity_id = ?",
                        Long.class,
                        paid.get(1).toString()))
                .isEqualTo(2);
    }

    @Test
    void whetherUnfriendingHidesOlderPaymentsIsConfigurable() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        befriend(alice, carol);
        UUID id = pay(alice, bob, 300, "friends", Instant.now(), List.of(alice.id(), bob.id(), carol.id()));
        assertThat(api.send("DELETE", "/v1/me/friends/" + alice.id(), carol.token(), null, null)
                        .status())
                .isLessThan(300);

        assertThat(ids(api.get("/v1/me/feed?limit=20", carol.token())))
                .as("hidden by default")
                .doesNotContain(id.toString());
        var cassandra = com.wallet.stack.SharedStack.get().cassandra();
        try (var lenient = anotherInstance(
                "--wallet.feed.hide-unfriended=false",
                "--wallet.feed.contact-point=" + cassandra.host() + ":" + cassandra.port(),
                "--wallet.feed.datacenter=" + cassandra.localDatacenter(),
                "--wallet.feed.keyspace=" + ApiIT.FEED_KEYSPACE)) {
            Api other = new Api(portOf(lenient), db, sim);
            assertThat(ids(other.get("/v1/me/feed?limit=20", carol.token())))
                    .as("kept when configured so")
                    .contains(id.toString());
            assertThat(ids(other.get("/v1/users/" + alice.id() + "/feed?limit=20", carol.token())))
                    .as("but never in alice's own feed for a non-friend")
                    .doesNotContain(id.toString());
        }
    }

    @Test
    void anAvatarIsAnHttpsUrlTheOwnerSetsAndTheFeedShowsItAsItIsNow() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        for (String bad : List.of(
                "http://img.example.com/a.png",
                "javascript:alert(1)",
                "https:///nohost.png",
                "https://user:secret@img.example.com/a.png",
                "not a url")) {
            assertThat(api.send("PUT", "/v1/me/avatar", alice.token(), null, java.util.Map.of("url", bad))
                            .status())
                    .as(bad)
                    .isEqualTo(400);
        }
        String url = "https://img.example.com/alice.png";
        Api.Response set = api.send("PUT", "/v1/me/avatar", alice.token(), null, java.util.Map.of("url", url));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().path("avatar_url").asString()).isEqualTo(url);
        assertThat(api.get("/v1/users?username=" + alice.username(), bob.token())
                        .json()
                        .path("avatar_url")
                        .asString())
                .isEqualTo(url);
        UUID id = pay(alice, bob, 100, "private", Instant.now(), List.of(alice.id(), bob.id()));

        var item =
                api.get("/v1/me/feed?limit=5", bob.token()).json().path("items").get(0);
        assertThat(item.path("transfer_id").asString()).isEqualTo(id.toString());
        assertThat(item.path("sender").path("avatar_url").asString()).isEqualTo(url);
        assertThat(item.path("receiver").path("avatar_url").isNull()).isTrue();

        assertThat(api.send("DELETE", "/v1/me/avatar", alice.token(), null, null)
                        .json()
                        .path("avatar_url")
                        .isNull())
                .isTrue();
        assertThat(api.get("/v1/me/feed?limit=5", bob.token())
                        .json()
                        .path("items")
                        .get(0)
                        .path("sender")
                        .path("avatar_url")
                        .isNull())
                .as("as it is now")
                .isTrue();
    }
}
