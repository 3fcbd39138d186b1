package com.wallet.api.audit;

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

    public void record(UUID actorId, String action, String entityType, Object entityId, Map<String, ?> details) {
        jdbc.sql("INSERT INTO audit_log (actor_id, action, entity_type, entity_id, request_id, details)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb)")
                .params(
                        actorId,
                        action,
                        entityType,
                        entityId.toString(),
                        MDC.get("request_id"),
                        json.writeValueAsString(details))
                .update();
    }
}
