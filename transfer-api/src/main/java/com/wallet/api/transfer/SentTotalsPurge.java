package com.wallet.api.transfer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes hourly sent totals ({@code sent_by_hour}) older than 8 days: the weekly limit, the longest window, never
 * reads further back than 7 days and an hour.
 */
@Component
public class SentTotalsPurge {

    private static final Logger log = LoggerFactory.getLogger(SentTotalsPurge.class);

    private final JdbcClient jdbc;

    SentTotalsPurge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Scheduled(fixedDelayString = "${wallet.transfers.sent-totals-purge-interval:PT1H}", initialDelayString = "PT1M")
    public int purge() {
        int deleted = jdbc.sql("DELETE FROM sent_by_hour"
                        + " WHERE hour < floor(extract(epoch FROM now() - interval '8 days') / 3600)::bigint")
                .update();
        if (deleted > 0) {
            log.info("purged {} hourly sent totals older than 8 days", deleted);
        }
        return deleted;
    }
}
