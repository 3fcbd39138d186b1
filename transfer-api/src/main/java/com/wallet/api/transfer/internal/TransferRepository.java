package com.wallet.api.transfer.internal;

import com.wallet.api.transfer.TransferView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class TransferRepository {

    private static final String COLUMNS = "id, sender_id, receiver_id, amount_cents, note, visibility, status,"
            + " created_at, balance_cents, bank_cents, card_cents, fee_cents, payment_request_id";

    /** What the waterfall may use beyond the wallet: the default verified bank account and the default card. */
    public record FundingSources(Optional<UUID> bank, Optional<UUID> card) {}

    /** Sums of what a sender sent in the last 24 hours and 7 days. */
    public record Sent(long lastDayCents, long lastWeekCents) {}

    private final JdbcClient jdbc;

    public TransferRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public FundingSources fundingSources(UUID userId) {
        List<Object[]> rows = jdbc.sql("SELECT id, type FROM payment_methods WHERE user_id = ? AND is_default"
                        + " AND NOT removed AND (type = 'card' OR verified)")
                .param(userId)
                .query((rs, n) -> new Object[] {rs.getObject("id", UUID.class), rs.getString("type")})
                .list();
        Optional<UUID> bank = rows.stream()
                .filter(r -> "bank".equals(r[1]))
                .map(r -> (UUID) r[0])
                .findFirst();
        Optional<UUID> card = rows.stream()
                .filter(r -> "card".equals(r[1]))
                .map(r -> (UUID) r[0])
                .findFirst();
        return new FundingSources(bank, card);
    }

    public Sent sentRecently(UUID senderId) {
        return jdbc.sql("SELECT coalesce(sum(amount_cents) FILTER (WHERE created_at > now() - interval '24 hours'), 0),"
                        + " coalesce(sum(amount_cents), 0)"
                        + " FROM transfers WHERE sender_id = ? AND created_at > now() - interval '7 days'")
                .param(senderId)
                .query((rs, n) -> new Sent(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /** Inserts the transfer and returns its creation time as the database set it. */
    public Instant insert(TransferView t) {
        return jdbc.sql("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                        + " card_cents, fee_cents, note, visibility, status, payment_request_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING created_at")
                .params(
                        t.id(),
                        t.senderId(),
                        t.receiverId(),
                        t.amountCents(),
                        t.funding().balanceCents(),
                        t.funding().bankCents(),
                        t.funding().cardCents(),
                        t.funding().feeCents(),
                        t.note(),
                        t.visibility(),
                        t.status(),
                        t.paymentRequestId())
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .single();
    }

    public void insertExternalCharge(
            UUID transferId, UUID userId, UUID paymentMethodId, String kind, long amountCents) {
        jdbc.sql("INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind, amount_cents)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(UUID.randomUUID(), transferId, userId, paymentMethodId, kind, amountCents)
                .update();
    }

    public Optional<TransferView> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM transfers WHERE id = ?")
                .param(id)
                .query(TransferRepository::map)
                .optional();
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
                rs.getString("visibility"),
                rs.getString("status"),
                rs.getTimestamp("created_at").toInstant(),
                new TransferView.FundingView(
                        rs.getLong("balance_cents"),
                        rs.getLong("bank_cents"),
                        rs.getLong("card_cents"),
                        rs.getLong("fee_cents")),
                rs.getObject("payment_request_id", UUID.class));
    }
}
