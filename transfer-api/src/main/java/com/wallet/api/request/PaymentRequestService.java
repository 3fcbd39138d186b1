package com.wallet.api.request;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.PaymentRequestStatus;
import com.wallet.api.domain.Visibility;
import com.wallet.api.identity.User;
import com.wallet.api.identity.UserService;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.transfer.TransferSettings;
import com.wallet.api.transfer.TransferView;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
            + " r.status, r.created_at, r.updated_at, t.id AS transfer_id";
    private static final String FROM = " FROM payment_requests r LEFT JOIN transfers t ON t.payment_request_id = r.id";

    private final JdbcClient jdbc;
    private final UserService users;
    private final TransferService transfers;
    private final TransferSettings limits;
    private final AuditLog audit;

    PaymentRequestService(
            JdbcClient jdbc, UserService users, TransferService transfers, TransferSettings limits, AuditLog audit) {
        this.jdbc = jdbc;
        this.users = users;
        this.transfers = transfers;
        this.limits = limits;
        this.audit = audit;
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
        users.find(payerId)
                .orElseThrow(() ->
                        new DomainException(Problem.UNKNOWN_PAYER, "no user " + payerId, Map.of("payer_id", payerId)));
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO payment_requests (id, requester_id, payer_id, amount_cents, note, visibility)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        requesterId,
                        payerId,
                        amountCents,
                        note,
                        (visibility != null
                                        ? visibility
                                        : requester.defaultVisibility() != null
                                                ? Visibility.of(requester.defaultVisibility())
                                                : Visibility.FRIENDS)
                                .wire())
                .update();
        audit.record(requesterId, "payment_request.created", "payment_request", id, Map.of("payer_id", payerId));
        return find(id);
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
                        + " r.visibility, r.status, r.created_at, r.updated_at, NULL::uuid AS transfer_id"
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
                rs.getObject("transfer_id", UUID.class));
    }
}
