package com.wallet.api;

import com.wallet.api.partners.AchClient;
import com.wallet.api.partners.CardNetworkClient;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
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

    /** The Cassandra keyspace of the API's feed in tests (FeedIT migrates it). */
    String FEED_KEYSPACE = "api_feed_it";

    abstract class Base {
        @LocalServerPort
        protected int port;

        @Autowired
        protected JdbcTemplate db;

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

        @DynamicPropertySource
        static void stack(DynamicPropertyRegistry registry) {
            PostgresSettings pg = SharedStack.get().postgres();
            registry.add("spring.datasource.url", pg::jdbcUrl);
            registry.add("spring.datasource.username", pg::username);
            registry.add("spring.datasource.password", pg::password);
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
