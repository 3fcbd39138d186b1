package com.wallet.api.audit;

import jakarta.validation.constraints.Min;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Keeps the audit log's monthly partitions made ahead of time: this month's and the next {@code months-ahead} ones,
 * at start and then daily, by the database function {@code audit_log_add_partitions} (which runs with its owner's
 * rights and serializes concurrent callers, so every instance may call it). There is no default partition, so the
 * audit trail fails closed: an action in a month without a partition fails instead of happening unaudited. What is
 * past the retention period is listed for archival, never dropped by the application (see the README).
 */
@Component
class AuditPartitions {

    private static final Logger log = LoggerFactory.getLogger(AuditPartitions.class);

    /** {@code months-ahead}: partitions made beyond this month; {@code retention}: how long the trail is kept. */
    @Validated
    @ConfigurationProperties("wallet.audit")
    record Settings(@Min(1) int monthsAhead, java.time.Period retention) {}

    private final JdbcClient jdbc;
    private final Settings settings;

    AuditPartitions(JdbcClient jdbc, Settings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        maintain();
    }

    @Scheduled(cron = "0 17 3 * * *", zone = "UTC")
    void maintain() {
        int made = jdbc.sql("SELECT audit_log_add_partitions(?)")
                .param(settings.monthsAhead())
                .query(Integer.class)
                .single();
        if (made > 0) {
            log.info("audit log: {} monthly partitions made ahead", made);
        }
        var due = jdbc.sql("SELECT partition_name FROM audit_log_partitions_past(?::interval)")
                .param(settings.retention().toTotalMonths() + " months")
                .query(String.class)
                .list();
        if (!due.isEmpty()) {
            log.warn("audit log partitions past the {} retention, due for archival: {}", settings.retention(), due);
        }
    }
}
