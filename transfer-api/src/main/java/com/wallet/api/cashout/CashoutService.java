package com.wallet.api.cashout;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.CashoutSpeed;
import com.wallet.api.domain.CashoutStatus;
import com.wallet.api.funding.PaymentMethodService;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.identity.User;
import com.wallet.api.identity.UserService;
import com.wallet.api.partners.CardNetworkClient;
import com.wallet.api.partners.PartnerSettings;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.common.partners.PartnerRefusedException;
import com.wallet.common.partners.PartnerUnavailableException;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.HoldKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.LedgerException;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
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
 * Moving balance out, never beyond what is cashable (the available balance less unsettled bank money beyond the
 * allowance). A standard cashout takes the money from the wallet when requested (a ledger entry to cashout clearing,
 * under the wallet's row lock) and waits as {@code pending} for the settlement job's ACH file. An instant cashout
 * holds the amount (a ledger hold, committed), then calls the card network with no lock or connection held: the hold
 * is posted if the network pays, voided if it refuses or is down, and stays pending if the outcome is unknown (a
 * timeout, a crash) until the sweep learns it from the network by cancelling the payout id there: a payout the network
 * made is reported as paid, one it did not make can no longer be made.
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
    public void checkNetwork(CashoutSpeed speed) {
        if (speed == CashoutSpeed.INSTANT && network.client().open()) {
            throw network.client().unavailable("card_network circuit breaker is open", false);
        }
    }

    /** Holds the money: runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public CashoutView request(UUID userId, long amountCents, CashoutSpeed speed, UUID methodId) {
        if (amountCents < 1 || amountCents > settings.maxAmountCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "amount_cents must be from 1 to " + settings.maxAmountCents() + " per cashout, was " + amountCents,
                    Map.of("max_amount_cents", settings.maxAmountCents()));
        }
        long fee = speed == CashoutSpeed.INSTANT ? instantFee(amountCents) : 0;
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
        if (speed == CashoutSpeed.INSTANT && !"card".equals(method.type())) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "an instant cashout goes to a card",
                    Map.of("payment_method_id", methodId));
        }
        if (speed == CashoutSpeed.STANDARD && !("bank".equals(method.type()) && method.verified())) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_UNSUITABLE,
                    "a standard cashout goes to a verified bank account",
                    Map.of("payment_method_id", methodId));
        }
        LockedWallet wallet = ledger.lockWallet(userId);
        if (wallet.restricted()) {
            throw TransferService.restricted(userId, wallet);
        }
        Money amount = Money.ofCents(amountCents);
        if (wallet.available().compareTo(amount) < 0) {
            throw new DomainException(
                    Problem.INSUFFICIENT_FUNDS,
                    "the wallet has " + wallet.available().cents() + " cents available; the cashout needs "
                            + amountCents,
                    Map.of(
                            "amount_cents",
                            amountCents,
                            "available_cents",
                            wallet.available().cents()));
        }
        Money cashable = cashable(wallet);
        if (cashable.compareTo(amount) < 0) {
            throw new DomainException(
                    Problem.FUNDS_NOT_SETTLED,
                    "only " + cashable.cents() + " of the wallet's "
                            + wallet.available().cents()
                            + " cents can be cashed out now: the rest came from bank payments that have not settled",
                    Map.of(
                            "amount_cents", amountCents,
                            "cashable_cents", cashable.cents(),
                            "unsettled_cents", wallet.unsettled().cents()));
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO cashouts (id, user_id, payment_method_id, speed, amount_cents, fee_cents, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 'pending')")
                .params(id, userId, methodId, speed.wire(), amountCents, fee)
                .update();
        if (speed == CashoutSpeed.INSTANT) {
            ledger.hold(wallet, HoldKind.INSTANT_CASHOUT, amount, id, settings.instantHoldExpiry());
        } else {
            ledger.post(EntryKind.CASHOUT, Reference.cashout(id), outLines(wallet.accountId(), amountCents, fee));
        }
        audit.record(
                userId,
                "cashout.requested",
                "cashout",
                id,
                Map.of("speed", speed.wire(), "amount_cents", amountCents, "fee_cents", fee, "last4", method.last4()));
        log.info("cashout {} ({}) of {} cents held, fee {}", id, speed, amountCents, fee);
        return find(id).orElseThrow();
    }

    /** Closed accounts whose wallets hold money that could go out ({@link #sendOnClosed}), oldest closure first. */
    public List<UUID> closedHoldingMoney() {
        return jdbc.sql("SELECT u.id FROM users u JOIN wallet_balances w ON w.user_id = u.id WHERE u.status = 'closed'"
                        + " AND w.balance_cents - w.held_cents > 0 AND NOT w.restricted ORDER BY u.closed_at")
                .query(UUID.class)
                .list();
    }

    /**
     * Money that reached an account after it closed (README "Closing an account") is sent on to the bank account it
     * verified last, as a standard cash-out made by the system: what of it is cashable now (money from a bank debit
     * not settled yet waits for a later run), at most {@code max-amount-cents} a run. Nothing when the account is open,
     * holds nothing cashable, or has no verified bank that a return has not disabled (a return of the sent-on cash-out
     * disables it: the money comes back and stays, reported by settlement's reconciliation for operations). Under the
     * wallet's lock, so instances sweeping together send it once. Returns the cash-out made, if any.
     */
    @Transactional
    public Optional<UUID> sendOnClosed(UUID userId) {
        LockedWallet wallet = ledger.lockWallet(userId);
        boolean closed = jdbc.sql("SELECT status = 'closed' FROM users WHERE id = ?")
                .param(userId)
                .query(Boolean.class)
                .single();
        long amount = Math.min(cashable(wallet).cents(), settings.maxAmountCents());
        if (!closed || amount <= 0) {
            return Optional.empty();
        }
        Optional<UUID> bank = sendOnBank(userId);
        if (bank.isEmpty()) {
            return Optional.empty();
        }
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO cashouts (id, user_id, payment_method_id, speed, amount_cents, fee_cents, status)"
                        + " VALUES (?, ?, ?, 'standard', ?, 0, 'pending')")
                .params(id, userId, bank.get(), amount)
                .update();
        ledger.post(EntryKind.CASHOUT, Reference.cashout(id), outLines(wallet.accountId(), amount, 0));
        audit.record(
                null,
                "cashout.sent_on_closed",
                "cashout",
                id,
                Map.of("user_id", userId, "amount_cents", amount, "payment_method_id", bank.get()));
        log.info("cashout {} sends {} cents that reached closed account {} on to its bank", id, amount, userId);
        return Optional.of(id);
    }

    /**
     * Money of a closed account that could not be sent on ({@link #sendOnClosed}: no verified bank, or one a return
     * disabled) is set aside once the account has been closed for {@code wallet.cashouts.unclaimed-after} (30 days):
     * what of it is cashable moves out of the wallet into the ledger's unclaimed funds account, one entry, listed in
     * {@code unclaimed_funds} (owed to the person: paid on a claim, or remitted to the state as unclaimed property), and
     * audited. The wallet no longer holds it, so settlement's reconciliation stops reporting the account (it checks the
     * account's sum against the list instead). Money not settled yet, held or owed stays. Under the wallet's lock, so
     * instances sweeping together set it aside once; {@code now} is the sweep's moment. Returns the entry, if any.
     */
    @Transactional
    public Optional<UUID> setAsideUnclaimed(UUID userId, java.time.Instant now) {
        LockedWallet wallet = ledger.lockWallet(userId);
        boolean due = jdbc.sql("SELECT status = 'closed' AND closed_at <= ? FROM users WHERE id = ?")
                .params(java.sql.Timestamp.from(now.minus(settings.unclaimedAfter())), userId)
                .query(Boolean.class)
                .single();
        long amount = cashable(wallet).cents();
        if (!due || amount <= 0 || sendOnBank(userId).isPresent()) {
            return Optional.empty();
        }
        UUID entry = UUID.randomUUID();
        ledger.post(
                entry,
                EntryKind.UNCLAIMED_FUNDS,
                Reference.NONE,
                List.of(
                        new Line(wallet.accountId(), Money.ofCents(-amount)),
                        Line.of(SystemAccount.UNCLAIMED_FUNDS, Money.ofCents(amount))));
        jdbc.sql("INSERT INTO unclaimed_funds (entry_id, user_id, amount_cents) VALUES (?, ?, ?)")
                .params(entry, userId, amount)
                .update();
        audit.record(
                null, "wallet.unclaimed_set_aside", "user", userId, Map.of("amount_cents", amount, "entry_id", entry));
        log.info("{} cents of closed account {} that could not be sent on set aside as unclaimed", amount, userId);
        return Optional.of(entry);
    }

    /** The bank account a closed account's money is sent on to: the one verified last that no return disabled. */
    private Optional<UUID> sendOnBank(UUID userId) {
        return jdbc.sql("SELECT id FROM payment_methods WHERE user_id = ? AND type = 'bank' AND verified"
                        + " AND disabled_reason IS NULL ORDER BY created_at DESC, id LIMIT 1")
                .param(userId)
                .query(UUID.class)
                .optional();
    }

    /** What the card network did with an instant payout, as far as we know. */
    public sealed interface Payout {
        /** Paid: the hold was posted. */
        record Paid(CashoutView cashout) implements Payout {}

        /** Refused: the hold was voided, the money is available again. */
        record Declined(DomainException problem) implements Payout {}

        /** No answer (a timeout): the hold stays until the sweep learns the outcome. */
        record Unknown(CashoutView cashout) implements Payout {}
    }

    /**
     * How the caller records a payout's outcome with its request (its idempotency key), in the same transaction that
     * settles the hold, so the two never disagree.
     */
    public interface Recorder {
        /** The outcome is final: store what a retry of the request will be told. */
        void settled(Payout outcome);

        /** Nothing happened at the network and the hold was voided: a retry of the request may run afresh. */
        void abandoned();
    }

    /**
     * Pays an instant cashout out at the network after its hold committed (no lock or connection is held while the
     * network answers), then posts or voids the hold. A network that is down voids it and throws
     * {@link PartnerUnavailableException} after {@link Recorder#abandoned}.
     */
    public Payout payOut(UUID cashoutId, Recorder recorder) {
        CashoutView cashout = find(cashoutId).orElseThrow();
        try {
            network.payout(cashoutId, methods.number(cashout.paymentMethodId()), cashout.payoutCents());
        } catch (PartnerRefusedException e) {
            Payout declined = new Payout.Declined(new DomainException(
                    Problem.CARD_DECLINED,
                    "the card network refused the payout (" + e.code() + "); the money is back in the wallet",
                    Map.of("cashout_id", cashoutId)));
            tx.executeWithoutResult(s -> {
                fail(cashoutId, e.code());
                recorder.settled(declined);
            });
            return declined;
        } catch (PartnerUnavailableException e) {
            if (e.outcomeUnknown()) {
                log.warn(
                        "cashout {}: payout outcome unknown ({}); left pending for the sweep",
                        cashoutId,
                        e.getMessage());
                return new Payout.Unknown(find(cashoutId).orElseThrow());
            }
            tx.executeWithoutResult(s -> {
                fail(cashoutId, "network_unavailable");
                recorder.abandoned();
            });
            throw e;
        }
        return tx.execute(s -> {
            complete(cashoutId);
            Payout paid = new Payout.Paid(find(cashoutId).orElseThrow());
            recorder.settled(paid);
            return paid;
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
            resolve(cashout.id());
        }
    }

    /**
     * Learns an instant payout's outcome from the network without paying again: cancelling the id there answers
     * whether it was paid (then the hold is posted) or fences it so it never will be (then the hold is voided).
     */
    void resolve(UUID cashoutId) {
        try {
            boolean paid = network.cancelPayout(cashoutId);
            tx.executeWithoutResult(s -> {
                if (paid) {
                    complete(cashoutId);
                } else {
                    fail(cashoutId, "not_paid");
                }
            });
        } catch (PartnerUnavailableException | PartnerRefusedException e) {
            log.warn("cashout {} still unresolved: {}", cashoutId, e.getMessage());
        }
    }

    private void complete(UUID id) {
        Optional<Pending> pending = lockPending(id);
        if (pending.isEmpty()) {
            return;
        }
        Pending p = pending.get();
        // the hold becomes the money leaving: wallet -> cashout clearing (what the card got) and fee revenue
        Optional<Ledger.Hold> hold = ledger.lockHoldOf(id);
        if (hold.isPresent()
                && hold.get().status() == com.wallet.ledger.HoldStatus.PENDING
                && !hold.get().overdue()) {
            ledger.postHold(
                    hold.get().id(),
                    Money.ofCents(p.amountCents()),
                    EntryKind.INSTANT_CASHOUT,
                    Reference.cashout(id),
                    creditLines(p.amountCents(), p.feeCents()));
        } else if (hold.isPresent()) {
            // the network paid after the hold expired (it was unreachable for longer than the hold lasts): the money
            // left all the same, so it is booked, leaving a recorded debt if the wallet no longer covers it
            LockedWallet wallet = ledger.lockWallet(p.userId());
            if (wallet.available().cents() < p.amountCents()) {
                ledger.restrict(wallet.accountId());
            }
            ledger.post(
                    EntryKind.INSTANT_CASHOUT,
                    Reference.cashout(id),
                    outLines(wallet.accountId(), p.amountCents(), p.feeCents()));
            log.warn(
                    "cashout {} was paid after its hold ended ({}); booked without it",
                    id,
                    hold.get().status());
        } else {
            log.info("cashout {} was taken from the wallet before holds existed", id);
        }
        jdbc.sql("UPDATE cashouts SET status = 'completed', updated_at = clock_timestamp() WHERE id = ?")
                .param(id)
                .update();
        audit.record(null, "cashout.completed", "cashout", id, Map.of());
        log.info("cashout {} paid out", id);
    }

    /** Releases the money: the hold voided, and the cashout failed. A cashout no longer pending is left alone. */
    private void fail(UUID id, String reason) {
        Optional<Pending> row = lockPending(id);
        if (row.isEmpty()) {
            return;
        }
        long amount = row.get().amountCents();
        Optional<Ledger.Hold> hold = ledger.lockHoldOf(id);
        if (hold.isPresent()) {
            try {
                ledger.voidHold(hold.get().id());
            } catch (LedgerException.HoldEnded e) {
                log.warn("cashout {}: its hold ended before the cashout failed ({})", id, e.getMessage());
            }
        } else {
            // taken from the wallet before holds existed: put it back
            LockedWallet wallet = ledger.lockWallet(row.get().userId());
            List<Line> back = new ArrayList<>();
            outLines(wallet.accountId(), amount, row.get().feeCents())
                    .forEach(l -> back.add(new Line(l.account(), l.amount().negate())));
            ledger.post(EntryKind.CASHOUT_REVERSAL, Reference.cashout(id), back);
        }
        jdbc.sql("UPDATE cashouts SET status = 'failed', failure_reason = ?, updated_at = clock_timestamp()"
                        + " WHERE id = ?")
                .params(reason, id)
                .update();
        audit.record(null, "cashout.failed", "cashout", id, Map.of("reason", reason));
        log.info("cashout {} failed ({}); {} cents back in the wallet", id, reason, amount);
    }

    private record Pending(UUID userId, long amountCents, long feeCents) {}

    private Optional<Pending> lockPending(UUID id) {
        return jdbc.sql("SELECT user_id, amount_cents, fee_cents FROM cashouts WHERE id = ? AND status = 'pending'"
                        + " FOR UPDATE")
                .param(id)
                .query((rs, n) -> new Pending(
                        rs.getObject("user_id", UUID.class), rs.getLong("amount_cents"), rs.getLong("fee_cents")))
                .optional();
    }

    /** The wallet's side and the platform's: what leaves goes to cashout clearing, less the fee, which we earn. */
    private static List<Line> outLines(com.wallet.ledger.AccountId wallet, long amount, long fee) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(wallet, Money.ofCents(-amount)));
        lines.addAll(creditLines(amount, fee));
        return lines;
    }

    private static List<Line> creditLines(long amount, long fee) {
        List<Line> lines = new ArrayList<>();
        lines.add(Line.of(SystemAccount.CASHOUT_CLEARING, Money.ofCents(amount - fee)));
        if (fee > 0) {
            lines.add(Line.of(SystemAccount.FEE_REVENUE, Money.ofCents(fee)));
        }
        return lines;
    }

    /**
     * What the wallet may cash out: its available balance less the unsettled bank money beyond the allowance, which
     * grows with the user's own settled bank debits (none for a new account).
     */
    public Money cashable(LockedWallet wallet) {
        if (wallet.restricted()) {
            return Money.ZERO;
        }
        Money blocked = Money.ZERO;
        if (wallet.unsettled().isPositive()) {
            long settledHistory = jdbc.sql("SELECT coalesce(sum(amount_cents), 0) FROM external_charges"
                            + " WHERE user_id = ? AND kind = 'bank_debit' AND status = 'completed'")
                    .param(wallet.userId())
                    .query(Long.class)
                    .single();
            Money allowance = Money.ofCents(settledHistory)
                    .percentOf(settings.unsettledAllowanceBasisPoints())
                    .min(Money.ofCents(settings.unsettledAllowanceMaxCents()));
            blocked = wallet.unsettled().minus(allowance).max0();
        }
        return wallet.available().minus(blocked).max0();
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
                CashoutSpeed.of(rs.getString("speed")),
                amount,
                fee,
                amount - fee,
                rs.getObject("payment_method_id", UUID.class),
                CashoutStatus.of(rs.getString("status")),
                rs.getString("failure_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
