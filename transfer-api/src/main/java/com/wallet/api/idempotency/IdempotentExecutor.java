package com.wallet.api.idempotency;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.api.web.ProblemBody;
import com.wallet.common.crypto.Sha256;
import com.wallet.ledger.SqlBatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a money-moving action at most once per (user, Idempotency-Key), Stripe-style. The key row is inserted in the
 * same transaction as the money movement: a duplicate arriving while the first runs waits on that row (PostgreSQL
 * blocks the conflicting insert) and then replays the committed response; a crash or rollback leaves no key behind,
 * so a retry runs afresh. Domain failures (422 and the like) are stored and replayed too; the action's writes are
 * rolled back to a savepoint first. Transient database failures (deadlock, serialization) are retried here, so they
 * never reach a client.
 */
@Component
public class IdempotentExecutor {

    private static final Logger log = LoggerFactory.getLogger(IdempotentExecutor.class);
    private static final Pattern KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");
    private static final int ATTEMPTS = 5;

    /** Where a refused action's writes are rolled back to; the key's row stays, to store the refusal. */
    private static final String SAVEPOINT = "idempotent_action";

    private static final String STORE_RESPONSE = "UPDATE idempotency_keys SET response_status = ?, response_type = ?,"
            + " response_body = ? WHERE user_id = ? AND key = ?";

    private final JdbcClient jdbc;
    private final JdbcOperations operations;
    private final DataSource dataSource;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final AuditLog audit;

    IdempotentExecutor(
            JdbcClient jdbc,
            JdbcOperations operations,
            DataSource dataSource,
            TransactionTemplate tx,
            JsonMapper json,
            MeterRegistry meters,
            AuditLog audit) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.operations = operations;
        this.dataSource = dataSource;
        this.tx = tx;
        this.json = json;
        this.meters = meters;
    }

    /**
     * @param request what identifies the request's meaning: method, path and the parsed body (so whitespace or field
     *     order do not matter)
     * @param action runs inside the transaction and returns the success response
     */
    public StoredResponse execute(UUID userId, String key, String request, Supplier<StoredResponse> action) {
        return executeBatched(userId, key, request, start -> null, (nothing, writes) -> action.get());
    }

    /**
     * {@link #execute} for an action that adds its writes to a batch instead of sending them: they reach PostgreSQL
     * with the stored response (and the commit), in one round trip, after the action has returned; a refused action's
     * batch is dropped unsent. What a write's failure throws is thrown here, as from the action. An action that needs
     * reads (or a lock) before it decides anything has {@code prelude} add them to the key's own round trip, after the
     * savepoint (so a refusal's rollback to it releases what they locked), and return what the action reads their
     * answers from once sent; a replayed key's prelude has run too, its answers unused.
     */
    public <P> StoredResponse executeBatched(
            UUID userId,
            String key,
            String request,
            Function<SqlBatch, P> prelude,
            BiFunction<P, SqlBatch, StoredResponse> action) {
        checkKey(key);
        String hash = Sha256.hex(request);
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> {
                    // one round trip: the key, a savepoint after it to undo the action's writes to if it is refused
                    // (kept with its answer; SQL of our own, as Spring's savepoints would cost a round trip), and the
                    // prelude's reads
                    SqlBatch start = new SqlBatch(operations);
                    SqlBatch.Rows<Boolean> inserted = start.query(
                            "INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES (?, ?, ?)"
                                    + " ON CONFLICT DO NOTHING RETURNING true",
                            (rs, n) -> true,
                            userId,
                            key,
                            hash);
                    start.add("SAVEPOINT " + SAVEPOINT);
                    P read = prelude.apply(start);
                    start.send();
                    if (inserted.list().isEmpty()) {
                        return replay(userId, key, hash);
                    }
                    StoredResponse response;
                    SqlBatch writes = new SqlBatch(operations);
                    try {
                        response = action.apply(read, writes);
                    } catch (DomainException e) {
                        writes = new SqlBatch(operations);
                        jdbc.sql("ROLLBACK TO SAVEPOINT " + SAVEPOINT).update();
                        // as Spring's own rollback to a savepoint does: the refusal passed through @Transactional
                        // methods, which marked the transaction rollback-only; what they wrote is undone now
                        ((ConnectionHolder) TransactionSynchronizationManager.getResource(dataSource))
                                .resetRollbackOnly();
                        // the refusal is audited outside the refused work, committed with the stored answer
                        response = refused(userId, key, request, e);
                    }
                    writes.add(STORE_RESPONSE, response.status(), response.contentType(), response.body(), userId, key);
                    if (status.isNewTransaction()) {
                        // the commit goes with the last batch (the transaction manager's then sends nothing)
                        writes.commit();
                    }
                    writes.send();
                    return response;
                });
            } catch (TransientDataAccessException e) {
                meters.counter("venmo.db.retries", "sqlstate", sqlState(e)).increment();
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                log.info(
                        "transient database failure (attempt {} of {}), retrying: {}", attempt, ATTEMPTS, e.toString());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                        ThreadLocalRandom.current().nextInt(1, 10 * attempt)));
            }
        }
    }

    /**
     * For a group of requests run in one transaction (one key per user, issue 16's group commit): inserts their keys
     * in one statement of {@code batch} and answers the users whose key was new (the others were used before: their
     * requests replay, outside the group). A key another transaction is inserting makes the statement wait for it, as
     * {@link #executeBatched} does. Each key is checked as there.
     */
    public SqlBatch.Rows<UUID> claim(SqlBatch batch, List<UUID> users, List<String> keys, List<String> requests) {
        keys.forEach(IdempotentExecutor::checkKey);
        return batch.query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash)"
                        + " SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING"
                        + " RETURNING user_id",
                (rs, n) -> rs.getObject(1, UUID.class),
                users.toArray(UUID[]::new),
                keys.toArray(String[]::new),
                requests.stream().map(Sha256::hex).toArray(String[]::new));
    }

    /** Claimed keys' responses (by user: one key each), as one statement of {@code batch} (committed with it). */
    public void store(SqlBatch batch, List<UUID> users, List<String> keys, List<StoredResponse> responses) {
        if (users.isEmpty()) {
            return;
        }
        batch.add(
                "UPDATE idempotency_keys k SET response_status = r.status, response_type = r.type, response_body = r.body"
                        + " FROM unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[])"
                        + " AS r(user_id, key, status, type, body) WHERE k.user_id = r.user_id AND k.key = r.key"
                        // the keys' users named again: a plan made while the table was small (a group's plan is kept
                        // for every size) joined the keys by reading all of it
                        + " AND k.user_id = ANY(?::uuid[])",
                users.toArray(UUID[]::new),
                keys.toArray(String[]::new),
                responses.stream().map(StoredResponse::status).toArray(Integer[]::new),
                responses.stream().map(StoredResponse::contentType).toArray(String[]::new),
                responses.stream().map(StoredResponse::body).toArray(String[]::new),
                users.toArray(UUID[]::new));
    }

    /**
     * Claimed keys given up in their transaction (their requests run on their own instead), as one statement of
     * {@code batch}.
     */
    public void release(SqlBatch batch, List<UUID> users, List<String> keys) {
        if (users.isEmpty()) {
            return;
        }
        batch.add(
                "DELETE FROM idempotency_keys k USING unnest(?::uuid[], ?::text[]) AS r(user_id, key)"
                        + " WHERE k.user_id = r.user_id AND k.key = r.key AND k.user_id = ANY(?::uuid[])",
                users.toArray(UUID[]::new),
                keys.toArray(String[]::new),
                users.toArray(UUID[]::new));
    }

    /**
     * A claimed key's request refused: the response to store, and the refusal audited in the caller's transaction,
     * as {@link #executeBatched} does for a refused action.
     */
    public StoredResponse refused(UUID userId, String key, String request, DomainException e) {
        StoredResponse response = problem(e);
        audit.recordRefusal(
                userId,
                action(request),
                "idempotency_key",
                key,
                e.problem().name().toLowerCase(java.util.Locale.ROOT),
                Map.of("status", response.status()));
        return response;
    }

    /**
     * The stored response of a key already committed, as {@link #execute} would replay it, read without a transaction;
     * empty if the key is new. Lets a caller skip work that must happen before the transaction (a card charge).
     */
    public Optional<StoredResponse> stored(UUID userId, String key, String request) {
        checkKey(key);
        return storedRow(userId, key).map(row -> replay(row, key, Sha256.hex(request)));
    }

    /** Refuses a key that is not 1-255 printable ASCII characters (400), before any work is done for it. */
    public static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches() || key.isBlank()) {
            throw new DomainException(
                    Problem.INVALID_REQUEST, "Idempotency-Key must be 1-255 printable ASCII characters");
        }
    }

    private StoredResponse replay(UUID userId, String key, String hash) {
        return replay(storedRow(userId, key).orElseThrow(), key, hash);
    }

    /** The key's row, if it is committed (one read: a key forgotten meanwhile is simply absent). */
    private Optional<Map<String, Object>> storedRow(UUID userId, String key) {
        return jdbc
                .sql("SELECT request_hash, response_status, response_type, response_body FROM idempotency_keys"
                        + " WHERE user_id = ? AND key = ?")
                .params(userId, key)
                .query()
                .listOfRows()
                .stream()
                .findFirst();
    }

    private StoredResponse replay(Map<String, Object> row, String key, String hash) {
        if (!hash.equals(row.get("request_hash"))) {
            throw new DomainException(
                    Problem.IDEMPOTENCY_KEY_REUSE,
                    "this Idempotency-Key was already used with a different request",
                    Map.of("idempotency_key", key));
        }
        if (row.get("response_status") == null) {
            // only possible if the first request's transaction is still open in this very connection's snapshot
            throw new DomainException(
                    Problem.IDEMPOTENCY_KEY_IN_FLIGHT, "the first request with this Idempotency-Key is still running");
        }
        return new StoredResponse(
                        (Integer) row.get("response_status"),
                        (String) row.get("response_type"),
                        (String) row.get("response_body"),
                        false)
                .asReplay();
    }

    /**
     * Replaces the stored response of a key whose action finished in a later transaction than the key's own (an
     * instant cashout: held in the first, paid out at the network, settled in a second). Runs in the caller's
     * transaction.
     */
    public void overwrite(UUID userId, String key, StoredResponse response) {
        jdbc.sql(STORE_RESPONSE)
                .params(response.status(), response.contentType(), response.body(), userId, key)
                .update();
    }

    /** Drops a key whose action was undone completely, so that a retry with it runs afresh. */
    public void forget(UUID userId, String key) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?")
                .params(userId, key)
                .update();
    }

    /** A problem response, as it would be stored for a domain failure. */
    public StoredResponse problem(DomainException e) {
        return new StoredResponse(
                ProblemBody.statusOf(e.problem()).value(),
                MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                json.writeValueAsString(ProblemBody.of(e)),
                false);
    }

    /** A success response: the object as JSON. */
    public StoredResponse json(int status, Object body) {
        return new StoredResponse(status, MediaType.APPLICATION_JSON_VALUE, json.writeValueAsString(body), false);
    }

    /** "POST /v1/transfers" of "POST /v1/transfers {...}". */
    private static String action(String request) {
        String[] words = request.split(" ", 3);
        return words.length >= 2 ? words[0] + " " + words[1] : request;
    }

    /** 40P01 deadlock, 40001 serialization failure, 55P03 lock not available, ... */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "unknown";
    }
}
