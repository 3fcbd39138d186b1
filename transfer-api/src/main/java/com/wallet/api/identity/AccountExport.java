package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A person's data, as one JSON document ({@code GET /v1/me/export}): their profile, proven contacts, payment methods
 * (never a full number), friends, friend requests, the people they blocked (not who blocked them), payments either way
 * (the funding of those they sent), payment requests either way, their scheduled payments, cash-outs, top-ups,
 * payments to contacts not yet here, likes, comments, notifications and the security events of their account (logins,
 * changes: the audit log's rows they are the actor of). The ledger's movements are the statement's
 * ({@code GET /v1/me/statements}).
 *
 * <p>PostgreSQL builds the document in one statement, so it is one snapshot of the account; in UTC (RFC 3339 times,
 * as every other answer of the API). It is held in memory whole: a few hundred bytes per payment.
 */
@Service
public class AccountExport {

    // every list oldest first; another person appears by username only
    private static final String DOCUMENT = """
            SELECT json_build_object(
              'exported_at', clock_timestamp(),
              'profile', (SELECT json_build_object('id', id, 'username', username, 'display_name', display_name,
                                 'email', email, 'phone', phone, 'avatar_url', avatar_url, 'status', status,
                                 'default_visibility', default_visibility, 'created_at', created_at)
                            FROM users WHERE id = :me),
              'contacts', (SELECT coalesce(json_agg(json_build_object('kind', contact_kind, 'contact', contact,
                                  'verified_at', verified_at) ORDER BY verified_at), '[]')
                             FROM user_contacts WHERE user_id = :me),
              'payment_methods', (SELECT coalesce(json_agg(json_build_object('id', id, 'type', type, 'last4', last4,
                                         'account_type', account_type, 'holder_name', holder_name,
                                         'routing_number', routing_number, 'exp_month', exp_month,
                                         'exp_year', exp_year, 'verified', verified, 'is_default', is_default,
                                         'removed', removed, 'disabled_reason', disabled_reason,
                                         'created_at', created_at) ORDER BY created_at, id), '[]')
                                    FROM payment_methods WHERE user_id = :me),
              'friends', (SELECT coalesce(json_agg(json_build_object('username', u.username, 'since', f.created_at)
                                 ORDER BY f.created_at, u.username), '[]')
                            FROM friendships f
                            JOIN users u ON u.id = CASE WHEN f.user_a = :me THEN f.user_b ELSE f.user_a END
                           WHERE f.user_a = :me OR f.user_b = :me),
              'friend_requests', (SELECT coalesce(json_agg(json_build_object(
                                         'direction', CASE WHEN r.requester_id = :me THEN 'sent' ELSE 'received' END,
                                         'username', u.username, 'created_at', r.created_at)
                                         ORDER BY r.created_at, u.username), '[]')
                                    FROM friend_requests r
                                    JOIN users u ON u.id = CASE WHEN r.requester_id = :me THEN r.addressee_id
                                                                ELSE r.requester_id END
                                   WHERE r.requester_id = :me OR r.addressee_id = :me),
              'blocked', (SELECT coalesce(json_agg(json_build_object('username', u.username, 'since', b.created_at)
                                 ORDER BY b.created_at, u.username), '[]')
                            FROM user_blocks b JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = :me),
              'payments', (SELECT coalesce(json_agg(json_build_object('id', t.id,
                                  'direction', CASE WHEN t.sender_id = :me THEN 'sent' ELSE 'received' END,
                                  'counterparty', u.username, 'amount_cents', t.amount_cents,
                                  'funding', CASE WHEN t.sender_id = :me THEN json_build_object(
                                                 'balance_cents', t.balance_cents, 'bank_cents', t.bank_cents,
                                                 'card_cents', t.card_cents, 'fee_cents', t.fee_cents) END,
                                  'note', t.note, 'visibility', t.visibility, 'status', t.status,
                                  'refund_of', t.refund_of, 'payment_request_id', t.payment_request_id,
                                  'created_at', t.created_at) ORDER BY t.created_at, t.id), '[]')
                             FROM transfers t
                             JOIN users u ON u.id = CASE WHEN t.sender_id = :me THEN t.receiver_id
                                                         ELSE t.sender_id END
                            WHERE t.sender_id = :me OR t.receiver_id = :me),
              'payment_requests', (SELECT coalesce(json_agg(json_build_object('id', r.id,
                                          'direction', CASE WHEN r.requester_id = :me THEN 'sent' ELSE 'received' END,
                                          'counterparty', u.username, 'amount_cents', r.amount_cents,
                                          'note', r.note, 'visibility', r.visibility, 'status', r.status,
                                          'created_at', r.created_at, 'updated_at', r.updated_at)
                                          ORDER BY r.created_at, r.id), '[]')
                                     FROM payment_requests r
                                     JOIN users u ON u.id = CASE WHEN r.requester_id = :me THEN r.payer_id
                                                                 ELSE r.requester_id END
                                    WHERE r.requester_id = :me OR r.payer_id = :me),
              'scheduled_payments', (SELECT coalesce(json_agg(json_build_object('id', s.id,
                                            'receiver', u.username, 'amount_cents', s.amount_cents, 'note', s.note,
                                            'visibility', s.visibility, 'repeat', s.repeat,
                                            'start_date', s.start_date, 'end_date', s.end_date,
                                            'status', s.status, 'occurrences', s.occurrences,
                                            'next_date', s.next_date, 'created_at', s.created_at)
                                            ORDER BY s.created_at, s.id), '[]')
                                       FROM scheduled_payments s JOIN users u ON u.id = s.receiver_id
                                      WHERE s.payer_id = :me),
              'cashouts', (SELECT coalesce(json_agg(json_build_object('id', id, 'speed', speed,
                                  'amount_cents', amount_cents, 'fee_cents', fee_cents, 'status', status,
                                  'failure_reason', failure_reason, 'payment_method_id', payment_method_id,
                                  'created_at', created_at, 'updated_at', updated_at) ORDER BY created_at, id), '[]')
                             FROM cashouts WHERE user_id = :me),
              'top_ups', (SELECT coalesce(json_agg(json_build_object('id', id, 'amount_cents', amount_cents,
                                 'status', status, 'payment_method_id', payment_method_id,
                                 'created_at', created_at, 'updated_at', updated_at) ORDER BY created_at, id), '[]')
                            FROM external_charges WHERE user_id = :me AND transfer_id IS NULL),
              'payments_to_contacts', (SELECT coalesce(json_agg(json_build_object('id', id,
                                              'contact_kind', contact_kind, 'contact', contact,
                                              'amount_cents', amount_cents, 'note', note, 'status', status,
                                              'expires_at', expires_at, 'created_at', created_at)
                                              ORDER BY created_at, id), '[]')
                                         FROM claims WHERE payer_id = :me),
              'likes', (SELECT coalesce(json_agg(json_build_object('transfer_id', transfer_id,
                               'created_at', created_at) ORDER BY created_at, transfer_id), '[]')
                          FROM feed_likes WHERE user_id = :me),
              'comments', (SELECT coalesce(json_agg(json_build_object('id', id, 'transfer_id', transfer_id,
                                  'text', text, 'created_at', created_at) ORDER BY created_at, id), '[]')
                             FROM feed_comments WHERE user_id = :me),
              'notifications', (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind,
                                       'payload', payload, 'read_at', read_at, 'created_at', created_at)
                                       ORDER BY created_at, id), '[]')
                                  FROM notifications WHERE user_id = :me),
              'security_events', (SELECT coalesce(json_agg(json_build_object('occurred_at', occurred_at,
                                         'action', action, 'outcome', outcome, 'client_address', client_address)
                                         ORDER BY occurred_at, id), '[]')
                                    FROM audit_log WHERE actor_id = :me))::text
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate transactions;
    private final AuditLog audit;

    AccountExport(JdbcClient jdbc, TransactionTemplate transactions, AuditLog audit) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        this.readOnly.setReadOnly(true);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.audit = audit;
    }

    /** The caller's data as a JSON document; the export itself is audited ({@code user.exported}). */
    public String export(UUID me) {
        String document = readOnly.execute(status -> {
            // times rendered in UTC, whatever the server's zone
            jdbc.sql("SET LOCAL TIME ZONE 'UTC'").update();
            return jdbc.sql(DOCUMENT).param("me", me).query(String.class).single();
        });
        transactions.executeWithoutResult(
                status -> audit.record(me, "user.exported", "user", me, Map.of("characters", document.length())));
        return document;
    }
}
