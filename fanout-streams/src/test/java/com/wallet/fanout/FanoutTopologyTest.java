package com.wallet.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FanoutTopologyTest {

    private static final FanoutSettings SETTINGS = new FanoutSettings("wallet", 3);

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> friendships;
    private TestInputTopic<String, String> transfers;
    private TestInputTopic<String, String> users;
    private TestOutputTopic<String, String> feed;
    private TestOutputTopic<String, String> curated;
    private TestOutputTopic<String, String> dead;

    private final UUID alice = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final UUID carol = UUID.randomUUID();
    private final UUID dave = UUID.randomUUID();
    private final UUID erin = UUID.randomUUID();

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fanout-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(FanoutTopology.build(SETTINGS), props);
        var s = new StringSerializer();
        var d = new StringDeserializer();
        friendships = driver.createInputTopic(SETTINGS.friendshipsTopic(), s, s);
        transfers = driver.createInputTopic(SETTINGS.transfersTopic(), s, s);
        users = driver.createInputTopic(SETTINGS.usersTopic(), s, s);
        feed = driver.createOutputTopic(SETTINGS.feedItemsTopic(), d, d);
        curated = driver.createOutputTopic(SETTINGS.transfersV1Topic(), d, d);
        dead = driver.createOutputTopic(SETTINGS.deadLetterTopic(), d, d);
        for (UUID u : List.of(alice, bob, carol, dave, erin)) {
            users.pipeInput(
                    "{\"id\":\"" + u + "\"}",
                    "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + u + "\",\"username\":\"" + name(u) + "\"}}");
        }
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private String name(UUID u) {
        return u.equals(alice)
                ? "alice"
                : u.equals(bob) ? "bob" : u.equals(carol) ? "carol" : u.equals(dave) ? "dave" : "erin";
    }

    private void befriend(UUID x, UUID y) {
        UUID a = x.compareTo(y) < 0 ? x : y;
        UUID b = a.equals(x) ? y : x;
        friendships.pipeInput(
                key(a, b),
                "{\"op\":\"c\",\"before\":null,\"after\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b
                        + "\",\"created_at\":\"2026-11-24T10:00:00Z\"}}");
    }

    private void unfriend(UUID x, UUID y) {
        UUID a = x.compareTo(y) < 0 ? x : y;
        UUID b = a.equals(x) ? y : x;
        friendships.pipeInput(
                key(a, b),
                "{\"op\":\"d\",\"before\":{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"},\"after\":null}");
        friendships.pipeInput(key(a, b), (String) null); // Debezium's tombstone
    }

    private static String key(UUID a, UUID b) {
        return "{\"user_a\":\"" + a + "\",\"user_b\":\"" + b + "\"}";
    }

    private UUID pay(UUID from, UUID to, long cents, String visibility) {
        return pay(UUID.randomUUID(), from, to, cents, visibility, java.time.Instant.parse("2026-11-24T12:00:00Z"));
    }

    /** A transfer's change event, at a given record time (a replay sends the same event again). */
    private UUID pay(UUID id, UUID from, UUID to, long cents, String visibility, java.time.Instant at) {
        transfers.pipeInput(
                "{\"id\":\"" + id + "\"}",
                "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + id
                        + "\",\"sender_id\":\"" + from + "\",\"receiver_id\":\"" + to + "\",\"amount_cents\":" + cents
                        + ",\"balance_cents\":" + cents + ",\"bank_cents\":0,\"card_cents\":0,\"fee_cents\":0,"
                        + "\"note\":\"tacos\",\"visibility\":\"" + visibility + "\",\"status\":\"completed\","
                        + "\"created_at\":\"2026-11-24T12:00:00.123456Z\",\"payment_request_id\":null}}",
                at);
        return id;
    }

    @Test
    void aReplayedChangeEventIsFannedOutAndCuratedOnce() {
        befriend(alice, carol);
        // after every record the driver stamped with the wall clock (the users and friendships above)
        java.time.Instant t0 = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        UUID id = pay(UUID.randomUUID(), alice, bob, 900, "friends", t0);
        UUID other = pay(UUID.randomUUID(), bob, alice, 100, "private", t0.plusSeconds(1));
        int firstItems = items().size();
        assertThat(curated.readValuesToList()).hasSize(2);

        // the connector crashed before committing its offsets and sends both again, a few seconds later
        pay(id, alice, bob, 900, "friends", t0.plusSeconds(5));
        pay(other, bob, alice, 100, "private", t0.plusSeconds(6));
        assertThat(curated.readValuesToList()).isEmpty();
        assertThat(items()).isEmpty();
        assertThat(firstItems).isPositive();

        // the memory is bounded: past the replay window (stream time) and a minute's sweep, an id is forgotten
        pay(
                UUID.randomUUID(),
                carol,
                dave,
                50,
                "private",
                t0.plus(FanoutSettings.DEFAULT_REPLAY_WINDOW).plusSeconds(120));
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(2));
        try (var store = driver.<String, Long>getKeyValueStore(FanoutTopology.SEEN_TRANSFERS)
                .all()) {
            List<String> remembered = new java.util.ArrayList<>();
            store.forEachRemaining(kv -> remembered.add(kv.key));
            assertThat(remembered)
                    .doesNotContain(id.toString(), other.toString())
                    .hasSize(1);
        }
    }

    private List<JsonNode> items() {
        return feed.readValuesToList().stream().map(Json::read).toList();
    }

    private static List<String> targets(List<JsonNode> items, String kind) {
        return items.stream()
                .filter(i -> i.path("kind").asString().equals(kind))
                .map(i -> i.path("target").asString())
                .sorted()
                .toList();
    }

    private static List<String> sorted(UUID... ids) {
        return java.util.Arrays.stream(ids).map(UUID::toString).sorted().toList();
    }

    @Test
    void aPrivateTransferReachesOnlyItsTwoPartiesWithTheAmount() {
        befriend(alice, carol);
        befriend(bob, dave);

        pay(alice, bob, 1_250, "private");

        List<JsonNode> items = items();
        assertThat(targets(items, "reader")).isEqualTo(sorted(alice, bob));
        assertThat(items)
                .allSatisfy(i -> assertThat(i.path("amount_cents").asLong()).isEqualTo(1_250));
        assertThat(targets(items, "public")).isEmpty();
    }

    @Test
    void aFriendsTransferReachesTheFriendsOfEitherOnceAndOnlyPartiesSeeTheAmount() {
        befriend(alice, carol);
        befriend(bob, carol); // carol is a friend of both: one item
        befriend(bob, dave);

        pay(alice, bob, 500, "friends");

        List<JsonNode> items = items();
        assertThat(targets(items, "reader")).isEqualTo(sorted(alice, bob, carol, dave));
        assertThat(items)
                .filteredOn(i -> i.path("target").asString().equals(carol.toString()))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.path("amount_cents").isNull()).isTrue();
                    assertThat(i.path("sender_username").asString()).isEqualTo("alice");
                    assertThat(i.path("receiver_username").asString()).isEqualTo("bob");
                    assertThat(i.path("note").asString()).isEqualTo("tacos");
                    assertThat(i.path("created_at").asString()).isEqualTo("2026-11-24T12:00:00.123456Z");
                });
        assertThat(targets(items, "reader")).doesNotContain(erin.toString());
        assertThat(targets(items, "public")).isEmpty();
    }

    @Test
    void aPublicTransferAlsoReachesThePublicFeed() {
        befriend(alice, carol);

        UUID id = pay(alice, bob, 300, "public");

        List<JsonNode> items = items();
        assertThat(targets(items, "reader")).isEqualTo(sorted(alice, bob, carol));
        assertThat(items)
                .filteredOn(i -> i.path("kind").asString().equals("public"))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.path("transfer_id").asString()).isEqualTo(id.toString());
                    assertThat(i.path("amount_cents").isNull()).isTrue();
                });
    }

    @Test
    void afterUnfriendingNewItemsNoLongerArrive() {
        befriend(alice, carol);
        pay(alice, bob, 100, "friends");
        assertThat(targets(items(), "reader")).contains(carol.toString());

        befriend(carol, dave);
        unfriend(alice, carol);
        pay(alice, bob, 200, "friends");

        List<JsonNode> after = items();
        assertThat(targets(after, "reader")).isEqualTo(sorted(alice, bob));
        // each side is told to drop the other's friends-only items, with who else they still see items through
        assertThat(after)
                .filteredOn(i -> i.path("kind").asString().equals("unfriended"))
                .extracting(
                        i -> i.path("target").asString() + ">" + i.path("party").asString() + ":"
                                + i.path("friends")
                                        .valueStream()
                                        .map(JsonNode::asString)
                                        .toList())
                .containsExactlyInAnyOrder(
                        carol + ">" + alice + ":" + List.of(dave.toString()), alice + ">" + carol + ":[]");
        assertThat(dead.isEmpty()).as("a tombstone is not a poison record").isTrue();
    }

    /**
     * A closed account (its row with status {@code closed}, as transfer-api's closure writes it): the sink is told to
     * delete what it stored for them, keyed by them; any other change of a user tells it nothing.
     */
    @Test
    void aClosedAccountTellsTheSinkToDeleteItsStoredFeed() {
        users.pipeInput(
                "{\"id\":\"" + bob + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + bob
                        + "\",\"username\":\"bob\",\"status\":\"active\",\"avatar_url\":\"https://a.example/b.png\"}}");
        assertThat(feed.readKeyValuesToList()).isEmpty();
        users.pipeInput(
                "{\"id\":\"" + carol + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + carol
                        + "\",\"username\":\"carol\",\"status\":\"closed\",\"display_name\":\"Closed account\","
                        + "\"closed_at\":1795856776642769}}");
        var out = feed.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo(carol.toString());
        JsonNode closed = Json.read(out.get(0).value);
        assertThat(closed.path("kind").asString()).isEqualTo(AccountClosed.KIND);
        assertThat(closed.path("target").asString()).isEqualTo(carol.toString());
        assertThat(dead.isEmpty()).isTrue();
    }

    /**
     * After an account closed, no item is made for it: not a friend's payment processed before the closure's
     * unfriendings reach the edge store (here they never come), not a payment to it (money sent on later).
     */
    @Test
    void aClosedAccountGetsNoItemsAfterwards() {
        befriend(alice, carol);
        pay(alice, bob, 100, "friends");
        assertThat(targets(items(), "reader")).contains(carol.toString());
        users.pipeInput(
                "{\"id\":\"" + carol + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + carol
                        + "\",\"username\":\"carol\",\"status\":\"closed\"}}");
        assertThat(feed.readKeyValuesToList()).hasSize(1); // the account_closed record
        pay(alice, bob, 200, "friends");
        assertThat(targets(items(), "reader")).isEqualTo(sorted(alice, bob));
        pay(alice, carol, 300, "private");
        assertThat(targets(items(), "reader")).isEqualTo(sorted(alice));
        assertThat(dead.isEmpty()).isTrue();
    }

    @Test
    void unfriendingLeavesFeedsAloneWhenConfiguredSo() {
        driver.close();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "fanout-test-keep");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        FanoutSettings keep = new FanoutSettings("wallet", 3, FanoutSettings.DEFAULT_REPLAY_WINDOW, false);
        driver = new TopologyTestDriver(FanoutTopology.build(keep), props);
        var s = new StringSerializer();
        friendships = driver.createInputTopic(keep.friendshipsTopic(), s, s);
        feed = driver.createOutputTopic(keep.feedItemsTopic(), new StringDeserializer(), new StringDeserializer());
        befriend(alice, carol);
        unfriend(alice, carol);
        assertThat(feed.isEmpty()).isTrue();
    }

    @Test
    void aHighDegreeAuthorGetsOneAuthorItemInsteadOfAnItemPerFriend() {
        // threshold 3: alice with 4 friends is high-degree; bob with 1 is not
        for (UUID f : List.of(carol, dave, erin, UUID.randomUUID())) {
            befriend(alice, f);
        }
        UUID bobsFriend = UUID.randomUUID();
        befriend(bob, bobsFriend);

        pay(alice, bob, 700, "friends");

        List<JsonNode> items = items();
        assertThat(targets(items, "author")).containsExactly(alice.toString());
        assertThat(targets(items, "reader")).isEqualTo(sorted(alice, bob, bobsFriend));
        assertThat(items)
                .filteredOn(i -> i.path("kind").asString().equals("author"))
                .singleElement()
                .satisfies(i -> assertThat(i.path("amount_cents").isNull()).isTrue());
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        transfers.pipeInput("{\"id\":\"x\"}", "this is not json");
        transfers.pipeInput("{\"id\":\"y\"}", "{\"no_op\":true}");
        // valid JSON, but not a transfer the fan-out can use: caught before it could stop a stream thread
        transfers.pipeInput(
                "{\"id\":\"z\"}",
                "{\"op\":\"c\",\"after\":{\"id\":\"not-a-uuid\"," + "\"sender_id\":\"" + alice + "\",\"receiver_id\":\""
                        + bob + "\",\"status\":\"completed\"}}");
        friendships.pipeInput("{}", "{\"op\":\"c\",\"after\":{\"user_a\":\"x\",\"user_b\":\"y\"}}");
        pay(alice, bob, 100, "private");

        List<TestRecord<String, String>> poisoned = dead.readRecordsToList();
        assertThat(poisoned).hasSize(4);
        assertThat(poisoned.get(0).value()).isEqualTo("this is not json");
        assertThat(new String(poisoned.get(0).headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                .isNotBlank();
        assertThat(new String(poisoned.get(0).headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                .startsWith(SETTINGS.transfersTopic() + "/0@");
        assertThat(new String(poisoned.get(1).headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                .contains("no \"op\"");
        assertThat(new String(poisoned.get(2).headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                .contains("UUID");
        assertThat(new String(poisoned.get(3).headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                .startsWith(SETTINGS.friendshipsTopic());
        assertThat(targets(items(), "reader")).isEqualTo(sorted(alice, bob));
    }

    @Test
    void theCuratedTransferCarriesNoFundingDetails() {
        UUID id = pay(alice, bob, 4_200, "friends");

        JsonNode t = Json.read(curated.readKeyValue().value);

        assertThat(t.path("version").asInt()).isEqualTo(1);
        assertThat(t.path("transfer_id").asString()).isEqualTo(id.toString());
        assertThat(t.path("amount_cents").asLong()).isEqualTo(4_200);
        assertThat(t.has("bank_cents") || t.has("card_cents") || t.has("fee_cents") || t.has("balance_cents"))
                .isFalse();
    }

    @Test
    void feedItemsAndCuratedTransfersCarryThePartiesAvatars() {
        String url = "https://img.example.com/alice.png";
        users.pipeInput(
                "{\"id\":\"" + alice + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + alice
                        + "\",\"username\":\"alice\",\"avatar_url\":\"" + url + "\"}}");

        pay(alice, bob, 100, "private");

        assertThat(items()).allSatisfy(i -> {
            assertThat(i.path("sender_avatar_url").asString()).isEqualTo(url);
            assertThat(i.path("receiver_avatar_url").isNull()).isTrue();
        });
        assertThat(Json.read(curated.readValue()).path("sender_avatar_url").asString())
                .isEqualTo(url);

        users.pipeInput(
                "{\"id\":\"" + alice + "\"}",
                "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + alice
                        + "\",\"username\":\"alice\",\"avatar_url\":null}}");
        pay(alice, bob, 200, "private");
        assertThat(items())
                .allSatisfy(
                        i -> assertThat(i.path("sender_avatar_url").isNull()).isTrue());
    }

    @Test
    void aCuratedRefundNamesThePaymentItGivesBack() {
        UUID payment = pay(alice, bob, 1_000, "friends");
        UUID refund = UUID.randomUUID();
        transfers.pipeInput(
                "{\"id\":\"" + refund + "\"}",
                "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + refund + "\",\"sender_id\":\"" + bob
                        + "\",\"receiver_id\":\"" + alice + "\",\"amount_cents\":400,\"balance_cents\":400,"
                        + "\"bank_cents\":0,\"card_cents\":0,\"fee_cents\":0,\"note\":\"Refund: tacos\","
                        + "\"visibility\":\"friends\",\"status\":\"completed\","
                        + "\"created_at\":\"2026-11-24T12:01:00Z\",\"payment_request_id\":null,"
                        + "\"refund_of\":\"" + payment + "\"}}",
                java.time.Instant.parse("2026-11-24T12:01:00Z"));

        List<JsonNode> out = curated.readValuesToList().stream().map(Json::read).toList();

        assertThat(out).hasSize(2);
        assertThat(out.get(0).path("refund_of").isNull())
                .as("a payment refunds nothing")
                .isTrue();
        assertThat(out.get(1).path("transfer_id").asString()).isEqualTo(refund.toString());
        assertThat(out.get(1).path("refund_of").asString()).isEqualTo(payment.toString());
        assertThat(out.get(1).path("sender_id").asString()).isEqualTo(bob.toString());
    }

    @Test
    void aUserWithThousandsOfFriendsCostsNoLargeRecordAndTheFeedFlowsForOthers() {
        var d = new StringDeserializer();
        var edgesOut = driver.createOutputTopic(SETTINGS.friendEdgesTopic(), d, d);
        UUID celebrity = UUID.randomUUID();
        users.pipeInput(
                "{\"id\":\"" + celebrity + "\"}",
                "{\"op\":\"c\",\"before\":null,\"after\":{\"id\":\"" + celebrity + "\",\"username\":\"star\"}}");
        int fans = 1_000;
        for (int i = 0; i < fans; i++) {
            befriend(celebrity, UUID.randomUUID());
        }
        befriend(alice, carol);
        // one small record per directed edge, whatever the degree
        int edges = 0;
        int largest = 0;
        while (!edgesOut.isEmpty()) {
            var r = edgesOut.readKeyValue();
            largest = Math.max(largest, r.key.length() + (r.value == null ? 0 : r.value.length()));
            edges++;
        }
        assertThat(edges).isEqualTo(2 * (fans + 1));
        assertThat(largest).isLessThan(100);

        // the celebrity's payment: one author item, no item per fan; alice's payment reaches her friend as ever
        pay(celebrity, bob, 500, "friends");
        List<JsonNode> celebrityItems = items();
        assertThat(targets(celebrityItems, "author")).containsExactly(celebrity.toString());
        assertThat(targets(celebrityItems, "reader")).isEqualTo(sorted(celebrity, bob));
        pay(alice, bob, 200, "friends");
        assertThat(targets(items(), "reader")).isEqualTo(sorted(alice, bob, carol));

        // unfriending removes the edge (a tombstone), and with it the next payment's reader
        unfriend(alice, carol);
        pay(alice, bob, 100, "friends");
        assertThat(targets(items(), "reader")).isEqualTo(sorted(alice, bob));
    }

    @Test
    void aPaymentMadeMorePrivateIsCuratedAgainWithItsNewVisibilityOncePerChange() {
        befriend(alice, carol);
        UUID id = pay(alice, bob, 700, "friends");
        assertThat(curated.readValuesToList()).hasSize(1);
        items();
        String update = "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":\"" + id + "\",\"sender_id\":\"" + alice
                + "\",\"receiver_id\":\"" + bob
                + "\",\"amount_cents\":700,\"note\":\"tacos\",\"visibility\":\"private\","
                + "\"status\":\"completed\",\"created_at\":\"2026-11-24T12:00:00.123456Z\"},"
                + "\"source\":{\"lsn\":4242}}";
        transfers.pipeInput("{\"id\":\"" + id + "\"}", update);
        transfers.pipeInput("{\"id\":\"" + id + "\"}", update); // the connector's replay of the same change
        var records = curated.readKeyValuesToList();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key).isEqualTo(id.toString());
            assertThat(Json.read(r.value).path("visibility").asString()).isEqualTo("private");
        });
        // every copy follows, once: carol's row and a public item (never written, harmless) are retracted, the
        // parties' rows are written again with the new visibility
        List<JsonNode> changed = items();
        assertThat(changed)
                .filteredOn(i -> i.path("retracted").asBoolean(false))
                .extracting(
                        i -> i.path("kind").asString() + ":" + i.path("target").asString())
                .containsExactlyInAnyOrder("reader:" + carol, "public:");
        assertThat(changed)
                .filteredOn(i -> !i.path("retracted").asBoolean(false))
                .allSatisfy(i -> assertThat(i.path("visibility").asString()).isEqualTo("private"))
                .extracting(i -> i.path("target").asString())
                .containsExactlyInAnyOrder(alice.toString(), bob.toString());

        // widened again by the sender: carol's row and the public item come back
        transfers.pipeInput(
                "{\"id\":\"" + id + "\"}",
                update.replace("\"private\"", "\"public\"").replace("\"lsn\":4242", "\"lsn\":4343"));
        List<JsonNode> widened = items();
        assertThat(widened).noneMatch(i -> i.path("retracted").asBoolean(false));
        assertThat(targets(widened, "reader")).isEqualTo(sorted(alice, bob, carol));
        assertThat(widened)
                .filteredOn(i -> i.path("kind").asString().equals("public"))
                .hasSize(1);
    }
}
