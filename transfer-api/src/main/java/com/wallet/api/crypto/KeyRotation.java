package com.wallet.api.crypto;

import com.wallet.api.audit.AuditLog;
import com.wallet.common.crypto.DataCipher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rotates the data key: seals again under the current key ({@code wallet.crypto.data-key}, {@code key-id}) every
 * account and card number still under one of the previous keys ({@code wallet.crypto.previous-keys}), and rewrites
 * with it the bank account's fingerprint and its wrong micro-deposit answers' fingerprints, so that once a pass finds
 * nothing left under a previous key that key can be dropped from the configuration. A pass goes through each previous
 * key's rows in id order (V51's index), {@value #BATCH} rows per transaction; rows another transaction holds (a
 * change notice being applied) are skipped and left to the next pass; each row is rewritten from what it holds when
 * locked, so nothing written meanwhile is lost. Runs at start and every {@code wallet.crypto.rotation-interval} (10
 * min) on every instance; instances that meet skip each other's rows.
 *
 * <p>The wrong answers kept per bank account ({@code bank_verification_failures}, which lock an account for good)
 * are rewritten by their payment method: those under the fingerprint of the number the method holds. A failure for a
 * number a change notice has replaced since keeps its old fingerprint and stops counting once the key that made it
 * is dropped (the bank told us that number is gone).
 *
 * <p>Rows under a key id that is neither current nor previous cannot be read at all (a card charge or an ACH file
 * with one fails): a pass counts them, logs an error naming the key ids, and the gauge {@code
 * wallet_crypto_numbers_not_current} counts them with those still to seal.
 */
@Component
public class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

    static final int BATCH = 500;

    private static final UUID FIRST = new UUID(0, 0);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final DataCipher cipher;
    private final AuditLog audit;

    /** Rows not under the current key at the end of the last pass; -1 before the first. */
    private final AtomicLong notCurrent = new AtomicLong(-1);

    /**
     * Whether this instance seals numbers again ({@code wallet.crypto.reseal}, true). False while a new key is only
     * given out as a previous key (the rotation's first step): an instance still sealing under the old key would
     * otherwise seal back what the instances already on the new key have sealed.
     */
    private final boolean reseal;

    KeyRotation(
            JdbcClient jdbc,
            TransactionTemplate tx,
            DataCipher cipher,
            AuditLog audit,
            MeterRegistry meters,
            @org.springframework.beans.factory.annotation.Value("${wallet.crypto.reseal:true}") boolean reseal) {
        this.reseal = reseal;
        this.jdbc = jdbc;
        this.tx = tx;
        this.cipher = cipher;
        this.audit = audit;
        Gauge.builder("wallet.crypto.numbers.not.current", notCurrent, AtomicLong::get)
                .description("account and card numbers not under the current data key after the last rotation pass"
                        + " (-1 before the first)")
                .register(meters);
    }

    /**
     * What a pass did: numbers sealed again under the current key, rows skipped because another transaction held
     * them, and per key id neither current nor previous the rows under it (unreadable).
     */
    public record Pass(long resealed, long skipped, Map<Integer, Long> unreadable) {

        /** Nothing is left under a previous key and nothing is unreadable. */
        public boolean complete() {
            return skipped == 0 && unreadable.isEmpty();
        }
    }

    @Scheduled(
            initialDelayString = "${wallet.crypto.rotation-initial-delay:PT30S}",
            fixedDelayString = "${wallet.crypto.rotation-interval:PT10M}")
    void scheduled() {
        // on after a complete pass too: an instance or a settlement job still configured with an older current key
        // (a rolling change of the keys) writes under it; a pass with nothing to do is one statement on V51's index
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("data key rotation pass failed; the next one tries again: {}", e.toString());
        }
    }

    /** One pass: every previous key's numbers sealed again, then what is left not under the current key counted. */
    public Pass run() {
        long resealed = 0;
        List<Integer> previous = cipher.previousKeyIds();
        for (int keyId : reseal ? previous : List.<Integer>of()) {
            byte[] id = {(byte) keyId};
            UUID after = FIRST;
            while (true) {
                UUID from = after;
                Batch batch = tx.execute(status -> reseal(id, from));
                resealed += batch.resealed();
                if (batch.last() == null) {
                    break;
                }
                after = batch.last();
            }
        }
        // what is left not under the current key, by key id, in one statement (V51's index, the ranges either side of
        // the current id): under a previous key, held by others while the pass went by (SKIP LOCKED), did not open,
        // or not resealed by this instance; under any other key, unreadable
        byte[] current = {(byte) cipher.currentKeyId()};
        long skipped = 0;
        Map<Integer, Long> unreadable = new TreeMap<>();
        for (Map.Entry<Integer, Long> under : jdbc.sql("SELECT substring(number_encrypted FROM 2 FOR 1), count(*)"
                        + " FROM payment_methods WHERE number_encrypted IS NOT NULL"
                        + " AND (substring(number_encrypted FROM 2 FOR 1) < ? OR substring(number_encrypted FROM 2 FOR 1) > ?)"
                        + " GROUP BY 1")
                .params(current, current)
                .query((rs, n) -> {
                    byte[] id = rs.getBytes(1);
                    return Map.entry(id.length == 0 ? 0 : id[0] & 0xff, rs.getLong(2));
                })
                .list()) {
            if (previous.contains(under.getKey())) {
                skipped += under.getValue();
            } else {
                unreadable.put(under.getKey(), under.getValue());
            }
        }
        long left = skipped
                + unreadable.values().stream().mapToLong(Long::longValue).sum();
        long before = notCurrent.getAndSet(left);
        if (!unreadable.isEmpty()) {
            log.error(
                    "account or card numbers are under data key ids that are not configured (id: rows {}); they cannot"
                            + " be read until their key is given in wallet.crypto.previous-keys",
                    unreadable);
        }
        if (resealed > 0) {
            long total = resealed;
            tx.executeWithoutResult(status -> audit.record(
                    null,
                    "crypto.numbers_resealed",
                    "data_key",
                    cipher.currentKeyId(),
                    Map.of("resealed", total, "previous_key_ids", previous)));
            log.info("data key rotation: numbers sealed again under key id {}: {}", cipher.currentKeyId(), resealed);
        }
        if (left == 0 && before != 0 && !previous.isEmpty()) {
            log.info(
                    "data key rotation: nothing is left under the previous key ids {}; they can be removed from"
                            + " wallet.crypto.previous-keys once no transfer-api or settlement instance runs with an"
                            + " older current key",
                    previous);
        }
        return new Pass(resealed, skipped, unreadable);
    }

    private record Row(UUID id, String type, String routing, byte[] number, byte[] fingerprint) {}

    /** The rows sealed again in one transaction, and the last id the batch read (null when it read none). */
    private record Batch(long resealed, UUID last) {}

    private Batch reseal(byte[] keyId, UUID after) {
        List<Row> rows = jdbc.sql("SELECT id, type, routing_number, number_encrypted, fingerprint FROM payment_methods"
                        + " WHERE number_encrypted IS NOT NULL AND substring(number_encrypted FROM 2 FOR 1) = ?"
                        + " AND id > ? ORDER BY id LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED")
                .params(keyId, after)
                .query((rs, n) -> new Row(
                        rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5)))
                .list();
        // the batch's new numbers and fingerprints, written by one statement each (not a statement per row)
        List<UUID> ids = new ArrayList<>();
        List<byte[]> numbers = new ArrayList<>();
        List<byte[]> fingerprints = new ArrayList<>();
        List<UUID> failedIds = new ArrayList<>();
        List<byte[]> failedNew = new ArrayList<>();
        List<byte[]> failedOld = new ArrayList<>();
        for (Row row : rows) {
            String number;
            try {
                number = cipher.decrypt(row.number(), row.id());
            } catch (IllegalStateException e) {
                // altered, or copied from another row: left as it is (counted as not current), the rest go on
                log.error(
                        "data key rotation: payment method {} does not open; left as it is: {}",
                        row.id(),
                        e.getMessage());
                continue;
            }
            byte[] fingerprint = row.fingerprint();
            if (fingerprint != null && "bank".equals(row.type())) {
                String account = row.routing() + ":" + number;
                fingerprint = cipher.fingerprint(account);
                // its wrong micro-deposit answers, under whichever configured key they were recorded
                for (byte[] old : cipher.fingerprints(account)) {
                    failedIds.add(row.id());
                    failedNew.add(fingerprint);
                    failedOld.add(old);
                }
            }
            ids.add(row.id());
            numbers.add(cipher.encrypt(number, row.id()));
            fingerprints.add(fingerprint);
        }
        if (!failedIds.isEmpty()) {
            jdbc.sql("UPDATE bank_verification_failures b SET fingerprint = u.fingerprint"
                            + " FROM unnest(?::uuid[], ?::bytea[], ?::bytea[]) AS u(id, fingerprint, old)"
                            + " WHERE b.payment_method_id = u.id AND b.fingerprint = u.old")
                    .params(
                            failedIds.toArray(UUID[]::new),
                            failedNew.toArray(byte[][]::new),
                            failedOld.toArray(byte[][]::new))
                    .update();
        }
        if (!ids.isEmpty()) {
            jdbc.sql("UPDATE payment_methods p SET number_encrypted = u.number, fingerprint = u.fingerprint"
                            + " FROM unnest(?::uuid[], ?::bytea[], ?::bytea[]) AS u(id, number, fingerprint)"
                            + " WHERE p.id = u.id")
                    .params(
                            ids.toArray(UUID[]::new),
                            numbers.toArray(byte[][]::new),
                            fingerprints.toArray(byte[][]::new))
                    .update();
        }
        long resealed = ids.size();
        return new Batch(
                resealed, rows.isEmpty() ? null : rows.get(rows.size() - 1).id());
    }
}
