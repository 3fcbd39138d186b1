package com.wallet.fanout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import tools.jackson.databind.JsonNode;

/**
 * The fan-out as one Kafka Streams topology over the raw change topics:
 *
 * <ol>
 *   <li>friend graph: friendships become directed edges, one compacted record each ({@code "user|friend"}, a
 *       tombstone when unfriended), held by every instance in a global store and read by prefix scans, so that no
 *       record or read grows with a user's friend count beyond the high-degree threshold;
 *   <li>usernames: users become (id, username), likewise a global table;
 *   <li>feed: each completed transfer, once (a replayed change event is dropped, {@link FirstTime}), joined with both parties' friends and usernames as they are when it is
 *       processed, becomes its feed items ({@link Fanout#items}), and a curated transfer record.
 * </ol>
 *
 * A record that cannot be read goes to the dead-letter topic with the error, source topic, partition and offset in
 * headers, and processing goes on.
 */
public final class FanoutTopology {

    /** A change event read as JSON, or the reason it could not be. */
    record Parsed(JsonNode json, String raw, String error, String source) {}

    private FanoutTopology() {}

    public static Topology build(FanoutSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        var strings = Consumed.with(Serdes.String(), Serdes.String());
        var out = Produced.with(Serdes.String(), Serdes.String());

        // the friend graph, one record per directed edge ("user|friend"; a tombstone when unfriended), so that no
        // record grows with a user's friend count; every instance holds all of it in a global store
        KStream<String, Parsed> friendshipEvents = parsed(
                builder,
                settings.friendshipsTopic(),
                settings,
                "friendships",
                change -> edges(change).forEach(edge -> UUID.fromString(edge.value.substring(1))));
        friendshipEvents
                .flatMap((key, change) -> edgeRecords(change.json()), Named.as("friendship-edges"))
                .to(settings.friendEdgesTopic(), out);
        globalStore(builder, FRIEND_EDGES, settings.friendEdgesTopic(), strings);
        if (settings.removeOnUnfriend()) {
            // an unfriending takes each one's friends-only payments out of the other's feed (the sink deletes them)
            friendshipEvents
                    .flatMap((key, change) -> unfriendings(change.json()), Named.as("unfriendings"))
                    .processValues(() -> new WithTargetsFriends(settings.highDegreeThreshold()), Named.as("unfriended"))
                    .to(settings.feedItemsTopic(), out);
        }

        KStream<String, Parsed> userEvents = parsed(
                builder,
                settings.usersTopic(),
                settings,
                "users",
                change -> username(change).forEach(kv -> UUID.fromString(kv.key)));
        userEvents
                .flatMap((key, change) -> username(change.json()), Named.as("usernames"))
                .to(settings.usernamesTopic(), out);

        GlobalKTable<String, String> usernames =
                builder.globalTable(settings.usernamesTopic(), strings, Materialized.as("usernames"));

        // avatars, likewise: user id -> https URL, a tombstone when removed
        userEvents
                .flatMap((key, change) -> avatar(change.json()), Named.as("avatar-urls"))
                .to(settings.avatarsTopic(), out);
        GlobalKTable<String, String> avatars =
                builder.globalTable(settings.avatarsTopic(), strings, Materialized.as("avatars"));
        // a closed account: the sink deletes what it stored for them (AccountClosed), and no item is made for them
        // again (every instance holds the closed accounts in a global store): a payment processed after the closure
        // (a friend's, before the closure's unfriendings reached the edges; money sent on) would fill their feed anew
        KStream<String, String> closures =
                userEvents.flatMap((key, change) -> closedAccount(change.json()), Named.as("closed-accounts"));
        closures.to(settings.feedItemsTopic(), out);
        closures.to(settings.closedAccountsTopic(), out);
        globalStore(builder, CLOSED_ACCOUNTS, settings.closedAccountsTopic(), strings);

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SEEN_TRANSFERS), Serdes.String(), Serdes.Long()));
        KStream<String, Parsed> transferEvents =
                parsed(builder, settings.transfersTopic(), settings, "transfers", FanoutTopology::transfer);
        // a completed transfer changed afterwards (a party made it more private): the curated topic gets its new
        // state under the same key, once per change
        KStream<String, Changed> changes = transferEvents
                .flatMapValues(change -> changed(change.json()), Named.as("changed-transfers"))
                .processValues(
                        () -> new FirstTime<Changed>(settings.replayWindow(), Changed::key),
                        Named.as("changes-once"),
                        SEEN_TRANSFERS);
        changes.map(
                        (key, c) -> KeyValue.pair(c.transfer().id().toString(), Json.write(curated(c.transfer()))),
                        Named.as("curated-changes"))
                .to(settings.transfersV1Topic(), out);
        // and every copy in the feeds follows: items for the audience it has now, retractions for the rest
        changes.mapValues(Changed::transfer, Named.as("changed-transfer"))
                .processValues(
                        () -> new WithFriends(settings.highDegreeThreshold() + 1), Named.as("changed-with-friends"))
                .leftJoin(
                        usernames,
                        (k, t) -> t.senderId().toString(),
                        Fanout.Transfer::withSenderUsername,
                        Named.as("changed-sender-username"))
                .leftJoin(
                        usernames,
                        (k, t) -> t.receiverId().toString(),
                        Fanout.Transfer::withReceiverUsername,
                        Named.as("changed-receiver-username"))
                .leftJoin(
                        avatars,
                        (k, t) -> t.senderId().toString(),
                        Fanout.Transfer::withSenderAvatar,
                        Named.as("changed-sender-avatar"))
                .leftJoin(
                        avatars,
                        (k, t) -> t.receiverId().toString(),
                        Fanout.Transfer::withReceiverAvatar,
                        Named.as("changed-receiver-avatar"))
                .flatMap(
                        (key, t) -> Fanout.changedItems(t, settings.highDegreeThreshold()).stream()
                                .map(item -> KeyValue.pair(item.key(), Json.write(item)))
                                .toList(),
                        Named.as("changed-feed-items"))
                .processValues(OpenTargets::new, Named.as("changed-feed-items-open"))
                .to(settings.feedItemsTopic(), out);
        KStream<String, Fanout.Transfer> transfers = transferEvents
                .flatMapValues(change -> transfer(change.json()), Named.as("completed-transfers"))
                .processValues(
                        () -> new FirstTime<Fanout.Transfer>(settings.replayWindow(), t -> t.id().toString()),
                        Named.as("transfers-once"),
                        SEEN_TRANSFERS)
                .processValues(() -> new WithFriends(settings.highDegreeThreshold() + 1), Named.as("with-friends"))
                .leftJoin(usernames, (k, t) -> t.senderId().toString(), Fanout.Transfer::withSenderUsername)
                .leftJoin(usernames, (k, t) -> t.receiverId().toString(), Fanout.Transfer::withReceiverUsername)
                .leftJoin(avatars, (k, t) -> t.senderId().toString(), Fanout.Transfer::withSenderAvatar)
                .leftJoin(avatars, (k, t) -> t.receiverId().toString(), Fanout.Transfer::withReceiverAvatar);

        transfers
                .flatMap(
                        (key, t) -> Fanout.items(t, settings.highDegreeThreshold()).stream()
                                .map(item -> KeyValue.pair(item.key(), Json.write(item)))
                                .toList(),
                        Named.as("feed-items"))
                .processValues(OpenTargets::new, Named.as("feed-items-open"))
                .to(settings.feedItemsTopic(), out);
        transfers
                .map((key, t) -> KeyValue.pair(t.id().toString(), Json.write(curated(t))), Named.as("curated"))
                .to(settings.transfersV1Topic(), out);
        return builder.build();
    }

    /** The global store of friend edges: key {@code "<user>|<friend>"}, value {@code "1"}. */
    static final String FRIEND_EDGES = "friend-edges";

    /** The global store of closed accounts: key the user id. */
    static final String CLOSED_ACCOUNTS = "closed-accounts";

    /** A global store {@code name} of strings, every instance holding all of {@code topic} ({@link StoreLoader}). */
    private static void globalStore(
            StreamsBuilder builder, String name, String topic, Consumed<String, String> strings) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                topic,
                strings,
                () -> new StoreLoader(name));
    }

    /** Keeps a global store as its topic says (a tombstone removes a key). */
    static final class StoreLoader implements Processor<String, String, Void, Void> {
        private final String name;
        private KeyValueStore<String, String> store;

        StoreLoader(String name) {
            this.name = name;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.store = context.getStateStore(name);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }

    /** Lets through the feed items whose key (the target: reader or author; a public item's transfer) is not closed. */
    static final class OpenTargets implements FixedKeyProcessor<String, String, String> {
        private FixedKeyProcessorContext<String, String> context;
        private KeyValueStore<String, String> closed;

        @Override
        public void init(FixedKeyProcessorContext<String, String> context) {
            this.context = context;
            this.closed = context.getStateStore(CLOSED_ACCOUNTS);
        }

        @Override
        public void process(FixedKeyRecord<String, String> record) {
            if (closed.get(record.key()) == null) {
                context.forward(record);
            }
        }
    }

    /**
     * Adds both parties' friends as the graph stands now, each read by a prefix scan of the edge store and cut at
     * {@code limit} (the high-degree threshold plus one): beyond the threshold only the fact that a party is
     * high-degree matters, so a user with any number of friends costs a bounded read.
     */
    static final class WithFriends implements FixedKeyProcessor<String, Fanout.Transfer, Fanout.Transfer> {
        private final int limit;
        private FixedKeyProcessorContext<String, Fanout.Transfer> context;
        private KeyValueStore<String, String> edges;

        WithFriends(int limit) {
            this.limit = limit;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Fanout.Transfer> context) {
            this.context = context;
            this.edges = context.getStateStore(FRIEND_EDGES);
        }

        @Override
        public void process(FixedKeyRecord<String, Fanout.Transfer> record) {
            Fanout.Transfer t = record.value();
            context.forward(record.withValue(t.withSenderFriends(friendsOf(edges, t.senderId(), limit))
                    .withReceiverFriends(friendsOf(edges, t.receiverId(), limit))));
        }
    }

    /** For a deleted friendship, each side as the target of an unfriending: key the target, value the other. */
    static List<KeyValue<String, String>> unfriendings(JsonNode change) {
        List<KeyValue<String, String>> out = new ArrayList<>();
        for (KeyValue<String, String> edge : edges(change)) {
            if (edge.value.startsWith("-")) {
                out.add(KeyValue.pair(edge.key, edge.value.substring(1)));
            }
        }
        return out;
    }

    /**
     * The unfriending record of a target, with the target's remaining friends (read from the edge store, the party
     * left out whether or not its removal has reached the store yet). A target with more friends than the threshold
     * gets none: its feed is still filtered at every read, and such a list would be a record that grows.
     */
    static final class WithTargetsFriends implements FixedKeyProcessor<String, String, String> {
        private final int threshold;
        private FixedKeyProcessorContext<String, String> context;
        private KeyValueStore<String, String> edges;

        WithTargetsFriends(int threshold) {
            this.threshold = threshold;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, String> context) {
            this.context = context;
            this.edges = context.getStateStore(FRIEND_EDGES);
        }

        @Override
        public void process(FixedKeyRecord<String, String> record) {
            UUID target = UUID.fromString(record.key());
            UUID party = UUID.fromString(record.value());
            Set<UUID> friends = friendsOf(edges, target, threshold + 2);
            friends.remove(party);
            if (friends.size() > threshold) {
                return;
            }
            context.forward(record.withValue(Json.write(new Unfriended(target, party, List.copyOf(friends)))));
        }
    }

    /** Up to {@code limit} of the user's friends in an edge store. */
    public static Set<UUID> friendsOf(
            org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, String> edges, UUID user, int limit) {
        Set<UUID> friends = new LinkedHashSet<>();
        String prefix = user + "|";
        try (KeyValueIterator<String, String> it =
                edges.prefixScan(prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext() && friends.size() < limit) {
                friends.add(UUID.fromString(it.next().key.substring(prefix.length())));
            }
        }
        return friends;
    }

    /** The ids of the transfers fanned out within the replay window, with when (stream time) each was first seen. */
    static final String SEEN_TRANSFERS = "transfers-seen";

    /**
     * Passes each transfer once: the connector delivers at least once, so after a crash it replays what it had
     * published since its last offset commit, and a replayed transfer would be fanned out and curated again. Every
     * change of one row is in one partition (the key is its id), so this partition's store knows whether it was seen;
     * with exactly-once processing the store and the outputs commit together. Ids older than the replay window (in
     * stream time) are forgotten every minute, so the store stays bounded.
     */
    static final class FirstTime<V> implements FixedKeyProcessor<String, V, V> {
        private final java.time.Duration window;
        private final java.util.function.Function<V, String> keyOf;
        private FixedKeyProcessorContext<String, V> context;
        private KeyValueStore<String, Long> seen;

        FirstTime(java.time.Duration window, java.util.function.Function<V, String> keyOf) {
            this.window = window;
            this.keyOf = keyOf;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
            this.seen = context.getStateStore(SEEN_TRANSFERS);
            context.schedule(java.time.Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> forget());
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            String id = keyOf.apply(record.value());
            if (seen.get(id) != null) {
                return; // a replay
            }
            seen.put(id, record.timestamp());
            context.forward(record);
        }

        private void forget() {
            long before = context.currentStreamTimeMs() - window.toMillis();
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, Long> all = seen.all()) {
                all.forEachRemaining(kv -> {
                    if (kv.value < before) {
                        old.add(kv.key);
                    }
                });
            }
            old.forEach(seen::delete);
        }
    }

    /** The topic's records that parse; the others go to the dead-letter topic. Tombstones are skipped. */
    private static KStream<String, Parsed> parsed(
            StreamsBuilder builder,
            String topic,
            FanoutSettings settings,
            String name,
            java.util.function.Consumer<JsonNode> validate) {
        var branches = builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
                .filter((k, v) -> v != null, Named.as(name + "-no-tombstones"))
                .processValues(() -> new Parse(validate), Named.as(name + "-parse"))
                .split(Named.as(name + "-"))
                .branch(
                        (k, p) -> p.error() != null,
                        Branched.withConsumer(
                                bad -> bad.processValues(DeadLetter::new, Named.as(name + "-to-dead-letters"))
                                        .to(
                                                settings.deadLetterTopic(),
                                                Produced.with(Serdes.String(), Serdes.String())),
                                "dead"))
                .defaultBranch(Branched.as("ok"));
        return branches.get(name + "-ok");
    }

    /** Reads a change event and interprets it as the topology will, so that whatever would fail fails here. */
    static final class Parse implements FixedKeyProcessor<String, String, Parsed> {
        private final java.util.function.Consumer<JsonNode> validate;
        private FixedKeyProcessorContext<String, Parsed> context;

        Parse(java.util.function.Consumer<JsonNode> validate) {
            this.validate = validate;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Parsed> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, String> record) {
            String source = context.recordMetadata()
                    .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset())
                    .orElse("?");
            Parsed parsed;
            try {
                JsonNode json = Json.read(record.value());
                if (!json.isObject() || !json.has("op")) {
                    throw new IllegalArgumentException("not a change event: no \"op\" field");
                }
                validate.accept(json);
                parsed = new Parsed(json, record.value(), null, source);
            } catch (RuntimeException e) {
                parsed = new Parsed(null, record.value(), e.getClass().getSimpleName() + ": " + e.getMessage(), source);
            }
            context.forward(record.withValue(parsed));
        }
    }

    static final class DeadLetter implements FixedKeyProcessor<String, Parsed, String> {
        private FixedKeyProcessorContext<String, String> context;

        @Override
        public void init(FixedKeyProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, Parsed> record) {
            Parsed bad = record.value();
            record.headers().add("error", bad.error().getBytes(StandardCharsets.UTF_8));
            record.headers().add("source", bad.source().getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(bad.raw()));
        }
    }

    /** Both directions of a friendship change: created or read → added; deleted → removed. */
    static List<KeyValue<String, String>> edges(JsonNode change) {
        String op = change.path("op").asString();
        JsonNode row = op.equals("d") ? change.path("before") : change.path("after");
        String a = row.path("user_a").asString(null);
        String b = row.path("user_b").asString(null);
        if (a == null || b == null || !(op.equals("c") || op.equals("r") || op.equals("d"))) {
            return List.of();
        }
        String sign = op.equals("d") ? "-" : "+";
        return List.of(KeyValue.pair(a, sign + b), KeyValue.pair(b, sign + a));
    }

    /** The edge records of a friendship change: {@code "a|b"} and {@code "b|a"}, "1" when added, null when removed. */
    static List<KeyValue<String, String>> edgeRecords(JsonNode change) {
        List<KeyValue<String, String>> records = new ArrayList<>();
        for (KeyValue<String, String> edge : edges(change)) {
            String key = edge.key + "|" + edge.value.substring(1);
            records.add(KeyValue.pair(key, edge.value.startsWith("+") ? "1" : null));
        }
        return records;
    }

    private static List<KeyValue<String, String>> username(JsonNode change) {
        String op = change.path("op").asString();
        if (op.equals("d")) {
            String id = change.path("before").path("id").asString(null);
            return id == null ? List.of() : java.util.Collections.singletonList(KeyValue.pair(id, null));
        }
        JsonNode after = change.path("after");
        if (!after.has("id") || !after.has("username")) {
            return List.of();
        }
        return List.of(KeyValue.pair(
                after.path("id").asString(), after.path("username").asString()));
    }

    /** A user's avatar: its URL, or a tombstone when the user has none (or was deleted). */
    private static List<KeyValue<String, String>> avatar(JsonNode change) {
        String op = change.path("op").asString();
        JsonNode row = op.equals("d") ? change.path("before") : change.path("after");
        String id = row.path("id").asString(null);
        if (id == null || !(op.equals("d") || row.has("avatar_url"))) {
            return List.of();
        }
        JsonNode url = row.path("avatar_url");
        return java.util.Collections.singletonList(
                KeyValue.pair(id, op.equals("d") || !url.isString() ? null : url.asString()));
    }

    /**
     * An account closed: its row written with status {@code closed} (a closed account never opens again, so every such
     * event, a snapshot's too, means the same, and deleting twice deletes nothing more).
     */
    private static List<KeyValue<String, String>> closedAccount(JsonNode change) {
        JsonNode after = change.path("after");
        String id = after.path("id").asString(null);
        if (id == null || !"closed".equals(after.path("status").asString(null))) {
            return List.of();
        }
        return List.of(KeyValue.pair(id, Json.write(new AccountClosed(UUID.fromString(id)))));
    }

    /** A completed transfer updated after it was created, and what identifies this change (for replays). */
    record Changed(Fanout.Transfer transfer, String key) {}

    /** An update of a completed transfer (its visibility); nothing for other changes. */
    private static List<Changed> changed(JsonNode change) {
        JsonNode after = change.path("after");
        if (!change.path("op").asString().equals("u")
                || !"completed".equals(after.path("status").asString())) {
            return List.of();
        }
        JsonNode source = change.path("source");
        String at = source.has("lsn")
                ? "lsn" + source.path("lsn").asString()
                : "ts" + change.path("ts_ms").asString();
        return List.of(new Changed(of(after), after.path("id").asString() + "@" + at));
    }

    /** A created (or snapshot-read) completed transfer; nothing for other changes. */
    private static List<Fanout.Transfer> transfer(JsonNode change) {
        String op = change.path("op").asString();
        JsonNode after = change.path("after");
        if (!(op.equals("c") || op.equals("r"))
                || !"completed".equals(after.path("status").asString())) {
            return List.of();
        }
        return List.of(of(after));
    }

    private static Fanout.Transfer of(JsonNode after) {
        return new Fanout.Transfer(
                UUID.fromString(after.path("id").asString()),
                UUID.fromString(after.path("sender_id").asString()),
                UUID.fromString(after.path("receiver_id").asString()),
                after.path("amount_cents").asLong(),
                after.path("note").asString(),
                after.path("visibility").asString(),
                after.path("created_at").asString(),
                Set.of(),
                Set.of(),
                null,
                null,
                after.path("refund_of").isString()
                        ? UUID.fromString(after.path("refund_of").asString())
                        : null,
                null,
                null);
    }

    /**
     * The curated transfer: who paid whom (with their avatars when it was processed), how much, when and how visible,
     * and the payment a refund gives back.
     */
    record CuratedTransfer(
            int version,
            UUID transferId,
            UUID senderId,
            UUID receiverId,
            long amountCents,
            String note,
            String visibility,
            String createdAt,
            UUID refundOf,
            String senderAvatarUrl,
            String receiverAvatarUrl) {}

    private static CuratedTransfer curated(Fanout.Transfer t) {
        return new CuratedTransfer(
                1,
                t.id(),
                t.senderId(),
                t.receiverId(),
                t.amountCents(),
                t.note(),
                t.visibility(),
                t.createdAt(),
                t.refundOf(),
                t.senderAvatarUrl(),
                t.receiverAvatarUrl());
    }
}
