package com.wallet.api.ledger;

import com.wallet.api.money.Money;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
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

    /** A wallet as read under its row lock; restricted while an ACH return left it in debt. */
    public record LockedWallet(long accountId, UUID userId, Money balance, boolean restricted) {}

    public record Line(long accountId, Money amount) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    Ledger(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public long openWallet(UUID userId) {
        return jdbc.sql("INSERT INTO ledger_accounts (kind, user_id) VALUES ('wallet', ?) RETURNING id")
                .param(userId)
                .query(Long.class)
                .single();
    }

    /** Locks the users' wallets, in ascending account id, and returns them by user id. */
    public Map<UUID, LockedWallet> lockWallets(Collection<UUID> userIds) {
        Map<UUID, LockedWallet> locked = new LinkedHashMap<>();
        jdbc.sql("SELECT id, user_id, balance_cents, restricted FROM ledger_accounts"
                        + " WHERE kind = 'wallet' AND user_id = ANY(?) ORDER BY id FOR UPDATE")
                .param(userIds.toArray(UUID[]::new))
                .query((rs, n) -> new LockedWallet(
                        rs.getLong("id"),
                        rs.getObject("user_id", UUID.class),
                        Money.ofCents(rs.getLong("balance_cents")),
                        rs.getBoolean("restricted")))
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
        jdbc.sql("INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id) VALUES (?, ?, ?, ?)")
                .params(entryId, kind, transferId, cashoutId)
                .update();
        template.batchUpdate(
                "INSERT INTO ledger_lines (entry_id, account_id, amount_cents) VALUES (?, ?, ?)",
                lines,
                lines.size(),
                (ps, line) -> {
                    ps.setObject(1, entryId);
                    ps.setLong(2, line.accountId());
                    ps.setLong(3, line.amount().cents());
                });
        return entryId;
    }
}
