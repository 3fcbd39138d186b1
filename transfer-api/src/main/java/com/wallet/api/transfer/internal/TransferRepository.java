package com.wallet.api.transfer.internal;

import com.wallet.api.domain.TransferStatus;
import com.wallet.api.domain.Visibility;
import com.wallet.api.transfer.TransferView;
import com.wallet.ledger.Money;
import com.wallet.ledger.SqlBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class TransferRepository {

    private static final String COLUMNS = "id, sender_id, receiver_id, amount_cents, note, visibility, status,"
            + " created_at, balance_cents, bank_cents, card_cents, fee_cents, payment_request_id, refund_of";

    /** What the waterfall may use beyond the wallet: the default verified bank account and the default card. */
    public record FundingSources(Optional<UUID> bank, Optional<UUID> card) {}

    /** Sums of what a sender sent in the last 24 hours and 7 days. */
    public record Sent(long lastDayCents, long lastWeekCents) {}

    /**
     * What sending money needs to know of the sender besides the wallet.
     *
     * @param now the database's clock when this was read, after the sender's wallet lock was granted: the time a
     *     transfer decided under that lock is dated (later than every transfer of the sender committed before it)
     * @param blocking the users the sender blocked ({@code user_blocks}, V43)
     * @param blockedBy the users who blocked the sender
     */
    public record Sender(
            Sent sent,
            FundingSources sources,
            Instant now,
            java.util.Set<UUID> blocking,
            java.util.Set<UUID> blockedBy) {}

    /** The part of a transfer to be debited from the sender's bank account by ACH. */
    public record BankDebit(UUID id, UUID paymentMethodId, long amountCents) {}

    private final JdbcClient jdbc;
    private final JdbcOperations operations;

    public TransferRepository(JdbcClient jdbc, JdbcOperations operations) {
        this.jdbc = jdbc;
        this.operations = operations;
    }

    /** {@link #sender(SqlBatch, UUID)} on its own. */
    public Sender sender(UUID senderId) {
        SqlBatch batch = new SqlBatch(operations);
        SqlBatch.Rows<Sender> sender = sender(batch, senderId);
        batch.send();
        return sender.single();
    }

    /** {@link #insert(SqlBatch, TransferView, Optional)} on its own. */
    public Instant insert(TransferView t, Optional<BankDebit> bankDebit) {
        SqlBatch batch = new SqlBatch(operations);
        SqlBatch.Rows<Instant> createdAt = insert(batch, t, bankDebit);
        batch.send();
        return createdAt.single();
    }

    /**
     * {@link #sender}'s query, built once. The sender is its one parameter ({@code p.u}): a batch's statements share
     * one positional parameter list.
     */
    private static final String SENDER = senderQuery("SELECT CAST(? AS uuid) AS u", "");

    /**
     * What sending money needs to know of the senders in {@code p} (a statement's one parameter), a row each, with
     * {@code columns} first.
     */
    private static String senderQuery(String p, String columns) {
        // ":u" is the sender in the query's text, replaced by p's column (not in p itself: "?::uuid[]" holds ":u")
        return "WITH p AS (" + p + ")"
                + (", w AS (SELECT now() - interval '24 hours' AS day_start,"
                                + " now() - interval '7 days' AS week_start),"
                                + " h AS (SELECT day_start, week_start,"
                                + " floor(extract(epoch FROM day_start) / 3600)::bigint AS day_hour,"
                                + " floor(extract(epoch FROM week_start) / 3600)::bigint AS week_hour FROM w)"
                                + " SELECT " + columns + window("day") + " AS last_day, " + window("week")
                                + " AS last_week,"
                                + " (SELECT id FROM payment_methods WHERE user_id = :u AND type = 'bank' AND is_default"
                                + " AND NOT removed AND verified AND disabled_reason IS NULL"
                                + " AND NOT (SELECT bank_funding_frozen FROM users WHERE id = :u)) AS bank,"
                                + " (SELECT id FROM payment_methods WHERE user_id = :u AND type = 'card' AND is_default"
                                + " AND NOT removed AND disabled_reason IS NULL"
                                + " AND NOT (SELECT card_funding_frozen FROM users WHERE id = :u)) AS card,"
                                + " ARRAY(SELECT blocked_id FROM user_blocks WHERE blocker_id = :u) AS blocking,"
                                + " ARRAY(SELECT blocker_id FROM user_blocks WHERE blocked_id = :u) AS blocked_by,"
                                + " clock_timestamp() AS now FROM h, p")
                        .replace(":u", "p.u");
    }

    /**
     * What the sender sent in the last day and week, and the funding sources beyond the wallet, in one query. Run it
     * after locking the sender's wallet: the sums then include every transfer committed before the lock was granted.
     * Each window is exact: the hourly totals of the whole hours inside it, plus the sender's transfers in the part of
     * its first hour that falls inside ({@code sent_by_hour}, V8).
     */
    public SqlBatch.Rows<Sender> sender(SqlBatch batch, UUID senderId) {
        return batch.query(SENDER, (rs, n) -> sender(rs), senderId);
    }

    /**
     * {@link #sender(SqlBatch, UUID)} for many senders in one statement (a group of payments, issue 16), by sender;
     * the same query, run once per sender of the array.
     */
    public SqlBatch.Rows<Map.Entry<UUID, Sender>> senders(SqlBatch batch, List<UUID> senderIds) {
        return batch.query(SENDERS, (rs, n) -> Map.entry(rs.getObject("user_id", UUID.class), sender(rs)), (Object)
                senderIds.toArray(UUID[]::new));
    }

    /** {@link #SENDER} for an array of senders, each row naming its sender. */
    private static final String SENDERS = senderQuery("SELECT unnest(?::uuid[]) AS u", "p.u AS user_id, ");

    private static Sender sender(ResultSet rs) throws SQLException {
        return new Sender(
                new Sent(rs.getLong("last_day"), rs.getLong("last_week")),
                new FundingSources(
                        Optional.ofNullable(rs.getObject("bank", UUID.class)),
                        Optional.ofNullable(rs.getObject("card", UUID.class))),
                rs.getTimestamp("now").toInstant(),
                users(rs, "blocking"),
                users(rs, "blocked_by"));
    }

    private static java.util.Set<UUID> users(ResultSet rs, String column) throws SQLException {
        UUID[] ids = (UUID[]) rs.getArray(column).getArray();
        return ids.length == 0 ? java.util.Set.of() : java.util.Set.of(ids);
    }

    /**
     * What sending money looks like before any lock, in one round trip: whether the idempotency key was used already,
     * the sender's available balance (balance less holds) and funding sources, and whether both parties could take
     * part ({@code payable}: both wallets exist, neither owner frozen, the sender's wallet not restricted, no block
     * between them).
     */
    public record Preflight(boolean keyUsed, Money available, boolean payable, FundingSources sources) {}

    public Preflight preflight(UUID senderId, String key, UUID receiverId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = :u AND key = :k) AS key_used,"
                        + " s.balance_cents - s.held_cents AS available,"
                        + " (su.status = 'active' AND NOT s.restricted AND EXISTS (SELECT 1 FROM ledger_accounts r"
                        + " JOIN users ru ON ru.id = r.user_id WHERE r.kind = 'wallet' AND r.user_id = :r"
                        + " AND ru.status = 'active') AND NOT EXISTS (SELECT 1 FROM user_blocks WHERE"
                        + " (blocker_id = :u AND blocked_id = :r) OR (blocker_id = :r AND blocked_id = :u))) AS payable,"
                        + " (SELECT id FROM payment_methods WHERE user_id = :u AND type = 'bank' AND is_default"
                        + " AND NOT removed AND verified AND disabled_reason IS NULL"
                        + " AND NOT (SELECT bank_funding_frozen FROM users WHERE id = :u)) AS bank,"
                        + " (SELECT id FROM payment_methods WHERE user_id = :u AND type = 'card' AND is_default"
                        + " AND NOT removed AND disabled_reason IS NULL"
                        + " AND NOT (SELECT card_funding_frozen FROM users WHERE id = :u)) AS card"
                        + " FROM wallet_balances s JOIN users su ON su.id = s.user_id WHERE s.user_id = :u")
                .param("u", senderId)
                .param("k", key)
                .param("r", receiverId)
                .query((rs, n) -> new Preflight(
                        rs.getBoolean("key_used"),
                        Money.ofCents(rs.getLong("available")).max0(),
                        rs.getBoolean("payable"),
                        new FundingSources(
                                Optional.ofNullable(rs.getObject("bank", UUID.class)),
                                Optional.ofNullable(rs.getObject("card", UUID.class)))))
                .optional()
                .orElse(new Preflight(
                        false, Money.ZERO, false, new FundingSources(Optional.empty(), Optional.empty())));
    }

    /**
     * The sum over one window: whole hours from the hourly totals, the partial first hour from the transfers and the
     * payments to people not yet users (claims, counted when made; their transfers when claimed are not counted).
     */
    private static String window(String name) {
        String partial = " AND created_at > h." + name + "_start AND created_at < to_timestamp((h." + name
                + "_hour + 1) * 3600)";
        return "((SELECT coalesce(sum(sent_cents), 0) FROM sent_by_hour WHERE user_id = :u AND hour > h." + name
                + "_hour) + (SELECT coalesce(sum(amount_cents), 0) FROM transfers WHERE sender_id = :u"
                + " AND refund_of IS NULL AND claim_id IS NULL" + partial + ")"
                + " + (SELECT coalesce(sum(amount_cents), 0) FROM claims WHERE payer_id = :u" + partial + "))";
    }

    /**
     * Inserts the transfer, and with it (same statement) the pending bank debit that funds part of it if {@code
     * bankDebit} is given; returns the transfer's creation time: {@code t.createdAt()} if set (a time read under the
     * sender's lock, {@link Sender#now}), else the database's clock at the insert.
     */
    public SqlBatch.Rows<Instant> insert(SqlBatch batch, TransferView t, Optional<BankDebit> bankDebit) {
        return insert(batch, List.of(new NewTransfer(t, bankDebit)));
    }

    /** A transfer to insert, with the bank debit that funds part of it if any. */
    public record NewTransfer(TransferView transfer, Optional<BankDebit> bankDebit) {}

    /**
     * {@link #insert(SqlBatch, TransferView, Optional)} for many transfers in one statement (a group of payments,
     * issue 16); answers their creation times in their order.
     */
    public SqlBatch.Rows<Instant> insert(SqlBatch batch, List<NewTransfer> all) {
        List<TransferView> ts = all.stream().map(NewTransfer::transfer).toList();
        return batch.query(
                "WITH t AS (INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents,"
                        + " bank_cents, card_cents, fee_cents, note, visibility, status, payment_request_id, refund_of,"
                        + " created_at) SELECT id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                        + " card_cents, fee_cents, note, visibility, status, payment_request_id, refund_of,"
                        + " coalesce(created_at, clock_timestamp()) FROM unnest(?::uuid[], ?::uuid[], ?::uuid[],"
                        + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],"
                        + " ?::text[], ?::uuid[], ?::uuid[], ?::timestamptz[]) AS n(id, sender_id, receiver_id,"
                        + " amount_cents, balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status,"
                        + " payment_request_id, refund_of, created_at) RETURNING id, sender_id, created_at),"
                        + " debit AS (INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind,"
                        + " amount_cents) SELECT d.id, t.id, t.sender_id, d.method, 'bank_debit', d.amount FROM t"
                        + " JOIN unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::bigint[]) AS d(transfer_id, id, method,"
                        + " amount) ON d.transfer_id = t.id)"
                        + " SELECT t.created_at FROM t JOIN unnest(?::uuid[]) WITH ORDINALITY AS o(id, n) ON o.id = t.id"
                        + " ORDER BY o.n",
                (rs, n) -> rs.getTimestamp(1).toInstant(),
                ts.stream().map(TransferView::id).toArray(UUID[]::new),
                ts.stream().map(TransferView::senderId).toArray(UUID[]::new),
                ts.stream().map(TransferView::receiverId).toArray(UUID[]::new),
                ts.stream().map(TransferView::amountCents).toArray(Long[]::new),
                ts.stream().map(t -> t.funding().balanceCents()).toArray(Long[]::new),
                ts.stream().map(t -> t.funding().bankCents()).toArray(Long[]::new),
                ts.stream().map(t -> t.funding().cardCents()).toArray(Long[]::new),
                ts.stream().map(t -> t.funding().feeCents()).toArray(Long[]::new),
                ts.stream().map(TransferView::note).toArray(String[]::new),
                ts.stream().map(t -> t.visibility().wire()).toArray(String[]::new),
                ts.stream().map(t -> t.status().wire()).toArray(String[]::new),
                ts.stream().map(TransferView::paymentRequestId).toArray(UUID[]::new),
                ts.stream().map(TransferView::refundOf).toArray(UUID[]::new),
                ts.stream()
                        .map(t -> t.createdAt() == null ? null : Timestamp.from(t.createdAt()))
                        .toArray(Timestamp[]::new),
                all.stream()
                        .filter(n -> n.bankDebit().isPresent())
                        .map(n -> n.transfer().id())
                        .toArray(UUID[]::new),
                all.stream()
                        .flatMap(n -> n.bankDebit().stream())
                        .map(BankDebit::id)
                        .toArray(UUID[]::new),
                all.stream()
                        .flatMap(n -> n.bankDebit().stream())
                        .map(BankDebit::paymentMethodId)
                        .toArray(UUID[]::new),
                all.stream()
                        .flatMap(n -> n.bankDebit().stream())
                        .map(BankDebit::amountCents)
                        .toArray(Long[]::new),
                ts.stream().map(TransferView::id).toArray(UUID[]::new));
    }

    public Optional<TransferView> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM transfers WHERE id = ?")
                .param(id)
                .query(TransferRepository::map)
                .optional();
    }

    /**
     * A payment as a refund sees it: the payment, what its refunds add up to, and until when it may be refunded
     * ({@code windowOpen} by the database's clock, which dated the payment).
     */
    public record Refundable(TransferView payment, long refundedCents, Instant refundableUntil, boolean windowOpen) {}

    /**
     * The payment with what its refunds add up to; with {@code lock}, under its row lock (so its refunds are decided
     * one at a time). Lock order: this row before any wallet.
     */
    public Optional<Refundable> refundable(UUID id, java.time.Duration window, boolean lock) {
        if (lock) {
            // locked by a statement of its own: a statement that waits for the lock keeps the snapshot it started
            // with, so a sum read in it would miss the refund committed by the transaction it waited for
            jdbc.sql("SELECT 1 FROM transfers WHERE id = ? FOR NO KEY UPDATE")
                    .param(id)
                    .query(Integer.class)
                    .optional();
        }
        return jdbc.sql("SELECT " + COLUMNS + ", (SELECT coalesce(sum(r.amount_cents), 0) FROM transfers r"
                        + " WHERE r.refund_of = t.id) AS refunded, t.created_at + ?::interval AS until,"
                        + " t.created_at + ?::interval > clock_timestamp() AS open"
                        + " FROM transfers t WHERE t.id = ?")
                .params(window.toMillis() + " milliseconds", window.toMillis() + " milliseconds", id)
                .query((rs, n) -> new Refundable(
                        map(rs, n),
                        rs.getLong("refunded"),
                        rs.getTimestamp("until").toInstant(),
                        rs.getBoolean("open")))
                .optional();
    }

    /** The refunds of a payment, oldest first. */
    public List<TransferView> refundsOf(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM transfers WHERE refund_of = ? ORDER BY created_at, id")
                .param(id)
                .query(TransferRepository::map)
                .list();
    }

    /** The user's transfers, sent or received, newest first, strictly before the (createdAt, id) cursor. */
    public List<TransferView> history(UUID userId, Instant beforeTime, UUID beforeId, int limit) {
        String page = " AND (created_at, id) < (:t, :id) ORDER BY created_at DESC, id DESC LIMIT :n";
        return jdbc.sql("(SELECT " + COLUMNS + " FROM transfers WHERE sender_id = :u" + page + ")"
                        + " UNION ALL (SELECT " + COLUMNS + " FROM transfers WHERE receiver_id = :u" + page + ")"
                        + " ORDER BY created_at DESC, id DESC LIMIT :n")
                .param("u", userId)
                .param("t", Timestamp.from(beforeTime))
                .param("id", beforeId)
                .param("n", limit)
                .query(TransferRepository::map)
                .list();
    }

    static TransferView map(ResultSet rs, int row) throws SQLException {
        return new TransferView(
                rs.getObject("id", UUID.class),
                rs.getObject("sender_id", UUID.class),
                rs.getObject("receiver_id", UUID.class),
                rs.getLong("amount_cents"),
                rs.getString("note"),
                Visibility.of(rs.getString("visibility")),
                TransferStatus.of(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(),
                new TransferView.FundingView(
                        rs.getLong("balance_cents"),
                        rs.getLong("bank_cents"),
                        rs.getLong("card_cents"),
                        rs.getLong("fee_cents")),
                rs.getObject("payment_request_id", UUID.class),
                rs.getObject("refund_of", UUID.class));
    }
}
