package com.wallet.api.notification;

import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notifications of what the API itself does (not derived from a change topic): stored in the caller's transaction,
 * once per event key, and published by the notifications sweep.
 */
@Component
public class NotificationOutbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    NotificationOutbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Adds a notification unless one with this event key exists; true if added. */
    public boolean add(UUID userId, String kind, UUID subjectId, String eventKey, Map<String, Object> payload) {
        return jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                                + " VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (event_key) DO NOTHING")
                        .params(UUID.randomUUID(), userId, kind, subjectId, eventKey, json.writeValueAsString(payload))
                        .update()
                == 1;
    }
}
