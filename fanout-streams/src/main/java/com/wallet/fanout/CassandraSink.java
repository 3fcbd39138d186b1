package com.wallet.fanout;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes feed items from the feed-items topic into the feed tables. Writes are asynchronous, at most
 * {@code maxInFlight} at a time; a poll's offsets are committed only once all of its writes succeeded. If any failed
 * (Cassandra away), the consumer goes back to the poll's first offsets and tries again after a pause, reporting
 * itself stalled until a batch goes through: nothing is lost, and the rows' keys (the transfer's own time and id) make
 * writing an item again harmless.
 */
public final class CassandraSink implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CassandraSink.class);

    private final KafkaConsumer<String, String> consumer;
    private final CqlSession session;
    private final String topic;
    private final Semaphore inFlight;
    private final PreparedStatement reader;
    private final PreparedStatement author;
    private final PreparedStatement publicItem;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public CassandraSink(
            String bootstrapServers,
            String groupId,
            String topic,
            CqlSession session,
            String keyspace,
            int maxInFlight) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.session = session;
        this.topic = topic;
        this.inFlight = new Semaphore(maxInFlight);
        String columns = "created_at, transfer_id, sender_id, sender_username, receiver_id, receiver_username, note";
        this.reader = session.prepare("INSERT INTO " + keyspace + ".feed_by_user (user_id, " + columns
                + ", visibility, amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.author = session.prepare("INSERT INTO " + keyspace + ".feed_by_author (author_id, " + columns
                + ", visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.publicItem = session.prepare("INSERT INTO " + keyspace + ".public_feed_by_hour (bucket, " + columns
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** The sink's counters, and its consumer's metrics (lag among them). */
    public void bindTo(io.micrometer.core.instrument.MeterRegistry meters) {
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "fanout.feed.items.written", written, AtomicLong::doubleValue)
                .description("feed items written to Cassandra")
                .register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "fanout.sink.write.failures", failures, AtomicLong::doubleValue)
                .description("failed Cassandra writes (each retried)")
                .register(meters);
        io.micrometer.core.instrument.Gauge.builder("fanout.sink.stalled", stalled, s -> s.get() ? 1 : 0)
                .description("1 while writes fail and the sink retries")
                .register(meters);
        new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer).bindTo(meters);
    }

    public boolean stalled() {
        return stalled.get();
    }

    public long itemsWritten() {
        return written.get();
    }

    public long writeFailures() {
        return failures.get();
    }

    public String lastError() {
        return lastError.get();
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(topic));
        Duration pause = Duration.ofMillis(100);
        try {
            while (running.get()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                if (writeAll(records)) {
                    consumer.commitSync(next(records));
                    stalled.set(false);
                    pause = Duration.ofMillis(100);
                } else {
                    stalled.set(true);
                    for (TopicPartition partition : records.partitions()) {
                        consumer.seek(
                                partition, records.records(partition).get(0).offset());
                    }
                    log.warn("feed writes failed ({}); retrying from the same offsets in {}", lastError.get(), pause);
                    Thread.sleep(pause.toMillis()); // back-off before retrying, not synchronization
                    pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                            ? Duration.ofSeconds(5)
                            : pause.multipliedBy(2);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    /** True when every item of the poll was written (or was unreadable and skipped). */
    private boolean writeAll(ConsumerRecords<String, String> records) throws InterruptedException {
        List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (ConsumerRecord<String, String> record : records) {
            BoundStatement statement;
            try {
                statement = bind(Json.MAPPER.readValue(record.value(), FeedItem.class));
            } catch (RuntimeException e) {
                log.error(
                        "feed item at {}-{}@{} is unreadable and skipped: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.toString());
                continue;
            }
            inFlight.acquire();
            CompletionStage<AsyncResultSet> write = session.executeAsync(statement);
            writes.add(write.toCompletableFuture().whenComplete((rs, error) -> {
                inFlight.release();
                if (error != null) {
                    failed.set(true);
                    failures.incrementAndGet();
                    lastError.set(error.toString());
                } else {
                    written.incrementAndGet();
                }
            }));
        }
        for (CompletableFuture<AsyncResultSet> write : writes) {
            try {
                write.join();
            } catch (RuntimeException e) {
                failed.set(true);
            }
        }
        return !failed.get();
    }

    private BoundStatement bind(FeedItem item) {
        Instant created = Instant.parse(item.createdAt());
        return switch (item.kind()) {
            case "reader" ->
                reader.bind(
                        item.target(),
                        created,
                        item.transferId(),
                        item.senderId(),
                        item.senderUsername(),
                        item.receiverId(),
                        item.receiverUsername(),
                        item.note(),
                        item.visibility(),
                        item.amountCents());
            case "author" ->
                author.bind(
                        item.target(),
                        created,
                        item.transferId(),
                        item.senderId(),
                        item.senderUsername(),
                        item.receiverId(),
                        item.receiverUsername(),
                        item.note(),
                        item.visibility());
            case "public" ->
                publicItem.bind(
                        created.truncatedTo(ChronoUnit.HOURS),
                        created,
                        item.transferId(),
                        item.senderId(),
                        item.senderUsername(),
                        item.receiverId(),
                        item.receiverUsername(),
                        item.note());
            default -> throw new IllegalArgumentException("unknown feed item kind " + item.kind());
        };
    }

    private static Map<TopicPartition, OffsetAndMetadata> next(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> rs = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        return offsets;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
