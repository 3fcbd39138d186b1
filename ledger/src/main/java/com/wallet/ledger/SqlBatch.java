package com.wallet.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Statements of one transaction sent to PostgreSQL in one round trip. Their texts go as one prepared statement, joined
 * by {@code ;}, with all their parameters in order; the PostgreSQL driver sends each as a statement of its own (parse,
 * bind, execute), then one sync, and reads every answer. The server runs them one after the other, as if they had been
 * sent one by one: each (in READ COMMITTED) takes its snapshot when it starts, so a read placed after a statement that
 * waited for a row lock sees everything committed before the lock was granted. The first one that fails fails the call
 * and the transaction; those after it do not run.
 *
 * <p>Why by hand: a transfer's work is a dozen small statements, and on a busy machine each round trip costs the API
 * about as much CPU as the statement costs PostgreSQL (issue 16's profile); JDBC batches take only one statement text
 * with many parameter sets, and neither Spring nor the driver offers a batch of different statements with parameters
 * whose answers can be read.
 */
public final class SqlBatch {

    /** The rows a query of the batch answered, available once the batch has been sent. */
    public static final class Rows<T> {
        private final RowMapper<T> mapper;
        private List<T> rows;

        private Rows(RowMapper<T> mapper) {
            this.mapper = mapper;
        }

        public List<T> list() {
            if (rows == null) {
                throw new IllegalStateException("the batch has not been sent");
            }
            return rows;
        }

        public T single() {
            List<T> all = list();
            if (all.size() != 1) {
                throw new NoSuchElementException("expected one row, had " + all.size());
            }
            return all.get(0);
        }
    }

    private final JdbcOperations jdbc;
    private final StringBuilder text = new StringBuilder();
    private final List<Object> params = new ArrayList<>();
    /** One entry per statement: the rows it answers with, or null for a statement whose answer is a count. */
    private final List<Rows<?>> answers = new ArrayList<>();
    /** Run once the answers are in, in the order added: a statement's count or rows checked by its caller. */
    private final List<Runnable> checks = new ArrayList<>();
    /** {@link #commit} was called: the batch ends the transaction. */
    private boolean committing;

    public SqlBatch(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** A statement that answers with a count (an insert, update or delete without RETURNING, a SAVEPOINT). */
    public SqlBatch add(String sql, Object... params) {
        append(sql, params);
        answers.add(null);
        return this;
    }

    /** A statement that answers with rows (a SELECT, or a write with RETURNING); read them after {@link #send}. */
    public <T> Rows<T> query(String sql, RowMapper<T> mapper, Object... params) {
        append(sql, params);
        Rows<T> rows = new Rows<>(mapper);
        answers.add(rows);
        return rows;
    }

    /**
     * Runs {@code check} right after the batch has been sent (in the order added), to check a statement's answer:
     * a write that must have touched exactly one row, say. What it throws is thrown by {@link #send}. Not in a batch
     * that commits ({@link #commit}): the check would come too late to undo anything.
     */
    public SqlBatch then(Runnable check) {
        if (committing) {
            throw new IllegalStateException("a batch that commits cannot be checked after it: check in SQL");
        }
        checks.add(check);
        return this;
    }

    /**
     * Ends the transaction with the batch: {@code COMMIT} goes as its last statement, so committing costs no round
     * trip of its own. The transaction manager's own commit afterwards finds the connection outside a transaction,
     * and the PostgreSQL driver then sends nothing. Only for the transaction's last batch, sent by the code that began
     * the transaction: any statement after it would run in a new transaction. A statement that fails stops the batch
     * before the {@code COMMIT}, which then never runs, and the transaction is rolled back as usual; so a batch that
     * commits takes no {@link #then} check (it would run after the commit): a statement must fail in SQL instead
     * ({@code require(ok, message)}, transfer-api's V32).
     */
    public SqlBatch commit() {
        if (!checks.isEmpty()) {
            throw new IllegalStateException("a batch with checks after it cannot commit: check in SQL");
        }
        add("COMMIT");
        committing = true;
        return this;
    }

    /** Sends every statement added so far in one round trip, reads their answers and empties the batch. */
    public void send() {
        if (answers.isEmpty()) {
            return;
        }
        String sql = text.toString();
        Object[] values = params.toArray();
        List<Rows<?>> expected = new ArrayList<>(answers);
        List<Runnable> then = new ArrayList<>(checks);
        text.setLength(0);
        params.clear();
        answers.clear();
        checks.clear();
        committing = false;
        jdbc.execute(sql, (PreparedStatement ps) -> {
            for (int i = 0; i < values.length; i++) {
                // as JdbcTemplate binds plain arguments
                StatementCreatorUtils.setParameterValue(ps, i + 1, SqlTypeValue.TYPE_UNKNOWN, values[i]);
            }
            boolean isRows = ps.execute();
            for (int i = 0; i < expected.size(); i++) {
                if (i > 0) {
                    isRows = ps.getMoreResults();
                }
                read(expected.get(i), isRows, ps, i);
            }
            return null;
        });
        then.forEach(Runnable::run);
    }

    private static <T> void read(Rows<T> rows, boolean isRows, PreparedStatement ps, int statement)
            throws SQLException {
        if (rows == null) {
            if (isRows) {
                throw new IllegalStateException("statement " + statement + " of the batch answered with rows");
            }
            return;
        }
        if (!isRows) {
            throw new IllegalStateException("statement " + statement + " of the batch answered without rows");
        }
        List<T> read = new ArrayList<>();
        ResultSet rs = ps.getResultSet();
        try {
            while (rs.next()) {
                read.add(rows.mapper.mapRow(rs, read.size()));
            }
        } finally {
            JdbcUtils.closeResultSet(rs);
        }
        rows.rows = read;
    }

    private void append(String sql, Object[] values) {
        String trimmed = sql.strip();
        if (trimmed.endsWith(";") || trimmed.isEmpty()) {
            throw new IllegalArgumentException("one statement, without a trailing semicolon: " + sql);
        }
        if (text.length() > 0) {
            text.append(";\n");
        }
        text.append(trimmed);
        params.addAll(Arrays.asList(values));
    }
}
