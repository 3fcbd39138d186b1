package com.wallet.settlement;

import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notifications the settlement jobs store for users (transfer-api's sweep publishes them to
 * {@code wallet.notifications.v1}; {@code GET /v1/me/notifications} lists them): each once, under the key of the event
 * that caused it, in the caller's transaction.
 */
public final class Notifications {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Notifications() {}

    /** Stores one notification unless one was stored under {@code eventKey} before. */
    public static void store(
            JdbcClient jdbc, UUID user, String kind, UUID subject, String eventKey, Map<String, ?> payload) {
        jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_key) DO NOTHING")
                .params(UUID.randomUUID(), user, kind, subject, eventKey, JSON.writeValueAsString(payload))
                .update();
    }
}
