package com.wallet.api;

import com.wallet.api.partners.AchClient;
import com.wallet.api.partners.CardNetworkClient;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.ServiceRoles;
import com.wallet.stack.SharedStack;
import com.wallet.stack.StackExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An integration test of the API: the application on a random port, against the shared real PostgreSQL. Test classes
 * extend {@link Base} so they share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public @interface ApiIT {

    /** Started with the first test class; a daemon that ends with the test JVM. */
    final class Partners {
        static final PartnerSimulator SIM = PartnerSimulator.start(0);

        private Partners() {}
    }

    /** The change topics' prefix in tests: NotificationsIT writes change events there as the connector would. */
    String CHANGE_PREFIX = "apiit";

    /** The Cassandra keyspace of the API's feed in tests ({@link Base#migrateFeedKeyspace()} makes it). */
    String FEED_KEYSPACE = "api_feed_it";

    abstract class Base {
        /** Makes the feed keyspace the test profile reads (idempotent): without it the feed is DEGRADED. */
        static void migrateFeedKeyspace() {
            var cassandra = com.wallet.stack.SharedStack.get().cassandra();
            try (var cql = com.wallet.cassandra.schema.CqlSessions.open(
                    cassandra.contactPoint(), cassandra.localDatacenter())) {
                com.wallet.cassandra.schema.Migrator.forDefaultScripts(
                                cql,
                                FEED_KEYSPACE,
                                com.wallet.cassandra.schema.KeyspaceReplication.simple(
                                        SharedStack.get().replicas()))
                        .migrate();
            }
        }

        /** The change topics exist before the listener subscribes (the test broker creates none by itself). */
        static void createChangeTopics() {
            try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                    "bootstrap.servers", SharedStack.get().kafka().bootstrapServers()))) {
                for (String table : com.wallet.api.notification.NotificationSettings.TABLES) {
                    try {
                        admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(
                                        CHANGE_PREFIX + ".public." + table, 3, (short)
                                                SharedStack.get().replicas())))
                                .all()
                                .get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                            throw new IllegalStateException(e);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        @LocalServerPort
        protected int port;

        /** The database as the API's role sees it (its connection pool). */
        @Autowired
        protected JdbcTemplate db;

        /**
         * {@code as} runs {@code sql} and PostgreSQL refuses it, the error's root cause matching {@code refusal}: a
         * statement a trigger, a check or a missing privilege must stop.
         */
        protected static void assertRefused(JdbcTemplate as, String sql, String refusal) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> as.execute(sql))
                    .as(sql)
                    .isInstanceOf(org.springframework.dao.DataAccessException.class)
                    .rootCause()
                    .hasMessageMatching(refusal);
        }

        /** The database as its superuser: for what the API's role may not do (checking triggers, DDL). */
        protected static JdbcTemplate admin() {
            PostgresSettings pg = SharedStack.get().postgres();
            return new JdbcTemplate(new org.springframework.jdbc.datasource.SimpleDriverDataSource(
                    new org.postgresql.Driver(), pg.jdbcUrl(), pg.username(), pg.password()));
        }

        protected Api api;

        /** The simulated card network and ACH processor, one per test JVM. */
        protected final PartnerSimulator sim = Partners.SIM;

        @Autowired
        private CardNetworkClient cardNetwork;

        @Autowired
        private AchClient achProcessor;

        /** Each test starts with well-behaved networks and closed breakers, whatever the previous test did. */
        @BeforeEach
        void client() {
            api = new Api(port, db, sim);
            sim.knobs().reset();
            cardNetwork.client().breaker().reset();
            achProcessor.client().breaker().reset();
        }

        /**
         * Another API instance on the same database and partners (the test profile, no notifications listener),
         * with {@code overrides} added to its command line; the caller closes it.
         */
        protected static org.springframework.context.ConfigurableApplicationContext anotherInstance(
                String... overrides) {
            PostgresSettings pg = SharedStack.get().postgres();
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                    "--server.port=0",
                    "--spring.datasource.url=" + pg.jdbcUrl(),
                    "--spring.datasource.username=" + ServiceRoles.API,
                    "--spring.flyway.user=" + ServiceRoles.OWNER,
                    "--spring.flyway.password=" + pg.password(),
                    "--spring.datasource.password=" + pg.password(),
                    "--spring.kafka.bootstrap-servers="
                            + SharedStack.get().kafka().bootstrapServers(),
                    "--wallet.notifications.enabled=false",
                    "--wallet.partners.card.base-url=" + Partners.SIM.baseUrl(),
                    "--wallet.partners.ach.base-url=" + Partners.SIM.baseUrl()));
            // an override replaces the default of the same key (a key given twice would be read as a list)
            for (String override : overrides) {
                String key = override.substring(0, override.indexOf('=') + 1);
                args.removeIf(a -> a.startsWith(key));
            }
            args.addAll(java.util.List.of(overrides));
            return new org.springframework.boot.builder.SpringApplicationBuilder(TransferApiApplication.class)
                    .profiles("test")
                    .run(args.toArray(String[]::new));
        }

        /** The HTTP port of an instance from {@link #anotherInstance}. */
        protected static int portOf(org.springframework.context.ConfigurableApplicationContext instance) {
            return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
        }

        @DynamicPropertySource
        static void stack(DynamicPropertyRegistry registry) {
            PostgresSettings pg = SharedStack.get().postgres();
            // least privilege, as in production: the API connects as its role, Flyway migrates as the owner role
            registry.add("spring.datasource.url", pg::jdbcUrl);
            registry.add("spring.datasource.username", () -> ServiceRoles.API);
            registry.add("spring.datasource.password", pg::password);
            registry.add("spring.flyway.user", () -> ServiceRoles.OWNER);
            registry.add("spring.flyway.password", pg::password);
            registry.add(
                    "spring.kafka.bootstrap-servers",
                    () -> SharedStack.get().kafka().bootstrapServers());
            registry.add("wallet.notifications.change-topic-prefix", () -> CHANGE_PREFIX);
            registry.add("wallet.notifications.topic", () -> CHANGE_PREFIX + ".notifications.v1");
            registry.add("wallet.notifications.dead-letter-topic", () -> CHANGE_PREFIX + ".notifications.dlt.v1");
            registry.add("wallet.notifications.retry-max-interval", () -> "PT2S");
            createChangeTopics();
            registry.add(
                    "wallet.feed.contact-point",
                    () -> SharedStack.get().cassandra().host() + ":"
                            + SharedStack.get().cassandra().port());
            registry.add(
                    "wallet.feed.datacenter",
                    () -> SharedStack.get().cassandra().localDatacenter());
            registry.add("wallet.feed.keyspace", () -> FEED_KEYSPACE);
            registry.add("wallet.partners.card.base-url", Partners.SIM::baseUrl);
            registry.add("wallet.partners.ach.base-url", Partners.SIM::baseUrl);
        }
    }
}
