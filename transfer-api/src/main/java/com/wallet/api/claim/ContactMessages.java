package com.wallet.api.claim;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The stub of email and SMS delivery: what would be sent (codes, invitations, password reset codes, the notice to an
 * address an account moved away from) is written to {@code contact_messages}, in the caller's transaction, for a
 * delivery worker to send and delete (docs/production.md).
 */
@Component
public class ContactMessages {

    private final JdbcClient jdbc;

    ContactMessages(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues {@code body} of {@code kind} to {@code to}. */
    public void send(Contact to, String kind, String body) {
        jdbc.sql("INSERT INTO contact_messages (contact_kind, contact, kind, body) VALUES (?, ?, ?, ?)")
                .params(to.kind(), to.value(), kind, body)
                .update();
    }
}
