package com.wallet.api.transfer;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.TransferStatus;
import com.wallet.api.transfer.internal.TransferRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refunds: the receiver of a payment gives it back, in full or in parts, within {@code wallet.transfers.refund-window}
 * of the payment. A refund is a transfer from the receiver's wallet balance back to the payer's wallet, linked to the
 * payment ({@code refund_of}), with the payment's current visibility; the refunds of one payment never add up to more
 * than it. The payment's row is locked first (so its refunds are decided one at a time), then both wallets.
 */
@Service
public class RefundService {

    /** The refunds of a payment, and what may still be refunded of it until when. */
    public record RefundsView(
            UUID transferId,
            long amountCents,
            long refundedCents,
            long refundableCents,
            Instant refundableUntil,
            List<TransferView> refunds) {}

    private static final Logger log = LoggerFactory.getLogger(RefundService.class);

    private final TransferRepository transfers;
    private final Ledger ledger;
    private final AuditLog audit;
    private final TransferSettings settings;

    RefundService(TransferRepository transfers, Ledger ledger, AuditLog audit, TransferSettings settings) {
        this.transfers = transfers;
        this.ledger = ledger;
        this.audit = audit;
        this.settings = settings;
    }

    /** Runs inside the idempotency key's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TransferView refund(UUID caller, UUID paymentId, long amountCents, String note) {
        TransferRepository.Refundable refundable = refundable(caller, paymentId, true);
        TransferView payment = refundable.payment();
        if (!payment.receiverId().equals(caller)) {
            throw new DomainException(
                    Problem.FORBIDDEN,
                    "only the receiver of a payment can refund it",
                    Map.of("transfer_id", paymentId));
        }
        if (payment.refundOf() != null) {
            throw new DomainException(
                    Problem.NOT_REFUNDABLE,
                    "transfer " + paymentId + " is itself a refund; it cannot be refunded",
                    Map.of("transfer_id", paymentId, "refund_of", payment.refundOf()));
        }
        if (!refundable.windowOpen()) {
            throw new DomainException(
                    Problem.REFUND_WINDOW_CLOSED,
                    "payments can be refunded for " + settings.refundWindow().toDays() + " days; this one until "
                            + refundable.refundableUntil(),
                    Map.of(
                            "transfer_id",
                            paymentId,
                            "refundable_until",
                            refundable.refundableUntil().toString()));
        }
        long left = payment.amountCents() - refundable.refundedCents();
        if (amountCents > left) {
            throw new DomainException(
                    Problem.REFUND_EXCEEDS_PAYMENT,
                    "only " + left + " cents of this " + payment.amountCents() + " cent payment are left to refund",
                    Map.of("transfer_id", paymentId, "refundable_cents", left));
        }
        Money amount = Money.ofCents(amountCents);
        Map<UUID, LockedWallet> wallets = ledger.lockWallets(List.of(caller, payment.senderId()));
        LockedWallet from = wallets.get(caller);
        LockedWallet to = wallets.get(payment.senderId());
        if (from.ownerFrozen()) {
            throw new DomainException(Problem.ACCOUNT_FROZEN, "your account is frozen", Map.of("user_id", caller));
        }
        if (to.ownerFrozen()) {
            throw new DomainException(
                    Problem.RECEIVER_UNAVAILABLE,
                    "the payer cannot receive money right now",
                    Map.of("receiver_id", to.userId()));
        }
        if (from.restricted()) {
            throw TransferService.restricted(caller, from);
        }
        if (from.available().compareTo(amount) < 0) {
            throw new DomainException(
                    Problem.INSUFFICIENT_FUNDS,
                    "a refund is paid from the wallet balance; "
                            + from.available().cents() + " cents are available, " + amountCents + " needed",
                    Map.of("available_cents", from.available().cents()));
        }

        UUID refundId = UUID.randomUUID();
        TransferView draft = new TransferView(
                refundId,
                caller,
                payment.senderId(),
                amountCents,
                note == null ? "Refund: " + truncate(payment.note(), 272) : note,
                payment.visibility(),
                TransferStatus.COMPLETED,
                null,
                new TransferView.FundingView(amountCents, 0, 0, 0),
                null,
                paymentId);
        Instant createdAt = transfers.insert(draft, java.util.Optional.empty());
        ledger.post(
                EntryKind.REFUND,
                Reference.transfer(refundId),
                List.of(new Line(from.accountId(), amount.negate()), new Line(to.accountId(), amount)));
        // bank money of the receiver that has not settled goes back unsettled (funds availability)
        ledger.carryUnsettled(from, amount, to.accountId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("refund_of", paymentId);
        details.put("receiver_id", payment.senderId());
        details.put("amount_cents", amountCents);
        details.put("refunded_cents", refundable.refundedCents() + amountCents);
        audit.record(caller, "transfer.refunded", "transfer", refundId, details);
        log.info("refund {} of {} cents of payment {} to {}", refundId, amountCents, paymentId, payment.senderId());
        return draft.createdAt(createdAt);
    }

    /** A payment's refunds, for either party. */
    @Transactional(readOnly = true)
    public RefundsView refunds(UUID caller, UUID paymentId) {
        TransferRepository.Refundable refundable = refundable(caller, paymentId, false);
        TransferView payment = refundable.payment();
        long left = payment.refundOf() != null ? 0 : payment.amountCents() - refundable.refundedCents();
        return new RefundsView(
                paymentId,
                payment.amountCents(),
                refundable.refundedCents(),
                refundable.windowOpen() ? left : 0,
                refundable.refundableUntil(),
                transfers.refundsOf(paymentId).stream()
                        .map(t -> TransferService.asSeenBy(caller, t))
                        .toList());
    }

    private TransferRepository.Refundable refundable(UUID caller, UUID paymentId, boolean lock) {
        return transfers
                .refundable(paymentId, settings.refundWindow(), lock)
                .filter(r -> r.payment().senderId().equals(caller)
                        || r.payment().receiverId().equals(caller))
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no transfer " + paymentId, Map.of("transfer_id", paymentId)));
    }

    /** At most {@code max} characters (code points, as the database counts them). */
    private static String truncate(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
