package com.wallet.api.schedule;

import com.wallet.api.domain.Visibility;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.idempotency.StoredResponse;
import com.wallet.api.notification.NotificationOutbox;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.transfer.TransferView;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pays scheduled payments' occurrences on their dates, through the normal transfer path (funding waterfall as of that
 * day, card charged outside any lock, limits): each attempt under an idempotency key of its own, the transfer and the
 * occurrence's {@code paid} in one transaction, so a crash, a retry or two schedulers at once never pay an occurrence
 * twice. A first attempt refused for want of funds (or because a partner was unavailable) is retried once later that
 * day; then the occurrence fails and the payer is notified. Payers are also notified the day before an occurrence.
 * Every instance runs it every {@code wallet.scheduled-payments.interval}; rows are claimed with SKIP LOCKED.
 */
@Component
public class ScheduledPaymentRunner {

    /** What one run did. */
    public record Report(int occurrencesMade, int paid, int retried, int failed, int reminded) {}

    private static final Logger log = LoggerFactory.getLogger(ScheduledPaymentRunner.class);
    private static final int BATCH = 100;
    /** Refusals worth one more attempt later the same day. */
    private static final Set<String> RETRYABLE = Set.of("insufficient-funds", "partner-unavailable", "funding-changed");

    private record Due(
            UUID scheduleId,
            LocalDate date,
            int attempts,
            UUID payerId,
            UUID receiverId,
            long amountCents,
            String note,
            String visibility) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final TransferService transfers;
    private final IdempotentExecutor idempotency;
    private final NotificationOutbox notifications;
    private final ScheduleSettings settings;
    private final Clock clock;
    private final JsonMapper json;

    ScheduledPaymentRunner(
            JdbcClient jdbc,
            TransactionTemplate tx,
            TransferService transfers,
            IdempotentExecutor idempotency,
            NotificationOutbox notifications,
            ScheduleSettings settings,
            Clock clock,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.transfers = transfers;
        this.idempotency = idempotency;
        this.notifications = notifications;
        this.settings = settings;
        this.clock = clock;
        this.json = json;
    }

    @Scheduled(
            fixedDelayString = "${wallet.scheduled-payments.interval:PT1M}",
            initialDelayString = "${wallet.scheduled-payments.interval:PT1M}")
    void tick() {
        if (settings.enabled()) {
            Report report = runAt(clock.instant());
            if (report.paid() + report.retried() + report.failed() > 0) {
                log.info("scheduled payments: {}", report);
            }
        }
    }

    /** Does everything due at {@code now}: makes the occurrences of today and before, reminds, pays. */
    public Report runAt(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, settings.zone());
        int made = makeOccurrences(today);
        int reminded = remind(today);
        int paid = 0;
        int retried = 0;
        int failed = 0;
        List<Due> due;
        do {
            due = jdbc.sql("SELECT r.schedule_id, r.run_date, r.attempts, s.payer_id, s.receiver_id, s.amount_cents,"
                            + " s.note, s.visibility FROM scheduled_payment_runs r"
                            + " JOIN scheduled_payments s ON s.id = r.schedule_id"
                            + " WHERE r.run_date <= ? AND (r.status = 'due' OR (r.status = 'retry' AND r.retry_at <= ?))"
                            + " ORDER BY r.run_date, r.schedule_id LIMIT ?")
                    .params(today, Timestamp.from(now), BATCH)
                    .query((rs, n) -> new Due(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, LocalDate.class),
                            rs.getInt(3),
                            rs.getObject(4, UUID.class),
                            rs.getObject(5, UUID.class),
                            rs.getLong(6),
                            rs.getString(7),
                            rs.getString(8)))
                    .list();
            for (Due d : due) {
                switch (pay(d, now)) {
                    case "paid" -> paid++;
                    case "retry" -> retried++;
                    case "failed" -> failed++;
                    default -> {}
                }
            }
        } while (due.size() == BATCH);
        return new Report(made, paid, retried, failed, reminded);
    }

    /** Every active schedule whose next date has come gets its occurrence row, and its next date moves on. */
    private int makeOccurrences(LocalDate today) {
        int made = 0;
        while (true) {
            Integer batch = tx.execute(status -> {
                record Active(
                        UUID id, String repeat, LocalDate start, LocalDate end, int occurrences, LocalDate next) {}
                List<Active> active = jdbc.sql("SELECT id, repeat, start_date, end_date, occurrences, next_date"
                                + " FROM scheduled_payments WHERE status = 'active' AND next_date <= ?"
                                + " ORDER BY next_date LIMIT ? FOR UPDATE SKIP LOCKED")
                        .params(today, BATCH)
                        .query((rs, n) -> new Active(
                                rs.getObject(1, UUID.class),
                                rs.getString(2),
                                rs.getObject(3, LocalDate.class),
                                rs.getObject(4, LocalDate.class),
                                rs.getInt(5),
                                rs.getObject(6, LocalDate.class)))
                        .list();
                for (Active a : active) {
                    jdbc.sql("INSERT INTO scheduled_payment_runs (schedule_id, run_date) VALUES (?, ?)"
                                    + " ON CONFLICT DO NOTHING")
                            .params(a.id(), a.next())
                            .update();
                    Repeat repeat = Repeat.of(a.repeat());
                    int count = a.occurrences() + 1;
                    LocalDate following = repeat == Repeat.NONE ? null : repeat.occurrence(a.start(), count);
                    boolean over = following == null || (a.end() != null && following.isAfter(a.end()));
                    jdbc.sql("UPDATE scheduled_payments SET occurrences = ?, next_date = ?, status = ?,"
                                    + " updated_at = clock_timestamp() WHERE id = ?")
                            .params(count, over ? null : following, over ? "finished" : "active", a.id())
                            .update();
                }
                return active.size();
            });
            made += batch;
            if (batch < BATCH) {
                return made;
            }
        }
    }

    /** The payer hears of an occurrence the day before it (once per occurrence). */
    private int remind(LocalDate today) {
        return jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                        + " SELECT gen_random_uuid(), payer_id, 'scheduled_payment_upcoming', id,"
                        + " 'scheduled_payment_upcoming:' || id || ':' || next_date,"
                        + " jsonb_build_object('scheduled_payment_id', id, 'date', next_date, 'receiver_id',"
                        + " receiver_id, 'amount_cents', amount_cents)"
                        + " FROM scheduled_payments WHERE status = 'active' AND next_date = ?"
                        + " ON CONFLICT (event_key) DO NOTHING")
                .param(today.plusDays(1))
                .update();
    }

    /** Thrown inside the money transaction when the occurrence was settled meanwhile: nothing is kept. */
    private static final class AlreadySettled extends RuntimeException {
        AlreadySettled() {
            super("the occurrence was paid, failed or cancelled meanwhile", null, false, false);
        }
    }

    private String pay(Due d, Instant now) {
        int attempt = d.attempts() + 1;
        String key = "scheduled:" + d.scheduleId() + ":" + d.date() + ":" + attempt;
        TransferService.SendMoney payment = new TransferService.SendMoney(
                d.receiverId(),
                d.amountCents(),
                d.note(),
                d.visibility() == null ? null : Visibility.of(d.visibility()),
                null);
        StoredResponse response;
        try {
            response = transfers.execute(
                    d.payerId(), key, "SCHEDULED " + d.scheduleId() + " " + d.date(), Optional.of(payment), card -> {
                        String status = jdbc.sql("SELECT status FROM scheduled_payment_runs"
                                        + " WHERE schedule_id = ? AND run_date = ? AND attempts = ? FOR UPDATE")
                                .params(d.scheduleId(), d.date(), d.attempts())
                                .query(String.class)
                                .optional()
                                .orElse("gone");
                        if (!status.equals("due") && !status.equals("retry")) {
                            throw new AlreadySettled();
                        }
                        TransferView sent = transfers.send(d.payerId(), payment, card);
                        jdbc.sql("UPDATE scheduled_payment_runs SET status = 'paid', transfer_id = ?, attempts = ?,"
                                        + " updated_at = clock_timestamp() WHERE schedule_id = ? AND run_date = ?")
                                .params(sent.id(), attempt, d.scheduleId(), d.date())
                                .update();
                        return idempotency.json(201, sent);
                    });
        } catch (AlreadySettled e) {
            return "none";
        }
        if (response.status() == 201) {
            return response.replayed() ? "none" : "paid";
        }
        String problem = problemOf(response);
        if (attempt == 1 && RETRYABLE.contains(problem)) {
            // later the same day: after retry-after, but before the day ends
            Instant endOfDay =
                    d.date().plusDays(1).atStartOfDay(settings.zone()).toInstant();
            Instant later = now.plus(settings.retryAfter());
            Instant retryAt = later.isBefore(endOfDay.minusSeconds(300)) ? later : endOfDay.minusSeconds(300);
            int updated = jdbc.sql("UPDATE scheduled_payment_runs SET status = 'retry', attempts = 1, retry_at = ?,"
                            + " failure = ?, updated_at = clock_timestamp()"
                            + " WHERE schedule_id = ? AND run_date = ? AND status = 'due' AND attempts = 0")
                    .params(Timestamp.from(retryAt), problem, d.scheduleId(), d.date())
                    .update();
            return updated == 1 ? "retry" : "none";
        }
        Integer failed = tx.execute(s -> {
            int updated = jdbc.sql("UPDATE scheduled_payment_runs SET status = 'failed', attempts = ?, failure = ?,"
                            + " updated_at = clock_timestamp() WHERE schedule_id = ? AND run_date = ?"
                            + " AND status IN ('due', 'retry') AND attempts = ?")
                    .params(attempt, problem, d.scheduleId(), d.date(), d.attempts())
                    .update();
            if (updated == 1) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("scheduled_payment_id", d.scheduleId());
                payload.put("date", d.date().toString());
                payload.put("receiver_id", d.receiverId());
                payload.put("amount_cents", d.amountCents());
                payload.put("reason", problem);
                notifications.add(
                        d.payerId(),
                        "scheduled_payment_failed",
                        d.scheduleId(),
                        "scheduled_payment_failed:" + d.scheduleId() + ":" + d.date(),
                        payload);
            }
            return updated;
        });
        log.info("scheduled payment {} of {}: attempt {} refused ({})", d.scheduleId(), d.date(), attempt, problem);
        return failed != null && failed == 1 ? "failed" : "none";
    }

    /** The problem's kind (the last part of its type URI) of a stored refusal. */
    private String problemOf(StoredResponse response) {
        String type = json.readTree(response.body()).path("type").asString();
        return type.substring(type.lastIndexOf('/') + 1);
    }
}
