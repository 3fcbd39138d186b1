package com.wallet.cdc;

import com.wallet.stack.EmbeddedStack;
import com.wallet.stack.StackConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The CDC benchmark (not a test): commit-to-topic lag at a steady rate of committed transfers, then the delivery rate
 * of a burst. Settings: -Dbench.cdc.rate (200 transfers/s), -Dbench.seconds (20), -Dbench.cdc.burst (20000).
 */
public final class CdcBench {

    private CdcBench() {}

    public static void main(String[] args) throws Exception {
        com.wallet.stack.BenchResults.start("CDC (CdcBench)");
        int rate = Integer.getInteger("bench.cdc.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int burst = Integer.getInteger("bench.cdc.burst", 20_000);
        EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests());
        try {
            CdcTestSupport.migrate(stack);
            CdcSettings settings = CdcTestSupport.settings(stack, "bench");
            UUID[] users = CdcTestSupport.twoUsers(stack, "bench");
            UUID from = users[0];
            UUID to = users[1];
            try (CdcConnector connector = new CdcConnector(settings, new SimpleMeterRegistry())) {
                connector.start();
                CdcTestSupport.awaitStreaming(settings);
                Map<String, Long> received = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                Thread consumer = new Thread(() -> consume(settings, received, stop), "bench-consumer");
                consumer.start();

                // steady rate, one transfer per transaction
                Map<String, Long> committed = new ConcurrentHashMap<>();
                try (Connection c = CdcTestSupport.connect(stack);
                        PreparedStatement insert = c.prepareStatement(INSERT)) {
                    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
                    long next = System.nanoTime();
                    for (int i = 0; i < rate * seconds; i++) {
                        LockSupport.parkNanos(next - System.nanoTime());
                        next += interval;
                        String id = UUID.randomUUID().toString();
                        insert(insert, id, from, to);
                        committed.put(id, System.nanoTime());
                    }
                }
                awaitAll(received, committed.keySet(), Duration.ofMinutes(2));
                long[] lags = committed.entrySet().stream()
                        .mapToLong(e -> received.get(e.getKey()) - e.getValue())
                        .sorted()
                        .toArray();

                // burst: as fast as PostgreSQL commits, 100 per transaction
                List<String> burstIds = new ArrayList<>();
                long burstStart = System.nanoTime();
                try (Connection c = CdcTestSupport.connect(stack);
                        PreparedStatement insert = c.prepareStatement(INSERT)) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < burst; i++) {
                        String id = UUID.randomUUID().toString();
                        insert.setObject(1, UUID.fromString(id));
                        insert.setObject(2, from);
                        insert.setObject(3, to);
                        insert.addBatch();
                        burstIds.add(id);
                        if ((i + 1) % 100 == 0) {
                            insert.executeBatch();
                            c.commit();
                        }
                    }
                    insert.executeBatch();
                    c.commit();
                }
                long burstCommitted = System.nanoTime();
                awaitAll(received, burstIds, Duration.ofMinutes(5));
                long burstDelivered =
                        burstIds.stream().mapToLong(received::get).max().orElseThrow();
                stop.set(true);
                consumer.join();

                com.wallet.stack.BenchResults.out().println();
                com.wallet.stack.BenchResults.out()
                        .printf(
                                "CDC commit-to-topic lag at %d transfers/s for %d s (%d transfers): p50 %.1f ms,"
                                        + " p99 %.1f ms, max %.1f ms%n",
                                rate, seconds, lags.length, pct(lags, 50), pct(lags, 99), lags[lags.length - 1] / 1e6);
                com.wallet.stack.BenchResults.out()
                        .printf(
                                "CDC burst of %d transfers: committed at %.0f/s, delivered at %.0f/s"
                                        + " (first commit to last record on the topic)%n",
                                burst,
                                burst / ((burstCommitted - burstStart) / 1e9),
                                burst / ((burstDelivered - burstStart) / 1e9));
            }
        } finally {
            stack.close();
        }
    }

    private static final String INSERT =
            "INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents,"
                    + " bank_cents, card_cents, fee_cents, note, visibility, status)"
                    + " VALUES (?, ?, ?, 1, 1, 0, 0, 0, 'bench', 'private', 'completed')";

    private static void insert(PreparedStatement insert, String id, UUID from, UUID to) throws Exception {
        insert.setObject(1, UUID.fromString(id));
        insert.setObject(2, from);
        insert.setObject(3, to);
        insert.executeUpdate();
    }

    private static void consume(CdcSettings settings, Map<String, Long> received, AtomicBoolean stop) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                10,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(settings.topicOf("public.transfers")));
            while (!stop.get()) {
                consumer.poll(Duration.ofMillis(50)).forEach(r -> {
                    long now = System.nanoTime();
                    if (r.key() != null) {
                        received.putIfAbsent(r.key().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"), now);
                    }
                });
            }
        }
    }

    private static void awaitAll(Map<String, Long> received, java.util.Collection<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!received.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every transfer reached the topic within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static double pct(long[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
        return sorted[index] / 1e6;
    }
}
