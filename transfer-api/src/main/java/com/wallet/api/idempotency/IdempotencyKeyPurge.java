package com.wallet.api.idempotency;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/** Deletes idempotency keys older than the retention (at least 24 hours, as the API promises). */
@Component
public class IdempotencyKeyPurge {

    @Validated
    @ConfigurationProperties("wallet.idempotency")
    public record Settings(@NotNull Duration retention) {
        public Settings {
            if (retention == null || retention.compareTo(Duration.ofHours(24)) < 0) {
                throw new IllegalArgumentException(
                        "wallet.idempotency.retention must be at least 24h (the API promises it), was " + retention);
            }
        }
    }

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

    private final JdbcClient jdbc;
    private final Settings settings;

    IdempotencyKeyPurge(JdbcClient jdbc, Settings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Scheduled(fixedDelayString = "${wallet.idempotency.purge-interval:PT1H}", initialDelayString = "PT1M")
    public int purge() {
        int deleted = jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < now() - ?::interval")
                .param(settings.retention().toSeconds() + " seconds")
                .update();
        if (deleted > 0) {
            log.info("purged {} idempotency keys older than {}", deleted, settings.retention());
        }
        return deleted;
    }
}
