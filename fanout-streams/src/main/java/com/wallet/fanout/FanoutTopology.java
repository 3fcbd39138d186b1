package com.wallet.fanout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import tools.jackson.databind.JsonNode;

/**
 * The fan-out as one Kafka Streams topology over the raw change topics:
 *
 * <ol>
 *   <li>friend graph: friendships become (user, +friend / -friend) edges, aggregated per user into the set of current
 *       friends, published to a compacted topic and read back by every instance as a global table;
 *   <li>usernames: users become (id, username), likewise a global table;
 *   <li>feed: each completed transfer, joined with both parties' friends and usernames as they are when it is
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

        parsed(
                        builder,
                        settings.friendshipsTopic(),
                        settings,
                        "friendships",
                        change -> edges(change).forEach(edge -> UUID.fromString(edge.value.substring(1))))
                .flatMap((key, change) -> edges(change.json()), Named.as("friendship-edges"))
                .groupByKey(Grouped.with("friend-edges", Serdes.String(), Serdes.String()))
                .aggregate(
                        () -> "[]",
                        (user, edge, friends) -> apply(friends, edge),
                        Named.as("friend-sets"),
                        Materialized.with(Serdes.String(), Serdes.String()))
                .toStream(Named.as("friend-sets-out"))
                .to(settings.friendGraphTopic(), out);

        parsed(
                        builder,
                        settings.usersTopic(),
                        settings,
                        "users",
                        change -> username(change).forEach(kv -> UUID.fromString(kv.key)))
                .flatMap((key, change) -> username(change.json()), Named.as("usernames"))
                .to(settings.usernamesTopic(), out);

        GlobalKTable<String, String> graph =
                builder.globalTable(settings.friendGraphTopic(), strings, Materialized.as("friend-graph"));
        GlobalKTable<String, String> usernames =
                builder.globalTable(settings.usernamesTopic(), strings, Materialized.as("usernames"));

        KStream<String, Fanout.Transfer> transfers = parsed(
                        builder, settings.transfersTopic(), settings, "transfers", FanoutTopology::transfer)
                .flatMapValues(change -> transfer(change.json()), Named.as("completed-transfers"))
                .leftJoin(graph, (k, t) -> t.senderId().toString(), (t, f) -> t.withSenderFriends(friends(f)))
                .leftJoin(graph, (k, t) -> t.receiverId().toString(), (t, f) -> t.withReceiverFriends(friends(f)))
                .leftJoin(usernames, (k, t) -> t.senderId().toString(), Fanout.Transfer::withSenderUsername)
                .leftJoin(usernames, (k, t) -> t.receiverId().toString(), Fanout.Transfer::withReceiverUsername);

        transfers
                .flatMap(
                        (key, t) -> Fanout.items(t, settings.highDegreeThreshold()).stream()
                                .map(item -> KeyValue.pair(item.key(), Json.write(item)))
                                .toList(),
                        Named.as("feed-items"))
                .to(settings.feedItemsTopic(), out);
        transfers
                .map((key, t) -> KeyValue.pair(t.id().toString(), Json.write(curated(t))), Named.as("curated"))
                .to(settings.transfersV1Topic(), out);
        return builder.build();
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

    /** Applies "+id" or "-id" to a JSON array of ids, kept sorted so that equal sets are equal strings. */
    static String apply(String friendsJson, String edge) {
        Set<String> friends = new TreeSet<>();
        Json.read(friendsJson).forEach(n -> friends.add(n.asString()));
        if (edge.startsWith("+")) {
            friends.add(edge.substring(1));
        } else {
            friends.remove(edge.substring(1));
        }
        return Json.write(friends);
    }

    static Set<UUID> friends(String friendsJson) {
        Set<UUID> friends = new LinkedHashSet<>();
        if (friendsJson != null) {
            Json.read(friendsJson).forEach(n -> friends.add(UUID.fromString(n.asString())));
        }
        return friends;
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

    /** A created (or snapshot-read) completed transfer; nothing for other changes. */
    private static List<Fanout.Transfer> transfer(JsonNode change) {
        String op = change.path("op").asString();
        JsonNode after = change.path("after");
        if (!(op.equals("c") || op.equals("r"))
                || !"completed".equals(after.path("status").asString())) {
            return List.of();
        }
        List<Fanout.Transfer> one = new ArrayList<>();
        one.add(new Fanout.Transfer(
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
                null));
        return one;
    }

    /** The curated transfer: who paid whom, how much, when and how visible; no funding split, no fee. */
    record CuratedTransfer(
            int version,
            UUID transferId,
            UUID senderId,
            UUID receiverId,
            long amountCents,
            String note,
            String visibility,
            String createdAt) {}

    private static CuratedTransfer curated(Fanout.Transfer t) {
        return new CuratedTransfer(
                1, t.id(), t.senderId(), t.receiverId(), t.amountCents(), t.note(), t.visibility(), t.createdAt());
    }
}
