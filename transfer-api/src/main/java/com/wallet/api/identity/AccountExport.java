package com.wallet.api.identity;

import com.wallet.api.audit.AuditLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * <p>One snapshot of the account: every part is read in one read-only transaction at {@code REPEATABLE READ}; in UTC
 * (RFC 3339 times, as every other answer of the API). PostgreSQL renders each row as JSON; the rows are fetched a few
 * hundred at a time and written to a temporary file (owner-only), so neither the API nor PostgreSQL holds the document
 * (a few hundred bytes per payment) in memory, and the connection is released before the download begins, however
 * slow the client. The file is unlinked as soon as it is opened for the answer: nothing stays on disk after it.
 */
@Service
public class AccountExport {

    private static final Logger log = LoggerFactory.getLogger(AccountExport.class);

    /** A part of the document: its name, and a query of its JSON values in order (one row: an object, else a list). */
    private record Section(String name, String rows) {}

    // every list oldest first; another person appears by username only; each row one JSON value, built by PostgreSQL
    private static final List<Section> SECTIONS = List.of(
            new Section("profile", """
                    SELECT json_build_object('id', id, 'username', username, 'display_name', display_name, 'email',
                    email, 'phone', phone, 'avatar_url', avatar_url, 'status', status, 'default_visibility',
                    default_visibility, 'created_at', created_at)::text FROM users WHERE id = :me
                    """),
            new Section("contacts", """
                    SELECT json_build_object('kind', contact_kind, 'contact', contact, 'verified_at', verified_at)::text
                    FROM user_contacts WHERE user_id = :me ORDER BY verified_at
                    """),
            new Section("payment_methods", """
                    SELECT json_build_object('id', id, 'type', type, 'last4', last4, 'account_type', account_type,
                    'holder_name', holder_name, 'routing_number', routing_number, 'exp_month', exp_month, 'exp_year',
                    exp_year, 'verified', verified, 'is_default', is_default, 'removed', removed, 'disabled_reason',
                    disabled_reason, 'created_at', created_at)::text FROM payment_methods WHERE user_id = :me ORDER BY
                    created_at, id
                    """),
            new Section("friends", """
                    SELECT json_build_object('username', u.username, 'since', f.created_at)::text FROM friendships f
                    JOIN users u ON u.id = CASE WHEN f.user_a = :me THEN f.user_b ELSE f.user_a END WHERE f.user_a = :me
                    OR f.user_b = :me ORDER BY f.created_at, u.username
                    """),
            new Section("friend_requests", """
                    SELECT json_build_object( 'direction', CASE WHEN r.requester_id = :me THEN 'sent' ELSE 'received'
                    END, 'username', u.username, 'created_at', r.created_at)::text FROM friend_requests r JOIN users u
                    ON u.id = CASE WHEN r.requester_id = :me THEN r.addressee_id ELSE r.requester_id END WHERE
                    r.requester_id = :me OR r.addressee_id = :me ORDER BY r.created_at, u.username
                    """),
            new Section("blocked", """
                    SELECT json_build_object('username', u.username, 'since', b.created_at)::text FROM user_blocks b
                    JOIN users u ON u.id = b.blocked_id WHERE b.blocker_id = :me ORDER BY b.created_at, u.username
                    """),
            new Section("payments", """
                    SELECT json_build_object('id', t.id, 'direction', CASE WHEN t.sender_id = :me THEN 'sent' ELSE
                    'received' END, 'counterparty', u.username, 'amount_cents', t.amount_cents, 'funding', CASE WHEN
                    t.sender_id = :me THEN json_build_object( 'balance_cents', t.balance_cents, 'bank_cents',
                    t.bank_cents, 'card_cents', t.card_cents, 'fee_cents', t.fee_cents) END, 'note', t.note,
                    'visibility', t.visibility, 'status', t.status, 'refund_of', t.refund_of, 'payment_request_id',
                    t.payment_request_id, 'created_at', t.created_at)::text FROM transfers t JOIN users u ON u.id = CASE
                    WHEN t.sender_id = :me THEN t.receiver_id ELSE t.sender_id END WHERE t.sender_id = :me OR
                    t.receiver_id = :me ORDER BY t.created_at, t.id
                    """),
            new Section("payment_requests", """
                    SELECT json_build_object('id', r.id, 'direction', CASE WHEN r.requester_id = :me THEN 'sent' ELSE
                    'received' END, 'counterparty', u.username, 'amount_cents', r.amount_cents, 'note', r.note,
                    'visibility', r.visibility, 'status', r.status, 'created_at', r.created_at, 'updated_at',
                    r.updated_at)::text FROM payment_requests r JOIN users u ON u.id = CASE WHEN r.requester_id = :me
                    THEN r.payer_id ELSE r.requester_id END WHERE r.requester_id = :me OR r.payer_id = :me ORDER BY
                    r.created_at, r.id
                    """),
            new Section("scheduled_payments", """
                    SELECT json_build_object('id', s.id, 'receiver', u.username, 'amount_cents', s.amount_cents, 'note',
                    s.note, 'visibility', s.visibility, 'repeat', s.repeat, 'start_date', s.start_date, 'end_date',
                    s.end_date, 'status', s.status, 'occurrences', s.occurrences, 'next_date', s.next_date,
                    'created_at', s.created_at)::text FROM scheduled_payments s JOIN users u ON u.id = s.receiver_id
                    WHERE s.payer_id = :me ORDER BY s.created_at, s.id
                    """),
            new Section("cashouts", """
                    SELECT json_build_object('id', id, 'speed', speed, 'amount_cents', amount_cents, 'fee_cents',
                    fee_cents, 'status', status, 'failure_reason', failure_reason, 'payment_method_id',
                    payment_method_id, 'created_at', created_at, 'updated_at', updated_at)::text FROM cashouts WHERE
                    user_id = :me ORDER BY created_at, id
                    """),
            new Section("top_ups", """
                    SELECT json_build_object('id', id, 'amount_cents', amount_cents, 'status', status,
                    'payment_method_id', payment_method_id, 'created_at', created_at, 'updated_at', updated_at)::text
                    FROM external_charges WHERE user_id = :me AND transfer_id IS NULL ORDER BY created_at, id
                    """),
            new Section("payments_to_contacts", """
                    SELECT json_build_object('id', id, 'contact_kind', contact_kind, 'contact', contact, 'amount_cents',
                    amount_cents, 'note', note, 'status', status, 'expires_at', expires_at, 'created_at',
                    created_at)::text FROM claims WHERE payer_id = :me ORDER BY created_at, id
                    """),
            new Section("likes", """
                    SELECT json_build_object('transfer_id', transfer_id, 'created_at', created_at)::text FROM feed_likes
                    WHERE user_id = :me ORDER BY created_at, transfer_id
                    """),
            new Section("comments", """
                    SELECT json_build_object('id', id, 'transfer_id', transfer_id, 'text', text, 'created_at',
                    created_at)::text FROM feed_comments WHERE user_id = :me ORDER BY created_at, id
                    """),
            new Section("notifications", """
                    SELECT json_build_object('id', id, 'kind', kind, 'payload', payload, 'read_at', read_at,
                    'created_at', created_at)::text FROM notifications WHERE user_id = :me ORDER BY created_at, id
                    """),
            new Section("security_events", """
                    SELECT json_build_object('occurred_at', occurred_at, 'action', action, 'outcome', outcome,
                    'client_address', client_address)::text FROM audit_log WHERE actor_id = :me ORDER BY occurred_at, id
                    """));

    private static final int FETCH_SIZE = 256;
    private static final String PREFIX = "wallet-export-";

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate transactions;
    private final AuditLog audit;

    AccountExport(JdbcClient jdbc, TransactionTemplate transactions, AuditLog audit) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        this.readOnly.setReadOnly(true);
        this.readOnly.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.audit = audit;
    }

    /** A finished export: its size, and the document to send, open and already unlinked (close it when sent). */
    public record Document(long bytes, InputStream content) {}

    /** The caller's data as a JSON document; the export itself is audited ({@code user.exported}). */
    public Document export(UUID me) {
        removeLeftovers();
        Path file = null;
        try {
            file = Files.createTempFile(PREFIX, ".json"); // rw------- where POSIX
            Path into = file;
            readOnly.executeWithoutResult(status -> write(me, into));
            long bytes = Files.size(file);
            InputStream content = Files.newInputStream(file);
            try {
                Files.delete(file); // the open stream still reads it; nothing is left behind
                file = null;
                transactions.executeWithoutResult(
                        status -> audit.record(me, "user.exported", "user", me, Map.of("bytes", bytes)));
            } catch (IOException | RuntimeException e) {
                content.close(); // not answered: nothing holds the file open
                throw e;
            }
            return new Document(bytes, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an export", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("cannot delete the export file {}", file, e);
                }
            }
        }
    }

    /**
     * Removes export files an hour old or more: a process killed between writing one and opening it for the answer
     * (the only moment one exists) leaves it behind; no export takes an hour to write, on this instance or another.
     */
    private static void removeLeftovers() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        Instant stale = Instant.now().minus(Duration.ofHours(1));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*.json")) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(stale)) {
                        Files.deleteIfExists(file);
                        log.info("removed a leftover export file {}", file.getFileName());
                    }
                } catch (IOException e) {
                    log.warn("cannot remove the leftover export file {}", file.getFileName(), e);
                }
            }
        } catch (IOException e) {
            log.warn("cannot look for leftover export files in {}", dir, e);
        }
    }

    private void write(UUID me, Path file) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            // times rendered in UTC, whatever the server's zone
            jdbc.sql("SET LOCAL TIME ZONE 'UTC'").update();
            out.write("{\"exported_at\":");
            out.write(jdbc.sql("SELECT to_json(clock_timestamp())::text")
                    .query(String.class)
                    .single());
            for (Section section : SECTIONS) {
                boolean list = !section.name().equals("profile");
                out.write(",\"" + section.name() + "\":" + (list ? "[" : ""));
                boolean[] first = {true};
                jdbc.sql(section.rows())
                        .param("me", me)
                        .withFetchSize(FETCH_SIZE)
                        .query((ResultSet row) -> {
                            try {
                                if (!first[0]) {
                                    out.write(',');
                                }
                                first[0] = false;
                                out.write(row.getString(1));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                if (list) {
                    out.write(']');
                } else if (first[0]) {
                    out.write("null");
                }
            }
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an export", e);
        }
    }
}
