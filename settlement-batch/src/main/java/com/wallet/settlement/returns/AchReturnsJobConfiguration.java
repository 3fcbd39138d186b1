package com.wallet.settlement.returns;

import com.wallet.common.partners.PartnerClient;
import com.wallet.settlement.SettlementLedger;
import com.wallet.settlement.SettlementLedger.Line;
import com.wallet.settlement.SettlementSettings;
import com.wallet.settlement.StepProgress;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;

/**
 * ACH returns, then settlement confirmation. {@code achApplyReturns} fetches the processor's returns after the last one
 * recorded and reverses each matched entry once (the return's sequence is the key): a returned bank debit takes the
 * money back from the sender's wallet, restricting it if that leaves a debt; a returned cashout credit puts the money
 * back in the wallet. {@code achConfirm} then treats entries submitted longer ago than the settlement window as
 * settled: clearing moves to the settlement bank account and the debit or cashout is completed.
 */
@Configuration(proxyBeanMethods = false)
class AchReturnsJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AchReturnsJobConfiguration.class);

    record Entry(String trace, String source, UUID sourceId, UUID userId, long cents, String status) {}

    /** Reads trace_number, source, source_id, user_id, amount_cents, status, in that order. */
    private static Entry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Entry(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, UUID.class),
                rs.getObject(4, UUID.class),
                rs.getLong(5),
                rs.getString(6));
    }

    @Bean
    Job achReturns(JobRepository jobs, Step achApplyReturns, Step achConfirm) {
        return new JobBuilder("achReturns", jobs)
                .start(achApplyReturns)
                .next(achConfirm)
                .build();
    }

    @Bean
    Step achApplyReturns(
            JobRepository jobs,
            PlatformTransactionManager tx,
            StepProgress progress,
            PartnerClient achProcessor,
            JdbcClient jdbc,
            SettlementLedger ledger) {
        return new StepBuilder("achApplyReturns", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            long after = jdbc.sql("SELECT coalesce(max(sequence), 0) FROM ach_returns")
                                    .query(Long.class)
                                    .single();
                            JsonNode returns = achProcessor
                                    .get("/ach/returns?after=" + after)
                                    .orElseThrow();
                            for (JsonNode r : returns.path("returns")) {
                                contribution.incrementReadCount();
                                if (apply(r, jdbc, ledger)) {
                                    contribution.incrementWriteCount(1);
                                }
                            }
                            return RepeatStatus.FINISHED;
                        },
                        tx)
                .listener(progress)
                .build();
    }

    /** Applies one return; false if it was applied before or matches none of our entries. */
    static boolean apply(JsonNode r, JdbcClient jdbc, SettlementLedger ledger) {
        long sequence = r.path("sequence").asLong();
        String trace = r.path("trace_number").asString();
        String code = r.path("return_code").asString();
        Optional<Entry> entry = jdbc.sql("SELECT trace_number, source, source_id, user_id, amount_cents, status"
                        + " FROM ach_entries WHERE trace_number = ? FOR UPDATE")
                .param(trace)
                .query(AchReturnsJobConfiguration::entry)
                .optional()
                .filter(e -> e.status().equals("submitted") || e.status().equals("completed"));
        int recorded = jdbc.sql("INSERT INTO ach_returns (sequence, trace_number, return_code, amount_cents, matched)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(sequence, trace, code, r.path("amount_cents").asLong(), entry.isPresent())
                .update();
        if (recorded == 0 || entry.isEmpty()) {
            if (recorded == 1) {
                log.warn("return {} ({}) matches no submitted entry of ours; reconciliation reports it", trace, code);
            }
            return false;
        }
        Entry e = entry.get();
        boolean settled = e.status().equals("completed");
        SettlementLedger.Wallet wallet = ledger.lockWallet(e.userId());
        if (e.source().equals("bank_debit")) {
            UUID transfer = jdbc.sql("SELECT transfer_id FROM external_charges WHERE id = ?")
                    .param(e.sourceId())
                    .query(UUID.class)
                    .single();
            if (wallet.balanceCents() < e.cents()) {
                ledger.restrict(wallet.accountId());
            }
            ledger.post(
                    "ach_return",
                    transfer,
                    null,
                    List.of(
                            new Line(wallet.accountId(), -e.cents()),
                            new Line(
                                    settled ? SettlementLedger.SETTLEMENT_BANK : SettlementLedger.BANK_FUNDING_CLEARING,
                                    e.cents())));
            jdbc.sql("UPDATE external_charges SET status = 'returned', updated_at = now() WHERE id = ?")
                    .param(e.sourceId())
                    .update();
        } else {
            ledger.post(
                    "ach_return",
                    null,
                    e.sourceId(),
                    List.of(
                            new Line(wallet.accountId(), e.cents()),
                            new Line(
                                    settled ? SettlementLedger.SETTLEMENT_BANK : SettlementLedger.CASHOUT_CLEARING,
                                    -e.cents())));
            jdbc.sql("UPDATE cashouts SET status = 'returned', failure_reason = ?, updated_at = clock_timestamp()"
                            + " WHERE id = ?")
                    .params(code, e.sourceId())
                    .update();
        }
        jdbc.sql("UPDATE ach_entries SET status = 'returned' WHERE trace_number = ?")
                .param(trace)
                .update();
        log.info("return {} {} of {} cents applied to {} {}", code, trace, e.cents(), e.source(), e.sourceId());
        return true;
    }

    @Bean
    Step achConfirm(
            JobRepository jobs,
            PlatformTransactionManager tx,
            StepProgress progress,
            JdbcClient jdbc,
            SettlementLedger ledger,
            SettlementSettings settings) {
        return new StepBuilder("achConfirm", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            List<Entry> due = jdbc.sql("SELECT trace_number, source, source_id, user_id, amount_cents,"
                                            + " status FROM ach_entries WHERE status = 'submitted'"
                                            + " AND submitted_at <= now() - ?::interval ORDER BY trace_number"
                                            + " FOR UPDATE")
                                    .param(settings.settlementWindow().toMillis() + " milliseconds")
                                    .query(AchReturnsJobConfiguration::entry)
                                    .list();
                            for (Entry e : due) {
                                contribution.incrementReadCount();
                                if (e.source().equals("bank_debit")) {
                                    ledger.post(
                                            "ach_settled",
                                            null,
                                            null,
                                            List.of(
                                                    new Line(SettlementLedger.BANK_FUNDING_CLEARING, e.cents()),
                                                    new Line(SettlementLedger.SETTLEMENT_BANK, -e.cents())));
                                    jdbc.sql("UPDATE external_charges SET status = 'completed', updated_at = now()"
                                                    + " WHERE id = ?")
                                            .param(e.sourceId())
                                            .update();
                                } else {
                                    ledger.post(
                                            "ach_settled",
                                            null,
                                            e.sourceId(),
                                            List.of(
                                                    new Line(SettlementLedger.CASHOUT_CLEARING, -e.cents()),
                                                    new Line(SettlementLedger.SETTLEMENT_BANK, e.cents())));
                                    jdbc.sql("UPDATE cashouts SET status = 'completed', updated_at = clock_timestamp()"
                                                    + " WHERE id = ?")
                                            .param(e.sourceId())
                                            .update();
                                }
                                jdbc.sql("UPDATE ach_entries SET status = 'completed', settled_at = now()"
                                                + " WHERE trace_number = ?")
                                        .param(e.trace())
                                        .update();
                                contribution.incrementWriteCount(1);
                            }
                            log.info("{} ACH entries settled", due.size());
                            return RepeatStatus.FINISHED;
                        },
                        tx)
                .listener(progress)
                .build();
    }
}
