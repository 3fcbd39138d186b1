package com.wallet.api.health;

import com.wallet.api.feed.FeedStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The health of what the API needs for more than money: Cassandra (the feed) and Kafka (notifications). Either away
 * is {@code DEGRADED}, not {@code DOWN}: money still moves, so the aggregate stays 200 and readiness (the database)
 * is unaffected, while a dashboard or an operator sees which part is missing (README "Health").
 */
@Configuration(proxyBeanMethods = false)
class DependencyHealth {

    /** Something the API can do without, that is away. */
    static final Status DEGRADED = new Status("DEGRADED", "money moves; this part does not");

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Bean
    HealthIndicator feedHealthIndicator(FeedStore feed) {
        return () -> {
            try {
                return Health.up().withDetail("cassandra", feed.ping(TIMEOUT)).build();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(DependencyHealth.class).debug("feed degraded: {}", e.toString());
                return Health.status(DEGRADED)
                        .withDetail("error", e.getClass().getSimpleName())
                        .build();
            }
        };
    }

    @Bean
    KafkaHealth kafkaHealthIndicator(KafkaAdmin kafka) {
        return new KafkaHealth(kafka);
    }

    /**
     * Kafka's health from one Admin client kept for the application's life: created at the first check, closed with
     * the context (Spring calls {@link #close}). An Admin per check, as before, started a network thread, opened a
     * broker connection and fetched the cluster's metadata for every probe; the kept one reconnects by itself after
     * an outage.
     */
    static final class KafkaHealth implements HealthIndicator, AutoCloseable {

        /** The kept client's id (its network thread is named after it). */
        static final String CLIENT_ID = "transfer-api-health";

        private final java.util.Map<String, Object> config;
        private Admin admin; // guarded by this

        KafkaHealth(KafkaAdmin kafka) {
            config = new java.util.HashMap<>(kafka.getConfigurationProperties());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        }

        private synchronized Admin admin() {
            if (admin == null) {
                admin = Admin.create(config);
            }
            return admin;
        }

        @Override
        public Health health() {
            try {
                int brokers = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                        .nodes()
                        .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)
                        .size();
                return Health.up().withDetail("brokers", brokers).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.status(DEGRADED)
                        .withDetail("error", "interrupted")
                        .build();
            } catch (Exception e) {
                return Health.status(DEGRADED)
                        .withDetail("error", e.getClass().getSimpleName())
                        .build();
            }
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close(TIMEOUT);
                admin = null;
            }
        }
    }
}
