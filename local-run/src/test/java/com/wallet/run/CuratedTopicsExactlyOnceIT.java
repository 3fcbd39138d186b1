package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.wallet.run.Pipeline.Person;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * The curated topics promise exactly once to a {@code read_committed} consumer (docs/topics.md): the connector and the
 * fan-out are each killed with SIGKILL in the middle of a burst of payments and started again; afterwards every
 * transfer is in {@code transfers.v1} once and every feed item in {@code feed-items.v1} once, although the raw change
 * topic may hold some events twice (the connector replays what it published since its last offset commit).
 */
@ExtendWith(StackExtension.class)
class CuratedTopicsExactlyOnceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void eachTransferAndFeedItemIsCuratedOnceAcrossAKill9OfTheConnectorAndTheFanOut(Stack stack) throws Exception {
        try (Services s = new Services(stack)) {
            Person payer = s.signUp("payer");
            Person payee = s.signUp("payee");
            Person friend = s.signUp("friend");
            s.befriend(payer, friend);
            // items are fanned out with the friend graph as the fan-out knows it: wait until it knows this friendship
            await().atMost(Duration.ofSeconds(60)).until(() -> s.fanoutKnows(payer.id(), friend.id()));
            s.client.call(
                    "POST",
                    "/v1/me/payment-methods",
                    payer,
                    null,
                    Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031));
            int total = 240;
            List<String> sent = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < total; i++) {
                    sent.add(s.client
                            .call(
                                    "POST",
                                    "/v1/transfers",
                                    payer,
                                    UUID.randomUUID().toString(),
                                    Map.of(
                                            "receiver_id",
                                            payee.id().toString(),
                                            "amount_cents",
                                            100 + i,
                                            "note",
                                            "burst",
                                            "visibility",
                                            "friends"))
                            .path("id")
                            .asString());
                }
            });
            await().atMost(Duration.ofMinutes(2)).until(() -> sent.size() >= total / 4 || burst.isDone());
            s.kill9("cdc-connector");
            s.kill9("fanout-streams");
            s.restart("cdc-connector");
            s.restart("fanout-streams");
            burst.get();
            assertThat(sent).hasSize(total);

            String raw = s.id + ".public.transfers";
            // the connector has published every transfer (at least once), and the fan-out has consumed all of it
            Map<String, Integer> rawCounts = new HashMap<>();
            try (var consumer = consumer(stack, "read_uncommitted")) {
                consumer.subscribe(List.of(raw));
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    for (var r : consumer.poll(Duration.ofMillis(500))) {
                        rawCounts.merge(JSON.readTree(r.key()).path("id").asString(), 1, Integer::sum);
                    }
                    return rawCounts.keySet().containsAll(sent);
                });
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> consumedAll(stack, s.id + "-fanout", raw));

            List<ConsumerRecord<String, String>> curated = readToEnd(stack, s.id + ".transfers.v1");
            Map<String, Long> perTransfer = curated.stream()
                    .map(r -> JSON.readTree(r.value()).path("transfer_id").asString())
                    .filter(new HashSet<>(sent)::contains)
                    .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            assertThat(perTransfer.keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(perTransfer.values()).as("each transfer once").allMatch(n -> n == 1);

            Set<String> sentIds = new HashSet<>(sent);
            Map<String, Long> perItem = readToEnd(stack, s.id + ".feed-items.v1").stream()
                    .filter(r -> sentIds.contains(
                            JSON.readTree(r.value()).path("transfer_id").asString()))
                    .map(r -> r.key() + "/"
                            + JSON.readTree(r.value()).path("kind").asString() + "/"
                            + JSON.readTree(r.value()).path("transfer_id").asString())
                    .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
            // each transfer reaches the payer, the payee and the payer's friend
            assertThat(perItem).hasSize(3 * total);
            assertThat(perItem.values()).as("each feed item once").allMatch(n -> n == 1);
            long replayed = rawCounts.values().stream().filter(n -> n > 1).count();
            System.out.printf("raw change events delivered more than once: %d of %d%n", replayed, total);
        }
    }

    private static KafkaConsumer<String, String> consumer(Stack stack, String isolation) {
        return Pipeline.probe(stack, isolation);
    }

    /** Whether the group's committed offsets have reached the end of every partition of {@code topic}. */
    private static boolean consumedAll(Stack stack, String group, String topic) throws Exception {
        try (var admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()));
                var consumer = consumer(stack, "read_committed")) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            return partitions.stream()
                    .allMatch(p -> committed.get(p) != null && committed.get(p).offset() >= ends.get(p));
        }
    }

    /** Everything a read_committed consumer sees in {@code topic}, up to its end as of now. */
    private static List<ConsumerRecord<String, String>> readToEnd(Stack stack, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = consumer(stack, "read_committed")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return records;
    }
}
