package com.wallet.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The double-entry ledger: the only code that writes {@code ledger_entries}, {@code ledger_lines},
 * {@code ledger_holds} and {@code unsettled_funds}. Every posting is a balanced set of lines (sum 0); wallets' cached
 * balances and held sums follow from their rows by database triggers, and lines never change afterwards.
 *
 * <p>Every method that writes or locks runs inside the caller's transaction (it refuses to run without one). Wallets
 * are locked by {@link #lockWallets} only, in ascending account id: the one lock order of every transaction. A hold
 * row is locked before the wallets it touches.
 *
 * <p>Money only reaching a wallet needs no lock on it: a credit goes on the wallet's row when no other transaction
 * holds it and is otherwise left beside it ({@code wallet_credits}) for the next transaction that holds the row to
 * fold in (V31). A wallet's balance is read from the view {@code wallet_balances} (row plus credits not folded yet).
 * So a payment locks its payer's wallet only, and a popular receiver does not serialize its payers.
 */
public final class Ledger {

    /**
     * A wallet as read under its row lock, with its owner's account status and default visibility (read in the same
     * statement, to save a round trip per party).
     *
     * @param held pending holds on it, still part of the balance
     * @param unsettled how much of the balance came from bank debits that have not settled
     * @param restricted an ACH return left it in debt: it may neither send nor cash out until repaid
     * @param ownerFrozen the owner's account is not active: frozen, or closed
     */
    public record LockedWallet(
            AccountId accountId,
            UUID userId,
            Money balance,
            Money held,
            Money unsettled,
            boolean restricted,
            boolean ownerFrozen,
            String ownerDefaultVisibility) {

        /** What may be spent now: the balance less what is held, never below zero. */
        public Money available() {
            return balance.minus(held).max0();
        }
    }

    /** Who a payment reaches: its wallet and whether its owner's account is frozen or closed (not active). */
    public record Payee(AccountId accountId, UUID userId, boolean ownerFrozen) {}

    public record Line(AccountId account, Money amount) {
        public static Line of(SystemAccount account, Money amount) {
            return new Line(account.id(), amount);
        }
    }

    /** What an entry belongs to: a transfer, a cashout, a top-up, or none (settlement of clearing accounts). */
    public record Reference(UUID transferId, UUID cashoutId, UUID topUpId) {
        public static final Reference NONE = new Reference(null, null, null);

        public static Reference transfer(UUID id) {
            return new Reference(id, null, null);
        }

        public static Reference cashout(UUID id) {
            return new Reference(null, id, null);
        }

        /** A top-up: money added to a wallet from the user's bank (its id is the bank debit's). */
        public static Reference topUp(UUID id) {
            return new Reference(null, null, id);
        }
    }

    public record Hold(
            UUID id,
            AccountId account,
            HoldKind kind,
            Money amount,
            HoldStatus status,
            Optional<Money> posted,
            UUID referenceId,
            Instant expiresAt,
            boolean overdue) {}

    /** Unsettled bank money of one debit in one wallet. */
    public record Unsettled(AccountId account, UUID userId, UUID debitId, Money amount) {}

    /** Wallets as they are (row plus the credits not folded into it yet), with their owners. */
    private static final String WALLETS = "SELECT a.id, a.user_id, a.balance_cents, a.held_cents, a.unsettled_cents,"
            + " a.restricted, u.status, u.default_visibility FROM wallet_balances a JOIN users u ON u.id = a.user_id";
    /**
     * The row lock of wallets: FOR NO KEY UPDATE excludes every other debit of them but not the foreign-key checks of
     * the lines and rows that credit them meanwhile.
     */
    private static final String LOCK_WALLETS = "SELECT id FROM ledger_accounts WHERE kind = 'wallet'"
            + " AND user_id = ANY(?) ORDER BY id FOR NO KEY UPDATE";
    /** {@link #LOCK_WALLETS} for one user: see {@link #lockWallets(SqlBatch, Collection)}. */
    private static final String LOCK_WALLET =
            "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ? FOR NO KEY UPDATE";

    private static final String HOLD_COLUMNS =
            "id, account_id, kind, amount_cents, status, posted_cents, reference_id, expires_at,"
                    + " (status = 'pending' AND expires_at <= clock_timestamp()) AS overdue";

    private final JdbcOperations operations;
    private final JdbcClient jdbc;

    public Ledger(JdbcOperations jdbc) {
        this.operations = jdbc;
        this.jdbc = JdbcClient.create(jdbc);
    }

    /**
     * An empty batch on the ledger's connection: the methods taking one add their statements to it instead of running
     * them, so that a transaction's ledger work and its other statements reach PostgreSQL in one round trip.
     */
    public SqlBatch batch() {
        return new SqlBatch(operations);
    }

    public AccountId openWallet(UUID userId) {
        requireTransaction();
        return AccountId.of(jdbc.sql("INSERT INTO ledger_accounts (kind, user_id) VALUES ('wallet', ?) RETURNING id")
                .param(userId)
                .query(Long.class)
                .single());
    }

    /**
     * Locks the users' wallets, in ascending account id, and returns them by user id; a user who does not exist is
     * absent from the map. Only the wallet rows are locked, not their owners' user rows.
     */
    public Map<UUID, LockedWallet> lockWallets(Collection<UUID> userIds) {
        SqlBatch batch = batch();
        SqlBatch.Rows<LockedWallet> wallets = lockWallets(batch, userIds);
        batch.send();
        return byUser(wallets.list());
    }

    /**
     * {@link #lockWallets(Collection)} as statements of {@code batch}: the wallets are read by a statement of their
     * own that starts once the locks are granted (so it sees every credit and fold committed before them), and reads
     * added after it run then too, in the same round trip (with {@link #byUser} to key the rows by user).
     */
    public SqlBatch.Rows<LockedWallet> lockWallets(SqlBatch batch, Collection<UUID> userIds) {
        requireTransaction();
        if (userIds.size() == 1) {
            // one user (a payment's sender) by "= ?": PostgreSQL plans a statement with "= ANY(?)" again at every
            // call, as its generic plan, costed for an array of ten, never beats the custom plans for one; these two
            // and two of ledger V37's spent about an eighth of a transfer's PostgreSQL time planning (issue 16, step 8)
            UUID id = userIds.iterator().next();
            batch.query(LOCK_WALLET, (rs, n) -> rs.getLong(1), id);
            return batch.query(WALLETS + " WHERE a.user_id = ?", Ledger::wallet, id);
        }
        Object ids = userIds.toArray(UUID[]::new);
        batch.query(LOCK_WALLETS, (rs, n) -> rs.getLong(1), ids);
        return batch.query(WALLETS + " WHERE a.user_id = ANY(?) ORDER BY a.id", Ledger::wallet, ids);
    }

    /**
     * The wallet of a user money only reaches (a payment's receiver), as a statement of {@code batch}: not locked (a
     * credit needs no lock, see the class comment) and without its balance, which a credit does not depend on (and
     * whose unsettled part a popular receiver would make long to sum). Empty if the user does not exist.
     */
    public SqlBatch.Rows<Payee> payee(SqlBatch batch, UUID userId) {
        return batch.query(PAYEES + " = ?", Ledger::payeeRow, userId);
    }

    /** {@link #payee} for many users in one statement; a user who does not exist has no row. */
    public SqlBatch.Rows<Payee> payees(SqlBatch batch, Collection<UUID> userIds) {
        return batch.query(PAYEES + " = ANY(?)", Ledger::payeeRow, (Object) userIds.toArray(UUID[]::new));
    }

    /** Wallets money reaches, by owner ({@link #payee}): the condition on the owner follows. */
    private static final String PAYEES = "SELECT a.id, a.user_id, u.status FROM ledger_accounts a"
            + " JOIN users u ON u.id = a.user_id WHERE a.kind = 'wallet' AND a.user_id";

    private static Payee payeeRow(ResultSet rs, int row) throws SQLException {
        return new Payee(AccountId.of(rs.getLong(1)), rs.getObject(2, UUID.class), !"active".equals(rs.getString(3)));
    }

    /** Locked wallets by their owner, in the order they were locked. */
    public static Map<UUID, LockedWallet> byUser(List<LockedWallet> wallets) {
        Map<UUID, LockedWallet> locked = new LinkedHashMap<>();
        wallets.forEach(w -> locked.put(w.userId(), w));
        return locked;
    }

    /** One user's wallet under its lock; the user must exist. */
    public LockedWallet lockWallet(UUID userId) {
        LockedWallet wallet = lockWallets(List.of(userId)).get(userId);
        if (wallet == null) {
            throw new IllegalStateException("user " + userId + " has no wallet");
        }
        return wallet;
    }

    /** A wallet without locking it (for views and plans made before the money transaction). */
    public Optional<LockedWallet> readWallet(UUID userId) {
        return jdbc.sql(WALLETS + " WHERE a.user_id = ?")
                .param(userId)
                .query(Ledger::wallet)
                .optional();
    }

    /** Marks a locked wallet as in debt, which the database requires before a line may take it below what it holds. */
    public void restrict(AccountId wallet) {
        requireTransaction();
        jdbc.sql("UPDATE ledger_accounts SET restricted = true WHERE id = ? AND kind = 'wallet'")
                .param(wallet.value())
                .update();
    }

    /** Writes one balanced entry; refuses an unbalanced, empty or zero-line one before it reaches the database. */
    public UUID post(EntryKind kind, Reference reference, List<Line> lines) {
        UUID entryId = UUID.randomUUID();
        post(entryId, kind, reference, lines);
        return entryId;
    }

    /**
     * {@link #post(EntryKind, Reference, List)} under an id the caller chose (to write it beside the entry, in the
     * same transaction, before the entry's lines are known).
     */
    public void post(UUID entryId, EntryKind kind, Reference reference, List<Line> lines) {
        SqlBatch batch = batch();
        post(batch, List.of(new Posting(entryId, kind, reference, lines)));
        batch.send();
    }

    /** {@link #post(EntryKind, Reference, List)} as a statement of {@code batch}; it is written when that is sent. */
    public UUID post(SqlBatch batch, EntryKind kind, Reference reference, List<Line> lines) {
        Posting posting = new Posting(UUID.randomUUID(), kind, reference, lines);
        post(batch, List.of(posting));
        return posting.entryId();
    }

    /** One balanced entry of {@link #post(SqlBatch, List)}: its id, kind, what it belongs to and its lines. */
    public record Posting(UUID entryId, EntryKind kind, Reference reference, List<Line> lines) {}

    /**
     * Writes many balanced entries as one statement of {@code batch} (a group of payments, issue 16): the entries and
     * all their lines in one insert each, so the ledger's per-statement triggers run once for all of them (V37: each
     * wallet changes once, by its net). Each entry is checked as {@link #post(EntryKind, Reference, List)} checks one.
     */
    public void post(SqlBatch batch, List<Posting> postings) {
        requireTransaction();
        if (postings.isEmpty()) {
            return;
        }
        List<Object> entryIds = new ArrayList<>();
        List<Object> lineEntries = new ArrayList<>();
        List<Object> accounts = new ArrayList<>();
        List<Object> amounts = new ArrayList<>();
        for (Posting p : postings) {
            check(p.kind(), p.lines());
            entryIds.add(p.entryId());
            for (Line line : p.lines()) {
                lineEntries.add(p.entryId());
                accounts.add(line.account().value());
                amounts.add(line.amount().cents());
            }
        }
        // the entries and their lines in one statement (one round trip); the lines go in the order given
        batch.add(
                "WITH entry AS (INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id, top_up_id)"
                        + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::uuid[], ?::uuid[]))"
                        + " INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                        + " SELECT entry_id, account_id, amount_cents FROM unnest(?::uuid[], ?::bigint[], ?::bigint[])"
                        + " WITH ORDINALITY AS l(entry_id, account_id, amount_cents, n) ORDER BY n",
                entryIds.toArray(UUID[]::new),
                postings.stream().map(p -> p.kind().dbName()).toArray(String[]::new),
                postings.stream().map(p -> p.reference().transferId()).toArray(UUID[]::new),
                postings.stream().map(p -> p.reference().cashoutId()).toArray(UUID[]::new),
                postings.stream().map(p -> p.reference().topUpId()).toArray(UUID[]::new),
                lineEntries.toArray(UUID[]::new),
                accounts.toArray(Long[]::new),
                amounts.toArray(Long[]::new));
    }

    /** Refuses an unbalanced, empty or zero-line entry before it reaches the database. */
    private static void check(EntryKind kind, List<Line> lines) {
        Money sum = Money.ZERO;
        for (Line line : lines) {
            if (line.amount().isZero()) {
                throw new IllegalArgumentException("a ledger line of 0 cents on " + line.account());
            }
            sum = sum.plus(line.amount());
        }
        if (lines.size() < 2 || !sum.isZero()) {
            throw new IllegalArgumentException("ledger entry " + kind + " must have 2+ lines summing to 0, had "
                    + lines.size() + " summing to " + sum);
        }
    }

    // ---- holds ----

    /**
     * Reserves {@code amount} of a wallet locked by the caller until {@code expiresIn} from now. Refuses more than the
     * wallet has available (its balance less what is already held).
     */
    public Hold hold(LockedWallet wallet, HoldKind kind, Money amount, UUID referenceId, Duration expiresIn) {
        requireTransaction();
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("a hold is of a positive amount, was " + amount);
        }
        if (wallet.restricted() || wallet.available().compareTo(amount) < 0) {
            throw new LedgerException.InsufficientFunds(wallet.restricted() ? Money.ZERO : wallet.available(), amount);
        }
        UUID id = UUID.randomUUID();
        return jdbc.sql("INSERT INTO ledger_holds (id, account_id, kind, amount_cents, reference_id, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, clock_timestamp() + ?::interval) RETURNING " + HOLD_COLUMNS)
                .params(
                        id,
                        wallet.accountId().value(),
                        kind.dbName(),
                        amount.cents(),
                        referenceId,
                        expiresIn.toMillis() + " milliseconds")
                .query(Ledger::hold)
                .single();
    }

    /** A hold under its row lock, so that only one transaction at a time can end it. */
    public Optional<Hold> lockHold(UUID holdId) {
        requireTransaction();
        return jdbc.sql("SELECT " + HOLD_COLUMNS + " FROM ledger_holds WHERE id = ? FOR UPDATE")
                .param(holdId)
                .query(Ledger::hold)
                .optional();
    }

    /** The hold of a reference (a cashout, say), under its row lock. */
    public Optional<Hold> lockHoldOf(UUID referenceId) {
        requireTransaction();
        return jdbc.sql("SELECT " + HOLD_COLUMNS + " FROM ledger_holds WHERE reference_id = ? FOR UPDATE")
                .param(referenceId)
                .query(Ledger::hold)
                .optional();
    }

    public Optional<Hold> findHold(UUID holdId) {
        return jdbc.sql("SELECT " + HOLD_COLUMNS + " FROM ledger_holds WHERE id = ?")
                .param(holdId)
                .query(Ledger::hold)
                .optional();
    }

    /**
     * Posts {@code amount} of a pending hold and releases the rest: one entry debits the held wallet by
     * {@code amount} and credits {@code credits} (which must add up to it). Exactly one of the posts, voids and
     * expiries of a hold succeeds; the others get {@link LedgerException.HoldEnded}, as does a post after the hold's
     * expiry time even before the sweep has marked it.
     */
    public UUID postHold(UUID holdId, Money amount, EntryKind kind, Reference reference, List<Line> credits) {
        Hold hold = pending(holdId);
        if (!amount.isPositive() || amount.compareTo(hold.amount()) > 0) {
            throw new IllegalArgumentException("hold " + holdId + " of " + hold.amount() + " cannot post " + amount);
        }
        if (hold.overdue()) {
            throw new LedgerException.HoldEnded(holdId, HoldStatus.EXPIRED, "expired at " + hold.expiresAt());
        }
        // the wallets the entry touches, locked in the one order (ascending id) before any of them changes
        List<Long> accounts = new ArrayList<>();
        accounts.add(hold.account().value());
        credits.forEach(l -> accounts.add(l.account().value()));
        jdbc.sql("SELECT id FROM ledger_accounts WHERE id = ANY(?) AND kind = 'wallet' ORDER BY id FOR NO KEY UPDATE")
                .param(accounts.toArray(Long[]::new))
                .query(Long.class)
                .list();
        UUID entryId = UUID.randomUUID();
        // release first (the held amount leaves held_cents), then post: the wallet never shows less than it holds
        jdbc.sql("UPDATE ledger_holds SET status = 'posted', posted_cents = ?, entry_id = ?,"
                        + " resolved_at = clock_timestamp() WHERE id = ?")
                .params(amount.cents(), entryId, holdId)
                .update();
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(hold.account(), amount.negate()));
        lines.addAll(credits);
        SqlBatch batch = batch();
        post(batch, List.of(new Posting(entryId, kind, reference, lines)));
        batch.send();
        return entryId;
    }

    /** Ends a pending hold without moving money; {@link LedgerException.HoldEnded} if it has ended already. */
    public void voidHold(UUID holdId) {
        pending(holdId);
        jdbc.sql("UPDATE ledger_holds SET status = 'voided', resolved_at = clock_timestamp() WHERE id = ?")
                .param(holdId)
                .update();
    }

    /** Marks up to {@code limit} pending holds past their expiry as expired (releasing them); returns them. */
    public List<Hold> expireHolds(int limit) {
        requireTransaction();
        return jdbc.sql("UPDATE ledger_holds SET status = 'expired', resolved_at = clock_timestamp()"
                        + " WHERE id IN (SELECT id FROM ledger_holds WHERE status = 'pending'"
                        + " AND expires_at <= clock_timestamp() ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                        + " RETURNING " + HOLD_COLUMNS)
                .param(limit)
                .query(Ledger::hold)
                .list();
    }

    private Hold pending(UUID holdId) {
        Hold hold = lockHold(holdId).orElseThrow(() -> new IllegalArgumentException("no hold " + holdId));
        if (hold.status() != HoldStatus.PENDING) {
            throw new LedgerException.HoldEnded(
                    holdId, hold.status(), "has ended: " + hold.status().dbName());
        }
        return hold;
    }

    // ---- funds availability ----

    /** Money of the bank debit {@code debitId} reached this wallet and is not settled yet. */
    public void addUnsettled(AccountId wallet, UUID debitId, Money amount) {
        SqlBatch batch = batch();
        addUnsettled(batch, wallet, debitId, amount);
        batch.send();
    }

    /** {@link #addUnsettled(AccountId, UUID, Money)} as a statement of {@code batch}. */
    public void addUnsettled(SqlBatch batch, AccountId wallet, UUID debitId, Money amount) {
        addUnsettled(batch, List.of(new NewUnsettled(wallet, debitId, amount)));
    }

    /** Unsettled money of a bank debit reaching a wallet: a row of {@link #addUnsettled(SqlBatch, List)}. */
    public record NewUnsettled(AccountId wallet, UUID debitId, Money amount) {}

    /**
     * {@link #addUnsettled(SqlBatch, AccountId, UUID, Money)} for many rows in one statement, in (wallet, debit)
     * order: every transaction adding several rows adds them in the one order, so two never wait for each other's.
     */
    public void addUnsettled(SqlBatch batch, List<NewUnsettled> rows) {
        requireTransaction();
        List<NewUnsettled> positive =
                rows.stream().filter(r -> r.amount().isPositive()).toList();
        if (positive.isEmpty()) {
            return;
        }
        batch.add(
                "INSERT INTO unsettled_funds (account_id, debit_id, amount_cents)"
                        + " SELECT account_id, debit_id, sum(amount_cents)::bigint"
                        + " FROM unnest(?::bigint[], ?::uuid[], ?::bigint[]) AS r(account_id, debit_id, amount_cents)"
                        + " GROUP BY account_id, debit_id ORDER BY account_id, debit_id"
                        + " ON CONFLICT (account_id, debit_id)"
                        + " DO UPDATE SET amount_cents = unsettled_funds.amount_cents + EXCLUDED.amount_cents",
                positive.stream().map(r -> r.wallet().value()).toArray(Long[]::new),
                positive.stream().map(NewUnsettled::debitId).toArray(UUID[]::new),
                positive.stream().map(r -> r.amount().cents()).toArray(Long[]::new));
    }

    /** A payment from a locked wallet: a row of {@link #carryUnsettled(SqlBatch, List)}. */
    public record Carry(LockedWallet from, Money spent, AccountId to) {}

    /**
     * {@link #carryUnsettled(SqlBatch, LockedWallet, Money, AccountId)} for payments from many locked wallets (each
     * once) in one statement: each sender's rows are walked in debit order as there, and what reaches the receivers
     * is written in (wallet, debit) order, so that two transactions carrying money to the same wallets never wait for
     * each other's rows in opposite orders. Nothing is run if no payment carries unsettled money.
     */
    public void carryUnsettled(SqlBatch batch, List<Carry> payments) {
        requireTransaction();
        List<Long> from = new ArrayList<>();
        List<Long> to = new ArrayList<>();
        List<Long> amounts = new ArrayList<>();
        for (Carry c : payments) {
            if (from.contains(c.from().accountId().value())) {
                throw new IllegalArgumentException(
                        "a sender carries once per statement: " + c.from().accountId());
            }
            Money moved = toMove(c.from(), c.spent());
            if (moved.isPositive()) {
                from.add(c.from().accountId().value());
                to.add(c.to().value());
                amounts.add(moved.cents());
            }
        }
        if (from.isEmpty()) {
            return;
        }
        if (from.size() == 1) {
            // one sender by "= ?": its plan probes the rows moved by their keys, and PostgreSQL keeps it; the form for
            // many, given one sender, was planned again at every call and read every row of the sender (issue 16)
            batch.add(
                    "WITH RECURSIVE src AS ((SELECT debit_id, amount_cents, 0::bigint AS before FROM unsettled_funds"
                            + " WHERE account_id = ? ORDER BY debit_id LIMIT 1)"
                            + " UNION ALL SELECT n.debit_id, n.amount_cents, s.before + s.amount_cents FROM src s,"
                            + " LATERAL (SELECT f.debit_id, f.amount_cents FROM unsettled_funds f WHERE f.account_id = ?"
                            + " AND f.debit_id > s.debit_id ORDER BY f.debit_id LIMIT 1) n"
                            + " WHERE s.before + s.amount_cents < ?::bigint),"
                            + " moved AS (SELECT debit_id, least(amount_cents, ?::bigint - before) AS part FROM src),"
                            + " dec AS (UPDATE unsettled_funds f SET amount_cents = f.amount_cents - m.part FROM moved m"
                            + " WHERE f.account_id = ? AND f.debit_id = m.debit_id AND f.amount_cents > m.part),"
                            + " del AS (DELETE FROM unsettled_funds f USING moved m"
                            + " WHERE f.account_id = ? AND f.debit_id = m.debit_id AND f.amount_cents <= m.part)"
                            + " INSERT INTO unsettled_funds (account_id, debit_id, amount_cents)"
                            + " SELECT ?, debit_id, part FROM moved ORDER BY debit_id ON CONFLICT (account_id, debit_id)"
                            + " DO UPDATE SET amount_cents = unsettled_funds.amount_cents + EXCLUDED.amount_cents",
                    from.get(0),
                    from.get(0),
                    amounts.get(0),
                    amounts.get(0),
                    from.get(0),
                    from.get(0),
                    to.get(0));
            return;
        }
        Long[] senders = from.toArray(Long[]::new);
        // the rows moved are named again by key where they are updated and deleted, senders and debits (each an
        // index condition): PostgreSQL takes a recursive query for ten times its first step, so for many senders it
        // read the whole table for the join instead of probing the rows moved (TransferBench's grouped replay), and
        // with the senders alone every row of theirs, twice (a hundred each in TransferBench: 2.5 ms a call, a
        // quarter of a grouped transfer's time in PostgreSQL); with the debits too, an index probe per pair (issue 16)
        batch.add(
                "WITH RECURSIVE pay AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS p(sa, ra, amount)),"
                        + " src AS ((SELECT p.sa, p.ra, p.amount, f.debit_id, f.amount_cents, 0::bigint AS before"
                        + " FROM pay p CROSS JOIN LATERAL (SELECT debit_id, amount_cents FROM unsettled_funds"
                        + " WHERE account_id = p.sa ORDER BY debit_id LIMIT 1) f)"
                        + " UNION ALL SELECT s.sa, s.ra, s.amount, n.debit_id, n.amount_cents, s.before + s.amount_cents"
                        + " FROM src s, LATERAL (SELECT f.debit_id, f.amount_cents FROM unsettled_funds f"
                        + " WHERE f.account_id = s.sa AND f.debit_id > s.debit_id ORDER BY f.debit_id LIMIT 1) n"
                        + " WHERE s.before + s.amount_cents < s.amount),"
                        + " moved AS (SELECT sa, ra, debit_id, least(amount_cents, amount - before) AS part FROM src),"
                        + " dec AS (UPDATE unsettled_funds f SET amount_cents = f.amount_cents - m.part FROM moved m"
                        + " WHERE f.account_id = m.sa AND f.debit_id = m.debit_id AND f.amount_cents > m.part"
                        + " AND f.account_id = ANY(?::bigint[]) AND f.debit_id = ANY(ARRAY(SELECT debit_id FROM moved))),"
                        + " del AS (DELETE FROM unsettled_funds f USING moved m WHERE f.account_id = m.sa"
                        + " AND f.debit_id = m.debit_id AND f.amount_cents <= m.part AND f.account_id = ANY(?::bigint[])"
                        + " AND f.debit_id = ANY(ARRAY(SELECT debit_id FROM moved)))"
                        + " INSERT INTO unsettled_funds (account_id, debit_id, amount_cents)"
                        + " SELECT ra, debit_id, sum(part)::bigint FROM moved GROUP BY ra, debit_id ORDER BY ra, debit_id"
                        + " ON CONFLICT (account_id, debit_id)"
                        + " DO UPDATE SET amount_cents = unsettled_funds.amount_cents + EXCLUDED.amount_cents",
                senders,
                to.toArray(Long[]::new),
                amounts.toArray(Long[]::new),
                senders,
                senders);
    }

    /**
     * What of {@code spent} leaves as unsettled money: what the sender's remaining balance can no longer contain
     * (settled money counts as leaving first).
     */
    private static Money toMove(LockedWallet from, Money spent) {
        if (!from.unsettled().isPositive() || !spent.isPositive()) {
            return Money.ZERO;
        }
        Money remaining = from.balance().minus(spent).max0();
        return spent.min(from.unsettled().minus(remaining).max0());
    }

    /**
     * After {@code from} (locked) paid {@code spent} of its balance to {@code to}: unsettled money the
     * sender's remaining balance can no longer contain went with the payment, so it stays unsettled at the receiver.
     * What leaves is counted as settled money first. Nothing to do, and no statement run, for a sender without
     * unsettled money.
     */
    public void carryUnsettled(LockedWallet from, Money spent, AccountId to) {
        SqlBatch batch = batch();
        carryUnsettled(batch, from, spent, to);
        batch.send();
    }

    /**
     * {@link #carryUnsettled(LockedWallet, Money, AccountId)} as one statement of {@code batch}: the sender's rows in
     * debit order give what leaves until it is covered (a running sum), each part moves off the sender's row (deleted
     * when used up) onto the receiver's. The rows are walked one primary-key probe at a time and the walk stops once
     * the amount is covered (a recursive query), so a payment reads the rows it takes, not every row the sender has: a
     * window sum over all of them was the transfer's costliest statement (TransferBench, 200 rows per wallet).
     */
    public void carryUnsettled(SqlBatch batch, LockedWallet from, Money spent, AccountId to) {
        carryUnsettled(batch, List.of(new Carry(from, spent, to)));
    }

    /** Where the unsettled money of a bank debit is now, by wallet. */
    public List<Unsettled> unsettledOf(UUID debitId) {
        return jdbc.sql("SELECT f.account_id, a.user_id, f.debit_id, f.amount_cents"
                        + " FROM unsettled_funds f JOIN ledger_accounts a ON a.id = f.account_id"
                        + " WHERE f.debit_id = ? ORDER BY f.account_id")
                .param(debitId)
                .query(Ledger::unsettled)
                .list();
    }

    /** Takes {@code amount} off the unsettled money of one debit in one wallet (it settled, was taken back, moved). */
    public void reduceUnsettled(Unsettled row, Money amount) {
        requireTransaction();
        if (amount.compareTo(row.amount()) >= 0) {
            jdbc.sql("DELETE FROM unsettled_funds WHERE account_id = ? AND debit_id = ?")
                    .params(row.account().value(), row.debitId())
                    .update();
        } else {
            jdbc.sql("UPDATE unsettled_funds SET amount_cents = amount_cents - ? WHERE account_id = ? AND debit_id = ?")
                    .params(amount.cents(), row.account().value(), row.debitId())
                    .update();
        }
    }

    /** The bank debit settled (or was taken back in full): none of its money is unsettled any more. */
    public void release(UUID debitId) {
        requireTransaction();
        jdbc.sql("DELETE FROM unsettled_funds WHERE debit_id = ?")
                .param(debitId)
                .update();
    }

    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the ledger writes and locks only inside a transaction");
        }
    }

    private static LockedWallet wallet(ResultSet rs, int row) throws SQLException {
        return new LockedWallet(
                AccountId.of(rs.getLong("id")),
                rs.getObject("user_id", UUID.class),
                Money.ofCents(rs.getLong("balance_cents")),
                Money.ofCents(rs.getLong("held_cents")),
                Money.ofCents(rs.getLong("unsettled_cents")),
                rs.getBoolean("restricted"),
                !"active".equals(rs.getString("status")),
                rs.getString("default_visibility"));
    }

    private static Hold hold(ResultSet rs, int row) throws SQLException {
        long posted = rs.getLong("posted_cents");
        boolean wasPosted = !rs.wasNull();
        Timestamp expires = rs.getTimestamp("expires_at");
        return new Hold(
                rs.getObject("id", UUID.class),
                AccountId.of(rs.getLong("account_id")),
                HoldKind.of(rs.getString("kind")),
                Money.ofCents(rs.getLong("amount_cents")),
                HoldStatus.of(rs.getString("status")),
                wasPosted ? Optional.of(Money.ofCents(posted)) : Optional.empty(),
                rs.getObject("reference_id", UUID.class),
                expires.toInstant(),
                rs.getBoolean("overdue"));
    }

    private static Unsettled unsettled(ResultSet rs, int row) throws SQLException {
        return new Unsettled(
                AccountId.of(rs.getLong(1)),
                rs.getObject(2, UUID.class),
                rs.getObject(3, UUID.class),
                Money.ofCents(rs.getLong(4)));
    }
}
