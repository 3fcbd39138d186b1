package com.wallet.api.transfer;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.funding.CardCharges;
import com.wallet.api.ledger.Ledger;
import com.wallet.api.ledger.Ledger.Line;
import com.wallet.api.ledger.Ledger.LockedWallet;
import com.wallet.api.ledger.Ledger.SystemAccount;
import com.wallet.api.money.Money;
import com.wallet.api.transfer.internal.TransferRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Sending money: one transaction that locks both wallets, runs the funding waterfall and posts the ledger entry. */
@Service
public class TransferService {

    /** @param paymentRequestId the request this transfer pays, or null */
    public record SendMoney(UUID receiverId, long amountCents, String note, String visibility, UUID paymentRequestId) {}

    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final TransferRepository transfers;
    private final Ledger ledger;
    private final AuditLog audit;
    private final TransferSettings settings;
    private final TransferMetrics metrics;
    private final CardCharges cardCharges;

    TransferService(
            TransferRepository transfers,
            Ledger ledger,
            AuditLog audit,
            TransferSettings settings,
            TransferMetrics metrics,
            CardCharges cardCharges) {
        this.cardCharges = cardCharges;
        this.transfers = transfers;
        this.ledger = ledger;
        this.audit = audit;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** Runs inside the caller's transaction (the idempotency key's). */
    @Transactional(propagation = Propagation.MANDATORY)
    public TransferView send(UUID senderId, SendMoney request) {
        long started = System.nanoTime();
        try {
            TransferView sent = doSend(senderId, request, started);
            metrics.totalTook(System.nanoTime() - started);
            return sent;
        } catch (DomainException e) {
            metrics.rejected(e.problem().name().toLowerCase(java.util.Locale.ROOT));
            throw e;
        }
    }

    private TransferView doSend(UUID senderId, SendMoney request, long started) {
        Money amount = Money.ofCents(request.amountCents());
        if (request.amountCents() < settings.minAmountCents() || request.amountCents() > settings.maxAmountCents()) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "amount_cents must be from " + settings.minAmountCents() + " to " + settings.maxAmountCents()
                            + " per transfer, was " + request.amountCents(),
                    Map.of("max_amount_cents", settings.maxAmountCents()));
        }
        if (senderId.equals(request.receiverId())) {
            throw new DomainException(Problem.SELF_TRANSFER, "sender and receiver are the same user");
        }
        // one statement locks both wallets (ascending account id) and reads their owners' status
        long lockStarted = System.nanoTime();
        Map<UUID, LockedWallet> wallets = ledger.lockWallets(List.of(senderId, request.receiverId()));
        metrics.lockTook(System.nanoTime() - lockStarted);
        LockedWallet from = wallets.get(senderId);
        LockedWallet to = wallets.get(request.receiverId());
        if (from.ownerFrozen()) {
            throw new DomainException(
                    Problem.ACCOUNT_FROZEN, "the sender's account is frozen", Map.of("user_id", senderId));
        }
        if (to == null) {
            throw new DomainException(
                    Problem.UNKNOWN_RECEIVER,
                    "no user " + request.receiverId(),
                    Map.of("receiver_id", request.receiverId()));
        }
        if (to.ownerFrozen()) {
            throw new DomainException(
                    Problem.RECEIVER_UNAVAILABLE,
                    "the receiver cannot receive money right now",
                    Map.of("receiver_id", to.userId()));
        }
        if (from.restricted()) {
            throw restricted(senderId, from);
        }
        String visibility = request.visibility() != null
                ? request.visibility()
                : from.ownerDefaultVisibility() != null ? from.ownerDefaultVisibility() : "friends";

        // Under the sender's wallet lock: no concurrent transfer of this sender can slip past the limits.
        TransferRepository.Sender sender = transfers.sender(senderId);
        checkLimit("daily", sender.sent().lastDayCents(), amount, settings.dailyLimitCents());
        checkLimit("weekly", sender.sent().lastWeekCents(), amount, settings.weeklyLimitCents());

        TransferRepository.FundingSources sources = sender.sources();
        Funding funding = Funding.plan(
                amount,
                from.balance(),
                sources.bank().isPresent(),
                sources.card().isPresent(),
                settings.cardFeeBasisPoints());

        UUID transferId = UUID.randomUUID();
        MDC.put("transfer_id", transferId.toString());
        try {
            // the card is charged at the network before anything is written; a failure rolls everything back
            UUID cardCharge = funding.card().isPositive()
                    ? cardCharges.charge(
                            senderId,
                            sources.card().orElseThrow(),
                            funding.card().plus(funding.fee()).cents())
                    : null;
            TransferView draft = new TransferView(
                    transferId,
                    senderId,
                    to.userId(),
                    amount.cents(),
                    request.note(),
                    visibility,
                    "completed",
                    null,
                    new TransferView.FundingView(
                            funding.balance().cents(),
                            funding.bank().cents(),
                            funding.card().cents(),
                            funding.fee().cents()),
                    request.paymentRequestId());
            var createdAt = transfers.insert(
                    draft,
                    sources.bank()
                            .filter(bank -> funding.bank().isPositive())
                            .map(bank -> new TransferRepository.BankDebit(
                                    bank, funding.bank().cents())));
            ledger.post("transfer", transferId, lines(from, to, amount, funding));
            if (cardCharge != null) {
                cardCharges.captured(cardCharge, transferId);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("receiver_id", to.userId());
            details.put("amount_cents", amount.cents());
            details.put("balance_cents", funding.balance().cents());
            details.put("bank_cents", funding.bank().cents());
            details.put("card_cents", funding.card().cents());
            details.put("fee_cents", funding.fee().cents());
            audit.record(senderId, "transfer.created", "transfer", transferId, details);
            metrics.completed(funding, amount.cents());
            log.info(
                    "transfer {} of {} cents from {} to {} funded by {}",
                    transferId,
                    amount.cents(),
                    senderId,
                    to.userId(),
                    funding.source());
            return new TransferView(
                    draft.id(),
                    draft.senderId(),
                    draft.receiverId(),
                    draft.amountCents(),
                    draft.note(),
                    draft.visibility(),
                    draft.status(),
                    createdAt,
                    draft.funding(),
                    draft.paymentRequestId());
        } finally {
            MDC.remove("transfer_id");
        }
    }

    private static List<Line> lines(LockedWallet from, LockedWallet to, Money amount, Funding funding) {
        List<Line> lines = new ArrayList<>();
        if (funding.balance().isPositive()) {
            lines.add(new Line(from.accountId(), funding.balance().negate()));
        }
        if (funding.bank().isPositive()) {
            lines.add(new Line(
                    SystemAccount.BANK_FUNDING_CLEARING.id(), funding.bank().negate()));
        }
        if (funding.card().isPositive()) {
            lines.add(new Line(
                    SystemAccount.CARD_FUNDING_CLEARING.id(),
                    funding.card().plus(funding.fee()).negate()));
        }
        if (funding.fee().isPositive()) {
            lines.add(new Line(SystemAccount.FEE_REVENUE.id(), funding.fee()));
        }
        lines.add(new Line(to.accountId(), amount));
        return lines;
    }

    /** The wallet owes money after an ACH return: no sending or cashing out until incoming money repays it. */
    public static DomainException restricted(UUID userId, LockedWallet wallet) {
        return new DomainException(
                Problem.ACCOUNT_RESTRICTED,
                "a returned bank payment left this wallet "
                        + wallet.balance().negate().cents() + " cents in debt; money received repays it",
                Map.of("user_id", userId, "balance_cents", wallet.balance().cents()));
    }

    private static void checkLimit(String window, long alreadySent, Money amount, long limit) {
        if (Math.addExact(alreadySent, amount.cents()) > limit) {
            throw new DomainException(
                    Problem.LIMIT_EXCEEDED,
                    "this transfer would take the " + window + " sending total to "
                            + Math.addExact(alreadySent, amount.cents()) + " cents; the limit is " + limit,
                    Map.of("window", window, "limit_cents", limit, "sent_cents", alreadySent));
        }
    }

    /** A transfer, if the caller is its sender or receiver; anyone else is told it does not exist. */
    @Transactional(readOnly = true)
    public TransferView get(UUID caller, UUID transferId) {
        return transfers
                .find(transferId)
                .filter(t -> t.senderId().equals(caller) || t.receiverId().equals(caller))
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no transfer " + transferId, Map.of("transfer_id", transferId)));
    }

    @Transactional(readOnly = true)
    public PageCursor.Page<TransferView> history(UUID userId, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<TransferView> rows = transfers.history(userId, after.time(), after.id(), limit + 1);
        return PageCursor.page(rows, limit, TransferView::createdAt, TransferView::id);
    }
}
