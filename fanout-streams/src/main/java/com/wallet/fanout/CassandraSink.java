package com.wallet.fanout;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
 * {@code maxInFlight} requests at a time, and pipelined: the next poll's writes start while the last poll's are still
 * in flight. Rows bound for the same replicas go together in small unlogged batches (one request for up to
 * {@value #MAX_BATCH_ROWS} rows instead of one each); a value an item does not have is left unset, not written as a
 * null (which would be a tombstone to read past). A poll's offsets are committed once its writes and those of every
 * earlier poll succeeded. If any failed (Cassandra away), the sink waits for the rest, goes back to the first offsets
 * not committed and tries again after a pause, reporting itself stalled until a poll goes through: nothing is lost,
 * and the rows' keys (the transfer's own time and id) make writing an item again harmless. A retracted item (its
 * payment made more private) deletes its row.
 */
public final class CassandraSink implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CassandraSink.class);

    /** Rows per unlogged batch: Cassandra warns above 10 partitions per batch. */
    static final int MAX_BATCH_ROWS = 10;

    /** Bytes of the rows' text per batch, to stay under Cassandra's 5 KiB batch size warning. */
    private static final int MAX_BATCH_TEXT_BYTES = 3_000;

    /** The back-off after a failed poll: doubled on each failure in a row, up to the maximum. */
    private static final Duration INITIAL_PAUSE = Duration.ofMillis(100);

    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final KafkaConsumer<String, String> consumer;
    private final CqlSession session;
    private final String topic;
    private final String keyspace;
    private final Semaphore inFlight;
    private final PreparedStatement reader;
    private final PreparedStatement author;
    private final PreparedStatement publicItem;
    private final PreparedStatement deleteReader;
    private final PreparedStatement deleteAuthor;
    private final PreparedStatement deletePublic;
    private final PreparedStatement scanFeed;
    private final PreparedStatement deleteReaderFeed;
    private final PreparedStatement deleteAuthorFeed;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    /** The back-off before the next retry; only the sink's own thread touches it. */
    private Duration pause = INITIAL_PAUSE;

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
        // a fetch with nothing committed to return waits at most this long (the default, 500 ms, is added latency)
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.session = session;
        this.topic = topic;
        this.keyspace = keyspace;
        this.inFlight = new Semaphore(maxInFlight);
        String columns = "created_at, transfer_id, sender_id, sender_username, receiver_id, receiver_username, note";
        this.reader = session.prepare("INSERT INTO " + keyspace + ".feed_by_user (user_id, " + columns
                + ", visibility, amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.author = session.prepare("INSERT INTO " + keyspace + ".feed_by_author (author_id, " + columns
                + ", visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.publicItem = session.prepare("INSERT INTO " + keyspace + ".public_feed_by_hour (bucket, " + columns
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        String row = " AND created_at = ? AND transfer_id = ?";
        this.deleteReader = session.prepare("DELETE FROM " + keyspace + ".feed_by_user WHERE user_id = ?" + row);
        this.deleteAuthor = session.prepare("DELETE FROM " + keyspace + ".feed_by_author WHERE author_id = ?" + row);
        this.deletePublic = session.prepare("DELETE FROM " + keyspace + ".public_feed_by_hour WHERE bucket = ?" + row);
        this.deleteReaderFeed = session.prepare("DELETE FROM " + keyspace + ".feed_by_user WHERE user_id = ?");
        this.deleteAuthorFeed = session.prepare("DELETE FROM " + keyspace + ".feed_by_author WHERE author_id = ?");
        this.scanFeed = session.prepare("SELECT created_at, transfer_id, sender_id, receiver_id, visibility FROM "
                + keyspace + ".feed_by_user WHERE user_id = ?");
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

    /** One poll's writes: done when all are, failed if any failed. */
    private record Poll(
            Map<TopicPartition, Long> firstOffsets,
            Map<TopicPartition, OffsetAndMetadata> nextOffsets,
            CompletableFuture<Void> writes,
            AtomicBoolean failed) {

        boolean done() {
            return writes.isDone();
        }

        void await() {
            try {
                writes.join();
            } catch (RuntimeException e) {
                failed.set(true);
            }
        }
    }

    @Override
    public void run() {
        Deque<Poll> pending = new ArrayDeque<>();
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // hand over cleanly: what was written is committed, the rest is left to the next owner
                commitFinished(pending, true);
                pending.clear();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
        try {
            while (running.get()) {
                ConsumerRecords<String, String> records =
                        consumer.poll(pending.isEmpty() ? Duration.ofMillis(200) : Duration.ofMillis(5));
                if (!records.isEmpty()) {
                    pending.add(write(records));
                }
                Poll failed = commitFinished(pending, false);
                if (failed == null) {
                    continue;
                }
                stalled.set(true);
                rewind(pending);
                log.warn(
                        "feed writes failed ({}); retrying from the first offsets not committed in {}",
                        lastError.get(),
                        pause);
                Thread.sleep(pause.toMillis()); // back-off before retrying, not synchronization
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
            for (Poll poll : pending) {
                poll.await();
            }
            commitFinished(pending, true);
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

    /**
     * Commits the offsets of the finished polls at the head of the queue, in order, up to the first failed one, which
     * it returns (leaving it at the head), or null.
     */
    private Poll commitFinished(Deque<Poll> pending, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Poll failed = null;
        while (!pending.isEmpty() && pending.peek().done()) {
            Poll poll = pending.peek();
            poll.await();
            if (poll.failed().get()) {
                failed = poll;
                break;
            }
            offsets.putAll(poll.nextOffsets());
            pending.poll();
        }
        if (!offsets.isEmpty()) {
            stalled.set(false); // a poll went through
            pause = INITIAL_PAUSE;
            if (sync) {
                consumer.commitSync(offsets);
            } else {
                consumer.commitAsync(offsets, (committed, error) -> {
                    if (error != null) {
                        // the rows are written; a later commit covers them, or they are written again (harmless)
                        log.warn("committing feed-item offsets failed: {}", error.toString());
                    }
                });
            }
        }
        return failed;
    }

    /** After a failure: waits for every write still in flight, then seeks back to the first offsets not committed. */
    private void rewind(Deque<Poll> pending) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Poll poll : pending) {
            poll.await();
            poll.firstOffsets().forEach(first::putIfAbsent); // polls are in order: the earliest wins
        }
        first.forEach(consumer::seek);
        pending.clear();
    }

    /** Starts a poll's writes, grouped into unlogged batches by replica set. */
    private Poll write(ConsumerRecords<String, String> records) throws InterruptedException {
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> nextOffsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> rs = records.records(partition);
            firstOffsets.put(partition, rs.get(0).offset());
            nextOffsets.put(
                    partition, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        Optional<TokenMap> tokens = session.getMetadata().getTokenMap();
        Map<Object, Batch> open = new HashMap<>();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (ConsumerRecord<String, String> record : records) {
            FeedItem item;
            BoundStatement statement;
            try {
                tools.jackson.databind.JsonNode json = Json.read(record.value());
                if (AccountClosed.KIND.equals(json.path("kind").asString())) {
                    // what was queued before it is sent first, so no earlier write of theirs outlives the delete
                    flush(open, writes, failed);
                    if (!failed.get()) {
                        closed(Json.MAPPER.treeToValue(json, AccountClosed.class), failed);
                    }
                    continue;
                }
                if (Unfriended.KIND.equals(json.path("kind").asString())) {
                    // reads the target's feed: what was queued and sent before it must have landed first
                    flush(open, writes, failed);
                    if (!failed.get()) {
                        unfriended(Json.MAPPER.treeToValue(json, Unfriended.class), failed);
                    }
                    continue;
                }
                item = Json.MAPPER.treeToValue(json, FeedItem.class);
                statement = bind(item);
            } catch (RuntimeException e) {
                log.error(
                        "feed item at {}-{}@{} is unreadable and skipped: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.toString());
                continue;
            }
            Object replicas = tokens.<Object>map(t -> t.getReplicas(keyspace, statement.getRoutingKey()))
                    .orElse("unknown");
            if (Boolean.TRUE.equals(item.retracted())) {
                // a delete goes alone, after the rows queued before it for the same replicas: the driver's
                // timestamps grow in the order requests are sent, so an earlier write of the row never outlives it
                // and a later one (widened again) does
                Batch queued = open.remove(replicas);
                if (queued != null && !queued.rows.isEmpty()) {
                    writes.add(send(queued.rows, failed));
                }
                writes.add(send(List.of(statement), failed));
                continue;
            }
            Batch batch = open.computeIfAbsent(replicas, r -> new Batch());
            int text = textBytes(item);
            if (!batch.rows.isEmpty()
                    && (batch.rows.size() == MAX_BATCH_ROWS || batch.textBytes + text > MAX_BATCH_TEXT_BYTES)) {
                writes.add(send(batch.rows, failed));
                batch = new Batch();
                open.put(replicas, batch);
            }
            batch.rows.add(statement);
            batch.textBytes += text;
        }
        for (Batch batch : open.values()) {
            if (!batch.rows.isEmpty()) {
                writes.add(send(batch.rows, failed));
            }
        }
        return new Poll(
                firstOffsets, nextOffsets, CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)), failed);
    }

    private static final class Batch {
        private final List<BoundStatement> rows = new ArrayList<>();
        private int textBytes;
    }

    private static int textBytes(FeedItem item) {
        return length(item.note()) + length(item.senderUsername()) + length(item.receiverUsername()) + 120;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length() * 3; // UTF-8 bound for anything outside the astral planes' pairs
    }

    private CompletableFuture<AsyncResultSet> send(List<BoundStatement> rows, AtomicBoolean failed)
            throws InterruptedException {
        Statement<?> request = rows.size() == 1
                ? rows.get(0)
                : BatchStatement.newInstance(DefaultBatchType.UNLOGGED, rows.toArray(BatchableStatement[]::new));
        inFlight.acquire();
        return session.executeAsync(request).toCompletableFuture().whenComplete((rs, error) -> {
            inFlight.release();
            if (error != null) {
                failed.set(true);
                failures.addAndGet(rows.size());
                lastError.set(error.toString());
            } else {
                written.addAndGet(rows.size());
            }
        });
    }

    private CompletableFuture<AsyncResultSet> sendOrFail(List<BoundStatement> rows, AtomicBoolean failed) {
        try {
            return send(rows, failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.set(true);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Deletes from the target's feed the friends-only rows of the party they are no longer friends with, unless the
     * row's other party is the target or still a friend of theirs. Synchronous: unfriendings are rare, and the read
     * must see the rows written before it. A failure marks the poll failed (it is retried from its first offsets).
     */
    /** Sends every batch queued so far and waits for all writes sent, as a step that reads or deletes needs first. */
    private void flush(Map<Object, Batch> open, List<CompletableFuture<?>> writes, AtomicBoolean failed) {
        open.values().stream()
                .filter(b -> !b.rows.isEmpty())
                .toList()
                .forEach(b -> writes.add(sendOrFail(b.rows, failed)));
        open.clear();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
    }

    private void closed(AccountClosed c, AtomicBoolean failed) {
        try {
            session.execute(deleteReaderFeed.bind(c.target()));
            session.execute(deleteAuthorFeed.bind(c.target()));
            written.addAndGet(2);
        } catch (RuntimeException e) {
            failed.set(true);
            failures.incrementAndGet();
            lastError.set(e.toString());
        }
    }

    private void unfriended(Unfriended u, AtomicBoolean failed) {
        java.util.Set<java.util.UUID> stillFriends = new java.util.HashSet<>(u.friends());
        try {
            for (var row : session.execute(scanFeed.bind(u.target()))) {
                java.util.UUID sender = row.getUuid("sender_id");
                java.util.UUID receiver = row.getUuid("receiver_id");
                boolean involves = u.party().equals(sender) || u.party().equals(receiver);
                java.util.UUID other = u.party().equals(sender) ? receiver : sender;
                if (involves
                        && "friends".equals(row.getString("visibility"))
                        && !u.target().equals(other)
                        && !stillFriends.contains(other)) {
                    session.execute(
                            deleteReader.bind(u.target(), row.getInstant("created_at"), row.getUuid("transfer_id")));
                    written.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            failed.set(true);
            failures.incrementAndGet();
            lastError.set(e.toString());
        }
    }

    private BoundStatement bind(FeedItem item) {
        Instant created = Instant.parse(item.createdAt());
        if (Boolean.TRUE.equals(item.retracted())) {
            return switch (item.kind()) {
                case "reader" -> deleteReader.bind(item.target(), created, item.transferId());
                case "author" -> deleteAuthor.bind(item.target(), created, item.transferId());
                case "public" -> deletePublic.bind(created.truncatedTo(ChronoUnit.HOURS), created, item.transferId());
                default -> throw new IllegalArgumentException("unknown feed item kind " + item.kind());
            };
        }
        BoundStatement bound = switch (item.kind()) {
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
        // a null bound is a tombstone written; unset writes nothing (the party-only amount is null for most readers)
        for (int i = 0; i < bound.size(); i++) {
            if (bound.isNull(i)) {
                bound = bound.unset(i);
            }
        }
        return bound;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
    }
}
