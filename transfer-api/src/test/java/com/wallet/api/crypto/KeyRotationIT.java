package com.wallet.api.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.Api;
import com.wallet.api.ApiIT;
import com.wallet.api.audit.AuditLog;
import com.wallet.api.funding.PaymentMethodService;
import com.wallet.common.crypto.DataCipher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rotating the data key on the shared database: every number sealed again under the new key, the bank accounts'
 * fingerprints and their wrong answers with it, then back. The tests' application has key 1 current and key 2 as a
 * previous key (application-test.yaml), so it reads every row whichever key a pass left it under.
 */
@ApiIT
class KeyRotationIT extends ApiIT.Base {

    private static final String KEY_1 = "dGVzdC1vbmx5LWRhdGEta2V5LWZvci1hZXMtZ2NtISE=";
    private static final String KEY_2 = "dGVzdC1vbmx5LXNlY29uZC1kYXRhLWtleS0zMmJ5dGU=";

    /** The application's: key 1 current, key 2 previous. */
    @Autowired
    private KeyRotation rotation;

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private TransactionTemplate tx;

    @Autowired
    private AuditLog audit;

    @Autowired
    private PaymentMethodService methods;

    @Autowired
    private MeterRegistry meters;

    /** An instance that rotated to key 2 and still has key 1 as its previous key. */
    private KeyRotation toKey2() {
        return new KeyRotation(
                jdbc, tx, new DataCipher(KEY_2, 2, "1:" + KEY_1), audit, new SimpleMeterRegistry(), true);
    }

    private int keyOf(UUID method) {
        return db.queryForObject(
                "SELECT get_byte(number_encrypted, 1) FROM payment_methods WHERE id = ?", Integer.class, method);
    }

    private byte[] sealed(UUID method) {
        return db.queryForObject("SELECT number_encrypted FROM payment_methods WHERE id = ?", byte[].class, method);
    }

    private byte[] fingerprint(UUID method) {
        return db.queryForObject("SELECT fingerprint FROM payment_methods WHERE id = ?", byte[].class, method);
    }

    private long failuresUnder(UUID method, byte[] fingerprint) {
        return db.queryForObject(
                "SELECT count(*) FROM bank_verification_failures WHERE payment_method_id = ? AND fingerprint = ?",
                Long.class,
                method,
                fingerprint);
    }

    private long notUnder(int keyId) {
        return db.queryForObject(
                "SELECT count(*) FROM payment_methods WHERE number_encrypted IS NOT NULL"
                        + " AND get_byte(number_encrypted, 1) <> ?",
                Long.class,
                keyId);
    }

    @Test
    void everyNumberIsSealedAgainUnderTheNewKeyAndABankAccountsLockFollowsIt() {
        Api.Person alice = api.newUser("alice");
        String account = Api.newAccountNumber();
        UUID bank = api.linkBank(alice, account);
        api.guessWrongThreeTimes(alice, bank, account); // the account is locked for everyone, by its fingerprint
        UUID card = api.addCard(alice, Api.CARD);
        byte[] underKey1 = fingerprint(bank);
        assertThat(keyOf(bank)).isEqualTo(1);
        assertThat(keyOf(card)).isEqualTo(1);
        assertThat(failuresUnder(bank, underKey1)).isEqualTo(3);

        KeyRotation.Pass there;
        KeyRotation.Pass back;
        DataCipher onlyKey2 = new DataCipher(KEY_2, 2);
        try {
            there = toKey2().run();
            assertThat(keyOf(bank)).isEqualTo(2);
            assertThat(keyOf(card)).isEqualTo(2);
            assertThat(notUnder(2)).as("nothing left under key 1").isZero();
            // key 1 can go: key 2 alone opens them, and the account's fingerprint and wrong answers are under it
            assertThat(onlyKey2.decrypt(sealed(bank), bank)).isEqualTo(account);
            assertThat(onlyKey2.decrypt(sealed(card), card)).isEqualTo(Api.CARD);
            byte[] underKey2 = onlyKey2.fingerprint(Api.ROUTING + ":" + account);
            assertThat(fingerprint(bank)).isEqualTo(underKey2).isNotEqualTo(underKey1);
            assertThat(failuresUnder(bank, underKey2)).isEqualTo(3);
            // the application, still sealing under key 1, reads them, and still knows the account is locked: a
            // link by anyone else is refused (the account's fingerprints under both keys are looked up)
            assertThat(methods.number(card)).isEqualTo(Api.CARD);
            Api.Response bob = api.post(
                    "/v1/me/payment-methods",
                    api.newUser("bob").token(),
                    null,
                    Map.of("type", "bank", "routing_number", Api.ROUTING, "account_number", account));
            assertThat(bob.status()).isEqualTo(409);
            assertThat(bob.json().path("reason").asString()).isEqualTo("account_locked");
        } finally {
            back = rotation.run(); // the application's pass: back under key 1, for the other tests
        }
        assertThat(there.resealed()).isGreaterThanOrEqualTo(2);
        assertThat(there.complete()).isTrue();
        assertThat(back.resealed()).isEqualTo(there.resealed());
        assertThat(back.complete()).isTrue();
        assertThat(notUnder(1)).isZero();
        assertThat(fingerprint(bank)).isEqualTo(underKey1);
        assertThat(failuresUnder(bank, underKey1)).isEqualTo(3);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM audit_log WHERE action = 'crypto.numbers_resealed'"
                                + " AND entity_id = '1' AND actor_type = 'system'",
                        Long.class))
                .isPositive();
        assertThat(meters.get("wallet.crypto.numbers.not.current").gauge().value())
                .isZero();
    }

    @Test
    void aRowAnotherTransactionHoldsIsLeftToTheNextPassAndAKeyNotConfiguredIsReported() throws Exception {
        Api.Person carol = api.newUser("carol");
        UUID card = api.addCard(carol, Api.CARD);
        byte[] before = sealed(card);
        KeyRotation.Pass held;
        KeyRotation.Pass next;
        try {
            try (Connection other = admin().getDataSource().getConnection()) {
                other.setAutoCommit(false);
                try (var lock = other.prepareStatement("SELECT 1 FROM payment_methods WHERE id = ? FOR UPDATE")) {
                    lock.setObject(1, card);
                    lock.executeQuery().close();
                }
                // the pass neither waits for the row nor overwrites it
                held = toKey2().run();
                assertThat(sealed(card)).isEqualTo(before);
                other.rollback();
            }
            next = toKey2().run();
            assertThat(keyOf(card)).isEqualTo(2);
        } finally {
            rotation.run();
        }
        assertThat(held.skipped()).isGreaterThanOrEqualTo(1);
        assertThat(held.complete()).isFalse();
        assertThat(next.resealed()).isGreaterThanOrEqualTo(1);
        assertThat(next.complete()).isTrue();
        assertThat(keyOf(card)).isEqualTo(1);

        // a number under a key this instance does not have (9): counted and reported, never overwritten
        byte[] underKey9 = new DataCipher(
                        java.util.Base64.getEncoder().encodeToString("a key nobody configured, 32 byte".getBytes()), 9)
                .encrypt(Api.CARD, card);
        admin().update("UPDATE payment_methods SET number_encrypted = ? WHERE id = ?", underKey9, card);
        KeyRotation.Pass unreadable;
        try {
            unreadable = rotation.run();
            assertThat(meters.get("wallet.crypto.numbers.not.current").gauge().value())
                    .isEqualTo(1.0);
        } finally {
            admin().update("UPDATE payment_methods SET number_encrypted = ? WHERE id = ?", before, card);
        }
        assertThat(unreadable.unreadable()).isEqualTo(Map.of(9, 1L));
        assertThat(unreadable.complete()).isFalse();
        assertThat(rotation.run().complete()).isTrue();
        assertThat(methods.number(card)).isEqualTo(Api.CARD);
    }

    @Test
    void aNumberThatDoesNotOpenIsLeftAndTheOthersAreSealedAgain() {
        UUID broken = api.addCard(api.newUser("dave"), Api.CARD);
        UUID fine = api.addCard(api.newUser("erin"), Api.CARD);
        byte[] before = sealed(broken);
        byte[] altered = before.clone();
        altered[altered.length - 1] ^= 1; // its tag no longer matches
        admin().update("UPDATE payment_methods SET number_encrypted = ? WHERE id = ?", altered, broken);
        KeyRotation.Pass pass;
        try {
            pass = toKey2().run();
            assertThat(sealed(broken)).isEqualTo(altered);
            assertThat(keyOf(fine)).isEqualTo(2);
        } finally {
            admin().update("UPDATE payment_methods SET number_encrypted = ? WHERE id = ?", before, broken);
            rotation.run();
        }
        assertThat(pass.skipped()).isEqualTo(1);
        assertThat(pass.complete()).isFalse();
        assertThat(keyOf(fine)).isEqualTo(1);
        assertThat(methods.number(broken)).isEqualTo(Api.CARD);
    }

    @Test
    void anInstanceToldNotToResealCountsWhatIsLeftAndTouchesNothing() {
        UUID card = api.addCard(api.newUser("frank"), Api.CARD);
        byte[] before = sealed(card);
        // the rotation's first step: key 2 given out as a previous key where key 1 is still current; with reseal on,
        // these instances would seal back under key 1 what the instances on key 2 seal
        KeyRotation.Pass pass = new KeyRotation(
                        jdbc, tx, new DataCipher(KEY_2, 2, "1:" + KEY_1), audit, new SimpleMeterRegistry(), false)
                .run();
        assertThat(pass.resealed()).isZero();
        assertThat(pass.skipped()).isGreaterThanOrEqualTo(1);
        assertThat(pass.complete()).isFalse();
        assertThat(sealed(card)).isEqualTo(before);
    }
}
