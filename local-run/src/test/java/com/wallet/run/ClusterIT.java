package com.wallet.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.run.Pipeline.Person;
import com.wallet.stack.ClusterStack;
import com.wallet.stack.SharedStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a three-node cluster (three Kafka brokers: replication 3, {@code min.insync.replicas} 2, producers
 * {@code acks=all}; three Cassandra nodes: replication 3, reads and writes at {@code LOCAL_QUORUM}) loses one broker
 * and one Cassandra node to {@code kill -9} in the middle of a workload of payments through the API. Shown: no API
 * call waits longer than {@value #API_BOUND_SECONDS} s; every committed payment is on the change topic and in the
 * feeds of both parties and of the payer's friend, each within {@value #FEED_BOUND_SECONDS} s of its commit; the broker
 * rejoins every partition's in-sync replicas and the node serves reads at consistency {@code ALL} again. Printed: the
 * worst payment's time from commit to the change topic and from there to the feeds, and how many took over 5 s.
 */
class ClusterIT {

    static final int API_BOUND_SECONDS = 5;
    // Kafka's default delivery timeout (120 s): a send stuck on the lost broker fails and is retried by then
    static final int FEED_BOUND_SECONDS = 120;

    @Test
    void thePipelineLosesABrokerAndACassandraNodeMidWorkloadAndNothingCommittedGoesMissing() throws Exception {
        // the suite's shared cluster under -Dstack.nodes=3 (restored as found), otherwise one of its own
        boolean shared = SharedStack.nodes() == ClusterStack.NODES;
        ClusterStack cluster = shared ? (ClusterStack) SharedStack.get() : ClusterStack.start(Duration.ofMinutes(4));
        try (Pipeline p = new Pipeline(cluster)) {
            Person alice = p.signUp("alice");
            Person bob = p.signUp("bob");
            Person carol = p.signUp("carol"); // alice's friend: sees her friends-only payments
            p.befriend(alice, carol);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> p.fanout.friendsOf(alice.id()).contains(carol.id()));
            p.linkCard(alice);

            // payments, card-funded, one every 100 ms; a broker and Cassandra node 2 die 8 s in, are started again 12 s
            // later (both at once; back when the broker answers and the node takes CQL), and the payments go on for
            // 15 s more
            Map<String, Instant> committed = new ConcurrentHashMap<>();
            AtomicLong slowestCallMillis = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    long started = System.nanoTime();
                    String id = p.pay(alice, bob, 100, "rent share", "friends");
                    slowestCallMillis.accumulateAndGet(
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
                    committed.put(id, Instant.now());
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            // first-seen times of each payment on the change topic (read_committed, as the fan-out reads it) and in
            // bob's and carol's feeds (read as the API does, LOCAL_QUORUM): where a late payment spent its time
            Map<String, Instant> onTopic = new ConcurrentHashMap<>();
            Map<String, Instant> inBob = new ConcurrentHashMap<>();
            Map<String, Instant> inCarol = new ConcurrentHashMap<>();
            AtomicBoolean topicDone = new AtomicBoolean();
            CompletableFuture<Void> topicWatcher = CompletableFuture.runAsync(() -> {
                try (var consumer = Pipeline.probe(cluster, "read_committed")) {
                    String topic = p.id + ".public.transfers";
                    consumer.assign(consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList());
                    consumer.seekToBeginning(consumer.assignment());
                    while (!topicDone.get()) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.key() != null) {
                                onTopic.putIfAbsent(r.key().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"), Instant.now());
                            }
                        }
                    }
                }
            });
            try (CqlSession cql = CqlSessions.open(
                    cluster.cassandra().contactPoint(), cluster.cassandra().localDatacenter())) {
                CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
                    while (!stop.get() || inCarol.size() < committed.size() || inBob.size() < committed.size()) {
                        try {
                            seen(cql, p.id, bob.id(), inBob);
                            seen(cql, p.id, carol.id(), inCarol);
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (RuntimeException e) {
                            // a read that met the node going down: the next one goes elsewhere
                        }
                    }
                });

                Thread.sleep(8_000);
                // the broker that leads the CDC offsets topic (one partition), the worst to lose: every offset commit
                // reads that topic to its end, which needs its leader (README, "Three nodes")
                int victim = offsetsLeader(cluster, p.id + "-offsets");
                cluster.broker(victim).kill();
                cluster.cassandraNode(2).kill();
                Instant killed = Instant.now();
                // when nothing committed since the kill has reached the change topic 11 s after it (the brokers
                // have moved leadership by then), the connector's threads are printed once, to see what holds them
                CompletableFuture<Void> stallWatch =
                        CompletableFuture.runAsync(() -> dumpConnectorIfStalled(killed, committed, onTopic));
                Thread.sleep(12_000);
                CompletableFuture.allOf(
                                CompletableFuture.runAsync(
                                        () -> cluster.broker(victim).start()),
                                CompletableFuture.runAsync(
                                        () -> cluster.cassandraNode(2).start()))
                        .join();
                Duration down = Duration.between(killed, Instant.now());
                stallWatch.join();
                Thread.sleep(15_000);
                stop.set(true);
                workload.get(1, TimeUnit.MINUTES);
                watcher.get(FEED_BOUND_SECONDS + 30, TimeUnit.SECONDS);

                Set<String> ids = new HashSet<>(committed.keySet());
                assertThat(ids).hasSizeGreaterThan(100);
                assertThat(inBob.keySet()).containsAll(ids);
                assertThat(inCarol.keySet()).containsAll(ids);
                // every committed payment is on the change topic
                try {
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> onTopic.keySet().containsAll(ids));
                } finally {
                    topicDone.set(true);
                    topicWatcher.get(1, TimeUnit.MINUTES);
                }
                ToLongFunction<String> toFeed = id -> Math.max(
                        Duration.between(committed.get(id), inBob.get(id)).toMillis(),
                        Duration.between(committed.get(id), inCarol.get(id)).toMillis());
                String worst =
                        ids.stream().max(Comparator.comparingLong(toFeed)).orElseThrow();
                long toTopic = Duration.between(committed.get(worst), onTopic.get(worst))
                        .toMillis();
                long worstToTopic = ids.stream()
                        .mapToLong(id -> Duration.between(committed.get(id), onTopic.get(id))
                                .toMillis())
                        .max()
                        .orElseThrow();
                System.out.printf(
                        "ClusterIT: %d payments, broker %d (the CDC offsets' leader) and Cassandra node 2 down %d s;"
                                + " slowest API call %d ms;"
                                + " worst commit-to-feed %d ms (commit to change topic %d ms, topic to feed %d ms;"
                                + " worst commit to topic of any payment %d ms); over 5 s to the feed: %d payments%n",
                        ids.size(),
                        victim,
                        down.toSeconds(),
                        slowestCallMillis.get(),
                        toFeed.applyAsLong(worst),
                        toTopic,
                        toFeed.applyAsLong(worst) - toTopic,
                        worstToTopic,
                        ids.stream()
                                .filter(id -> toFeed.applyAsLong(id) > 5_000)
                                .count());
                if (worstToTopic > SLOW_TO_TOPIC_MILLIS) {
                    printLeadership(cluster, p.id + ".public.transfers");
                }
                assertThat(slowestCallMillis.get()).isLessThan(API_BOUND_SECONDS * 1000L);
                assertThat(toFeed.applyAsLong(worst)).isLessThan(FEED_BOUND_SECONDS * 1000L);

                // the broker is back in every partition's in-sync replicas
                try (Admin admin =
                        Admin.create(Map.of("bootstrap.servers", cluster.kafka().bootstrapServers()))) {
                    await("the broker back in sync")
                            .atMost(Duration.ofMinutes(2))
                            .until(() -> {
                                TopicDescription d = admin.describeTopics(List.of(p.id + ".public.transfers"))
                                        .allTopicNames()
                                        .get()
                                        .get(p.id + ".public.transfers");
                                return d.partitions().stream()
                                        .allMatch(part -> part.isr().size() == ClusterStack.NODES);
                            });
                }
                // and the node serves reads that need every replica
                await("Cassandra node 2 serving at ALL")
                        .atMost(Duration.ofMinutes(2))
                        .ignoreExceptions()
                        .until(() -> {
                            Set<String> all = new HashSet<>();
                            cql.execute(SimpleStatement.newInstance(
                                                    "SELECT transfer_id FROM " + p.id
                                                            + ".feed_by_user WHERE user_id = ?",
                                                    bob.id())
                                            .setConsistencyLevel(ConsistencyLevel.ALL))
                                    .forEach(r -> all.add(r.getUuid(0).toString()));
                            return all.containsAll(ids);
                        });
            }
        } finally {
            if (!shared) {
                cluster.close();
            }
        }
    }

    /** The broker leading the topic's partition 0 (the CDC offsets topic has one). */
    private static int offsetsLeader(ClusterStack cluster, String topic) throws Exception {
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", cluster.kafka().bootstrapServers()))) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .get(0)
                    .leader()
                    .id();
        }
    }

    private static void seen(CqlSession cql, String keyspace, UUID reader, Map<String, Instant> seen) {
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        cql.execute(SimpleStatement.newInstance(
                                "SELECT transfer_id FROM " + keyspace + ".feed_by_user WHERE user_id = ?", reader)
                        .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                .forEach(r -> ids.add(r.getUuid(0).toString()));
        ids.forEach(id -> seen.putIfAbsent(id, now));
    }

    /** Beyond this from commit to the change topic, more than fencing and a retry explain (README, ClusterIT). */
    private static final long SLOW_TO_TOPIC_MILLIS = 15_000;

    /**
     * A diagnostic only (it asserts nothing): 11 s after the broker's kill, if no payment committed after it has
     * reached the change topic, prints the stacks of this JVM's connector and Kafka client threads (the CDC engine
     * runs in-process here).
     */
    private static void dumpConnectorIfStalled(
            Instant killed, Map<String, Instant> committed, Map<String, Instant> onTopic) {
        try {
            Thread.sleep(11_000);
            boolean anyThrough = committed.entrySet().stream()
                    .anyMatch(e -> e.getValue().isAfter(killed) && onTopic.containsKey(e.getKey()));
            if (anyThrough) {
                return;
            }
            StringBuilder out = new StringBuilder("ClusterIT: nothing committed since the kill is on the change topic "
                    + "11 s later; the connector's and Kafka clients' threads:\n");
            for (var t :
                    java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                String name = t.getThreadName();
                if (name.startsWith("pool-")
                        || name.contains("cdc")
                        || name.contains("debezium")
                        || name.startsWith("kafka-producer-network-thread")) {
                    out.append("  \"")
                            .append(name)
                            .append("\" ")
                            .append(t.getThreadState())
                            .append('\n');
                    StackTraceElement[] stack = t.getStackTrace();
                    for (int i = 0; i < Math.min(stack.length, 25); i++) {
                        out.append("      at ").append(stack[i]).append('\n');
                    }
                }
            }
            System.out.print(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.out.println("ClusterIT: the stall diagnostic failed: " + e);
        }
    }

    /**
     * What the surviving brokers logged about the change topic's partitions (leaders, in-sync replicas), for a run
     * whose worst payment took longer to reach the topic than fencing and a retry explain: the evidence to read in a
     * CI log, as the cluster's directory is deleted with it.
     */
    private static void printLeadership(ClusterStack cluster, String topic) {
        for (int n = 1; n <= ClusterStack.NODES; n++) {
            try (java.util.stream.Stream<String> lines =
                    java.nio.file.Files.lines(cluster.broker(n).logFile())) {
                List<String> about = lines.filter(l ->
                                l.contains(topic) && (l.contains("ISR") || l.contains("eader") || l.contains("epoch")))
                        .toList();
                System.out.printf(
                        "ClusterIT: broker %d, %d lines on %s's leaders and ISR (last 40):%n", n, about.size(), topic);
                about.subList(Math.max(0, about.size() - 40), about.size()).forEach(l -> System.out.println("  " + l));
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                System.out.println("ClusterIT: broker " + n + "'s log not readable: " + e);
            }
        }
    }
}
