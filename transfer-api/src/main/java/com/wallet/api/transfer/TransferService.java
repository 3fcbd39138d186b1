package com.wallet.api.transfer;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.domain.TransferStatus;
import com.wallet.api.domain.Visibility;
import com.wallet.api.friends.Blocks;
import com.wallet.api.funding.CardCharges;
import com.wallet.api.idempotency.IdempotentExecutor;
import com.wallet.api.idempotency.StoredResponse;
import com.wallet.api.transfer.internal.TransferRepository;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.LockedWallet;
import com.wallet.ledger.Ledger.Payee;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import com.wallet.ledger.SqlBatch;
import com.wallet.ledger.SystemAccount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sending money: the card (if the waterfall needs it) is charged first, with no lock and no database connection held
 * while the network answers; then one short transaction locks the sender's wallet, checks the limits, runs the funding
 * waterfall (which must still need exactly what was charged) and posts the ledger entry. Payments of {@code POST
 * /v1/transfers} arriving together share that transaction (group commit, {@link #sendGroup}), each decided and
 * answered as alone.
 */
@Service
public class TransferService {

    /** @param paymentRequestId the request this transfer pays, or null */
    public record SendMoney(
            UUID receiverId, long amountCents, String note, Visibility visibility, UUID paymentRequestId) {}

    /**
     * What was charged to the card before the money transaction, for this one attempt: nothing, a charge (card part
     * and fee), or a decline to report if the waterfall still needs the card under the lock.
     */
    public record CardFunding(UUID chargeId, Money card, Money fee, DomainException declined) {
        public static final CardFunding NONE = new CardFunding(null, Money.ZERO, Money.ZERO, null);
    }

    /** The waterfall under the lock needs another card amount than was charged before it: void and start again. */
    static final class FundingChanged extends RuntimeException {
        FundingChanged(String message) {
            super(message, null, false, false);
        }
    }

    private static final int FUNDING_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final TransferRepository transfers;
    private final Ledger ledger;
    private final AuditLog audit;
    private final TransferSettings settings;
    private final TransferMetrics metrics;
    private final CardCharges cardCharges;
    private final IdempotentExecutor idempotency;
    private final TransactionTemplate tx;
    /** Payments of {@code POST /v1/transfers} posted in groups (issue 16), or null to post each alone. */
    private final GroupCommit<Member, Grouped> groups;
    /** Off: every payment is posted alone (TransferBench's A/B of group commit). */
    private volatile boolean grouping = true;

    TransferService(
            TransferRepository transfers,
            Ledger ledger,
            AuditLog audit,
            TransferSettings settings,
            TransferMetrics metrics,
            CardCharges cardCharges,
            IdempotentExecutor idempotency,
            TransactionTemplate tx) {
        this.tx = tx;
        this.groups = settings.groupMaxMembers() > 1
                ? new GroupCommit<>(
                        settings.groupMaxMembers(),
                        settings.groupMaxRunning(),
                        settings.groupMinBeside(),
                        TransferService::fits,
                        this::sendGroup)
                : null;
        if (groups != null) {
            metrics.queued(groups::queued);
        }
        this.cardCharges = cardCharges;
        this.idempotency = idempotency;
        this.transfers = transfers;
        this.ledger = ledger;
        this.audit = audit;
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * Moves money at most once per idempotency key, funding it by card if needed before the money transaction:
     * {@code money} runs inside the key's transaction with what was charged. A replay never charges; a charge that
     * ends up unused (a refusal, a rollback, a replay won by a concurrent duplicate) is voided.
     *
     * @param payment the payment as the caller sees it before any lock, to decide whether a card is needed; empty
     *     when it cannot be paid anyway (the transaction then reports why)
     */
    public StoredResponse execute(
            UUID payer,
            String key,
            String request,
            Optional<SendMoney> payment,
            Function<CardFunding, StoredResponse> money) {
        return executeBatched(
                payer, key, request, payment, start -> null, (card, nothing, writes) -> money.apply(card));
    }

    /**
     * {@code POST /v1/transfers}: {@link #send(UUID, SendMoney, CardFunding)} at most once per key, the sender's lock
     * and the reads behind it sent with the key (one round trip), the writes with the stored response and the commit
     * (another: {@link IdempotentExecutor#executeBatched}).
     */
    public StoredResponse send(UUID payer, String key, String request, SendMoney payment) {
        if (groups != null && grouping) {
            IdempotentExecutor.checkKey(key);
            Grouped grouped = groups.submit(new Member(payer, key, request, payment, MDC.getCopyOfContextMap()));
            if (grouped.response() != null) {
                return grouped.response();
            }
        }
        return executeBatched(
                payer,
                key,
                request,
                Optional.of(payment),
                start -> lock(start, payer, payment.receiverId()),
                (card, locking, writes) -> idempotency.json(201, send(payer, payment, card, locking, writes)));
    }

    /** Turns group commit off (every payment posted alone) or on again, at run time: for an A/B in one run. */
    public void grouping(boolean on) {
        grouping = on;
    }

    /** A payment of {@code POST /v1/transfers} waiting for its group, with its request's log context. */
    private record Member(UUID payer, String key, String request, SendMoney payment, Map<String, String> context) {}

    /** What became of a member: its response, committed with the group, or null to be sent alone. */
    private record Grouped(StoredResponse response) {
        static final Grouped ALONE = new Grouped(null);
    }

    /**
     * Whether {@code next} may join a group, given its members so far and those of the groups running: not the
     * sender of another (a wallet is decided once per group, one key per user, and groups never wait for each other's
     * wallet locks), and neither paying another's sender nor paid by another's receiver: what a member decides never
     * depends on another's credit, and two groups never meet on a wallet's unsettled-funds rows in opposite orders
     * (one crediting the rows of a wallet the other spends from, and the other way round: a deadlock).
     */
    private static boolean fits(List<Member> group, Member next) {
        for (Member m : group) {
            if (m.payer().equals(next.payer())
                    || m.payer().equals(next.payment().receiverId())
                    || m.payment().receiverId().equals(next.payer())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Posts a group of payments in one transaction and two round trips (issue 16's group commit): the keys claimed
     * by one statement, every sender's wallet locked by one (in id order) with what is read behind it, then each
     * payment decided as alone ({@link #decide}), and the writes of all, their stored responses and the commit in the
     * second round trip. A refused member stores its refusal under its key, as alone. A member whose key was used
     * before, or who needs the card (charged before any lock, so alone), is sent alone after the group; if the group
     * fails as a whole (a deadlock, a statement's error), every member is: nothing of it was committed, or what was
     * is replayed from the keys.
     */
    private List<Grouped> sendGroup(List<Member> members) {
        long started = System.nanoTime();
        // each member's response once the group has committed; none for a member sent alone
        List<StoredResponse> responses = new ArrayList<>(java.util.Collections.nCopies(members.size(), null));
        try {
            tx.executeWithoutResult(status -> {
                SqlBatch start = ledger.batch();
                // a group's statements take arrays, so their texts are the same for every size: each is planned
                // once for all sizes (a custom plan per call would cost more than running it)
                start.add("SET LOCAL plan_cache_mode = force_generic_plan");
                SqlBatch.Rows<UUID> claimed = idempotency.claim(
                        start,
                        members.stream().map(Member::payer).toList(),
                        members.stream().map(Member::key).toList(),
                        members.stream().map(Member::request).toList());
                SqlBatch.Rows<LockedWallet> wallets = ledger.lockWallets(
                        start, members.stream().map(Member::payer).toList());
                SqlBatch.Rows<Payee> payees = ledger.payees(
                        start,
                        members.stream().map(m -> m.payment().receiverId()).toList());
                SqlBatch.Rows<Map.Entry<UUID, TransferRepository.Sender>> senders = transfers.senders(
                        start, members.stream().map(Member::payer).toList());
                start.send();
                Map<UUID, Payee> payee = new java.util.HashMap<>();
                payees.list().forEach(p -> payee.put(p.userId(), p));
                Map<UUID, TransferRepository.Sender> sender = new java.util.HashMap<>();
                senders.list().forEach(e -> sender.put(e.getKey(), e.getValue()));
                metrics.lockTook(System.nanoTime() - started);
                java.util.Set<UUID> fresh = new java.util.HashSet<>(claimed.list());
                Map<UUID, LockedWallet> locked = Ledger.byUser(wallets.list());
                SqlBatch writes = ledger.batch();
                List<Decision> decided = new ArrayList<>();
                List<Member> released = new ArrayList<>();
                for (int i = 0; i < members.size(); i++) {
                    Member m = members.get(i);
                    if (!fresh.contains(m.payer())) {
                        continue; // used before: replayed alone
                    }
                    if (!locked.containsKey(m.payer())) {
                        released.add(m); // no wallet: alone says so
                        continue;
                    }
                    int member = i;
                    inContext(m.context(), () -> {
                        try {
                            Decision d = decide(
                                    m.payer(),
                                    m.payment(),
                                    CardFunding.NONE,
                                    locked.get(m.payer()),
                                    payee.get(m.payment().receiverId()),
                                    sender.get(m.payer()));
                            decided.add(d);
                            responses.set(member, idempotency.json(201, d.transfer()));
                        } catch (FundingChanged e) {
                            released.add(m); // the card is charged alone
                        } catch (DomainException e) {
                            metrics.rejected(e.problem().name().toLowerCase(java.util.Locale.ROOT));
                            responses.set(member, idempotency.refused(m.payer(), m.key(), m.request(), e));
                        }
                    });
                }
                idempotency.release(
                        writes,
                        released.stream().map(Member::payer).toList(),
                        released.stream().map(Member::key).toList());
                write(decided, writes);
                List<Integer> answered = java.util.stream.IntStream.range(0, members.size())
                        .filter(i -> responses.get(i) != null)
                        .boxed()
                        .toList();
                idempotency.store(
                        writes,
                        answered.stream().map(i -> members.get(i).payer()).toList(),
                        answered.stream().map(i -> members.get(i).key()).toList(),
                        answered.stream().map(responses::get).toList());
                writes.commit();
                writes.send();
            });
        } catch (RuntimeException e) {
            metrics.groupFailed();
            if (com.wallet.api.web.DatabaseUnavailable.is(e)) {
                // alone each would wait for a connection again: every member is answered 503 now, and its retry
                // with the same key tells what committed
                log.warn("a group of {} payments failed, the database unavailable: {}", members.size(), e.toString());
                throw e;
            }
            log.warn("a group of {} payments failed; each is sent alone: {}", members.size(), e.toString());
            return new ArrayList<>(java.util.Collections.nCopies(members.size(), Grouped.ALONE));
        }
        metrics.grouped(members.size(), System.nanoTime() - started);
        return responses.stream()
                .map(r -> r == null ? Grouped.ALONE : new Grouped(r))
                .toList();
    }

    /**
     * Runs {@code work} in another request's log context (a group's member, whose audit row and log line carry its
     * request id and client address), then puts this thread's back.
     */
    private static void inContext(Map<String, String> context, Runnable work) {
        Map<String, String> outer = MDC.getCopyOfContextMap();
        MDC.setContextMap(context == null ? Map.of() : context);
        try {
            work.run();
        } finally {
            MDC.setContextMap(outer == null ? Map.of() : outer);
        }
    }

    /** A money action given what its prelude read in the key's round trip. */
    @FunctionalInterface
    private interface Action<P> {
        StoredResponse apply(CardFunding card, P read, SqlBatch writes);
    }

    private <P> StoredResponse executeBatched(
            UUID payer,
            String key,
            String request,
            Optional<SendMoney> payment,
            Function<SqlBatch, P> prelude,
            Action<P> money) {
        IdempotentExecutor.checkKey(key);
        int charged = 0;
        for (int attempt = 1; ; attempt++) {
            // The first attempt goes straight to the money transaction: most payments need no card (the balance or
            // the bank pays), and the transaction finds out under the lock. One that needs the card comes back from it
            // (FundingChanged, before anything is written) for the preflight and the charge, made with no lock held.
            boolean straight = attempt == 1;
            CardFunding card = CardFunding.NONE;
            if (!straight) {
                // one round trip: is the key used, and what would the waterfall need without a lock
                TransferRepository.Preflight preflight = transfers.preflight(
                        payer, key, payment.map(SendMoney::receiverId).orElse(null));
                if (preflight.keyUsed()) {
                    Optional<StoredResponse> stored = idempotency.stored(payer, key, request);
                    if (stored.isPresent()) {
                        return stored.get();
                    }
                }
                card = payment.map(p -> chargeIfNeeded(payer, p, preflight)).orElse(CardFunding.NONE);
            }
            CardFunding funding = card;
            boolean captured = false;
            try {
                StoredResponse response = idempotency.executeBatched(
                        payer, key, request, prelude, (read, writes) -> money.apply(funding, read, writes));
                captured = !response.replayed() && response.status() == 201;
                return response;
            } catch (FundingChanged e) {
                if (straight) {
                    continue; // the card is needed: charge it first
                }
                charged++;
                metrics.rejected("funding_changed");
                log.info("attempt {} with a card charge: {}", charged, e.getMessage());
                if (charged == FUNDING_ATTEMPTS) {
                    throw new DomainException(
                            Problem.FUNDING_CHANGED,
                            "the wallet's balance kept changing while the card was charged; nothing was kept",
                            Map.of("attempts", charged));
                }
            } finally {
                if (funding.chargeId() != null && !captured) {
                    cardCharges.resolveSoon(funding.chargeId());
                }
            }
        }
    }

    /**
     * The waterfall as it looks before the lock; charges the card part it needs (a decline is returned, not thrown,
     * so the money transaction can store it under the key). Nothing is charged for what would be refused anyway.
     */
    private CardFunding chargeIfNeeded(UUID senderId, SendMoney request, TransferRepository.Preflight preflight) {
        if (request.amountCents() < settings.minAmountCents()
                || request.amountCents() > settings.maxAmountCents()
                || senderId.equals(request.receiverId())
                || !preflight.payable()
                || preflight.sources().card().isEmpty()) {
            return CardFunding.NONE;
        }
        TransferRepository.FundingSources sources = preflight.sources();
        Funding funding;
        try {
            funding = Funding.plan(
                    Money.ofCents(request.amountCents()),
                    preflight.available(),
                    sources.bank().isPresent(),
                    sources.card().isPresent(),
                    settings.cardFeeBasisPoints());
        } catch (DomainException e) {
            return CardFunding.NONE;
        }
        if (!funding.card().isPositive()) {
            return CardFunding.NONE;
        }
        try {
            UUID charge = cardCharges.charge(
                    senderId,
                    sources.card().orElseThrow(),
                    funding.card().plus(funding.fee()).cents());
            return new CardFunding(charge, funding.card(), funding.fee(), null);
        } catch (DomainException declined) {
            return new CardFunding(null, funding.card(), funding.fee(), declined);
        }
    }

    /** Runs inside the caller's transaction (the idempotency key's), with what was charged to the card before it. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TransferView send(UUID senderId, SendMoney request, CardFunding card) {
        SqlBatch writes = ledger.batch();
        TransferView sent = send(senderId, request, card, null, writes);
        writes.send();
        return sent;
    }

    /**
     * The sender's wallet lock and what is read once it is granted, as statements of {@code batch}: the sender's
     * wallet, the receiver's wallet and owner's status, what the sender sent in the last day and week (so no
     * concurrent transfer of this sender can slip past the limits) and its funding sources. The receiver's wallet is
     * not locked: a credit needs no lock, so a popular receiver does not serialize its payers.
     */
    private Locking lock(SqlBatch batch, UUID senderId, UUID receiverId) {
        return new Locking(
                ledger.lockWallets(batch, List.of(senderId)),
                ledger.payee(batch, receiverId),
                transfers.sender(batch, senderId),
                System.nanoTime());
    }

    /** The answers of {@link #lock}, once its batch is sent; {@code started}: when it was about to be. */
    private record Locking(
            SqlBatch.Rows<LockedWallet> wallet,
            SqlBatch.Rows<Payee> payee,
            SqlBatch.Rows<TransferRepository.Sender> sender,
            long started) {}

    /**
     * {@link #send(UUID, SendMoney, CardFunding)} with its writes (the transfer, its ledger entry, where unsettled
     * money now is, the card's capture, the audit row) added to {@code writes} for the caller to send: nothing is
     * written until then. The wallet stays locked (this transaction holds it) and every check has been made.
     *
     * @param locking the lock taken in the key's round trip, or null to take it here
     */
    private TransferView send(UUID senderId, SendMoney request, CardFunding card, Locking locking, SqlBatch writes) {
        long started = System.nanoTime();
        try {
            TransferView sent = doSend(senderId, request, card, locking, writes);
            metrics.totalTook(System.nanoTime() - started);
            return sent;
        } catch (DomainException e) {
            metrics.rejected(e.problem().name().toLowerCase(java.util.Locale.ROOT));
            throw e;
        }
    }

    private TransferView doSend(
            UUID senderId, SendMoney request, CardFunding card, Locking prelocked, SqlBatch writes) {
        Locking locking = prelocked;
        if (locking == null) {
            checkRequest(senderId, request);
            // one round trip: the lock and what is read behind it
            SqlBatch batch = ledger.batch();
            locking = lock(batch, senderId, request.receiverId());
            batch.send();
        }
        metrics.lockTook(System.nanoTime() - locking.started());
        Decision decision = decide(
                senderId,
                request,
                card,
                locking.wallet().single(),
                locking.payee().list().isEmpty() ? null : locking.payee().single(),
                locking.sender().single());
        write(List.of(decision), writes);
        return decision.transfer();
    }

    /** The checks made before any lock: the amount allowed, not to oneself. */
    private void checkRequest(UUID senderId, SendMoney request) {
        settings.requireAmountAllowed(request.amountCents());
        if (senderId.equals(request.receiverId())) {
            throw new DomainException(Problem.SELF_TRANSFER, "sender and receiver are the same user");
        }
    }

    /**
     * A payment decided under its sender's wallet lock, not written yet: the transfer as it will be answered, the
     * waterfall's split, and the log context of the request that asked for it (its audit row is dated and placed by
     * it: request id, client address), as a group of payments is written by one request's thread.
     */
    record Decision(
            TransferView transfer,
            LockedWallet from,
            Payee to,
            Funding funding,
            Optional<TransferRepository.BankDebit> bankDebit,
            UUID cardCharge,
            Map<String, String> context) {}

    /**
     * Decides a payment under the sender's wallet lock ({@code from}) with what was read behind it: the parties'
     * status, the limits, the waterfall (which must need exactly the card part charged before, if any). Throws the
     * refusal, or {@link FundingChanged} when the card is needed and was not charged; writes nothing.
     */
    private Decision decide(
            UUID senderId,
            SendMoney request,
            CardFunding card,
            LockedWallet from,
            Payee to,
            TransferRepository.Sender sender) {
        Money amount = Money.ofCents(request.amountCents());
        checkRequest(senderId, request);
        if (from.ownerFrozen()) {
            throw new DomainException(
                    Problem.ACCOUNT_FROZEN, "the sender's account is frozen", Map.of("user_id", senderId));
        }
        // a receiver who blocked the sender is answered as one who does not exist (a block is not revealed)
        if (to == null || sender.blockedBy().contains(request.receiverId())) {
            throw new DomainException(
                    Problem.UNKNOWN_RECEIVER,
                    "no user " + request.receiverId(),
                    Map.of("receiver_id", request.receiverId()));
        }
        if (sender.blocking().contains(request.receiverId())) {
            throw Blocks.blocking(request.receiverId());
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
        Visibility visibility = Visibility.orDefault(request.visibility(), from.ownerDefaultVisibility());

        checkLimits(sender.sent(), amount, settings);

        TransferRepository.FundingSources sources = sender.sources();
        Funding funding = Funding.plan(
                amount,
                from.available(),
                sources.bank().isPresent(),
                sources.card().isPresent(),
                settings.cardFeeBasisPoints());
        if (!funding.card().equals(card.card()) || !funding.fee().equals(card.fee())) {
            throw new FundingChanged("the waterfall needs " + funding.card() + " from the card under the lock; "
                    + card.card() + " was arranged before it");
        }
        if (funding.card().isPositive() && card.declined() != null) {
            throw card.declined();
        }
        UUID transferId = UUID.randomUUID();
        TransferView draft = new TransferView(
                transferId,
                senderId,
                to.userId(),
                amount.cents(),
                request.note(),
                visibility,
                TransferStatus.COMPLETED,
                // dated under the sender's lock, so the response is complete before anything is written
                sender.now(),
                new TransferView.FundingView(
                        funding.balance().cents(),
                        funding.bank().cents(),
                        funding.card().cents(),
                        funding.fee().cents()),
                request.paymentRequestId(),
                null);
        return new Decision(
                draft,
                from,
                to,
                funding,
                sources.bank()
                        .filter(bank -> funding.bank().isPositive())
                        .map(bank -> new TransferRepository.BankDebit(
                                UUID.randomUUID(), bank, funding.bank().cents())),
                // the card was charged before this transaction; a failure here rolls back and the charge is voided
                funding.card().isPositive() ? card.chargeId() : null,
                MDC.getCopyOfContextMap());
    }

    /**
     * Adds the writes of decided payments to {@code writes}, for the caller to send: the transfers (and their bank
     * debits), their ledger entries (one statement for all), where unsettled bank money now is (funds availability:
     * it stays unsettled wherever it goes), the cards' captures and the audit rows. One payment or a group of them
     * (distinct senders, none of them a receiver of the group): the same statements.
     */
    private void write(List<Decision> decisions, SqlBatch writes) {
        if (decisions.isEmpty()) {
            return;
        }
        transfers.insert(
                writes,
                decisions.stream()
                        .map(d -> new TransferRepository.NewTransfer(d.transfer(), d.bankDebit()))
                        .toList());
        ledger.post(
                writes,
                decisions.stream()
                        .map(d -> new Ledger.Posting(
                                UUID.randomUUID(),
                                EntryKind.TRANSFER,
                                Reference.transfer(d.transfer().id()),
                                lines(
                                        d.from(),
                                        d.to(),
                                        Money.ofCents(d.transfer().amountCents()),
                                        d.funding())))
                        .toList());
        ledger.carryUnsettled(
                writes,
                decisions.stream()
                        .map(d -> new Ledger.Carry(d.from(), d.funding().balance(), d.to().accountId()))
                        .toList());
        ledger.addUnsettled(
                writes,
                decisions.stream()
                        .flatMap(d -> d.bankDebit().stream()
                                .map(debit -> new Ledger.NewUnsettled(
                                        d.to().accountId(),
                                        debit.id(),
                                        d.funding().bank())))
                        .toList());
        for (Decision d : decisions) {
            if (d.cardCharge() != null) {
                cardCharges.captured(writes, d.cardCharge(), d.transfer().id());
            }
        }
        List<Object[]> audited = new ArrayList<>();
        for (Decision d : decisions) {
            // the audit row and the log line in the context of the request that asked for the payment
            inContext(d.context(), () -> {
                MDC.put("transfer_id", d.transfer().id().toString());
                Funding funding = d.funding();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("receiver_id", d.to().userId());
                details.put("amount_cents", d.transfer().amountCents());
                details.put("balance_cents", funding.balance().cents());
                details.put("bank_cents", funding.bank().cents());
                details.put("card_cents", funding.card().cents());
                details.put("fee_cents", funding.fee().cents());
                audited.add(audit.row(
                        d.transfer().senderId(),
                        "transfer.created",
                        "transfer",
                        d.transfer().id(),
                        details));
                metrics.completed(funding, d.transfer().amountCents());
                log.info(
                        "transfer {} of {} cents from {} to {} funded by {}",
                        d.transfer().id(),
                        d.transfer().amountCents(),
                        d.transfer().senderId(),
                        d.to().userId(),
                        funding.source());
            });
        }
        audit.record(writes, audited);
    }

    private static List<Line> lines(LockedWallet from, Payee to, Money amount, Funding funding) {
        List<Line> lines = new ArrayList<>();
        if (funding.balance().isPositive()) {
            lines.add(new Line(from.accountId(), funding.balance().negate()));
        }
        if (funding.bank().isPositive()) {
            lines.add(
                    Line.of(SystemAccount.BANK_FUNDING_CLEARING, funding.bank().negate()));
        }
        if (funding.card().isPositive()) {
            lines.add(Line.of(
                    SystemAccount.CARD_FUNDING_CLEARING,
                    funding.card().plus(funding.fee()).negate()));
        }
        if (funding.fee().isPositive()) {
            lines.add(Line.of(SystemAccount.FEE_REVENUE, funding.fee()));
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

    /** Refuses an amount that would take the sender past the daily or weekly limit (call under the sender's lock). */
    public static void checkLimits(TransferRepository.Sent sent, Money amount, TransferSettings settings) {
        checkLimit("daily", sent.lastDayCents(), amount, settings.dailyLimitCents());
        checkLimit("weekly", sent.lastWeekCents(), amount, settings.weeklyLimitCents());
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

    /**
     * The transfer as {@code caller} may see it: the funding split (how much came from the balance, the bank, the
     * card, and the fee) is the sender's business only; shown to the receiver it would reveal the sender's balance.
     */
    static TransferView asSeenBy(UUID caller, TransferView t) {
        if (t.senderId().equals(caller)) {
            return t;
        }
        return new TransferView(
                t.id(),
                t.senderId(),
                t.receiverId(),
                t.amountCents(),
                t.note(),
                t.visibility(),
                t.status(),
                t.createdAt(),
                null,
                t.paymentRequestId(),
                t.refundOf());
    }

    /** A transfer, if the caller is its sender or receiver; anyone else is told it does not exist. */
    @Transactional(readOnly = true)
    public TransferView get(UUID caller, UUID transferId) {
        return transfers
                .find(transferId)
                .filter(t -> t.senderId().equals(caller) || t.receiverId().equals(caller))
                .map(t -> asSeenBy(caller, t))
                .orElseThrow(() -> new DomainException(
                        Problem.NOT_FOUND, "no transfer " + transferId, Map.of("transfer_id", transferId)));
    }

    @Transactional(readOnly = true)
    public PageCursor.Page<TransferView> history(UUID userId, int limit, String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<TransferView> rows = transfers.history(userId, after.time(), after.id(), limit + 1).stream()
                .map(t -> asSeenBy(userId, t))
                .toList();
        return PageCursor.page(rows, limit, TransferView::createdAt, TransferView::id);
    }
}
