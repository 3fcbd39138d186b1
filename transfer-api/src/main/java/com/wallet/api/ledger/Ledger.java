package com.wallet.api.ledger;

import com.wallet.api.money.Money;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The double-entry ledger. Every posting is a balanced set of lines (sum 0); wallets' cached balances follow from
 * their lines by a database trigger, and lines can never be changed afterwards. Callers lock the wallets they touch
 * with {@link #lockWallets}, which always locks in ascending account id, the one order every transaction uses.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class Ledger {

    /** The system accounts, created by the schema migration with these ids. */
    public enum SystemAccount {
        BANK_FUNDING_CLEARING(1),
        CARD_FUNDING_CLEARING(2),
        CASHOUT_CLEARING(3),
        FEE_REVENUE(4);

        private final long id;

        SystemAccount(long id) {
            this.id = id;
        }

        public long id() {
            return id;
        }
    }

    /**
     * A wallet as read under its row lock; restricted while an ACH return left it in debt. Its owner's account status
     * and default visibility come with it (read in the same statement, to save a round trip per party).
     */
    public record LockedWallet(
            long accountId,
            UUID userId,
            Money balance,
            boolean restricted,
            boolean ownerFrozen,
            String ownerDefaultVisibility) {}

    public record Line(long accountId, Money amount) {}

    private final JdbcClient jdbc;

    Ledger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long openWallet(UUID userId) {
        return jdbc.sql("INSERT INTO ledger_accounts (kind, user_id) VALUES ('wallet', ?) RETURNING id")
                .param(userId)
                .query(Long.class)
                .single();
    }

    /**
     * Locks the users' wallets, in ascending account id, and returns them by user id; a user who does not exist is
     * absent from the map. Only the wallet rows are locked, not their owners' user rows.
     */
    public Map<UUID, LockedWallet> lockWallets(Collection<UUID> userIds) {
        Map<UUID, LockedWallet> locked = new LinkedHashMap<>();
        jdbc.sql("SELECT a.id, a.user_id, a.balance_cents, a.restricted, u.status, u.default_visibility"
                        + " FROM ledger_accounts a JOIN users u ON u.id = a.user_id"
                        + " WHERE a.kind = 'wallet' AND a.user_id = ANY(?) ORDER BY a.id FOR UPDATE OF a")
                .param(userIds.toArray(UUID[]::new))
                .query((rs, n) -> new LockedWallet(
                        rs.getLong("id"),
                        rs.getObject("user_id", UUID.class),
                        Money.ofCents(rs.getLong("balance_cents")),
                        rs.getBoolean("restricted"),
                        "frozen".equals(rs.getString("status")),
                        rs.getString("default_visibility")))
                .list()
                .forEach(w -> locked.put(w.userId(), w));
        return locked;
    }

    /** Writes one balanced entry of a transfer; refuses an unbalanced or empty one before it reaches the database. */
    public UUID post(String kind, UUID transferId, List<Line> lines) {
        return insert(kind, transferId, null, lines);
    }

    /** Writes one balanced entry of a cashout. */
    public UUID postForCashout(String kind, UUID cashoutId, List<Line> lines) {
        return insert(kind, null, cashoutId, lines);
    }

    private UUID insert(String kind, UUID transferId, UUID cashoutId, List<Line> lines) {
        Money sum = Money.ZERO;
        for (Line line : lines) {
            if (line.amount().isZero()) {
                throw new IllegalArgumentException("a ledger line of 0 cents on account " + line.accountId());
            }
            sum = sum.plus(line.amount());
        }
        if (lines.size() < 2 || !sum.isZero()) {
            throw new IllegalArgumentException("ledger entry " + kind + " must have 2+ lines summing to 0, had "
                    + lines.size() + " summing to " + sum);
        }
        UUID entryId = UUID.randomUUID();
        // the entry and its lines in one statement (one round trip); the lines go in the order given
        jdbc.sql("WITH entry AS (INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id) VALUES (?, ?, ?, ?))"
                        + " INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                        + " SELECT ?, account_id, amount_cents"
                        + " FROM unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS l(account_id, amount_cents, n)"
                        + " ORDER BY n")
                .params(
                        entryId,
                        kind,
                        transferId,
                        cashoutId,
                        entryId,
                        lines.stream().map(Line::accountId).toArray(Long[]::new),
                        lines.stream().map(l -> l.amount().cents()).toArray(Long[]::new))
                .update();
        return entryId;
    }
}
