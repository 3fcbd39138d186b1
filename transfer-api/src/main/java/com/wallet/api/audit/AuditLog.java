package com.wallet.api.audit;

import com.wallet.api.web.RequestIdFilter;
import com.wallet.ledger.SqlBatch;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only audit log (the database refuses updates and deletes). Rows are written in the transaction of the
 * change they describe. Details must never hold a password, token or full account or card number.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class AuditLog {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** What an audited action came to. */
    public enum Outcome {
        SUCCEEDED,
        REFUSED,
        FAILED
    }

    /** A change that happened, by a user (or the system when {@code actorId} is null). */
    public void record(UUID actorId, String action, String entityType, Object entityId, Map<String, ?> details) {
        jdbc.sql(INSERT)
                .params(succeeded(actorId, action, entityType, entityId, details))
                .update();
    }

    /** {@link #record} as a statement of {@code batch}: written with the batch's other statements when it is sent. */
    public void record(
            SqlBatch batch, UUID actorId, String action, String entityType, Object entityId, Map<String, ?> details) {
        batch.add(INSERT, succeeded(actorId, action, entityType, entityId, details));
    }

    /**
     * A change that happened, as a row to write later with others ({@link #record(SqlBatch, List)}): its request's id
     * and client address are those of the thread's log context now.
     */
    public Object[] row(UUID actorId, String action, String entityType, Object entityId, Map<String, ?> details) {
        return succeeded(actorId, action, entityType, entityId, details);
    }

    /** Rows made by {@link #row}, as one statement of {@code batch}. */
    public void record(SqlBatch batch, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Object[][] columns = new Object[10][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < 10; c++) {
                columns[c][r] = rows.get(r)[c];
            }
        }
        batch.add(
                "INSERT INTO audit_log (actor_type, actor_id, action, entity_type, entity_id, request_id, client_address,"
                        + " outcome, reason, details) SELECT actor_type, actor_id, action, entity_type, entity_id,"
                        + " request_id, client_address, outcome, reason, details::jsonb FROM unnest(?::text[],"
                        + " ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                        + " ?::text[]) AS r(actor_type, actor_id, action, entity_type, entity_id, request_id,"
                        + " client_address, outcome, reason, details)",
                java.util.Arrays.copyOf(columns[0], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[1], rows.size(), UUID[].class),
                java.util.Arrays.copyOf(columns[2], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[3], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[4], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[5], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[6], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[7], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[8], rows.size(), String[].class),
                java.util.Arrays.copyOf(columns[9], rows.size(), String[].class));
    }

    /** The row of a change that happened ({@link #record}). */
    private Object[] succeeded(
            UUID actorId, String action, String entityType, Object entityId, Map<String, ?> details) {
        return values(
                actorId == null ? "system" : "user",
                actorId,
                action,
                entityType,
                entityId,
                Outcome.SUCCEEDED,
                null,
                details);
    }

    /** A request refused (a 4xx answer), in the caller's transaction after the refused work was rolled back. */
    public void recordRefusal(
            UUID actorId, String action, String entityType, Object entityId, String reason, Map<String, ?> details) {
        insert("user", actorId, action, entityType, entityId, Outcome.REFUSED, reason, details);
    }

    /**
     * An action that was refused or failed (a refused transfer, a wrong password), with the reason: written in a
     * transaction of its own, so it stays whatever becomes of the request's. {@code actorId} null: an anonymous client.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordOutcome(
            UUID actorId,
            String action,
            String entityType,
            Object entityId,
            Outcome outcome,
            String reason,
            Map<String, ?> details) {
        insert(actorId == null ? "anonymous" : "user", actorId, action, entityType, entityId, outcome, reason, details);
    }

    private void insert(
            String actorType,
            UUID actorId,
            String action,
            String entityType,
            Object entityId,
            Outcome outcome,
            String reason,
            Map<String, ?> details) {
        jdbc.sql(INSERT)
                .params(values(actorType, actorId, action, entityType, entityId, outcome, reason, details))
                .update();
    }

    private static final String INSERT = "INSERT INTO audit_log (actor_type, actor_id, action, entity_type, entity_id,"
            + " request_id, client_address, outcome, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";

    private Object[] values(
            String actorType,
            UUID actorId,
            String action,
            String entityType,
            Object entityId,
            Outcome outcome,
            String reason,
            Map<String, ?> details) {
        return new Object[] {
            actorType,
            actorId,
            action,
            entityType,
            entityId.toString(),
            MDC.get("request_id"),
            MDC.get(RequestIdFilter.CLIENT_ADDRESS),
            outcome.name().toLowerCase(java.util.Locale.ROOT),
            reason,
            json.writeValueAsString(details)
        };
    }
}
