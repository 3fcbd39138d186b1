package com.wallet.api.cashout;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.funding.PaymentMethodService;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.idempotency.StoredResponse;
import com.wallet.api.identity.User;
import com.wallet.api.identity.UserService;
import com.wallet.api.ledger.Ledger;
import com.wallet.api.ledger.Ledger.Line;
import com.wallet.api.ledger.Ledger.LockedWallet;
import com.wallet.api.ledger.Ledger.SystemAccount;
import com.wallet.api.money.Money;
import com.wallet.api.partners.CardNetworkClient;
import com.wallet.api.partners.PartnerSettings;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.common.partners.PartnerRefusedException;
import com.wallet.common.partners.PartnerUnavailableException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moving balance out. The money is taken from the wallet when the cashout is requested (a ledger entry to cashout
 * clearing, under the wallet's row lock), so the same balance can never be cashed out and sent at once. A standard
 * cashout then waits as {@code pending} for the settlement job's ACH file. An instant cashout is paid out to the card
 * right after: completed if the network pays, failed and reversed into the wallet if it refuses or is down, and left
 * {@code pending} if the outcome is unknown (a timeout) until the sweep learns it from the network.
 */
@Service
public class CashoutService {

    private static final Logger log = LoggerFactory.getLogger(CashoutService.class);
    private static final String COLUMNS = "id, speed, amount_cents, fee_cents, payment_method_id, status,"
            + " failure_reason, created_at, updated_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Ledger ledger;
    private final UserService users;
    private final PaymentMethodService methods;
    private final CardNetworkClient network;
    private final IdempotentExecutor idempotency;
    private final AuditLog audit;
    private final CashoutSettings settings;
    private final PartnerSettings partners;

    CashoutService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            Ledger ledger,
            UserService users,
            PaymentMethodService methods,
            CardNetworkClient network,
            IdempotentExecutor idempotency,
            AuditLog audit,
            CashoutSettings settings,
            PartnerSettings partners) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.ledger = ledger;
        this.users = users;
        this.methods = methods;
        this.network = network;
        this.idempotency = idempotency;
        this.audit = audit;
        this.settings = settings;
        this.partners = partners;
    }

    public long instantFee(long amountCents) {
        long fee = Money.ofCents(amountCents)
                .percentOf(settings.instantFeeBasisPoints())
                .cents();
        return Math.min(settings.instantFeeMaxCents(), Math.max(settings.instantFeeMinCents(), fee));
    }

    /** Fails fast, before any money is held, while the card network's breaker is open. */
    public void checkNetwork(String speed) {
        if ("instant".equals(speed) && network.client().open()) {
            throw network.client().unavailable("card_network circuit breaker is open", false);
        }
    }

    /** Holds the money: runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public CashoutView request(UUID userId, long amountCents, String speed, UUID methodId) {
        if (amountCents < 1 || amountCents > settings.maxAmountCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "amount_cents must be from 1 to " + settings.maxAmountCents() + " per cashout, was " + amountCents,
                    Map.of("max_amount_cents", settings.maxAmountCents()));
        }
        long fee = "instant".equals(speed) ? instantFee(amountCents) : 0;
        if (fee >= amountCents) {
            throw new DomainException(
                    Problem.INVALID_REQUEST,
                    "an instant cashout of " + amountCents + " cents would not cover its fee of " + fee + " cents",
                    Map.of("fee_cents", fee));
        }
        User user = users.get(userId);
        if (user.frozen()) {
            throw new DomainException(Problem.ACCOUNT_FROZEN, "the account is frozen", Map.of("user_id", userId));
        }
        PaymentMethodService.Usable method = methods.usable(userId, methodId);
        if ("instant".equals(speed) && !"card".equals(method.type())) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "an instant cashout goes to a card",
                    Map.of("payment_method_id", methodId));
        }
        if ("standard".equals(speed) && !("bank".equals(method.type()) && method.verified())) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "a standard cashout goes to a verified bank account",
                    Map.of("payment_method_id", methodId));
        }
        LockedWallet wallet = ledger.lockWallets(List.of(userId)).get(userId);
        if (wallet.restricted()) {
            throw TransferService.restricted(userId, wallet);
        }
        Money amount = Money.ofCents(amountCents);
        if (wallet.balance().compareTo(amount) < 0) {
            throw new DomainException(
                    Problem.INSUFFICIENT_FUNDS,
                    "the wallet holds " + wallet.balance().cents() + " cents; the cashout needs " + amountCents,
                    Map.of(
                            "amount_cents",
                            amountCents,
                            "available_cents",
                            wallet.balance().cents()));
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO cashouts (id, user_id, payment_method_id, speed, amount_cents, fee_cents, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 'pending')")
                .params(id, userId, methodId, speed, amountCents, fee)
                .update();
        ledger.postForCashout("cashout", id, holdLines(wallet.accountId(), amountCents, fee, false));
        audit.record(
                userId,
                "cashout.requested",
                "cashout",
                id,
                Map.of("speed", speed, "amount_cents", amountCents, "fee_cents", fee, "last4", method.last4()));
        log.info("cashout {} ({}) of {} cents held, fee {}", id, speed, amountCents, fee);
        return find(id).orElseThrow();
    }

    /**
     * Pays an instant cashout out at the network, after its hold committed, and settles it and its idempotency key:
     * 201 completed; 422 when the card is declined (money back in the wallet); a 503 when the network is down (money
     * back, key forgotten so a retry runs afresh); 202 pending when the outcome is unknown.
     */
    public StoredResponse payOut(UUID userId, String key, UUID cashoutId) {
        CashoutView cashout = find(cashoutId).orElseThrow();
        try {
            network.payout(cashoutId, methods.number(cashout.paymentMethodId()), cashout.payoutCents());
        } catch (PartnerRefusedException e) {
            DomainException declined = new DomainException(
                    Problem.CARD_DECLINED,
                    "the card network refused the payout (" + e.code() + "); the money is back in the wallet",
                    Map.of("cashout_id", cashoutId));
            StoredResponse response = idempotency.problem(declined);
            tx.executeWithoutResult(s -> {
                fail(cashoutId, e.code());
                idempotency.overwrite(userId, key, response);
            });
            return response;
        } catch (PartnerUnavailableException e) {
            if (e.outcomeUnknown()) {
                log.warn(
                        "cashout {}: payout outcome unknown ({}); left pending for the sweep",
                        cashoutId,
                        e.getMessage());
                return idempotency.json(202, find(cashoutId).orElseThrow());
            }
            tx.executeWithoutResult(s -> {
                fail(cashoutId, "network_unavailable");
                idempotency.forget(userId, key);
            });
            throw e;
        }
        return tx.execute(s -> {
            complete(cashoutId);
            StoredResponse response = idempotency.json(201, find(cashoutId).orElseThrow());
            idempotency.overwrite(userId, key, response);
            return response;
        });
    }

    /** Instant payouts whose outcome is still open after any request would have finished: ask the network. */
    @Scheduled(
            fixedDelayString = "${wallet.partners.sweep.interval}",
            initialDelayString = "${wallet.partners.sweep.interval}")
    public void sweep() {
        List<CashoutView> open = jdbc.sql("SELECT " + COLUMNS + " FROM cashouts WHERE speed = 'instant'"
                        + " AND status = 'pending' AND created_at < now() - ?::interval ORDER BY created_at LIMIT 100")
                .param(partners.sweep().resolveAfter().toMillis() + " milliseconds")
                .query(CashoutService::map)
                .list();
        for (CashoutView cashout : open) {
            try {
                // repeating the payout under the same id is safe: the network pays each id once
                network.payout(cashout.id(), methods.number(cashout.paymentMethodId()), cashout.payoutCents());
                tx.executeWithoutResult(s -> complete(cashout.id()));
            } catch (PartnerRefusedException e) {
                tx.executeWithoutResult(s -> fail(cashout.id(), e.code()));
            } catch (PartnerUnavailableException e) {
                log.warn("cashout {} still unresolved: {}", cashout.id(), e.getMessage());
            }
        }
    }

    private void complete(UUID id) {
        if (lockPending(id).isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE cashouts SET status = 'completed', updated_at = clock_timestamp() WHERE id = ?")
                .param(id)
                .update();
        audit.record(null, "cashout.completed", "cashout", id, Map.of());
        log.info("cashout {} paid out", id);
    }

    /** Puts the money back: a reversing entry, and the cashout failed. A cashout no longer pending is left alone. */
    private void fail(UUID id, String reason) {
        Optional<Object[]> row = lockPending(id);
        if (row.isEmpty()) {
            return;
        }
        UUID userId = (UUID) row.get()[0];
        long amount = (long) row.get()[1];
        long fee = (long) row.get()[2];
        LockedWallet wallet = ledger.lockWallets(List.of(userId)).get(userId);
        ledger.postForCashout("cashout_reversal", id, holdLines(wallet.accountId(), amount, fee, true));
        jdbc.sql("UPDATE cashouts SET status = 'failed', failure_reason = ?, updated_at = clock_timestamp()"
                        + " WHERE id = ?")
                .params(reason, id)
                .update();
        audit.record(null, "cashout.failed", "cashout", id, Map.of("reason", reason));
        log.info("cashout {} failed ({}); {} cents back in the wallet", id, reason, amount);
    }

    private Optional<Object[]> lockPending(UUID id) {
        return jdbc.sql("SELECT user_id, amount_cents, fee_cents FROM cashouts WHERE id = ? AND status = 'pending'"
                        + " FOR UPDATE")
                .param(id)
                .query((rs, n) -> new Object[] {
                    rs.getObject("user_id", UUID.class), rs.getLong("amount_cents"), rs.getLong("fee_cents")
                })
                .optional();
    }

    private static List<Line> holdLines(long walletAccount, long amount, long fee, boolean reverse) {
        long sign = reverse ? -1 : 1;
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(walletAccount, Money.ofCents(-sign * amount)));
        lines.add(new Line(SystemAccount.CASHOUT_CLEARING.id(), Money.ofCents(sign * (amount - fee))));
        if (fee > 0) {
            lines.add(new Line(SystemAccount.FEE_REVENUE.id(), Money.ofCents(sign * fee)));
        }
        return lines;
    }

    /** A cashout of the caller; anyone else's does not exist for them. */
    @Transactional(readOnly = true)
    public CashoutView get(UUID caller, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cashouts WHERE id = ? AND user_id = ?")
                .params(id, caller)
                .query(CashoutService::map)
                .optional()
                .orElseThrow(
                        () -> new DomainException(Problem.NOT_FOUND, "no cashout " + id, Map.of("cashout_id", id)));
    }

    /** What is on its way out of the user's wallet: cashouts not completed, failed or returned. */
    public long inFlightCents(UUID userId) {
        return jdbc.sql("SELECT coalesce(sum(amount_cents), 0) FROM cashouts WHERE user_id = ?"
                        + " AND status IN ('pending', 'submitted')")
                .param(userId)
                .query(Long.class)
                .single();
    }

    private Optional<CashoutView> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cashouts WHERE id = ?")
                .param(id)
                .query(CashoutService::map)
                .optional();
    }

    private static CashoutView map(ResultSet rs, int row) throws SQLException {
        long amount = rs.getLong("amount_cents");
        long fee = rs.getLong("fee_cents");
        return new CashoutView(
                rs.getObject("id", UUID.class),
                rs.getString("speed"),
                amount,
                fee,
                amount - fee,
                rs.getObject("payment_method_id", UUID.class),
                rs.getString("status"),
                rs.getString("failure_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
