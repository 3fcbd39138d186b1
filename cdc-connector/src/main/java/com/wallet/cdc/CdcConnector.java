package com.wallet.cdc;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's embedded PostgreSQL connector (pgoutput, a named slot and publication) feeding an idempotent,
 * {@code acks=all} producer. Offsets live in a Kafka topic, so this process keeps nothing on local disk that matters.
 */
public final class CdcConnector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CdcConnector.class);

    private final CdcSettings settings;
    private final CdcMetrics metrics;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private Producer<String, String> producer;
    private ChangePublisher publisher;
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private ExecutorService runner;
    private ScheduledExecutorService poller;

    /** How long the offset store's Kafka clients wait for one request before asking again. */
    static final Duration OFFSET_STORE_TIMEOUT = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private KafkaClientMetrics producerMetrics;

    public CdcConnector(CdcSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = new CdcMetrics(registry);
    }

    public void start() throws Exception {
        prepareDatabase();
        Topics.ensure(settings);
        long deliveryMillis = settings.deliveryTimeout().toMillis();
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryMillis);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, deliveryMillis / 2));
        // without metadata a send blocks this long: no longer than one delivery attempt
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMillis);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer = new KafkaProducer<>(producerConfig);
        // the producer's own meters (kafka_producer_*: sends, errors, retries, request latency) beside the connector's
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        publisher = new ChangePublisher(producer, metrics);
        engine = DebeziumEngine.create(Json.class)
                .using(engineProperties())
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        metrics.running(true);
                        log.info("capturing {} into Kafka", settings.tables());
                    }

                    @Override
                    public void taskStopped() {
                        metrics.running(false);
                    }
                })
                .using((success, message, error) -> {
                    metrics.running(false);
                    if (success) {
                        stopped.complete(null);
                    } else {
                        log.error("the CDC engine stopped: {}", message, error);
                        stopped.completeExceptionally(error != null ? error : new IllegalStateException(message));
                    }
                })
                .notifying(publisher)
                .build();
        runner = Executors.newSingleThreadExecutor(r -> new Thread(r, "cdc-engine"));
        runner.execute(engine);
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-slot-lag");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollSlotLag, 1, 5, TimeUnit.SECONDS);
    }

    /** Completes when the engine stops; exceptionally when it stopped on an error. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    public boolean running() {
        return metrics.running();
    }

    /** WAL bytes the slot holds that the connector has not confirmed yet; -1 before the first measurement. */
    public long slotLagBytes() {
        return metrics.slotLag();
    }

    /** How many records Kafka failed to acknowledge (each was sent again). */
    public double publishFailures() {
        return metrics.publishFailures();
    }

    Properties engineProperties() {
        Properties p = new Properties();
        p.setProperty("name", "wallet-cdc");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        p.setProperty("offset.storage.topic", settings.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(settings.replicationFactor()));
        p.setProperty(
                "offset.flush.interval.ms",
                Long.toString(settings.offsetFlushInterval().toMillis()));
        p.setProperty("bootstrap.servers", settings.bootstrapServers());
        // The offset store's producer, consumer and admin client take these (Debezium hands them every engine
        // property). Each commit reads the offsets topic to its end, asking its leader through the admin client; a
        // request pinned to a leader that died waits for that broker to come back, or for this timeout, before the
        // store asks again and finds the new leader: a broker's loss paused the whole capture until the broker
        // returned (README, "Three nodes"). Kafka's defaults: 30 s and 60 s.
        p.setProperty("request.timeout.ms", Long.toString(OFFSET_STORE_TIMEOUT.toMillis()));
        p.setProperty("default.api.timeout.ms", Long.toString(OFFSET_STORE_TIMEOUT.toMillis()));
        p.setProperty("database.hostname", settings.postgresHost());
        p.setProperty("database.port", Integer.toString(settings.postgresPort()));
        p.setProperty("database.user", settings.username());
        p.setProperty("database.password", settings.password());
        p.setProperty("database.dbname", settings.database());
        p.setProperty("topic.prefix", settings.topicPrefix());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slotName());
        p.setProperty("publication.name", settings.publicationName());
        p.setProperty("slot.failover", Boolean.toString(settings.slotFailover()));
        // filtered: the connector makes (and keeps) its publication, which needs the tables' owner; disabled: a
        // migration made it (transfer-api's V20 makes wallet_cdc), and the connector's role needs no ownership
        p.setProperty("publication.autocreate.mode", settings.publicationAutocreateMode());
        p.setProperty("table.include.list", String.join(",", settings.tables()));
        p.setProperty("column.exclude.list", String.join(",", settings.excludedColumns()));
        p.setProperty("snapshot.mode", "initial");
        p.setProperty(
                "heartbeat.interval.ms",
                Long.toString(settings.heartbeatInterval().toMillis()));
        p.setProperty(
                "heartbeat.action.query",
                "INSERT INTO cdc.heartbeat (id, beat_at) VALUES (1, now())"
                        + " ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at");
        p.setProperty("converter.schemas.enable", "false");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("errors.max.retries", "-1");
        // Debezium waits this long for more events before handing over a batch (default 500 ms): the lag floor
        p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
        return p;
    }

    /**
     * The heartbeat table: writing to it moves the slot on while the captured tables are quiet. transfer-api's
     * migrations make it; made here only where they have not (a role without CREATE, as wallet_cdc, never gets here).
     */
    private void prepareDatabase() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT to_regclass('cdc.heartbeat') IS NOT NULL")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            s.execute("CREATE SCHEMA IF NOT EXISTS cdc");
            s.execute("CREATE TABLE IF NOT EXISTS cdc.heartbeat (id int PRIMARY KEY, beat_at timestamptz NOT NULL)");
        }
    }

    private void pollSlotLag() {
        try (Connection c = connect();
                PreparedStatement q =
                        c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            q.setString(1, settings.slotName());
            try (ResultSet rs = q.executeQuery()) {
                metrics.slotLag(rs.next() ? rs.getLong(1) : -1);
            }
        } catch (SQLException e) {
            log.debug("slot lag query failed: {}", e.toString());
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + settings.postgresHost() + ":" + settings.postgresPort() + "/"
                        + settings.database(),
                settings.username(),
                settings.password());
    }

    /** Stops the engine (which commits the offsets of what Kafka acknowledged), then the producer. */
    @Override
    public void close() throws Exception {
        if (publisher != null) {
            publisher.stop();
        }
        if (engine != null) {
            engine.close();
        }
        if (runner != null) {
            runner.shutdown();
            runner.awaitTermination(60, TimeUnit.SECONDS);
        }
        if (poller != null) {
            poller.shutdownNow();
        }
        if (producer != null) {
            producer.close();
        }
        if (producerMetrics != null) {
            producerMetrics.close();
        }
    }
}
