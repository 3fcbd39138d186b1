package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.request.PaymentRequestService;
import com.wallet.api.schedule.ScheduledPaymentService;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.ledger.Ledger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Closing an account for good (README "Closing an account"). Only an account that holds nothing, owes nothing and has
 * nothing in flight closes: its wallet at zero with nothing held and no debt, and no bank debit, cash-out, card charge
 * or payment to someone not yet here that could still move money. Otherwise 409 {@code account-not-empty} says what
 * is left (cash out the balance, wait for what is in flight).
 *
 * <p>In one transaction, under the wallet's lock (which every debit takes, so no payment, cash-out or top-up of theirs
 * runs beside it) and then the user's row lock (which linking and unlinking payment methods take): the account is
 * marked closed; what identifies the person is erased from its row (email, phone, password, avatar; the display name
 * becomes "Closed account"), and so are their proven contacts, codes, the messages kept of what was sent to their
 * addresses (codes, invitations: the delivery stub's {@code contact_messages}), PIN, notifications, likes and
 * comments; their payment methods are unlinked (the rows stay, numbers encrypted, for the settlement records); their
 * friendships, friend requests and blocks end; their pending payment requests either way are closed and their
 * scheduled payments either way are cancelled; and every payment they made or received becomes private, so the
 * fan-out takes it out of every feed (the change topic carries each as a visibility change). The payments, ledger
 * lines, statements and audit log stay, as financial records must. The username stays reserved and finds nobody.
 *
 * <p>From then on no token of theirs works ({@link TokenStanding}), no login, and no payment, request, friend request
 * or lookup reaches them. A payment that read the receiver as open just before the closure committed can still credit
 * the closed wallet (credits take no lock on the receiver, README "Credits need no lock"), as can a late ACH return
 * (of an earlier cash-out, or of a settled bank debit the holder disputes, up to 60 days on) or a chargeback's
 * reversal: that money (or that debt) is not lost. What of it is cashable goes on to the bank account the person
 * verified last ({@code ClosedAccountSendOn}); settlement's reconciliation reports every closed wallet that holds or
 * owes anything ({@code closed_wallet_holds_money}).
 */
@Service
public class AccountClosure {

    public record ClosedAccount(UUID id, String username, String status, Instant closedAt) {}

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final TokenService tokens;
    private final PaymentRequestService requests;
    private final ScheduledPaymentService schedules;
    private final AuditLog audit;
    private final TokenStanding closed;
    private final TransactionTemplate transactions;

    AccountClosure(
            JdbcClient jdbc,
            Ledger ledger,
            TokenService tokens,
            PaymentRequestService requests,
            ScheduledPaymentService schedules,
            AuditLog audit,
            TokenStanding closed,
            TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.tokens = tokens;
        this.requests = requests;
        this.schedules = schedules;
        this.audit = audit;
        this.closed = closed;
        this.transactions = transactions;
    }

    /**
     * Closes the caller's account once their password is checked again (throttled and audited as a login, before any
     * lock is taken).
     */
    public ClosedAccount close(UUID me, String username, String password, String address) {
        UUID owner = tokens.checkPassword(username, password, address);
        if (!owner.equals(me)) {
            throw LoginThrottle.invalidCredentials();
        }
        ClosedAccount done = transactions.execute(status -> closeLocked(me));
        closed.closedNow(me);
        return done;
    }

    private ClosedAccount closeLocked(UUID me) {
        // the wallet first, as a debit takes it before the rows it writes lock the user's row for their foreign keys
        // (FOR KEY SHARE, which NO KEY UPDATE leaves them); the user's row excludes linking and unlinking methods
        Ledger.LockedWallet wallet = ledger.lockWallet(me);
        jdbc.sql("SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE")
                .param(me)
                .query(UUID.class)
                .single();
        Map<String, Object> left = new LinkedHashMap<>();
        if (!wallet.balance().isZero()) {
            left.put("balance_cents", wallet.balance().cents());
        }
        if (!wallet.held().isZero()) {
            left.put("held_cents", wallet.held().cents());
        }
        if (wallet.restricted()) {
            left.put("restricted", true);
        }
        jdbc.sql("SELECT (SELECT count(*) FROM external_charges WHERE user_id = :me AND status IN ('pending',"
                        + " 'submitted')), (SELECT count(*) FROM cashouts WHERE user_id = :me AND status IN ('pending',"
                        + " 'submitted')), (SELECT count(*) FROM card_charges WHERE user_id = :me AND status IN"
                        + " ('started', 'voiding')), (SELECT count(*) FROM claims WHERE payer_id = :me"
                        + " AND status = 'pending')")
                .param("me", me)
                .query(rs -> {
                    String[] kinds = {
                        "bank_debits_unsettled", "cashouts_in_flight", "card_charges_in_flight", "claims_pending"
                    };
                    for (int i = 0; i < kinds.length; i++) {
                        if (rs.getLong(i + 1) > 0) {
                            left.put(kinds[i], rs.getLong(i + 1));
                        }
                    }
                });
        if (!left.isEmpty()) {
            throw new DomainException(
                    Problem.ACCOUNT_NOT_EMPTY,
                    "the account cannot close yet: cash out what it holds, repay what it owes and wait for what is in"
                            + " flight (" + String.join(", ", left.keySet()) + ")",
                    left);
        }
        // what the stub of email and SMS delivery keeps of messages to her addresses (codes, invitations), read
        // before her row forgets the addresses
        int messages = jdbc.sql("DELETE FROM contact_messages m USING (SELECT contact_kind, contact FROM user_contacts"
                        + " WHERE user_id = :me UNION SELECT contact_kind, contact FROM contact_codes WHERE user_id ="
                        + " :me UNION SELECT 'email', lower(email) FROM users WHERE id = :me AND email IS NOT NULL"
                        + " UNION SELECT 'phone', phone FROM users WHERE id = :me AND phone IS NOT NULL) hers"
                        + " WHERE m.contact_kind = hers.contact_kind AND m.contact = hers.contact")
                .param("me", me)
                .update();
        ClosedAccount closedAccount = jdbc.sql("UPDATE users SET status = 'closed', closed_at = clock_timestamp(),"
                        + " email = NULL, phone = NULL, password_hash = NULL, avatar_url = NULL,"
                        + " display_name = 'Closed account' WHERE id = ? RETURNING username, closed_at")
                .param(me)
                .query((rs, n) -> new ClosedAccount(
                        me, rs.getString(1), "closed", rs.getTimestamp(2).toInstant()))
                .single();
        Map<String, Object> erased = new LinkedHashMap<>();
        erased.put("contact_messages", messages);
        String[][] statements = {
            {"contacts", "DELETE FROM user_contacts WHERE user_id = :me"},
            {"contact_codes", "DELETE FROM contact_codes WHERE user_id = :me"},
            {"pin", "DELETE FROM user_pins WHERE user_id = :me"},
            {"password_resets", "DELETE FROM password_resets WHERE user_id = :me"},
            {"notifications", "DELETE FROM notifications WHERE user_id = :me"},
            {"likes", "DELETE FROM feed_likes WHERE user_id = :me"},
            {"comments", "DELETE FROM feed_comments WHERE user_id = :me"},
            {
                "payment_methods",
                "UPDATE payment_methods SET removed = true, is_default = false WHERE user_id = :me AND NOT removed"
            },
            {"friendships", "DELETE FROM friendships WHERE user_a = :me OR user_b = :me"},
            {"friend_requests", "DELETE FROM friend_requests WHERE requester_id = :me OR addressee_id = :me"},
            {"blocks", "DELETE FROM user_blocks WHERE blocker_id = :me OR blocked_id = :me"},
            {
                "payments_made_private",
                "UPDATE transfers SET visibility = 'private' WHERE (sender_id = :me"
                        + " OR receiver_id = :me) AND visibility <> 'private'"
            },
        };
        for (String[] s : statements) {
            erased.put(s[0], jdbc.sql(s[1]).param("me", me).update());
        }
        erased.put("payment_requests_closed", requests.closePendingOf(me));
        erased.put("scheduled_payments_cancelled", schedules.cancelOf(me));
        audit.record(me, "user.closed", "user", me, erased);
        return closedAccount;
    }
}
