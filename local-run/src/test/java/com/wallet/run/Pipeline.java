package com.wallet.run;

import static org.awaitility.Awaitility.await;

import com.wallet.api.TransferApiApplication;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.cdc.CdcConnector;
import com.wallet.cdc.CdcSettings;
import com.wallet.fanout.FanoutApp;
import com.wallet.fanout.FanoutSettings;
import com.wallet.settlement.JobRunner;
import com.wallet.settlement.SettlementApplication;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.ServiceRoles;
import com.wallet.stack.Stack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Every service of the pipeline on the test stack, with names of their own (topic prefix, slot, keyspace): the
 * partner simulator, transfer-api, the CDC connector, fanout-streams and settlement-batch; and a client of the API.
 */
final class Pipeline implements AutoCloseable {

    static final String DATA_KEY = "cGlwZWxpbmUtdGVzdC1kYXRhLWtleS0zMi1ieXRlcyE=";

    /** A user of the API, as a test holds it. */
    record Person(UUID id, String name, String token) {}

    final String id = "pipe" + Long.toString(System.nanoTime(), 36);
    final PartnerSimulator sim = PartnerSimulator.start(0);
    final PostgresSettings pg;
    final ConfigurableApplicationContext api;
    final CdcConnector connector;
    final FanoutApp fanout;
    final ConfigurableApplicationContext settlement;
    final Path settlementOutput;
    final String base;
    final ApiClient client;

    /** Every topic and the keyspace replicated as the stack allows ({@link Stack#replicas()}: 3 on the cluster). */
    Pipeline(Stack stack) throws Exception {
        int replicas = stack.replicas();
        pg = stack.postgres();
        try (var cql = CqlSessions.open(
                stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
            Migrator.forDefaultScripts(cql, id, KeyspaceReplication.simple(replicas))
                    .migrate();
        }
        api = new SpringApplicationBuilder(TransferApiApplication.class)
                .run(apiArguments(stack, sim.baseUrl(), id, 0).toArray(String[]::new));
        base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
        client = new ApiClient(base);
        Map<String, String> cdc = cdcSettings(stack, id, 0);
        connector = new CdcConnector(CdcSettings.from(cdc::get), new SimpleMeterRegistry());
        fanout = FanoutApp.start(
                new FanoutApp.Config(
                        new FanoutSettings(id, 500),
                        "",
                        stack.kafka().bootstrapServers(),
                        stack.cassandra().contactPoint(),
                        stack.cassandra().localDatacenter(),
                        id,
                        Files.createTempDirectory("pipeline-fanout"),
                        3,
                        (short) replicas,
                        64,
                        "LOCAL_QUORUM"),
                new SimpleMeterRegistry());
        settlementOutput = Files.createTempDirectory("pipeline-settlement");
        settlement = new SpringApplicationBuilder(SettlementApplication.class)
                .run(
                        "--spring.config.name=settlement",
                        "--spring.datasource.url=" + pg.jdbcUrl(),
                        "--spring.datasource.username=" + ServiceRoles.SETTLEMENT,
                        "--spring.datasource.password=" + pg.password(),
                        "--spring.flyway.user=" + ServiceRoles.OWNER,
                        "--spring.flyway.password=" + pg.password(),
                        "--settlement.schedule.enabled=false",
                        "--settlement.output-dir=" + settlementOutput,
                        "--settlement.data-key=" + DATA_KEY,
                        "--settlement.ach.base-url=" + sim.baseUrl(),
                        "--settlement.card.base-url=" + sim.baseUrl(),
                        "--settlement.settlement-days=2",
                        "--logging.level.root=WARN");
        connector.start();
        awaitHeartbeat(stack, id);
        await().atMost(Duration.ofSeconds(90)).until(fanout::healthy);
    }

    JobRunner.Result runJob(String job) {
        return settlement.getBean(JobRunner.class).run(job, LocalDate.of(2026, 11, 24));
    }

    /** transfer-api's command line for this pipeline (port 0: any free port). */
    static List<String> apiArguments(Stack stack, String partners, String id, int port) {
        PostgresSettings pg = stack.postgres();
        return List.of(
                "--server.port=" + port,
                "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + ServiceRoles.API,
                "--spring.datasource.password=" + pg.password(),
                "--spring.flyway.user=" + ServiceRoles.OWNER,
                "--spring.flyway.password=" + pg.password(),
                "--wallet.security.jwt-secret=cGlwZWxpbmUtdGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaA==",
                "--wallet.crypto.data-key=" + DATA_KEY,
                "--wallet.rate-limit.capacity=1000",
                "--wallet.rate-limit.sign-up.capacity=1000000",
                "--wallet.partners.card.base-url=" + partners,
                "--wallet.partners.ach.base-url=" + partners,
                "--wallet.feed.contact-point=" + stack.cassandra().host() + ":"
                        + stack.cassandra().port(),
                "--wallet.feed.datacenter=" + stack.cassandra().localDatacenter(),
                "--wallet.feed.keyspace=" + id,
                "--spring.kafka.bootstrap-servers=" + stack.kafka().bootstrapServers(),
                "--wallet.notifications.change-topic-prefix=" + id,
                "--wallet.notifications.topic=" + id + ".notifications.v1",
                "--wallet.notifications.dead-letter-topic=" + id + ".notifications.dlt.v1",
                "--spring.batch.job.enabled=false",
                "--logging.level.root=WARN");
    }

    /** The CDC connector's settings for this pipeline: a slot, publication, prefix and offsets topic of its own. */
    static Map<String, String> cdcSettings(Stack stack, String id, int httpPort) {
        PostgresSettings pg = stack.postgres();
        Map<String, String> cdc = new HashMap<>();
        cdc.put("cdc.postgres.host", pg.host());
        cdc.put("cdc.postgres.port", Integer.toString(pg.port()));
        cdc.put("cdc.postgres.database", pg.database());
        cdc.put("cdc.postgres.username", pg.username());
        cdc.put("cdc.postgres.password", pg.password());
        cdc.put("cdc.kafka.bootstrap-servers", stack.kafka().bootstrapServers());
        cdc.put("cdc.topic.prefix", id);
        cdc.put("cdc.slot.name", "slot_" + id);
        cdc.put("cdc.publication.name", "pub_" + id);
        cdc.put("cdc.offsets.topic", id + "-offsets");
        cdc.put("cdc.topic.partitions", "3");
        cdc.put("cdc.topic.replication-factor", Integer.toString(stack.replicas()));
        cdc.put("cdc.heartbeat.interval", "PT1S");
        cdc.put("cdc.http.port", Integer.toString(httpPort));
        return cdc;
    }

    /** A consumer of its own group that reads from the beginning: to look at a topic without disturbing anyone. */
    static KafkaConsumer<String, String> probe(Stack stack) {
        return probe(stack, "read_uncommitted");
    }

    /** As {@link #probe(Stack)}, reading at this isolation level ({@code read_committed} or not). */
    static KafkaConsumer<String, String> probe(Stack stack, String isolation) {
        return new KafkaConsumer<>(
                Map.<String, Object>of(
                        "bootstrap.servers",
                        stack.kafka().bootstrapServers(),
                        "group.id",
                        "probe-" + UUID.randomUUID(),
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        isolation),
                new StringDeserializer(),
                new StringDeserializer());
    }

    /** Waits for the connector's first heartbeat: it streams from then on (changes arrive as c/u/d, not reads). */
    static void awaitHeartbeat(Stack stack, String id) {
        try (var consumer = probe(stack)) {
            consumer.subscribe(List.of(id + ".cdc.heartbeat"));
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !consumer.poll(Duration.ofMillis(500)).isEmpty());
        }
    }

    /** Drops the pipeline's replication slot once nothing reads it. */
    static void dropSlot(PostgresSettings pg, String id) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                var s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'slot_"
                    + id + "' AND NOT active");
        }
    }

    List<String> feed(Person reader) {
        return client.feed(reader);
    }

    Person signUp(String name) {
        return client.signUp(name);
    }

    void befriend(Person a, Person b) {
        client.befriend(a, b);
    }

    /** Links a test card to the user (the simulator's network approves it), so that payments beyond the balance go. */
    void linkCard(Person user) {
        call(
                "POST",
                "/v1/me/payment-methods",
                user,
                null,
                Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031));
    }

    /** A payment under a fresh idempotency key; returns its id. */
    String pay(Person from, Person to, long cents, String note, String visibility) {
        return client.send(from, to, cents, note, visibility).path("id").asString();
    }

    JsonNode call(String method, String path, Person as, String key, Object body) {
        return client.call(method, path, as, key, body);
    }

    @Override
    public void close() throws Exception {
        settlement.close();
        fanout.close();
        connector.close();
        api.close();
        sim.close();
        dropSlot(pg, id);
    }
}
