package com.wallet.api.topup;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.funding.PaymentMethodService;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Adding money from the user's own verified bank: an ACH debit (a bank debit that funds no transfer) goes out in the
 * next origination file, and the wallet is credited at once, the money unsettled until the debit settles: it can be
 * sent on, but cashed out only within the funds-availability allowance (README "Funds availability"). A return takes
 * it back as any bank debit's.
 */
@Service
public class TopUpService {

    private static final Logger log = LoggerFactory.getLogger(TopUpService.class);
    private static final String COLUMNS = "id, amount_cents, payment_method_id, status, created_at, updated_at";

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final PaymentMethodService methods;
    private final AuditLog audit;
    private final TopUpSettings settings;

    TopUpService(JdbcClient jdbc, Ledger ledger, PaymentMethodService methods, AuditLog audit, TopUpSettings settings) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.methods = methods;
        this.audit = audit;
        this.settings = settings;
    }

    /** Runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TopUpView topUp(UUID userId, long amountCents, UUID methodId) {
        if (amountCents > settings.maxAmountCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "a top-up is at most " + settings.maxAmountCents() + " cents, was " + amountCents,
                    Map.of("max_amount_cents", settings.maxAmountCents()));
        }
        PaymentMethodService.Usable method = methods.usable(userId, methodId);
        if (!("bank".equals(method.type()) && method.verified())) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "money is added from a verified bank account",
                    Map.of("payment_method_id", methodId));
        }
        LockedWallet wallet = ledger.lockWallet(userId);
        if (wallet.ownerFrozen()) {
            throw new DomainException(Problem.ACCOUNT_FROZEN, "the account is frozen", Map.of("user_id", userId));
        }
        if (wallet.restricted()) {
            // a debt left by a returned bank payment is not repaid with another bank payment that could return too
            throw TransferService.restricted(userId, wallet);
        }
        // under the wallet's lock: no concurrent top-up of this user slips past the daily limit
        record Recent(long cents, boolean frozen) {}
        Recent recent = jdbc.sql("SELECT (SELECT coalesce(sum(amount_cents), 0) FROM external_charges"
                        + " WHERE user_id = :u AND transfer_id IS NULL AND created_at > now() - interval '24 hours'),"
                        + " (SELECT bank_funding_frozen FROM users WHERE id = :u)")
                .param("u", userId)
                .query((rs, n) -> new Recent(rs.getLong(1), rs.getBoolean(2)))
                .single();
        if (recent.frozen()) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "adding money from a bank is suspended on this account",
                    Map.of("payment_method_id", methodId));
        }
        if (Math.addExact(recent.cents(), amountCents) > settings.dailyLimitCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "this top-up would take the last 24 hours' top-ups to "
                            + Math.addExact(recent.cents(), amountCents) + " cents; the limit is "
                            + settings.dailyLimitCents(),
                    Map.of("window", "daily", "limit_cents", settings.dailyLimitCents(), "sent_cents", recent.cents()));
        }
        UUID id = UUID.randomUUID();
        Money amount = Money.ofCents(amountCents);
        jdbc.sql("INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind, amount_cents)"
                        + " VALUES (?, NULL, ?, ?, 'bank_debit', ?)")
                .params(id, userId, methodId, amountCents)
                .update();
        ledger.post(
                EntryKind.TOP_UP,
                Reference.topUp(id),
                List.of(
                        Line.of(SystemAccount.BANK_FUNDING_CLEARING, amount.negate()),
                        new Line(wallet.accountId(), amount)));
        ledger.addUnsettled(wallet.accountId(), id, amount);
        audit.record(
                userId,
                "top_up.created",
                "top_up",
                id,
                Map.of("amount_cents", amountCents, "payment_method_id", methodId));
        log.info("top-up {} of {} cents for {}", id, amountCents, userId);
        return get(userId, id);
    }

    @Transactional(readOnly = true)
    public TopUpView get(UUID userId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM external_charges WHERE id = ? AND user_id = ?"
                        + " AND transfer_id IS NULL")
                .params(id, userId)
                .query(TopUpService::map)
                .optional()
                .orElseThrow(() -> new DomainException(Problem.NOT_FOUND, "no top-up " + id, Map.of("top_up_id", id)));
    }

    @Transactional(readOnly = true)
    public PageCursor.Page<TopUpView> list(UUID userId, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<TopUpView> rows = jdbc.sql("SELECT " + COLUMNS + " FROM external_charges WHERE user_id = :u"
                        + " AND transfer_id IS NULL AND (created_at, id) < (:t, :id)"
                        + " ORDER BY created_at DESC, id DESC LIMIT :n")
                .param("u", userId)
                .param("t", Timestamp.from(after.time()))
                .param("id", after.id())
                .param("n", limit + 1)
                .query(TopUpService::map)
                .list();
        return PageCursor.page(rows, limit, TopUpView::createdAt, TopUpView::id);
    }

    private static TopUpView map(ResultSet rs, int n) throws SQLException {
        return new TopUpView(
                rs.getObject("id", UUID.class),
                rs.getLong("amount_cents"),
                rs.getObject("payment_method_id", UUID.class),
                rs.getString("status"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
