package com.wallet.fanout;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.wallet.common.kafka.TopicConfigs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out service: the Kafka Streams application (exactly-once v2) and the Cassandra sink, side by side.
 * {@link #healthy()} is true while the streams are running and the sink is not stalled.
 */
public final class FanoutApp implements AutoCloseable {

    /**
     * @param stateDir Kafka Streams' local state
     * @param partitions partitions of the topics this service creates
     * @param instance appended to the application id and the sink's consumer group: a new instance name reprocesses
     *     the change topics from the beginning (a replay)
     * @param cassandraConsistency the consistency level of the sink's writes and deletes ({@code LOCAL_QUORUM}: with
     *     the API reading at {@code LOCAL_QUORUM} too, a read sees every write and deletion acknowledged before it)
     */
    public record Config(
            FanoutSettings fanout,
            String instance,
            String bootstrapServers,
            InetSocketAddress cassandra,
            String cassandraDatacenter,
            String keyspace,
            Path stateDir,
            int partitions,
            short replicationFactor,
            int sinkMaxInFlight,
            String cassandraConsistency) {

        public Config {
            DefaultConsistencyLevel.valueOf(cassandraConsistency); // an unknown level fails here, by name
        }

        /** These settings with the sink writing at {@code level}. */
        public Config withCassandraConsistency(String level) {
            return new Config(
                    fanout,
                    instance,
                    bootstrapServers,
                    cassandra,
                    cassandraDatacenter,
                    keyspace,
                    stateDir,
                    partitions,
                    replicationFactor,
                    sinkMaxInFlight,
                    level);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(FanoutApp.class);

    private final KafkaStreams streams;
    private final CqlSession session;
    private final CassandraSink sink;
    private final Thread sinkThread;

    private FanoutApp(KafkaStreams streams, CqlSession session, CassandraSink sink) {
        this.streams = streams;
        this.session = session;
        this.sink = sink;
        this.sinkThread = new Thread(sink, "cassandra-sink");
    }

    /**
     * Starts the streams and the sink, with their metrics in {@code meters}: Kafka Streams' own (including consumer
     * lag per partition, {@code kafka_consumer_fetch_manager_records_lag_max}), {@code fanout_feed_items_written_total},
     * {@code fanout_sink_write_failures_total} and {@code fanout_sink_stalled}.
     */
    public static FanoutApp start(Config config, io.micrometer.core.instrument.MeterRegistry meters) {
        FanoutSettings f = config.fanout();
        ensureTopics(config);
        forgetStaleGlobalState(config);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, f.prefix() + "-fanout" + config.instance());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        KafkaStreams streams = new KafkaStreams(FanoutTopology.build(f), props);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("fan-out stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
        CqlSession session = CqlSession.builder()
                .addContactPoint(config.cassandra())
                .withLocalDatacenter(config.cassandraDatacenter())
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.cassandraConsistency())
                        .build())
                .build();
        CassandraSink sink = new CassandraSink(
                config.bootstrapServers(),
                f.prefix() + "-feed-sink" + config.instance(),
                f.feedItemsTopic(),
                session,
                config.keyspace(),
                config.sinkMaxInFlight());
        FanoutApp app = new FanoutApp(streams, session, sink);
        new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams).bindTo(meters);
        sink.bindTo(meters);
        streams.start();
        app.sinkThread.start();
        log.info(
                "fan-out started: {} -> {}",
                List.of(f.friendshipsTopic(), f.usersTopic(), f.transfersTopic()),
                f.feedItemsTopic());
        return app;
    }

    public boolean healthy() {
        return streams.state() == KafkaStreams.State.RUNNING && !sink.stalled();
    }

    public KafkaStreams.State streamsState() {
        return streams.state();
    }

    /**
     * The user's friends as the fan-out currently sees them (the global edge store this instance holds): what a
     * transfer processed now would be fanned out with (all of them, not cut at the threshold).
     */
    public java.util.Set<java.util.UUID> friendsOf(java.util.UUID user) {
        var store = streams.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                FanoutTopology.FRIEND_EDGES,
                org.apache.kafka.streams.state.QueryableStoreTypes.<String, String>keyValueStore()));
        return FanoutTopology.friendsOf(store, user, Integer.MAX_VALUE);
    }

    public CassandraSink sink() {
        return sink;
    }

    private static void ensureTopics(Config config) {
        FanoutSettings f = config.fanout();
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        List<NewTopic> topics = List.of(
                new NewTopic(f.friendEdgesTopic(), config.partitions(), config.replicationFactor()).configs(compacted),
                new NewTopic(f.usernamesTopic(), config.partitions(), config.replicationFactor()).configs(compacted),
                new NewTopic(f.avatarsTopic(), config.partitions(), config.replicationFactor())
                        .configs(AVATARS_TOPIC_CONFIGS),
                new NewTopic(f.closedAccountsTopic(), config.partitions(), config.replicationFactor())
                        .configs(compacted),
                new NewTopic(f.feedItemsTopic(), config.partitions(), config.replicationFactor()),
                new NewTopic(f.transfersV1Topic(), config.partitions(), config.replicationFactor()),
                new NewTopic(f.deadLetterTopic(), 1, config.replicationFactor()),
                new NewTopic(f.friendshipsTopic(), config.partitions(), config.replicationFactor()),
                new NewTopic(f.usersTopic(), config.partitions(), config.replicationFactor()),
                new NewTopic(f.transfersTopic(), config.partitions(), config.replicationFactor()));
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
            // an avatars topic made by an earlier fan-out (compacted only when half dirty) gets the lag too
            if (!TopicConfigs.enforce(admin, Map.of(f.avatarsTopic(), AVATARS_TOPIC_CONFIGS))
                    .isEmpty()) {
                log.info("avatars topic {} now compacted within the hour", f.avatarsTopic());
            }
            if (admin.listTopics().names().get().contains(f.friendGraphTopic())) {
                seedEdgesFromFriendSets(config);
                // seeded in full: the old topic goes, so that the next start does not seed again (a crash before
                // this point seeds again, which is harmless: the streams have not changed an edge yet)
                admin.deleteTopics(List.of(f.friendGraphTopic())).all().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within 60 s while setting up the fan-out's topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot set up the fan-out's topics (the avatars' compaction, the friend graph's upgrade): "
                            + e.getCause(),
                    e);
        }
    }

    /**
     * The avatars topic is compacted within an hour: a removed avatar (a tombstone; a closed account's too) takes the URL
     * before it out of Kafka once the segment has rolled (on the partition's first write an hour after it began) and
     * been compacted (within the hour after), instead of whenever half of the log is dirty, which may be never.
     */
    static final Map<String, String> AVATARS_TOPIC_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
            Long.toString(Duration.ofHours(1).toMillis()),
            TopicConfig.SEGMENT_MS_CONFIG,
            Long.toString(Duration.ofHours(1).toMillis()));

    /**
     * Global stores are rebuilt from their topics, so their local copy can always go; it must when its checkpoint
     * names a topic no global store reads any more (the per-user friend graph before the edges), or Kafka Streams
     * refuses to start. Runs before the streams start.
     */
    private static void forgetStaleGlobalState(Config config) {
        FanoutSettings f = config.fanout();
        java.nio.file.Path global = config.stateDir()
                .resolve(f.prefix() + "-fanout" + config.instance())
                .resolve("global");
        java.nio.file.Path checkpoint = global.resolve(".checkpoint");
        if (!java.nio.file.Files.exists(checkpoint)) {
            return;
        }
        try {
            java.util.Set<String> current = java.util.Set.of(
                    f.usernamesTopic(), f.avatarsTopic(), f.friendEdgesTopic(), f.closedAccountsTopic());
            boolean stale = java.nio.file.Files.readAllLines(checkpoint).stream()
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(parts -> parts.length == 3 && !current.contains(parts[0]));
            if (stale) {
                try (var paths = java.nio.file.Files.walk(global)) {
                    for (java.nio.file.Path path :
                            paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(path);
                    }
                }
                log.info("global state in {} named topics no global store reads; removed, to be restored", global);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot clean the fan-out's global state in " + global, e);
        }
    }

    /**
     * Upgrading from the fan-out that kept each user's friends as one record: its compacted topic is read to the end
     * once and every friendship in it becomes its edge records, so the friends it knew are not lost (the change topics
     * may no longer hold old friendships). Runs before the streams start, while the old topic exists.
     */
    private static void seedEdgesFromFriendSets(Config config) {
        FanoutSettings f = config.fanout();
        Map<String, String> latest = new java.util.HashMap<>();
        Map<String, Object> common = Map.of("bootstrap.servers", config.bootstrapServers());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                        common,
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.StringDeserializer());
                var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                        Map.<String, Object>of(
                                "bootstrap.servers",
                                config.bootstrapServers(),
                                "acks",
                                "all",
                                "enable.idempotence",
                                true),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new org.apache.kafka.common.serialization.StringSerializer())) {
            var partitions = consumer.partitionsFor(f.friendGraphTopic()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(java.time.Duration.ofMillis(500)).forEach(r -> latest.put(r.key(), r.value()));
            }
            long edges = 0;
            for (var user : latest.entrySet()) {
                if (user.getValue() == null) {
                    continue;
                }
                for (var friend : Json.read(user.getValue())) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            f.friendEdgesTopic(), user.getKey() + "|" + friend.asString(), "1"));
                    edges++;
                }
            }
            producer.flush();
            log.info("friend graph upgraded: {} edges from {} users' friend sets", edges, latest.size());
        }
    }

    @Override
    public void close() {
        sink.close();
        try {
            sinkThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close(java.time.Duration.ofSeconds(30));
        session.close();
    }
}
