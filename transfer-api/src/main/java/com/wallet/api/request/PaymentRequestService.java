package com.wallet.api.request;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.PaymentRequestStatus;
import com.wallet.api.domain.Visibility;
import com.wallet.api.friends.Blocks;
import com.wallet.api.identity.User;
import com.wallet.api.identity.UserService;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.transfer.TransferSettings;
import com.wallet.api.transfer.TransferView;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import com.wallet.api.web.RateLimitedException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Requests for money. A request is paid at most once: paying locks its row first (then the wallets, in their usual
 * order), and the transfer that pays it names it under a unique constraint.
 */
@Service
public class PaymentRequestService {

    public static final Set<String> STATUSES = Set.of("pending", "paid", "declined", "cancelled");

    private static final String COLUMNS = "r.id, r.requester_id, r.payer_id, r.amount_cents, r.note, r.visibility,"
            + " r.status, r.created_at, r.updated_at, t.id AS transfer_id, r.group_id";
    private static final String FROM = " FROM payment_requests r LEFT JOIN transfers t ON t.payment_request_id = r.id";

    private final JdbcClient jdbc;
    private final UserService users;
    private final TransferService transfers;
    private final TransferSettings limits;
    private final AuditLog audit;
    private final Blocks blocks;
    private final com.wallet.api.notification.NotificationOutbox notifications;
    private final Settings settings;

    PaymentRequestService(
            JdbcClient jdbc,
            UserService users,
            TransferService transfers,
            TransferSettings limits,
            AuditLog audit,
            Blocks blocks,
            com.wallet.api.notification.NotificationOutbox notifications,
            Settings settings) {
        this.notifications = notifications;
        this.settings = settings;
        this.jdbc = jdbc;
        this.users = users;
        this.transfers = transfers;
        this.limits = limits;
        this.audit = audit;
        this.blocks = blocks;
    }

    @Transactional
    public PaymentRequestView create(
            UUID requesterId, UUID payerId, long amountCents, String note, Visibility visibility) {
        if (amountCents > limits.maxAmountCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "amount_cents must be at most " + limits.maxAmountCents() + " per request, was " + amountCents,
                    Map.of("max_amount_cents", limits.maxAmountCents()));
        }
        if (requesterId.equals(payerId)) {
            throw new DomainException(Problem.SELF_REQUEST, "requester and payer are the same user");
        }
        User requester = users.get(requesterId);
        if (!users.lockOpen(payerId)) {
            throw unknownPayer(payerId);
        }
        blocks.require(requesterId, payerId, unknownPayer(payerId));
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO payment_requests (id, requester_id, payer_id, amount_cents, note, visibility)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        requesterId,
                        payerId,
                        amountCents,
                        note,
                        Visibility.orDefault(visibility, requester.defaultVisibility())
                                .wire())
                .update();
        audit.record(requesterId, "payment_request.created", "payment_request", id, Map.of("payer_id", payerId));
        return find(id);
    }

    /** One payer's share of a split request. */
    public record Share(UUID payerId, long amountCents) {}

    /** A split: the requests of its payers, what they add up to and what of it is paid. */
    public record GroupView(
            UUID id,
            UUID requesterId,
            String split,
            long totalCents,
            long requesterShareCents,
            long requestedCents,
            long paidCents,
            String note,
            Instant createdAt,
            List<PaymentRequestView> requests) {}

    /** The most payers one split may ask. */
    public static final int MAX_PAYERS = 50;

    /**
     * {@code total} in {@code n} shares as equal as cents allow: the first {@code total mod n} shares get one cent
     * more. Refused when a share would be 0.
     */
    public static List<Long> equalShares(long total, int n) {
        if (n < 1 || total < n) {
            throw new DomainException(
                    Problem.INVALID_REQUEST,
                    "total_cents " + total + " cannot be split into " + n + " shares of at least one cent",
                    Map.of("total_cents", total, "shares", n));
        }
        long base = total / n;
        long rest = total % n;
        List<Long> shares = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shares.add(i < rest ? base + 1 : base);
        }
        return shares;
    }

    /**
     * Creates one pending request per share under a new group, all or none.
     *
     * @param split {@code equal} or {@code custom}
     * @param requesterShare the part of the total the requester bears (an equal split including them), asked of nobody
     */
    @Transactional
    public GroupView createGroup(
            UUID requesterId,
            List<Share> shares,
            String split,
            long requesterShare,
            String note,
            Visibility visibility) {
        if (shares.isEmpty() || shares.size() > MAX_PAYERS) {
            throw new DomainException(
                    Problem.INVALID_REQUEST,
                    "a split asks 1 to " + MAX_PAYERS + " payers, not " + shares.size(),
                    Map.of("max_payers", MAX_PAYERS));
        }
        Set<UUID> payers = new java.util.HashSet<>();
        long requested = 0;
        for (Share share : shares) {
            if (!payers.add(share.payerId())) {
                throw new DomainException(
                        Problem.INVALID_REQUEST,
                        "payer " + share.payerId() + " is listed twice",
                        Map.of("payer_id", share.payerId()));
            }
            if (share.payerId().equals(requesterId)) {
                throw new DomainException(Problem.SELF_REQUEST, "requester and payer are the same user");
            }
            if (share.amountCents() < 1 || share.amountCents() > limits.maxAmountCents()) {
                throw new DomainException(
                        Problem.LIMIT_EXCEEDED,
                        "each share must be from 1 to " + limits.maxAmountCents() + " cents, was "
                                + share.amountCents(),
                        Map.of("payer_id", share.payerId(), "max_amount_cents", limits.maxAmountCents()));
            }
            requested = Math.addExact(requested, share.amountCents());
        }
        // locked as UserService.lockOpen locks one payer: no payer's closure commits beside the split
        List<UUID> known = jdbc.sql("SELECT id FROM users WHERE id = ANY(?) AND status <> 'closed' FOR SHARE")
                .param(payers.toArray(UUID[]::new))
                .query(UUID.class)
                .list();
        for (Share share : shares) {
            if (!known.contains(share.payerId())) {
                throw unknownPayer(share.payerId());
            }
        }
        java.util.Set<UUID> blockedWith = blocks.blockedWith(requesterId);
        for (Share share : shares) {
            if (blockedWith.contains(share.payerId())) {
                blocks.require(requesterId, share.payerId(), unknownPayer(share.payerId()));
            }
        }
        User requester = users.get(requesterId);
        Visibility shown = Visibility.orDefault(visibility, requester.defaultVisibility());
        UUID groupId = UUID.randomUUID();
        // the group and its requests in one statement
        jdbc.sql("WITH g AS (INSERT INTO payment_request_groups (id, requester_id, total_cents, split,"
                        + " requester_share, note) VALUES (?, ?, ?, ?, ?, ?))"
                        + " INSERT INTO payment_requests (id, requester_id, payer_id, amount_cents, note, visibility,"
                        + " group_id) SELECT gen_random_uuid(), ?, payer, amount, ?, ?, ?"
                        + " FROM unnest(?::uuid[], ?::bigint[]) WITH ORDINALITY AS s(payer, amount, n) ORDER BY n")
                .params(
                        groupId,
                        requesterId,
                        Math.addExact(requested, requesterShare),
                        split,
                        requesterShare,
                        note,
                        requesterId,
                        note,
                        shown.wire(),
                        groupId,
                        shares.stream().map(Share::payerId).toArray(UUID[]::new),
                        shares.stream().map(Share::amountCents).toArray(Long[]::new))
                .update();
        audit.record(
                requesterId,
                "payment_request_group.created",
                "payment_request_group",
                groupId,
                Map.of("payers", shares.size(), "requested_cents", requested, "split", split));
        return group(requesterId, groupId);
    }

    /** A split, for its requester or any of its payers; anyone else is told it does not exist. */
    @Transactional(readOnly = true)
    public GroupView group(UUID caller, UUID groupId) {
        List<PaymentRequestView> requests = jdbc.sql(
                        "SELECT " + COLUMNS + FROM + " WHERE r.group_id = ? ORDER BY r.created_at, r.id")
                .param(groupId)
                .query(PaymentRequestService::map)
                .list();
        record Head(UUID requester, String split, long total, long requesterShare, String note, Instant at) {}
        Head head = jdbc.sql("SELECT requester_id, split, total_cents, requester_share, note, created_at"
                        + " FROM payment_request_groups WHERE id = ?")
                .param(groupId)
                .query((rs, n) -> new Head(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant()))
                .optional()
                .filter(h -> h.requester().equals(caller)
                        || requests.stream().anyMatch(r -> r.payerId().equals(caller)))
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no payment request group " + groupId, Map.of("group_id", groupId)));
        return new GroupView(
                groupId,
                head.requester(),
                head.split(),
                head.total(),
                head.requesterShare(),
                requests.stream().mapToLong(PaymentRequestView::amountCents).sum(),
                requests.stream()
                        .filter(r -> r.status() == PaymentRequestStatus.PAID)
                        .mapToLong(PaymentRequestView::amountCents)
                        .sum(),
                head.note(),
                head.at(),
                requests);
    }

    /**
     * The payment that paying this request would make, as it looks before any lock (to charge a card before the money
     * transaction); empty if the caller could not pay it now.
     */
    @Transactional(readOnly = true)
    public java.util.Optional<TransferService.SendMoney> payment(UUID caller, UUID requestId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE r.id = ?")
                .param(requestId)
                .query(PaymentRequestService::map)
                .optional()
                .filter(r -> r.payerId().equals(caller) && r.status() == PaymentRequestStatus.PENDING)
                .map(PaymentRequestService::payment);
    }

    private static TransferService.SendMoney payment(PaymentRequestView request) {
        return new TransferService.SendMoney(
                request.requesterId(), request.amountCents(), request.note(), request.visibility(), request.id());
    }

    /** The payer pays: one transfer, linked to the request. Runs in the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TransferView pay(UUID caller, UUID requestId, TransferService.CardFunding card) {
        PaymentRequestView request = lockPending(caller, requestId, Role.PAYER, "pay");
        TransferView transfer = transfers.send(caller, payment(request), card);
        setStatus(caller, request, PaymentRequestStatus.PAID);
        return transfer;
    }

    @Transactional
    public PaymentRequestView decline(UUID caller, UUID requestId) {
        PaymentRequestView request = lockPending(caller, requestId, Role.PAYER, "decline");
        setStatus(caller, request, PaymentRequestStatus.DECLINED);
        return find(requestId);
    }

    /** {@code remind-after}: the least time between two reminders of one request. */
    @org.springframework.boot.context.properties.ConfigurationProperties("wallet.payment-requests")
    public record Settings(
            @org.springframework.boot.context.properties.bind.DefaultValue("P1D")
            Duration remindAfter) {}

    /**
     * Reminds the payer of a pending request (its requester only): a {@code request_reminder} notification, at most
     * one per {@code remind-after} per request (429 with the wait otherwise), audited. Under the request's row lock,
     * so two reminders sent together make one; answers the request.
     */
    @Transactional
    public PaymentRequestView remind(UUID caller, UUID requestId) {
        PaymentRequestView request = lockPending(caller, requestId, Role.REQUESTER, "remind");
        Integer reminded = jdbc.sql("INSERT INTO payment_request_reminders (request_id, reminders, reminded_at)"
                        + " VALUES (?, 1, clock_timestamp()) ON CONFLICT (request_id) DO UPDATE SET"
                        + " reminders = payment_request_reminders.reminders + 1, reminded_at = clock_timestamp()"
                        + " WHERE payment_request_reminders.reminded_at <= clock_timestamp() - ?::interval"
                        + " RETURNING reminders")
                .params(requestId, settings.remindAfter().toMillis() + " milliseconds")
                .query(Integer.class)
                .optional()
                .orElse(null);
        if (reminded == null) {
            Duration wait = jdbc.sql(
                            "SELECT greatest(extract(epoch FROM reminded_at + ?::interval - clock_timestamp()),"
                                    + " 1)::bigint FROM payment_request_reminders WHERE request_id = ?")
                    .params(settings.remindAfter().toMillis() + " milliseconds", requestId)
                    .query(Long.class)
                    .optional()
                    .map(Duration::ofSeconds)
                    .orElse(Duration.ofSeconds(1));
            throw new RateLimitedException(
                    wait, "the payer was reminded of this request less than " + settings.remindAfter() + " ago");
        }
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("requester_id", request.requesterId().toString());
        payload.put("amount_cents", request.amountCents());
        payload.put("note", request.note());
        payload.put("reminders", reminded);
        notifications.add(
                request.payerId(),
                "request_reminder",
                requestId,
                "request_reminder:" + requestId + ":" + reminded,
                payload);
        audit.record(caller, "payment_request.reminded", "payment_request", requestId, Map.of("reminders", reminded));
        return find(requestId);
    }

    @Transactional
    public PaymentRequestView cancel(UUID caller, UUID requestId) {
        PaymentRequestView request = lockPending(caller, requestId, Role.REQUESTER, "cancel");
        setStatus(caller, request, PaymentRequestStatus.CANCELLED);
        return find(requestId);
    }

    @Transactional(readOnly = true)
    public PaymentRequestView get(UUID caller, UUID requestId) {
        PaymentRequestView request = find(requestId);
        if (!isParty(request, caller)) {
            throw notFound(requestId);
        }
        return request;
    }

    /** Incoming (the caller pays) or outgoing (the caller asked), optionally of one status, newest first. */
    @Transactional(readOnly = true)
    public PageCursor.Page<PaymentRequestView> list(
            UUID caller, boolean incoming, String status, int limit, String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, "status must be one of " + STATUSES + ", was '" + status + "'");
        }
        PageCursor after = PageCursor.decode(cursor);
        List<PaymentRequestView> rows = jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE r."
                        + (incoming ? "payer_id" : "requester_id") + " = :me"
                        + (status == null ? "" : " AND r.status = :status")
                        + " AND (r.created_at, r.id) < (:t, :id) ORDER BY r.created_at DESC, r.id DESC LIMIT :n")
                .param("me", caller)
                .param("status", status)
                .param("t", Timestamp.from(after.time()))
                .param("id", after.id())
                .param("n", limit + 1)
                .query(PaymentRequestService::map)
                .list();
        return PageCursor.page(rows, limit, PaymentRequestView::createdAt, PaymentRequestView::id);
    }

    private enum Role {
        PAYER,
        REQUESTER
    }

    /**
     * Locks the request row (before any wallet, the order every payment of it follows) and checks that the caller
     * may {@code action} it: anyone but the two parties is told it does not exist, the other party is refused, and
     * only a pending request can change.
     */
    private PaymentRequestView lockPending(UUID caller, UUID requestId, Role role, String action) {
        PaymentRequestView request = jdbc.sql("SELECT r.id, r.requester_id, r.payer_id, r.amount_cents, r.note,"
                        + " r.visibility, r.status, r.created_at, r.updated_at, NULL::uuid AS transfer_id, r.group_id"
                        + " FROM payment_requests r WHERE r.id = ? FOR UPDATE")
                .param(requestId)
                .query(PaymentRequestService::map)
                .optional()
                .orElse(null);
        if (!isParty(request, caller)) {
            throw notFound(requestId);
        }
        UUID allowed = role == Role.PAYER ? request.payerId() : request.requesterId();
        if (!allowed.equals(caller)) {
            throw new DomainException(
                    Problem.FORBIDDEN,
                    "only the " + role.name().toLowerCase(Locale.ROOT) + " can " + action + " a request",
                    Map.of("request_id", requestId));
        }
        requirePending(request);
        return request;
    }

    private static boolean isParty(PaymentRequestView request, UUID caller) {
        return request != null
                && (request.payerId().equals(caller) || request.requesterId().equals(caller));
    }

    private static void requirePending(PaymentRequestView request) {
        if (request.status() != PaymentRequestStatus.PENDING) {
            throw new DomainException(
                    Problem.REQUEST_NOT_PENDING,
                    "the request is " + request.status(),
                    Map.of(
                            "request_id",
                            request.id(),
                            "request_status",
                            request.status().wire()));
        }
    }

    /**
     * Closes the requests pending between {@code blocker} and {@code other} (a block): declined where the blocker was
     * to pay, cancelled where the blocker asked, as each would have closed them. Runs in the caller's transaction;
     * returns how many were closed. A request being paid holds its row: it is paid first, then not closed.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int closePendingBetween(UUID blocker, UUID other) {
        return jdbc.sql("UPDATE payment_requests SET status = CASE WHEN payer_id = :me THEN 'declined'"
                        + " ELSE 'cancelled' END, updated_at = clock_timestamp() WHERE status = 'pending'"
                        + " AND ((payer_id = :me AND requester_id = :o) OR (payer_id = :o AND requester_id = :me))")
                .param("me", blocker)
                .param("o", other)
                .update();
    }

    /**
     * An account closing: every request pending either way is closed, declined where it was asked to pay, cancelled
     * where it asked. Returns how many.
     */
    public int closePendingOf(UUID closing) {
        return jdbc.sql("UPDATE payment_requests SET status = CASE WHEN payer_id = :me THEN 'declined'"
                        + " ELSE 'cancelled' END, updated_at = clock_timestamp() WHERE status = 'pending'"
                        + " AND (payer_id = :me OR requester_id = :me)")
                .param("me", closing)
                .update();
    }

    private void setStatus(UUID caller, PaymentRequestView request, PaymentRequestStatus status) {
        jdbc.sql("UPDATE payment_requests SET status = ?, updated_at = clock_timestamp() WHERE id = ?")
                .params(status.wire(), request.id())
                .update();
        audit.record(caller, "payment_request." + status, "payment_request", request.id(), Map.of());
    }

    private PaymentRequestView find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE r.id = ?")
                .param(id)
                .query(PaymentRequestService::map)
                .optional()
                .orElse(null);
    }

    private static DomainException unknownPayer(UUID payerId) {
        return new DomainException(Problem.UNKNOWN_PAYER, "no user " + payerId, Map.of("payer_id", payerId));
    }

    private static DomainException notFound(UUID id) {
        return new DomainException(Problem.NOT_FOUND, "no payment request " + id, Map.of("request_id", id));
    }

    private static PaymentRequestView map(ResultSet rs, int row) throws SQLException {
        return new PaymentRequestView(
                rs.getObject("id", UUID.class),
                rs.getObject("requester_id", UUID.class),
                rs.getObject("payer_id", UUID.class),
                rs.getLong("amount_cents"),
                rs.getString("note"),
                Visibility.of(rs.getString("visibility")),
                PaymentRequestStatus.of(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getObject("transfer_id", UUID.class),
                rs.getObject("group_id", UUID.class));
    }
}
