package com.wallet.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger's invariants, checked on the database as it is: written once, used by the reconciliation job (as
 * findings in its report) and by the tests (which fail on any finding).
 */
public final class LedgerInvariants {

    /** One broken invariant: which check, in words, and the values that show it. */
    public record Finding(String check, String detail, Map<String, Object> values) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("check", check);
            map.put("detail", detail);
            map.putAll(values);
            return map;
        }

        @Override
        public String toString() {
            return check + ": " + detail;
        }
    }

    private final JdbcClient jdbc;

    public LedgerInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every finding; an empty list means the ledger is sound. */
    public List<Finding> check() {
        List<Finding> findings = new ArrayList<>();
        long total = scalar("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines");
        if (total != 0) {
            findings.add(
                    new Finding("ledger_not_zero", "the ledger sums to " + total + " cents", Map.of("sum", total)));
        }
        jdbc.sql("SELECT entry_id, sum(amount_cents) FROM ledger_lines GROUP BY entry_id HAVING sum(amount_cents) <> 0")
                .query((rs, n) -> new Finding(
                        "entry_unbalanced",
                        "ledger entry " + rs.getObject(1) + " sums to " + rs.getLong(2),
                        Map.of("entry_id", rs.getObject(1).toString(), "sum", rs.getLong(2))))
                .list()
                .forEach(findings::add);
        jdbc.sql("""
                        SELECT a.id, a.user_id, a.balance_cents, coalesce(l.total, 0)
                          FROM wallet_balances a
                          LEFT JOIN (SELECT account_id, sum(amount_cents) AS total FROM ledger_lines
                                      GROUP BY account_id) l ON l.account_id = a.id
                         WHERE a.balance_cents <> coalesce(l.total, 0)
                        """)
                .query((rs, n) -> new Finding(
                        "cached_balance_mismatch",
                        "wallet account " + rs.getLong(1) + " caches " + rs.getLong(3) + " cents, its lines sum to "
                                + rs.getLong(4),
                        Map.of(
                                "account_id", rs.getLong(1),
                                "user_id", String.valueOf(rs.getObject(2)),
                                "cached_cents", rs.getLong(3),
                                "lines_cents", rs.getLong(4))))
                .list()
                .forEach(findings::add);
        jdbc.sql("""
                        SELECT a.id, a.held_cents, coalesce(h.total, 0)
                          FROM ledger_accounts a
                          LEFT JOIN (SELECT account_id, sum(amount_cents) AS total FROM ledger_holds
                                      WHERE status = 'pending' GROUP BY account_id) h ON h.account_id = a.id
                         WHERE a.held_cents <> coalesce(h.total, 0)
                        """)
                .query((rs, n) -> new Finding(
                        "held_mismatch",
                        "account " + rs.getLong(1) + " caches " + rs.getLong(2) + " cents held; its pending holds"
                                + " sum to " + rs.getLong(3),
                        Map.of(
                                "account_id",
                                rs.getLong(1),
                                "cached_cents",
                                rs.getLong(2),
                                "holds_cents",
                                rs.getLong(3))))
                .list()
                .forEach(findings::add);
        counted(
                findings,
                "wallet_overdrawn",
                "SELECT count(*) FROM wallet_balances WHERE balance_cents - held_cents < 0 AND NOT restricted",
                "wallets",
                "wallets hold less than their pending holds without a recorded debt");
        counted(
                findings,
                "hold_post_mismatch",
                "SELECT count(*) FROM ledger_holds h WHERE h.status = 'posted' AND NOT EXISTS"
                        + " (SELECT 1 FROM ledger_lines l WHERE l.entry_id = h.entry_id AND l.account_id = h.account_id"
                        + " AND l.amount_cents = -h.posted_cents)",
                "holds",
                "posted holds have no entry debiting their wallet by the posted amount");
        // no foreign keys say it (V31, V40: the lines' statement triggers check it), so the reconciliation does too
        counted(
                findings,
                "line_orphaned",
                "SELECT count(*) FROM ledger_lines l WHERE NOT EXISTS"
                        + " (SELECT 1 FROM ledger_entries e WHERE e.id = l.entry_id)"
                        + " OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = l.account_id)",
                "lines",
                "ledger lines name an entry or an account that does not exist");
        return findings;
    }

    /** A finding when {@code countSql} counts any {@code what}: "{count} {detail}". */
    private void counted(List<Finding> findings, String check, String countSql, String what, String detail) {
        long count = scalar(countSql);
        if (count > 0) {
            findings.add(new Finding(check, count + " " + detail, Map.of(what, count)));
        }
    }

    private long scalar(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
