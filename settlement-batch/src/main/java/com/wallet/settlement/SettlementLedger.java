package com.wallet.settlement;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Ledger postings of settlement: balanced entries over wallets and the system accounts, written like transfer-api's
 * (the database checks the balance at commit, keeps wallet balances and refuses changes to lines).
 */
@Component
public class SettlementLedger {

    public static final long BANK_FUNDING_CLEARING = 1;
    public static final long CASHOUT_CLEARING = 3;
    public static final long SETTLEMENT_BANK = 5;

    public record Line(long accountId, long cents) {}

    /** A wallet under its row lock. */
    public record Wallet(long accountId, long balanceCents) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    SettlementLedger(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public Wallet lockWallet(UUID userId) {
        return jdbc.sql(
                        "SELECT id, balance_cents FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ? FOR UPDATE")
                .param(userId)
                .query((rs, n) -> new Wallet(rs.getLong(1), rs.getLong(2)))
                .single();
    }

    /** Marks the wallet as in debt, which the database requires before a line may take it below zero. */
    public void restrict(long walletAccountId) {
        jdbc.sql("UPDATE ledger_accounts SET restricted = true WHERE id = ?")
                .param(walletAccountId)
                .update();
    }

    public void post(String kind, UUID transferId, UUID cashoutId, List<Line> lines) {
        long sum = 0;
        for (Line line : lines) {
            sum = Math.addExact(sum, line.cents());
        }
        if (sum != 0 || lines.size() < 2) {
            throw new IllegalArgumentException("unbalanced " + kind + " entry: " + lines);
        }
        UUID entry = UUID.randomUUID();
        jdbc.sql("INSERT INTO ledger_entries (id, kind, transfer_id, cashout_id) VALUES (?, ?, ?, ?)")
                .params(entry, kind, transferId, cashoutId)
                .update();
        List<Line> nonZero =
                new ArrayList<>(lines.stream().filter(l -> l.cents() != 0).toList());
        template.batchUpdate(
                "INSERT INTO ledger_lines (entry_id, account_id, amount_cents) VALUES (?, ?, ?)",
                nonZero,
                nonZero.size(),
                (ps, line) -> {
                    ps.setObject(1, entry);
                    ps.setLong(2, line.accountId());
                    ps.setLong(3, line.cents());
                });
    }
}
