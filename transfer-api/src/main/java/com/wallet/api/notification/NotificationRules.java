package com.wallet.api.notification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Which change events notify whom: a pure function of the table and the change event. Only what happened after the
 * connector started counts (creates and updates, never the initial snapshot's reads), and each notification carries
 * the key of the event that caused it, so a replayed event maps to the same notification.
 */
public final class NotificationRules {

    /** A notification to store: its event key makes it exactly one per causing event. */
    public record Derived(UUID userId, String kind, UUID subjectId, String eventKey, Map<String, Object> payload) {}

    private NotificationRules() {}

    public static List<Derived> derive(String table, JsonNode change) {
        String op = change.path("op").asString();
        JsonNode row = change.path("after");
        List<Derived> out = new ArrayList<>();
        switch (table) {
            case "transfers" -> {
                if (op.equals("c") && "completed".equals(row.path("status").asString())) {
                    UUID id = uuid(row, "id");
                    Map<String, Object> p = payload(
                            "transfer_id",
                            id,
                            "sender_id",
                            uuid(row, "sender_id"),
                            "amount_cents",
                            row.path("amount_cents").asLong(),
                            "note",
                            row.path("note").asString());
                    // a refund gives a payment back: its payer is told so, with the payment it refunds
                    String kind = row.path("refund_of").isString() ? "refund_received" : "payment_received";
                    if (kind.equals("refund_received")) {
                        p.put("refund_of", uuid(row, "refund_of"));
                    }
                    out.add(new Derived(uuid(row, "receiver_id"), kind, id, kind + ":" + id, p));
                }
            }
            case "payment_requests" -> {
                UUID id = uuid(row, "id");
                String status = row.path("status").asString();
                Map<String, Object> p = payload(
                        "request_id",
                        id,
                        "requester_id",
                        uuid(row, "requester_id"),
                        "payer_id",
                        uuid(row, "payer_id"),
                        "amount_cents",
                        row.path("amount_cents").asLong());
                if (op.equals("c")) {
                    out.add(new Derived(uuid(row, "payer_id"), "request_received", id, "request_received:" + id, p));
                } else if (op.equals("u")) {
                    switch (status) {
                        case "paid" ->
                            out.add(new Derived(
                                    uuid(row, "requester_id"), "request_paid", id, "request_paid:" + id, p));
                        case "declined" ->
                            out.add(new Derived(
                                    uuid(row, "requester_id"), "request_declined", id, "request_declined:" + id, p));
                        case "cancelled" ->
                            out.add(new Derived(
                                    uuid(row, "payer_id"), "request_cancelled", id, "request_cancelled:" + id, p));
                        default -> {}
                    }
                }
            }
            case "cashouts" -> {
                String status = row.path("status").asString();
                if (op.equals("u") && List.of("completed", "failed", "returned").contains(status)) {
                    UUID id = uuid(row, "id");
                    String kind = "cashout_" + status;
                    out.add(new Derived(
                            uuid(row, "user_id"),
                            kind,
                            id,
                            kind + ":" + id,
                            payload(
                                    "cashout_id",
                                    id,
                                    "amount_cents",
                                    row.path("amount_cents").asLong(),
                                    "speed",
                                    row.path("speed").asString())));
                }
            }
            case "friend_requests" -> {
                if (op.equals("c")) {
                    UUID from = uuid(row, "requester_id");
                    UUID to = uuid(row, "addressee_id");
                    out.add(new Derived(
                            to,
                            "friend_request_received",
                            from,
                            "friend_request_received:" + from + ":" + to + ":"
                                    + row.path("created_at").asString(),
                            payload("requester_id", from)));
                }
            }
            case "friendships" -> {
                if (op.equals("c")) {
                    UUID a = uuid(row, "user_a");
                    UUID b = uuid(row, "user_b");
                    String since = row.path("created_at").asString();
                    out.add(new Derived(
                            a,
                            "friend_request_accepted",
                            b,
                            "friend_request_accepted:" + a + ":" + b + ":" + since,
                            payload("friend_id", b)));
                    out.add(new Derived(
                            b,
                            "friend_request_accepted",
                            a,
                            "friend_request_accepted:" + b + ":" + a + ":" + since,
                            payload("friend_id", a)));
                }
            }
            default -> {}
        }
        return out;
    }

    private static UUID uuid(JsonNode row, String field) {
        return UUID.fromString(row.path(field).asString());
    }

    private static Map<String, Object> payload(Object... pairs) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            p.put((String) pairs[i], pairs[i + 1]);
        }
        return p;
    }
}
