package com.wallet.api.schedule;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.Visibility;
import com.wallet.api.friends.Blocks;
import com.wallet.api.identity.UserService;
import com.wallet.api.transfer.TransferSettings;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Creating, reading and cancelling scheduled payments; {@link ScheduledPaymentRunner} pays their occurrences. */
@Service
public class ScheduledPaymentService {

    /** What a payer asks for. {@code visibility} null: the payer's default when each occurrence is paid. */
    public record NewSchedule(
            UUID receiverId,
            long amountCents,
            String note,
            Visibility visibility,
            LocalDate startDate,
            Repeat repeat,
            LocalDate endDate) {}

    private static final String COLUMNS = "id, payer_id, receiver_id, amount_cents, note, visibility, repeat,"
            + " start_date, end_date, status, next_date, created_at";

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final TransferSettings limits;
    private final ScheduleSettings settings;
    private final Clock clock;
    private final Blocks blocks;
    private final UserService users;

    ScheduledPaymentService(
            JdbcClient jdbc,
            AuditLog audit,
            TransferSettings limits,
            ScheduleSettings settings,
            Clock clock,
            Blocks blocks,
            UserService users) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
        this.blocks = blocks;
        this.users = users;
    }

    /** Runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public ScheduledPaymentView create(UUID payerId, NewSchedule s) {
        LocalDate today = LocalDate.now(clock.withZone(settings.zone()));
        if (s.startDate().isBefore(today)) {
            throw invalid("start_date must be today (" + today + ", " + settings.zone() + ") or later");
        }
        if (s.endDate() != null && s.repeat() == Repeat.NONE) {
            throw invalid("end_date goes with a repeat");
        }
        if (s.endDate() != null && s.endDate().isBefore(s.startDate())) {
            throw invalid("end_date must not be before start_date");
        }
        limits.requireAmountAllowed(s.amountCents());
        if (payerId.equals(s.receiverId())) {
            throw new DomainException(Problem.SELF_TRANSFER, "payer and receiver are the same user");
        }
        // the receiver's row locked FOR SHARE: a receiver closing at the same moment cancels this schedule too
        boolean known = users.lockOpen(s.receiverId());
        DomainException unknown = new DomainException(
                Problem.UNKNOWN_RECEIVER, "no user " + s.receiverId(), Map.of("receiver_id", s.receiverId()));
        if (!known) {
            throw unknown;
        }
        blocks.require(payerId, s.receiverId(), unknown);
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO scheduled_payments (id, payer_id, receiver_id, amount_cents, note, visibility, repeat,"
                        + " start_date, end_date, next_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        payerId,
                        s.receiverId(),
                        s.amountCents(),
                        s.note(),
                        s.visibility() == null ? null : s.visibility().wire(),
                        s.repeat().wire(),
                        s.startDate(),
                        s.endDate(),
                        s.startDate())
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("receiver_id", s.receiverId());
        details.put("amount_cents", s.amountCents());
        details.put("repeat", s.repeat().wire());
        details.put("start_date", s.startDate().toString());
        audit.record(payerId, "scheduled_payment.created", "scheduled_payment", id, details);
        return get(payerId, id);
    }

    @Transactional
    public ScheduledPaymentView cancel(UUID payerId, UUID id) {
        ScheduledPaymentView schedule = get(payerId, id);
        int cancelled = jdbc.sql("UPDATE scheduled_payments SET status = 'cancelled', next_date = NULL,"
                        + " updated_at = clock_timestamp() WHERE id = ? AND status = 'active'")
                .param(id)
                .update();
        if (cancelled == 0) {
            throw new DomainException(
                    Problem.SCHEDULE_NOT_ACTIVE,
                    "the scheduled payment is " + schedule.status(),
                    Map.of("scheduled_payment_id", id, "status", schedule.status()));
        }
        cancelRuns(List.of(id));
        audit.record(payerId, "scheduled_payment.cancelled", "scheduled_payment", id, Map.of());
        return get(payerId, id);
    }

    /**
     * Cancels the active schedules between two users, either paying the other (a block between them); runs in the
     * caller's transaction and returns how many were cancelled.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int cancelBetween(UUID a, UUID b) {
        List<UUID> cancelled = jdbc.sql("UPDATE scheduled_payments SET status = 'cancelled', next_date = NULL,"
                        + " updated_at = clock_timestamp() WHERE status = 'active' AND ((payer_id = :a AND"
                        + " receiver_id = :b) OR (payer_id = :b AND receiver_id = :a)) RETURNING id")
                .param("a", a)
                .param("b", b)
                .query(UUID.class)
                .list();
        cancelRuns(cancelled);
        return cancelled.size();
    }

    /** An account closing: every scheduled payment it makes or receives is cancelled. Returns how many. */
    public int cancelOf(UUID closing) {
        List<UUID> cancelled = jdbc.sql("UPDATE scheduled_payments SET status = 'cancelled', next_date = NULL,"
                        + " updated_at = clock_timestamp() WHERE status = 'active' AND (payer_id = :me OR"
                        + " receiver_id = :me) RETURNING id")
                .param("me", closing)
                .query(UUID.class)
                .list();
        cancelRuns(cancelled);
        return cancelled.size();
    }

    /** Occurrences not paid yet are not paid (one being paid right now holds its row: it finishes first). */
    private void cancelRuns(List<UUID> schedules) {
        if (schedules.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE scheduled_payment_runs SET status = 'cancelled', updated_at = clock_timestamp()"
                        + " WHERE schedule_id = ANY(?) AND status IN ('due', 'retry')")
                .param(schedules.toArray(UUID[]::new))
                .update();
    }

    /** A schedule of the payer's; anyone else is told it does not exist. */
    @Transactional(readOnly = true)
    public ScheduledPaymentView get(UUID payerId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scheduled_payments WHERE id = ? AND payer_id = ?")
                .params(id, payerId)
                .query(this::map)
                .optional()
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no scheduled payment " + id, Map.of("scheduled_payment_id", id)));
    }

    @Transactional(readOnly = true)
    public PageCursor.Page<ScheduledPaymentView> list(UUID payerId, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<ScheduledPaymentView> rows = jdbc.sql("SELECT " + COLUMNS + " FROM scheduled_payments"
                        + " WHERE payer_id = :u AND (created_at, id) < (:t, :id)"
                        + " ORDER BY created_at DESC, id DESC LIMIT :n")
                .param("u", payerId)
                .param("t", Timestamp.from(after.time()))
                .param("id", after.id())
                .param("n", limit + 1)
                .query(this::map)
                .list();
        return PageCursor.page(rows, limit, ScheduledPaymentView::createdAt, ScheduledPaymentView::id);
    }

    private ScheduledPaymentView map(ResultSet rs, int n) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        List<ScheduledPaymentView.Occurrence> runs = jdbc.sql("SELECT run_date, status, attempts, transfer_id, failure"
                        + " FROM scheduled_payment_runs WHERE schedule_id = ? ORDER BY run_date DESC LIMIT 20")
                .param(id)
                .query((r, i) -> new ScheduledPaymentView.Occurrence(
                        r.getObject(1, LocalDate.class),
                        r.getString(2),
                        r.getInt(3),
                        r.getObject(4, UUID.class),
                        r.getString(5)))
                .list();
        return new ScheduledPaymentView(
                id,
                rs.getObject("payer_id", UUID.class),
                rs.getObject("receiver_id", UUID.class),
                rs.getLong("amount_cents"),
                rs.getString("note"),
                rs.getString("visibility"),
                rs.getString("repeat"),
                rs.getObject("start_date", LocalDate.class),
                rs.getObject("end_date", LocalDate.class),
                rs.getString("status"),
                rs.getObject("next_date", LocalDate.class),
                rs.getTimestamp("created_at").toInstant(),
                runs);
    }

    private static DomainException invalid(String message) {
        return new DomainException(Problem.INVALID_REQUEST, message);
    }
}
