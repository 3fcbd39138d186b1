package com.wallet.api.claim;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.Visibility;
import com.wallet.api.friends.Blocks;
import com.wallet.api.notification.NotificationOutbox;
import com.wallet.api.transfer.TransferService;
import com.wallet.api.transfer.TransferSettings;
import com.wallet.api.transfer.internal.TransferRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.HoldKind;
import com.wallet.ledger.HoldStatus;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.LedgerException;
import com.wallet.ledger.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Paying someone who is not a user yet, by email address or phone number. The money is held in the payer's wallet (a
 * ledger hold of kind {@code claim}, expiring with the claim: it can no longer be spent, and the payer's limits count
 * it at once); an invitation goes to the contact. When a user proves that contact with a one-time code, each pending
 * claim's hold posts to them as a transfer from the payer ({@code transfers.claim_id}); unclaimed after
 * {@code wallet.claims.expire-after}, it is released back to the payer. Lock order: claim row, hold row, wallets.
 */
@Service
public class ClaimService {

    private static final Logger log = LoggerFactory.getLogger(ClaimService.class);
    private static final String COLUMNS = "id, payer_id, contact_kind, contact, amount_cents, note, visibility, status,"
            + " expires_at, created_at, claimed_by, transfer_id, hold_id";

    private record Row(ClaimView view, UUID holdId, String contactKind, String contact) {}

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final TransferRepository transfers;
    private final TransferSettings limits;
    private final ClaimSettings settings;
    private final AuditLog audit;
    private final NotificationOutbox notifications;
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final Blocks blocks;

    private final ContactMessages messages;

    ClaimService(
            JdbcClient jdbc,
            Ledger ledger,
            TransferRepository transfers,
            TransferSettings limits,
            ClaimSettings settings,
            AuditLog audit,
            NotificationOutbox notifications,
            org.springframework.transaction.support.TransactionTemplate tx,
            Blocks blocks,
            ContactMessages messages) {
        this.messages = messages;
        this.tx = tx;
        this.blocks = blocks;
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.transfers = transfers;
        this.limits = limits;
        this.settings = settings;
        this.audit = audit;
        this.notifications = notifications;
    }

    /** The user who proved this contact, if anyone has. */
    public Optional<UUID> owner(Contact contact) {
        return jdbc.sql("SELECT user_id FROM user_contacts WHERE contact_kind = ? AND contact = ?")
                .params(contact.kind(), contact.value())
                .query(UUID.class)
                .optional();
    }

    /** Pays {@code contact}, whom no user has proven, into a claim. Runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public ClaimView pay(UUID payerId, Contact contact, long amountCents, String note, Visibility visibility) {
        limits.requireAmountAllowed(amountCents);
        LockedWallet wallet = ledger.lockWallet(payerId);
        if (wallet.ownerFrozen()) {
            throw new DomainException(
                    Problem.ACCOUNT_FROZEN, "the sender's account is frozen", Map.of("user_id", payerId));
        }
        if (wallet.restricted()) {
            throw TransferService.restricted(payerId, wallet);
        }
        Money amount = Money.ofCents(amountCents);
        TransferService.checkLimits(transfers.sender(payerId).sent(), amount, limits);
        if (wallet.available().compareTo(amount) < 0) {
            throw new DomainException(
                    Problem.INSUFFICIENT_FUNDS,
                    "a payment to someone not yet a user is held in the wallet's balance; "
                            + wallet.available().cents() + " cents are available, " + amountCents + " needed",
                    Map.of("available_cents", wallet.available().cents()));
        }
        Visibility shown = Visibility.orDefault(visibility, wallet.ownerDefaultVisibility());
        UUID id = UUID.randomUUID();
        Ledger.Hold hold = ledger.hold(wallet, HoldKind.CLAIM, amount, id, settings.expireAfter());
        jdbc.sql("INSERT INTO claims (id, payer_id, contact_kind, contact, amount_cents, note, visibility, hold_id,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        id,
                        payerId,
                        contact.kind(),
                        contact.value(),
                        amountCents,
                        note,
                        shown.wire(),
                        hold.id(),
                        Timestamp.from(hold.expiresAt()))
                .update();
        String payer = jdbc.sql("SELECT username FROM users WHERE id = ?")
                .param(payerId)
                .query(String.class)
                .single();
        messages.send(
                contact,
                "invitation",
                payer + " sent you " + dollars(amountCents) + " on Wallet. Sign up and verify this "
                        + (contact.kind().equals("email") ? "email address" : "phone number") + " by "
                        + hold.expiresAt() + " to receive it.");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("contact_kind", contact.kind());
        details.put("amount_cents", amountCents);
        audit.record(payerId, "claim.created", "claim", id, details);
        log.info(
                "payment {} of {} cents from {} held for an {} not yet a user",
                id,
                amountCents,
                payerId,
                contact.kind());
        return get(payerId, id);
    }

    /**
     * {@code claimant} has just proven {@code contact}: every pending claim sent to it is posted to them, oldest
     * first, but one from a payer with whom a block stands (either way), which stays pending (the payer may cancel
     * it, or it expires and its hold is released: the payer is not told of the block). Runs in the caller's
     * transaction; returns the claims as they end.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<ClaimView> claimAll(UUID claimant, Contact contact) {
        List<UUID> pending = jdbc.sql("SELECT id FROM claims WHERE contact_kind = ? AND contact = ?"
                        + " AND status = 'pending' ORDER BY created_at, id")
                .params(contact.kind(), contact.value())
                .query(UUID.class)
                .list();
        List<ClaimView> ended = new ArrayList<>();
        for (UUID id : pending) {
            claimOne(claimant, id).ifPresent(ended::add);
        }
        return ended;
    }

    private Optional<ClaimView> claimOne(UUID claimant, UUID id) {
        Row claim = lock(id).orElseThrow();
        if (!claim.view().status().equals("pending")) {
            return Optional.empty();
        }
        UUID payerId = claim.view().payerId();
        Ledger.Hold hold = ledger.lockHold(claim.holdId()).orElseThrow();
        if (hold.status() != HoldStatus.PENDING || hold.overdue()) {
            end(claim, "expired", hold);
            return Optional.of(get(payerId, id));
        }
        if (payerId.equals(claimant)) {
            // the payer proved the contact they paid: nobody else is there to receive it
            end(claim, "cancelled", hold);
            return Optional.of(get(payerId, id));
        }
        if (blocks.between(claimant, payerId) != Blocks.Between.NONE) {
            return Optional.empty(); // stays pending, as for a frozen claimant
        }
        Map<UUID, LockedWallet> wallets = ledger.lockWallets(List.of(payerId, claimant));
        LockedWallet from = wallets.get(payerId);
        LockedWallet to = wallets.get(claimant);
        if (to.ownerFrozen()) {
            return Optional.empty(); // stays pending: claimed once the account is unfrozen and proves it again
        }
        Money amount = Money.ofCents(claim.view().amountCents());
        UUID transferId = UUID.randomUUID();
        jdbc.sql("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                        + " card_cents, fee_cents, note, visibility, status, claim_id)"
                        + " VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, ?, 'completed', ?)")
                .params(
                        transferId,
                        payerId,
                        claimant,
                        amount.cents(),
                        amount.cents(),
                        claim.view().note(),
                        claim.view().visibility(),
                        id)
                .update();
        ledger.postHold(
                hold.id(),
                amount,
                EntryKind.TRANSFER,
                Reference.transfer(transferId),
                List.of(new Line(to.accountId(), amount)));
        ledger.carryUnsettled(from, amount, to.accountId());
        jdbc.sql("UPDATE claims SET status = 'claimed', claimed_by = ?, transfer_id = ?,"
                        + " updated_at = clock_timestamp() WHERE id = ?")
                .params(claimant, transferId, id)
                .update();
        audit.record(claimant, "claim.claimed", "claim", id, Map.of("transfer_id", transferId));
        notifications.add(
                payerId,
                "claim_claimed",
                id,
                "claim_claimed:" + id,
                Map.of(
                        "claim_id",
                        id,
                        "claimed_by",
                        claimant,
                        "transfer_id",
                        transferId,
                        "amount_cents",
                        amount.cents()));
        log.info("claim {} claimed by {} as transfer {}", id, claimant, transferId);
        return Optional.of(get(payerId, id));
    }

    /** The payer takes back a claim nobody has claimed yet. */
    @Transactional
    public ClaimView cancel(UUID payerId, UUID id) {
        Row claim = lock(id).filter(c -> c.view().payerId().equals(payerId)).orElseThrow(() -> notFound(id));
        if (!claim.view().status().equals("pending")) {
            throw new DomainException(
                    Problem.CLAIM_NOT_PENDING,
                    "the payment is " + claim.view().status(),
                    Map.of("claim_id", id, "status", claim.view().status()));
        }
        end(claim, "cancelled", ledger.lockHold(claim.holdId()).orElseThrow());
        audit.record(payerId, "claim.cancelled", "claim", id, Map.of());
        return get(payerId, id);
    }

    /** Releases pending claims whose time ran out by {@code now}; returns how many. */
    public int expireAt(Instant now) {
        int expired = 0;
        while (true) {
            Integer batch = tx.execute(s -> {
                List<UUID> due = jdbc.sql("SELECT id FROM claims WHERE status = 'pending' AND expires_at <= ?"
                                + " ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED")
                        .param(Timestamp.from(now))
                        .query(UUID.class)
                        .list();
                for (UUID id : due) {
                    Row claim = lock(id).orElseThrow();
                    end(claim, "expired", ledger.lockHold(claim.holdId()).orElseThrow());
                }
                return due.size();
            });
            expired += batch;
            if (batch < 100) {
                return expired;
            }
        }
    }

    /** Ends a pending claim without paying it: its hold is released (voided, unless it expired already). */
    private void end(Row claim, String status, Ledger.Hold hold) {
        if (hold.status() == HoldStatus.PENDING) {
            try {
                ledger.voidHold(hold.id());
            } catch (LedgerException.HoldEnded e) {
                // ended meanwhile (the hold sweep): released all the same
            }
        }
        jdbc.sql("UPDATE claims SET status = ?, updated_at = clock_timestamp() WHERE id = ?")
                .params(status, claim.view().id())
                .update();
        if (status.equals("expired")) {
            notifications.add(
                    claim.view().payerId(),
                    "claim_expired",
                    claim.view().id(),
                    "claim_expired:" + claim.view().id(),
                    Map.of(
                            "claim_id",
                            claim.view().id(),
                            "amount_cents",
                            claim.view().amountCents()));
        }
        log.info(
                "claim {} {}: {} cents released to {}",
                claim.view().id(),
                status,
                claim.view().amountCents(),
                claim.view().payerId());
    }

    @Transactional(readOnly = true)
    public ClaimView get(UUID payerId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM claims WHERE id = ? AND payer_id = ?")
                .params(id, payerId)
                .query(ClaimService::map)
                .optional()
                .map(Row::view)
                .orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    public PageCursor.Page<ClaimView> list(UUID payerId, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<ClaimView> rows = jdbc
                .sql("SELECT " + COLUMNS + " FROM claims WHERE payer_id = :u"
                        + " AND (created_at, id) < (:t, :id) ORDER BY created_at DESC, id DESC LIMIT :n")
                .param("u", payerId)
                .param("t", Timestamp.from(after.time()))
                .param("id", after.id())
                .param("n", limit + 1)
                .query(ClaimService::map)
                .list()
                .stream()
                .map(Row::view)
                .toList();
        return PageCursor.page(rows, limit, ClaimView::createdAt, ClaimView::id);
    }

    private Optional<Row> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM claims WHERE id = ? FOR UPDATE")
                .param(id)
                .query(ClaimService::map)
                .optional();
    }

    private static DomainException notFound(UUID id) {
        return new DomainException(Problem.NOT_FOUND, "no claim " + id, Map.of("claim_id", id));
    }

    private static String dollars(long cents) {
        return "$" + (cents / 100) + "." + String.format("%02d", cents % 100);
    }

    private static Row map(ResultSet rs, int n) throws SQLException {
        String kind = rs.getString("contact_kind");
        String contact = rs.getString("contact");
        return new Row(
                new ClaimView(
                        rs.getObject("id", UUID.class),
                        rs.getObject("payer_id", UUID.class),
                        kind.equals("email") ? contact : null,
                        kind.equals("phone") ? contact : null,
                        rs.getLong("amount_cents"),
                        rs.getString("note"),
                        rs.getString("visibility"),
                        rs.getString("status"),
                        rs.getTimestamp("expires_at").toInstant(),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getObject("claimed_by", UUID.class),
                        rs.getObject("transfer_id", UUID.class)),
                rs.getObject("hold_id", UUID.class),
                kind,
                contact);
    }
}
