package com.wallet.run;

import com.wallet.api.TransferApiApplication;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.cdc.CdcConnector;
import com.wallet.cdc.CdcSettings;
import com.wallet.fanout.FanoutApp;
import com.wallet.fanout.FanoutSettings;
import com.wallet.settlement.SettlementApplication;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.CassandraSettings;
import com.wallet.stack.ClusterStack;
import com.wallet.stack.EmbeddedStack;
import com.wallet.stack.KafkaSettings;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.ServiceRoles;
import com.wallet.stack.Stack;
import com.wallet.stack.StackConfig;
import com.wallet.stack.Supervisor;
import com.wallet.stack.internal.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's run command: the embedded stack (PostgreSQL, Kafka, Cassandra) with the schemas migrated, and the
 * services that exist so far, in this JVM. Prints how to reach everything; Ctrl-C stops it all, services first.
 */
public final class LocalRun {

    private LocalRun() {}

    public static void main(String[] args) throws InterruptedException {
        RunSettings settings = RunSettings.ofThisProcess();
        StackConfig config;
        int apiPort;
        int simPort;
        int nodes;
        double demoRate;
        try {
            config = StackConfig.fromEnvironment();
            apiPort = settings.whole("api.port", "API_PORT", 8080, 1, 65535);
            simPort = settings.whole("sim.port", "SIM_PORT", 18090, 1, 65535);
            // -Dstack.nodes=3 (STACK_NODES): three Kafka brokers and three Cassandra nodes, everything replicated
            nodes = settings.whole("stack.nodes", "STACK_NODES", 1, 1, ClusterStack.NODES);
            demoRate = settings.positive("demo.rate", null, 5, 1000); // read now: a bad one stops nothing started
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        if (nodes != 1 && nodes != ClusterStack.NODES) {
            System.err.println("stack.nodes must be 1 or " + ClusterStack.NODES + ", was " + nodes);
            System.exit(1);
            return;
        }
        System.out.println(
                nodes == 1
                        ? "Starting PostgreSQL, Kafka and Cassandra (data in " + config.directory() + ") ..."
                        : "Starting PostgreSQL, 3 Kafka brokers and 3 Cassandra nodes (data in a temporary directory,"
                                + " deleted at the end) ...");
        Stack stack;
        ConfigurableApplicationContext api;
        CdcConnector cdc;
        PartnerSimulator partners;
        FanoutApp fanout;
        ConfigurableApplicationContext settlement;
        try {
            Ports.claim("transfer-api", "HTTP", apiPort, "api.port (API_PORT)");
            Ports.claim("partner simulator", "HTTP", simPort, "sim.port (SIM_PORT)");
            stack = nodes == 1
                    ? EmbeddedStack.start(config, false)
                    : ClusterStack.start(java.time.Duration.ofMinutes(4));
            // its state (files received, returns pending, charges, payouts) survives restarts of the run command
            // the cluster's servers keep nothing between runs, so neither do the services' own files
            java.nio.file.Path runDir =
                    nodes == 1 ? config.directory() : java.nio.file.Files.createTempDirectory("wallet-cluster-run-");
            partners = PartnerSimulator.start(simPort, runDir.resolve("partner-sim"));
            migrateCassandra(stack.cassandra(), nodes);
            api = startTransferApi(stack, apiPort, partners.baseUrl()); // also migrates PostgreSQL
            cdc = new CdcConnector(cdcSettings(stack, nodes), new SimpleMeterRegistry());
            cdc.start();
            fanout = FanoutApp.start(
                    new FanoutApp.Config(
                            new FanoutSettings("wallet", 500),
                            "",
                            stack.kafka().bootstrapServers(),
                            stack.cassandra().contactPoint(),
                            stack.cassandra().localDatacenter(),
                            "wallet",
                            runDir.resolve("fanout-state"),
                            6,
                            (short) nodes,
                            256,
                            "LOCAL_QUORUM"),
                    new SimpleMeterRegistry());
            settlement = startSettlement(stack.postgres(), runDir, partners.baseUrl());
        } catch (Exception e) {
            System.err.println("The local run did not start. " + e.getMessage());
            System.exit(1);
            return;
        }
        // a server that stops on its own (kill -9, a crash) is started again with its data; the services reconnect
        Supervisor supervisor = Supervisor.watch(stack.servers(), java.time.Duration.ofSeconds(1));
        Stack servers = stack;
        CdcConnector connector = cdc;
        PartnerSimulator sim = partners;
        FanoutApp feed = fanout;
        ConfigurableApplicationContext batch = settlement;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // Ctrl-C in a terminal signals the servers too (one process group), so a service may
                            // find its server gone and wait out a client timeout: each gets a bounded time, then
                            // the servers are stopped (and the JVM exits once this hook returns); first of all the
                            // supervisor, which would otherwise start again the servers the Ctrl-C stops
                            supervisor.close();
                            stopWithin("settlement-batch", batch::close);
                            stopWithin("fanout-streams", feed::close);
                            stopWithin("cdc-connector", connector::close);
                            stopWithin("transfer-api", api::close);
                            sim.close();
                            servers.close();
                        },
                        "local-run-shutdown"));
        System.out.println(describe(stack.postgres(), stack.kafka(), stack.cassandra(), apiPort, sim.baseUrl()));
        System.out.println("READY. Ctrl-C stops everything.");
        System.out.flush();
        if (Boolean.getBoolean("demo")) {
            DemoTraffic demo = new DemoTraffic("http://localhost:" + apiPort, sim, connector, feed, stack.postgres());
            demo.load();
            demo.start(demoRate);
        }
        new CountDownLatch(1).await();
    }

    interface Stoppable {
        void stop() throws Exception;
    }

    /** Stops a service, giving up after 10 s. */
    private static void stopWithin(String name, Stoppable service) {
        Thread stopping = new Thread(
                () -> {
                    try {
                        service.stop();
                    } catch (Exception e) {
                        System.err.println("stopping " + name + " failed: " + e);
                    }
                },
                "stop-" + name);
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            System.err.println(name + " did not stop within 10 s; going on");
        }
    }

    /**
     * The connector's defaults, pointed at this stack, as its own role: the tables, the heartbeat table and the
     * publication exist (transfer-api migrated them), so it needs no ownership.
     */
    private static CdcSettings cdcSettings(Stack stack, int replicas) {
        PostgresSettings pg = stack.postgres();
        java.util.Map<String, String> values = java.util.Map.of(
                "cdc.postgres.host", pg.host(),
                "cdc.postgres.port", Integer.toString(pg.port()),
                "cdc.postgres.database", pg.database(),
                "cdc.postgres.username", ServiceRoles.CDC,
                "cdc.publication.autocreate-mode", "disabled",
                "cdc.kafka.bootstrap-servers", stack.kafka().bootstrapServers(),
                "cdc.topic.replication-factor", Integer.toString(replicas));
        return CdcSettings.from(key -> values.getOrDefault(key, System.getProperty(key)));
    }

    private static void migrateCassandra(CassandraSettings cassandra, int replicas) {
        try (var session = CqlSessions.open(cassandra.contactPoint(), cassandra.localDatacenter())) {
            Migrator.forDefaultScripts(session, "wallet", KeyspaceReplication.simple(replicas))
                    .migrate();
        }
    }

    private static ConfigurableApplicationContext startTransferApi(Stack stack, int port, String partners) {
        PostgresSettings pg = stack.postgres();
        // command-line arguments: they outrank application.yaml (builder "properties" would not)
        return new SpringApplicationBuilder(TransferApiApplication.class)
                .profiles("local")
                .registerShutdownHook(false)
                .run(
                        // least privilege: the API connects as its role; migrations run as the owner role
                        "--spring.datasource.url=" + pg.jdbcUrl(),
                        "--spring.datasource.username=" + ServiceRoles.API,
                        "--spring.datasource.password=" + pg.password(),
                        "--spring.flyway.user=" + ServiceRoles.OWNER,
                        "--spring.flyway.password=" + pg.password(),
                        "--server.port=" + port,
                        "--wallet.partners.card.base-url=" + partners,
                        "--wallet.partners.ach.base-url=" + partners,
                        // the stack's Kafka and Cassandra wherever they listen (overridden ports, the cluster mode)
                        "--spring.kafka.bootstrap-servers=" + stack.kafka().bootstrapServers(),
                        "--wallet.feed.contact-point=" + stack.cassandra().host() + ":"
                                + stack.cassandra().port(),
                        "--wallet.feed.datacenter=" + stack.cassandra().localDatacenter(),
                        "--spring.batch.job.enabled=false");
    }

    /** settlement-batch on its schedule (settlement.yaml's crons), writing NACHA files under the stack's directory. */
    private static ConfigurableApplicationContext startSettlement(
            PostgresSettings pg, java.nio.file.Path stackDir, String partners) {
        return new SpringApplicationBuilder(SettlementApplication.class)
                .profiles("local")
                .registerShutdownHook(false)
                .run(
                        "--spring.config.name=settlement",
                        "--spring.datasource.url=" + pg.jdbcUrl(),
                        "--spring.datasource.username=" + ServiceRoles.SETTLEMENT,
                        "--spring.datasource.password=" + pg.password(),
                        "--spring.flyway.user=" + ServiceRoles.OWNER,
                        "--spring.flyway.password=" + pg.password(),
                        "--settlement.output-dir=" + stackDir.resolve("settlement"),
                        "--settlement.ach.base-url=" + partners,
                        "--settlement.card.base-url=" + partners);
    }

    static String describe(
            PostgresSettings pg, KafkaSettings kafka, CassandraSettings cassandra, int apiPort, String partners) {
        String api = "http://localhost:" + apiPort;
        return """

                transfer-api  %1$s   (OpenAPI UI %1$s/swagger-ui.html, health %1$s/actuator/health)
                PostgreSQL    psql "postgresql://%2$s@%3$s:%4$d/%5$s"   (wal_level=logical)
                Kafka         kcat -b %6$s -L
                              kcat -b %6$s -t wallet.public.transfers -C -o beginning -f '%%k %%s\\n'
                              (committed changes of users, friends, transfers, payment requests, cashouts: docs/topics.md)
                Cassandra     cqlsh %7$s %8$d   (datacenter %9$s, keyspace wallet)
                Partners      %10$s/control   (simulated card network and ACH processor, and their knobs)
                Feed          fanout-streams -> Cassandra; kcat -b %6$s -t wallet.feed-items.v1 -C -f '%%k %%s\\n'
                Settlement    ACH jobs on their schedule; one by hand (second terminal):
                              mvn -q -Psettle package -pl settlement-batch -am -Dsettle.job=achOrigination

                Try it (copy and paste):
                  curl -s -X POST %1$s/v1/users -H 'Content-Type: application/json' \\
                    -d '{"username":"alice","email":"alice@example.com","password":"correct horse 1","pin":"2468"}'
                  curl -s -X POST %1$s/v1/users -H 'Content-Type: application/json' \\
                    -d '{"username":"bob","email":"bob@example.com","password":"correct horse 2"}'
                  ALICE=$(curl -s -X POST %1$s/v1/auth/token -H 'Content-Type: application/json' \\
                    -d '{"username":"alice","password":"correct horse 1"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
                  BOB_ID=$(curl -s "%1$s/v1/users?username=bob" -H "Authorization: Bearer $ALICE" \\
                    | sed -E 's/.*"id":"([^"]+)".*/\\1/')
                  curl -s -X PUT %1$s/v1/me/friends/$BOB_ID -H "Authorization: Bearer $ALICE"
                  curl -s -X POST %1$s/v1/me/payment-methods -H "Authorization: Bearer $ALICE" \\
                    -H 'Content-Type: application/json' -H 'Wallet-Pin: 2468' \\
                    -d '{"type":"card","card_number":"4242424242424242","exp_month":12,"exp_year":2030}'
                  curl -s -X POST %1$s/v1/transfers -H "Authorization: Bearer $ALICE" \\
                    -H 'Content-Type: application/json' -H "Idempotency-Key: pizza-1" \\
                    -d "{\\"receiver_id\\":\\"$BOB_ID\\",\\"amount_cents\\":1250,\\"note\\":\\"pizza\\"}"
                  (linking a card, cash-outs and transfers above $100 ask for the PIN set at sign-up;
                   alice's wallet is empty, so her card pays: 1250 cents plus the 3%% fee, charged at the
                   simulated card network; the response shows the split)
                  curl -s %1$s/v1/me/wallet -H "Authorization: Bearer $ALICE"
                  curl -s %1$s/v1/me/feed -H "Authorization: Bearer $ALICE"
                  (the feed item arrives through CDC, Kafka Streams and Cassandra within a second or so)
                """.formatted(
                        api,
                        pg.username(),
                        pg.host(),
                        pg.port(),
                        pg.database(),
                        kafka.bootstrapServers(),
                        cassandra.host(),
                        cassandra.port(),
                        cassandra.localDatacenter(),
                        partners);
    }
}
