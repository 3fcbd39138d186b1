package com.wallet.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger's invariants, checked on the database as it is: written once, used by the reconciliation job (as
 * findings in its report) and by the tests (which fail on any finding).
 *
 * <p>Over the whole history ({@link #LedgerInvariants(JdbcClient)}: every line read), or since the latest checkpoint
 * ({@link #sinceCheckpoint}: the lines added since, with the checkpoint's per-account sums standing for those before,
 * and the holds posted since, so that a daily reconciliation reads a day of lines and holds, not years; ledger V47,
 * V48). A checkpoint is taken by {@link #advanceCheckpoint} after the checks, to a {@link #boundary} taken before them.
 * What the checks since a checkpoint cannot see: a line before it, or a hold posted before it, changed or removed
 * behind the triggers' back (lines are append-only and posted holds final, to the schema's owner too, so only a
 * superuser disabling the triggers could); a run over the whole history finds that ({@code checkpoint_mismatch},
 * {@code hold_post_mismatch}, and the sums and balances it breaks).
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
    private final boolean sinceCheckpoint;

    /** Checks over the whole history: every line read. */
    public LedgerInvariants(JdbcClient jdbc) {
        this(jdbc, false);
    }

    private LedgerInvariants(JdbcClient jdbc, boolean sinceCheckpoint) {
        this.jdbc = jdbc;
        this.sinceCheckpoint = sinceCheckpoint;
    }

    /** Checks of the lines since the latest checkpoint, its sums standing for the lines before (all, without one). */
    public static LedgerInvariants sinceCheckpoint(JdbcClient jdbc) {
        return new LedgerInvariants(jdbc, true);
    }

    /** The last line id the latest checkpoint covers; 0 without one. */
    public long checkpoint() {
        return scalar("SELECT coalesce(max(through_line_id), 0) FROM ledger_checkpoints");
    }

    /**
     * The line id a checkpoint may cover now (ledger V47's {@code ledger_lines_boundary}): waits up to {@code wait}
     * for the transactions writing lines to end, new ones waiting behind it meanwhile, so the caller's transaction
     * must end right after (it holds the lock until then). When they did not end in time PostgreSQL's lock timeout
     * ends the wait (SQL state 55P03, the transaction aborted).
     */
    public long boundary(java.time.Duration wait) {
        return jdbc.sql("SELECT ledger_lines_boundary(?)")
                .param((int) wait.toMillis())
                .query(Long.class)
                .single();
    }

    /**
     * Moves the checkpoint to {@code boundary} (from {@link #boundary}, taken before the checks that covered the lines
     * up to it): adds the lines after the latest checkpoint up to it to each account's sum, in the caller's
     * transaction. Returns the lines added; 0 when the checkpoint is there already.
     */
    public long advanceCheckpoint(long boundary) {
        jdbc.sql("LOCK TABLE ledger_checkpoints IN EXCLUSIVE MODE").update(); // one at a time: each adds from the last
        long from = checkpoint();
        if (boundary <= from) {
            return 0;
        }
        // the new lines read once: summed per account, added to the sums, counted for the checkpoint's row
        long[] added = jdbc.sql("WITH delta AS (SELECT account_id, sum(amount_cents) AS cents, count(*) AS lines"
                        + " FROM ledger_lines WHERE id > ? AND id <= ? GROUP BY account_id),"
                        + " summed AS (INSERT INTO ledger_checkpoint_sums (account_id, sum_cents)"
                        + " SELECT account_id, cents FROM delta"
                        + " ON CONFLICT (account_id) DO UPDATE SET sum_cents = ledger_checkpoint_sums.sum_cents"
                        + " + EXCLUDED.sum_cents)"
                        + " SELECT coalesce(sum(lines), 0), count(*) FROM delta")
                .params(from, boundary)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        jdbc.sql("INSERT INTO ledger_checkpoints (through_line_id, lines, accounts) VALUES (?, ?, ?)")
                .params(boundary, added[0], (int) added[1])
                .update();
        return added[0];
    }

    /**
     * The balances of {@code accounts} (the sums of their lines), as these checks count them: the checkpoint's sums
     * plus the lines since, or every line. Accounts without lines are absent.
     */
    public Map<Long, Long> sums(Long... accounts) {
        Map<Long, Long> sums = new java.util.HashMap<>();
        long since = since();
        jdbc.sql("SELECT a.id, coalesce(c.sum_cents, 0) + coalesce(l.total, 0) FROM unnest(?::bigint[]) a (id)"
                        + " LEFT JOIN " + base() + " c ON c.account_id = a.id"
                        + " LEFT JOIN (SELECT account_id, sum(amount_cents) AS total FROM ledger_lines"
                        + " WHERE id > ? AND account_id = ANY(?) GROUP BY account_id) l ON l.account_id = a.id"
                        + " WHERE c.account_id IS NOT NULL OR l.account_id IS NOT NULL")
                .params(accounts, since, accounts)
                .query(rs -> {
                    sums.put(rs.getLong(1), rs.getLong(2));
                });
        return sums;
    }

    /** The lines these checks read are those above this id (0: all). */
    private long since() {
        return sinceCheckpoint ? checkpoint() : 0;
    }

    /** The checkpoint's sums, as a derived table: empty over the whole history. */
    private String base() {
        return "(SELECT account_id, sum_cents FROM ledger_checkpoint_sums WHERE " + sinceCheckpoint + ")";
    }

    /**
     * Every finding; an empty list means the ledger is sound. Reads several statements: call it in one snapshot
     * ({@code REPEATABLE READ}) when lines are being written.
     */
    public List<Finding> check() {
        List<Finding> findings = new ArrayList<>();
        long since = since();
        long total = jdbc.sql("SELECT (SELECT coalesce(sum(sum_cents), 0) FROM " + base() + " c)"
                        + " + (SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE id > ?)")
                .param(since)
                .query(Long.class)
                .single();
        if (total != 0) {
            findings.add(
                    new Finding("ledger_not_zero", "the ledger sums to " + total + " cents", Map.of("sum", total)));
        }
        jdbc.sql("SELECT entry_id, sum(amount_cents) FROM ledger_lines WHERE id > ? GROUP BY entry_id"
                        + " HAVING sum(amount_cents) <> 0")
                .param(since)
                .query((rs, n) -> new Finding(
                        "entry_unbalanced",
                        "ledger entry " + rs.getObject(1) + " sums to " + rs.getLong(2),
                        Map.of("entry_id", rs.getObject(1).toString(), "sum", rs.getLong(2))))
                .list()
                .forEach(findings::add);
        jdbc.sql("SELECT a.id, a.user_id, a.balance_cents, coalesce(c.sum_cents, 0) + coalesce(l.total, 0)"
                        + " FROM wallet_balances a"
                        + " LEFT JOIN " + base() + " c ON c.account_id = a.id"
                        + " LEFT JOIN (SELECT account_id, sum(amount_cents) AS total FROM ledger_lines WHERE id > ?"
                        + " GROUP BY account_id) l ON l.account_id = a.id"
                        + " WHERE a.balance_cents <> coalesce(c.sum_cents, 0) + coalesce(l.total, 0)")
                .param(since)
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
        // since a checkpoint, the holds posted since (their entry's lines are above it; V48's index finds them by
        // entry): a posted hold never changes, and the run whose lines held its entry checked it
        counted(
                findings,
                "hold_post_mismatch",
                "SELECT count(*) FROM ledger_holds h WHERE h.status = 'posted'"
                        + (since > 0 ? " AND h.entry_id IN (SELECT entry_id FROM ledger_lines WHERE id > ?)" : "")
                        + " AND NOT EXISTS (SELECT 1 FROM ledger_lines l WHERE l.entry_id = h.entry_id"
                        + " AND l.account_id = h.account_id AND l.amount_cents = -h.posted_cents)",
                "holds",
                "posted holds have no entry debiting their wallet by the posted amount",
                since > 0 ? new Object[] {since} : new Object[0]);
        // no foreign keys say it (V31, V40: the lines' statement triggers check it), so the reconciliation does too
        counted(
                findings,
                "line_orphaned",
                "SELECT count(*) FROM ledger_lines l WHERE l.id > ? AND (NOT EXISTS"
                        + " (SELECT 1 FROM ledger_entries e WHERE e.id = l.entry_id)"
                        + " OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = l.account_id))",
                "lines",
                "ledger lines name an entry or an account that does not exist",
                since);
        if (!sinceCheckpoint) {
            // the checkpoint's sums against the lines they stand for: what a line changed behind the triggers breaks
            long through = checkpoint();
            counted(
                    findings,
                    "checkpoint_mismatch",
                    "SELECT count(*) FROM ledger_checkpoint_sums c FULL JOIN (SELECT account_id, sum(amount_cents)"
                            + " AS total FROM ledger_lines WHERE id <= ? GROUP BY account_id) l"
                            + " ON l.account_id = c.account_id WHERE coalesce(c.sum_cents, 0) <> coalesce(l.total, 0)",
                    "accounts",
                    "accounts' checkpoint sums differ from their lines up to the checkpoint",
                    through);
        }
        return findings;
    }

    /** A finding when {@code countSql} counts any {@code what}: "{count} {detail}". */
    private void counted(
            List<Finding> findings, String check, String countSql, String what, String detail, Object... params) {
        long count = jdbc.sql(countSql).params(params).query(Long.class).single();
        if (count > 0) {
            findings.add(new Finding(check, count + " " + detail, Map.of(what, count)));
        }
    }

    private long scalar(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
