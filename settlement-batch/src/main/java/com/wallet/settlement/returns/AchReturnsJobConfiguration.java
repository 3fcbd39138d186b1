package com.wallet.settlement.returns;

import com.wallet.common.bank.BankingCalendar;
import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.SettlementSettings;
import com.wallet.settlement.StepParameters;
import com.wallet.settlement.StepProgress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * money back, first from the wallets still holding it as unsettled (funds availability: they could not cash it out),
 * then from the sender's wallet, restricting it if that leaves a debt; a returned cashout credit puts the money back
 * in the wallet; an R01/R09 on a debit is presented again (at most twice) before the loss is booked. {@code achConfirm}
 * then treats entries whose effective entry date is {@code settlement-days} banking days past as settled:
 * clearing moves to the settlement bank account, the debit's money becomes cashable wherever it is, and the debit or
 * cashout is completed. Every posting goes through the ledger module.
 */
@Configuration(proxyBeanMethods = false)
class AchReturnsJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AchReturnsJobConfiguration.class);

    record Entry(
            UUID fileId,
            int seq,
            String trace,
            String source,
            UUID sourceId,
            UUID userId,
            long cents,
            String status,
            int presentment,
            String originalTrace) {}

    /** Presentments of a debit returned for insufficient or uncollected funds: the original and two retries. */
    static final int MAX_PRESENTMENT = 2;

    private static final String ENTRY_COLUMNS =
            "file_id, seq, trace_number, source, source_id, user_id, amount_cents, status, presentment, original_trace";

    private static Entry entry(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Entry(
                rs.getObject("file_id", UUID.class),
                rs.getInt("seq"),
                rs.getString("trace_number"),
                rs.getString("source"),
                rs.getObject("source_id", UUID.class),
                rs.getObject("user_id", UUID.class),
                rs.getLong("amount_cents"),
                rs.getString("status"),
                rs.getInt("presentment"),
                rs.getString("original_trace"));
    }

    @Bean
    Job achReturns(JobRepository jobs, Step achApplyReturns, Step achApplyChanges, Step achConfirm) {
        return new JobBuilder("achReturns", jobs)
                .start(achApplyReturns)
                .next(achApplyChanges)
                .next(achConfirm)
                .build();
    }

    /** Notifications of change: kept when fetched, applied to the payment method once their entry is known. */
    @Bean
    Step achApplyChanges(
            JobRepository jobs,
            PartnerSteps steps,
            StepProgress progress,
            PartnerClient achProcessor,
            ChangeNotices notices) {
        return new StepBuilder("achApplyChanges", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            LocalDate today = StepParameters.businessDate(chunk);
                            long after = steps.inTransaction(notices::lastSequence);
                            JsonNode answer = achProcessor
                                    .get("/ach/changes?after=" + after)
                                    .orElseThrow();
                            int fetched = steps.inTransaction(() -> notices.keep(answer, today));
                            for (int i = 0; i < fetched; i++) {
                                contribution.incrementReadCount();
                            }
                            contribution.incrementWriteCount(steps.inTransaction(notices::applyPending));
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }

    /**
     * The processor's new returns are asked for with no transaction held, then kept and applied, with every return
     * kept from earlier runs, in one transaction.
     */
    @Bean
    Step achApplyReturns(
            JobRepository jobs,
            PartnerSteps steps,
            StepProgress progress,
            PartnerClient achProcessor,
            JdbcClient jdbc,
            Ledger ledger,
            BankingCalendar calendar) {
        return new StepBuilder("achApplyReturns", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            LocalDate today = StepParameters.businessDate(chunk);
                            long after = steps.inTransaction(
                                    () -> jdbc.sql("SELECT coalesce(max(sequence), 0) FROM ach_returns")
                                            .query(Long.class)
                                            .single());
                            // those that have come back by the business date
                            JsonNode returns = achProcessor
                                    .get("/ach/returns?after=" + after + "&as_of=" + today)
                                    .orElseThrow();
                            steps.inTransaction(() -> {
                                for (JsonNode r : returns.path("returns")) {
                                    contribution.incrementReadCount();
                                    record(r, jdbc, today);
                                }
                                // every return not applied yet, new or kept from earlier runs: one whose entry was
                                // not known as submitted then (a crash between the processor's acknowledgement and
                                // our marking) is applied as soon as it is
                                List<PendingReturn> pending = jdbc.sql("SELECT sequence, file_id, trace_number,"
                                                + " return_code FROM ach_returns WHERE NOT matched AND NOT late"
                                                + " ORDER BY sequence FOR UPDATE")
                                        .query((rs, n) -> new PendingReturn(
                                                rs.getLong(1),
                                                rs.getObject(2, UUID.class),
                                                rs.getString(3),
                                                rs.getString(4)))
                                        .list();
                                for (PendingReturn r : pending) {
                                    if (apply(r, jdbc, ledger, calendar, today)) {
                                        contribution.incrementWriteCount(1);
                                    }
                                }
                            });
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }

    /** Where a returned entry went: the payment method, and the day it was to settle. */
    private record Origin(UUID paymentMethodId, LocalDate effectiveDate) {}

    /** A return as the processor reported it, not applied yet. */
    record PendingReturn(long sequence, UUID fileId, String trace, String code) {}

    /** Keeps a return the processor reported, once (its sequence is the key), to be applied when its entry is known. */
    static void record(JsonNode r, JdbcClient jdbc, LocalDate today) {
        jdbc.sql("INSERT INTO ach_returns (sequence, trace_number, file_id, return_code, amount_cents, matched,"
                        + " received_on) VALUES (?, ?, ?, ?, ?, false, ?) ON CONFLICT DO NOTHING")
                .params(
                        r.path("sequence").asLong(),
                        r.path("trace_number").asString(),
                        StepParameters.uuidOrNull(r.path("file_id").asString()),
                        r.path("return_code").asString(),
                        r.path("amount_cents").asLong(),
                        today)
                .update();
    }

    /**
     * Applies one kept return if its entry (the file and trace number it carries; trace numbers repeat across file
     * dates) is submitted or settled; false, and kept for the next run, if not yet.
     */
    static boolean apply(PendingReturn r, JdbcClient jdbc, Ledger ledger, BankingCalendar calendar, LocalDate today) {
        String trace = r.trace();
        String code = r.code();
        Optional<Entry> entry = jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM ach_entries WHERE file_id = ?"
                        + " AND trace_number = ? FOR UPDATE")
                .params(r.fileId(), trace)
                .query(AchReturnsJobConfiguration::entry)
                .optional()
                .filter(e -> e.status().equals("submitted") || e.status().equals("completed"));
        if (entry.isEmpty()) {
            log.warn("return {} ({}) matches no submitted entry of ours yet; kept for the next run", trace, code);
            return false;
        }
        ReturnKind kind = ReturnKind.of(code);
        Entry found = entry.get();
        Origin origin = jdbc.sql(
                        "SELECT payment_method_id, effective_date FROM ach_entries WHERE file_id = ?" + " AND seq = ?")
                .params(found.fileId(), found.seq())
                .query((rs, n) -> new Origin(rs.getObject(1, UUID.class), rs.getObject(2, LocalDate.class)))
                .single();
        UUID method = origin.paymentMethodId();
        LocalDate deadline = calendar.plusBankingDays(origin.effectiveDate(), kind.deadlineBankingDays());
        if (today != null && today.isAfter(deadline)) {
            // past NACHA's deadline for its kind: not applied by itself, flagged for a person to decide
            jdbc.sql("UPDATE ach_returns SET late = true WHERE sequence = ?")
                    .param(r.sequence())
                    .update();
            review(jdbc, r, "late_return", found.userId(), method);
            log.warn(
                    "return {} ({}) came after its deadline {}: flagged for review, not applied",
                    trace,
                    code,
                    deadline);
            return false;
        }
        jdbc.sql("UPDATE ach_returns SET matched = true, processed_at = now() WHERE sequence = ?")
                .param(r.sequence())
                .update();
        if (kind == ReturnKind.INSUFFICIENT_FUNDS
                && found.source().equals("bank_debit")
                && found.status().equals("submitted")
                && found.presentment() < MAX_PRESENTMENT) {
            represent(jdbc, calendar, r, found, today);
            return true;
        }
        consequences(jdbc, r, kind, found, method);
        Entry e = entry.get();
        boolean settled = e.status().equals("completed");
        Money amount = Money.ofCents(e.cents());
        SystemAccount counter = settled
                ? SystemAccount.SETTLEMENT_BANK
                : e.source().equals("bank_debit")
                        ? SystemAccount.BANK_FUNDING_CLEARING
                        : SystemAccount.CASHOUT_CLEARING;
        if (e.source().equals("bank_debit")) {
            UUID transfer = jdbc.sql("SELECT transfer_id FROM external_charges WHERE id = ?")
                    .param(e.sourceId())
                    .query((rs, n) -> java.util.Optional.ofNullable(rs.getObject(1, UUID.class)))
                    .single()
                    .orElse(null);
            List<Ledger.Unsettled> unsettled = ledger.unsettledOf(e.sourceId());
            Set<UUID> owners = new LinkedHashSet<>();
            owners.add(e.userId());
            unsettled.forEach(u -> owners.add(u.userId()));
            Map<UUID, LockedWallet> wallets = ledger.lockWallets(owners);
            // the money that never arrived is taken back where it still sits unsettled, then from the sender
            List<Line> lines = new ArrayList<>();
            Money rest = amount;
            for (Ledger.Unsettled u : unsettled) {
                Money take = u.amount().min(rest).min(wallets.get(u.userId()).available());
                if (take.isPositive()) {
                    lines.add(new Line(u.account(), take.negate()));
                    rest = rest.minus(take);
                }
            }
            LockedWallet sender = wallets.get(e.userId());
            if (rest.isPositive()) {
                if (sender.available().compareTo(rest) < 0) {
                    ledger.restrict(sender.accountId());
                }
                lines.add(new Line(sender.accountId(), rest.negate()));
            }
            lines.add(Line.of(counter, amount));
            // a debit that funded no transfer is a top-up (its id is the top-up's)
            ledger.post(
                    EntryKind.ACH_RETURN,
                    transfer != null ? Reference.transfer(transfer) : Reference.topUp(e.sourceId()),
                    merge(lines));
            ledger.release(e.sourceId());
            jdbc.sql("UPDATE external_charges SET status = 'returned', updated_at = now() WHERE id = ?")
                    .param(e.sourceId())
                    .update();
            notifyTopUp(jdbc, e, "top_up_returned");
        } else {
            LockedWallet wallet = ledger.lockWallet(e.userId());
            ledger.post(
                    EntryKind.ACH_RETURN,
                    Reference.cashout(e.sourceId()),
                    List.of(new Line(wallet.accountId(), amount), Line.of(counter, amount.negate())));
            jdbc.sql("UPDATE cashouts SET status = 'returned', failure_reason = ?, updated_at = clock_timestamp()"
                            + " WHERE id = ?")
                    .params(code, e.sourceId())
                    .update();
        }
        jdbc.sql("UPDATE ach_entries SET status = 'returned' WHERE file_id = ? AND seq = ?")
                .params(e.fileId(), e.seq())
                .update();
        log.info("return {} {} of {} cents applied to {} {}", code, trace, e.cents(), e.source(), e.sourceId());
        return true;
    }

    /**
     * An R01/R09 on a debit presented fewer than three times: nothing is reversed yet (the money stays where it went,
     * unsettled, so it cannot be cashed out); the debit is presented again as a {@code RETRY PYMT} entry in the first
     * file on or after the next banking day. Only the third return books the loss.
     */
    private static void represent(
            JdbcClient jdbc, BankingCalendar calendar, PendingReturn r, Entry e, LocalDate today) {
        LocalDate notBefore = calendar.nextBankingDay(today);
        jdbc.sql("UPDATE ach_entries SET status = 'returned' WHERE file_id = ? AND seq = ?")
                .params(e.fileId(), e.seq())
                .update();
        jdbc.sql("INSERT INTO ach_representments (source_id, presentment, not_before, original_trace,"
                        + " return_sequence) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(
                        e.sourceId(),
                        e.presentment() + 1,
                        notBefore,
                        e.originalTrace() != null ? e.originalTrace() : e.trace(),
                        r.sequence())
                .update();
        log.info(
                "return {} {} of {} cents: bank debit {} presented again (presentment {}) from {}",
                r.code(),
                e.trace(),
                e.cents(),
                e.sourceId(),
                e.presentment() + 1,
                notBefore);
    }

    /** What a return's kind does beyond the reversal (README "Returns by kind"). */
    private static void consequences(JdbcClient jdbc, PendingReturn r, ReturnKind kind, Entry e, UUID method) {
        if (kind == ReturnKind.ACCOUNT_PROBLEM || kind == ReturnKind.UNAUTHORIZED) {
            jdbc.sql("UPDATE payment_methods SET disabled_reason = ?, is_default = false WHERE id = ?")
                    .params("ach_return_" + r.code(), method)
                    .update();
            notifyOwner(jdbc, r, e.userId(), method);
        }
        if (kind == ReturnKind.UNAUTHORIZED && e.source().equals("bank_debit")) {
            jdbc.sql("UPDATE users SET bank_funding_frozen = true WHERE id = ?")
                    .param(e.userId())
                    .update();
            review(jdbc, r, "unauthorized", e.userId(), method);
        }
    }

    private static void review(JdbcClient jdbc, PendingReturn r, String kind, UUID user, UUID method) {
        jdbc.sql("INSERT INTO ach_review_cases (return_sequence, kind, return_code, user_id, payment_method_id)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(r.sequence(), kind, r.code(), user, method)
                .update();
    }

    /**
     * The user hears that money they added from their bank settled (it is now cashable) or was returned (taken back);
     * nothing for a bank debit that funded a transfer. Once per debit and outcome.
     */
    private static void notifyTopUp(JdbcClient jdbc, Entry e, String kind) {
        jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                        + " SELECT gen_random_uuid(), c.user_id, ?, c.id, ? || ':' || c.id,"
                        + " jsonb_build_object('top_up_id', c.id, 'amount_cents', c.amount_cents)"
                        + " FROM external_charges c WHERE c.id = ? AND c.transfer_id IS NULL"
                        + " ON CONFLICT (event_key) DO NOTHING")
                .params(kind, kind, e.sourceId())
                .update();
    }

    /** The owner hears that the method was disabled (listed by GET /v1/me/notifications, published by its sweep). */
    private static void notifyOwner(JdbcClient jdbc, PendingReturn r, UUID user, UUID method) {
        com.wallet.settlement.Notifications.store(
                jdbc,
                user,
                "payment_method_disabled",
                method,
                "ach_return:" + r.sequence(),
                Map.of("return_code", r.code()));
    }

    /** One line per account (a sender may also hold some of the money unsettled), zero lines dropped. */
    private static List<Line> merge(List<Line> lines) {
        Map<com.wallet.ledger.AccountId, Money> byAccount = new java.util.LinkedHashMap<>();
        lines.forEach(l -> byAccount.merge(l.account(), l.amount(), Money::plus));
        return byAccount.entrySet().stream()
                .filter(en -> !en.getValue().isZero())
                .map(en -> new Line(en.getKey(), en.getValue()))
                .toList();
    }

    @Bean
    Step achConfirm(
            JobRepository jobs,
            PlatformTransactionManager tx,
            StepProgress progress,
            JdbcClient jdbc,
            Ledger ledger,
            SettlementSettings settings,
            BankingCalendar calendar) {
        return new StepBuilder("achConfirm", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            // an entry settles once its return deadline is past: settlement-days banking days
                            // after its effective entry date
                            LocalDate today = StepParameters.businessDate(chunk);
                            List<LocalDate> dates = jdbc.sql("SELECT DISTINCT effective_date FROM ach_entries"
                                            + " WHERE status = 'submitted' ORDER BY 1")
                                    .query(LocalDate.class)
                                    .list();
                            List<Entry> due = new ArrayList<>();
                            for (LocalDate effective : dates) {
                                if (!calendar.plusBankingDays(effective, settings.settlementDays())
                                        .isAfter(today)) {
                                    due.addAll(jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM ach_entries"
                                                    + " WHERE status = 'submitted' AND effective_date = ?"
                                                    + " ORDER BY file_id, seq FOR UPDATE")
                                            .param(effective)
                                            .query(AchReturnsJobConfiguration::entry)
                                            .list());
                                }
                            }
                            for (Entry e : due) {
                                contribution.incrementReadCount();
                                Money amount = Money.ofCents(e.cents());
                                if (e.source().equals("bank_debit")) {
                                    ledger.post(
                                            EntryKind.ACH_SETTLED,
                                            Reference.NONE,
                                            List.of(
                                                    Line.of(SystemAccount.BANK_FUNDING_CLEARING, amount),
                                                    Line.of(SystemAccount.SETTLEMENT_BANK, amount.negate())));
                                    ledger.release(e.sourceId());
                                    jdbc.sql("UPDATE external_charges SET status = 'completed', updated_at = now()"
                                                    + " WHERE id = ?")
                                            .param(e.sourceId())
                                            .update();
                                    notifyTopUp(jdbc, e, "top_up_completed");
                                } else {
                                    ledger.post(
                                            EntryKind.ACH_SETTLED,
                                            Reference.cashout(e.sourceId()),
                                            List.of(
                                                    Line.of(SystemAccount.CASHOUT_CLEARING, amount.negate()),
                                                    Line.of(SystemAccount.SETTLEMENT_BANK, amount)));
                                    jdbc.sql("UPDATE cashouts SET status = 'completed', updated_at = clock_timestamp()"
                                                    + " WHERE id = ?")
                                            .param(e.sourceId())
                                            .update();
                                }
                                jdbc.sql("UPDATE ach_entries SET status = 'completed', settled_at = now()"
                                                + " WHERE file_id = ? AND seq = ?")
                                        .params(e.fileId(), e.seq())
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
