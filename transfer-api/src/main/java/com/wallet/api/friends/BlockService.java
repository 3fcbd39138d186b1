package com.wallet.api.friends;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.identity.UserService;
import com.wallet.api.request.PaymentRequestService;
import com.wallet.api.schedule.ScheduledPaymentService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Blocking a user: the pair's friendship and friend requests end, the payment requests pending between them are
 * closed (declined where the blocker was asked to pay, cancelled where the blocker asked) and so are the scheduled
 * payments between them, and from then on {@link Blocks} refuses what either would start with the other. Payments
 * already made stay as they are (history, statements, refunds: giving money back is always allowed). Serialized with
 * friend requests by the pair's lock, so a crossing friend request never outlives the block.
 */
@Service
public class BlockService {

    public record Blocked(UUID userId, String username, String displayName, Instant blockedAt) {}

    private final JdbcClient jdbc;
    private final UserService users;
    private final FriendService friends;
    private final AuditLog audit;
    private final PaymentRequestService requests;
    private final ScheduledPaymentService schedules;

    BlockService(
            JdbcClient jdbc,
            UserService users,
            FriendService friends,
            AuditLog audit,
            PaymentRequestService requests,
            ScheduledPaymentService schedules) {
        this.jdbc = jdbc;
        this.users = users;
        this.friends = friends;
        this.audit = audit;
        this.requests = requests;
        this.schedules = schedules;
    }

    /** Blocks {@code other}; blocking again changes nothing. */
    @Transactional
    public Blocked block(UUID me, UUID other) {
        if (me.equals(other)) {
            throw new DomainException(Problem.INVALID_REQUEST, "you cannot block yourself");
        }
        users.find(other).orElseThrow(() -> UserService.notFound(other));
        friends.lockPair(me, other);
        int added = jdbc.sql("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(me, other)
                .update();
        if (added > 0) {
            friends.unfriend(me, other);
            int closed = requests.closePendingBetween(me, other);
            int cancelled = schedules.cancelBetween(me, other);
            audit.record(
                    me,
                    "user.blocked",
                    "user",
                    other,
                    Map.of("payment_requests_closed", closed, "scheduled_payments_cancelled", cancelled));
        }
        return find(me, other);
    }

    /** Lifts the block; nothing that it closed comes back. Unblocking someone not blocked changes nothing. */
    @Transactional
    public void unblock(UUID me, UUID other) {
        int removed = jdbc.sql("DELETE FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?")
                .params(me, other)
                .update();
        if (removed > 0) {
            audit.record(me, "user.unblocked", "user", other, Map.of());
        }
    }

    /** The users the caller blocked, most recent first. */
    @Transactional(readOnly = true)
    public List<Blocked> list(UUID me) {
        return jdbc.sql(SELECT + " WHERE b.blocker_id = ? ORDER BY b.created_at DESC, u.username")
                .param(me)
                .query(BlockService::blocked)
                .list();
    }

    private Blocked find(UUID me, UUID other) {
        return jdbc.sql(SELECT + " WHERE b.blocker_id = ? AND b.blocked_id = ?")
                .params(me, other)
                .query(BlockService::blocked)
                .single();
    }

    private static final String SELECT = "SELECT u.id, u.username, u.display_name, b.created_at FROM user_blocks b"
            + " JOIN users u ON u.id = b.blocked_id";

    private static Blocked blocked(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Blocked(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getTimestamp("created_at").toInstant());
    }
}
