package com.wallet.api.funding;

import com.wallet.api.audit.AuditLog;
import com.wallet.api.partners.AchClient;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import com.wallet.common.crypto.DataCipher;
import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import com.wallet.ledger.SystemAccount;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Linking, verifying and unlinking bank accounts and cards. Numbers are encrypted before they reach the database and
 * only their last 4 digits are returned, logged or audited. A bank is verified by the two micro-deposits the ACH
 * processor sent to it; three wrong answers lock verification.
 */
@Service
public class PaymentMethodService {

    /** What the waterfall and cashouts need of a method: its id, and its number when it must be sent out. */
    public record Usable(UUID id, String type, boolean verified, String last4) {}

    static final int MAX_VERIFY_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(PaymentMethodService.class);
    private static final String COLUMNS = "id, type, last4, routing_number, exp_month, exp_year, verified,"
            + " is_default, verification_locked, created_at, disabled_reason";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final DataCipher cipher;
    private final AchClient ach;
    private final AuditLog audit;
    private final Clock clock;
    private final Ledger ledger;
    private final FundingSettings limits;

    PaymentMethodService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            DataCipher cipher,
            AchClient ach,
            AuditLog audit,
            Clock clock,
            Ledger ledger,
            FundingSettings limits) {
        this.ledger = ledger;
        this.limits = limits;
        this.jdbc = jdbc;
        this.tx = tx;
        this.cipher = cipher;
        this.ach = ach;
        this.audit = audit;
        this.clock = clock;
    }

    public PaymentMethodView linkBank(UUID userId, String routingNumber, String accountNumber) {
        if (!AccountNumbers.validRoutingNumber(routingNumber)) {
            throw invalid("routing_number must be 9 digits with a valid ABA check digit");
        }
        if (!AccountNumbers.validAccountNumber(accountNumber)) {
            throw invalid("account_number must be 4 to 17 digits");
        }
        if (ach.client().open()) {
            throw ach.client().unavailable("ach_processor circuit breaker is open", false);
        }
        // the account's fingerprint under every configured key (a rotation may not have rewritten them all yet)
        byte[][] fingerprints = cipher.fingerprints(routingNumber + ":" + accountNumber);
        // the link is reserved first (hidden, counted against the day's links) under the user's lock, so concurrent
        // requests cannot exceed the limits; the deposits are sent with no lock or connection held
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            lockUser(userId);
            checkMayVerify(userId, fingerprints);
            long linksToday = jdbc.sql("SELECT count(*) FROM payment_methods WHERE user_id = ? AND type = 'bank'"
                            + " AND created_at > now() - interval '24 hours'")
                    .param(userId)
                    .query(Long.class)
                    .single();
            if (linksToday >= limits.bankLinksPerDay()) {
                throw new DomainException(
                        Problem.LIMIT_EXCEEDED,
                        "at most " + limits.bankLinksPerDay() + " bank accounts can be linked in 24 hours",
                        Map.of("window", "24h", "limit", limits.bankLinksPerDay()));
            }
            jdbc.sql("INSERT INTO payment_methods (id, user_id, type, last4, routing_number, number_encrypted,"
                            + " fingerprint, account_type, verified, is_default, removed) VALUES (?, ?, 'bank', ?, ?, ?,"
                            + " ?, 'checking', false, false, true)")
                    .params(
                            id,
                            userId,
                            AccountNumbers.last4(accountNumber),
                            routingNumber,
                            cipher.encrypt(accountNumber, id),
                            fingerprints[0])
                    .update();
        });
        // if the processor cannot send the deposits, the reserved link stays hidden: nothing is linked
        List<Long> deposits = ach.sendMicroDeposits(routingNumber, accountNumber);
        return tx.execute(status -> {
            lockUser(userId);
            boolean first = !hasDefault(userId, "bank");
            jdbc.sql("UPDATE payment_methods SET removed = false, micro_deposits = ?, is_default = ? WHERE id = ?")
                    .params(deposits.toArray(Long[]::new), first, id)
                    .update();
            // the deposits are money leaving our bank: a cost of verification
            Money sent =
                    Money.ofCents(deposits.stream().mapToLong(Long::longValue).sum());
            if (sent.isPositive()) {
                ledger.post(
                        EntryKind.MICRO_DEPOSITS,
                        Reference.NONE,
                        List.of(
                                Line.of(SystemAccount.VERIFICATION_EXPENSE, sent.negate()),
                                Line.of(SystemAccount.SETTLEMENT_BANK, sent)));
            }
            return linked(userId, id, "bank", AccountNumbers.last4(accountNumber));
        });
    }

    /**
     * Refuses verification (and linking) once this bank account has had too many wrong answers, whoever gave them, or
     * this user has given too many lately, whichever accounts they were for.
     */
    private void checkMayVerify(UUID userId, byte[][] fingerprints) {
        if (fingerprints != null) {
            long forAccount = jdbc.sql("SELECT count(*) FROM bank_verification_failures WHERE fingerprint = ANY(?)")
                    .param(fingerprints)
                    .query(Long.class)
                    .single();
            if (forAccount >= limits.maxFailuresPerAccount()) {
                throw new DomainException(
                        Problem.NOT_VERIFIABLE,
                        "this bank account cannot be verified any more: too many wrong micro-deposit answers",
                        Map.of("reason", "account_locked"));
            }
        }
        long forUser = jdbc.sql("SELECT count(*) FROM bank_verification_failures WHERE user_id = ?"
                        + " AND failed_at > now() - ?::interval")
                .params(userId, limits.userFailureWindow().toMillis() + " milliseconds")
                .query(Long.class)
                .single();
        if (forUser >= limits.maxFailuresPerUser()) {
            throw new DomainException(
                    Problem.NOT_VERIFIABLE,
                    "too many wrong micro-deposit answers lately; bank accounts cannot be verified for now",
                    Map.of("reason", "user_locked"));
        }
    }

    @Transactional
    public PaymentMethodView linkCard(UUID userId, String cardNumber, int expMonth, int expYear) {
        if (!AccountNumbers.validCardNumber(cardNumber)) {
            throw invalid("card_number must be 12 to 19 digits passing the Luhn check");
        }
        if (!AccountNumbers.validExpiry(expMonth, expYear, clock)) {
            throw invalid("exp_month/exp_year must be a month from now to 20 years ahead");
        }
        UUID id = UUID.randomUUID();
        lockUser(userId);
        boolean first = !hasDefault(userId, "card");
        jdbc.sql("INSERT INTO payment_methods (id, user_id, type, last4, number_encrypted, exp_month, exp_year,"
                        + " verified, is_default) VALUES (?, ?, 'card', ?, ?, ?, ?, true, ?)")
                .params(
                        id,
                        userId,
                        AccountNumbers.last4(cardNumber),
                        cipher.encrypt(cardNumber, id),
                        expMonth,
                        expYear,
                        first)
                .update();
        return linked(userId, id, "card", AccountNumbers.last4(cardNumber));
    }

    /** Audits and logs a new link by its last 4 digits only, and returns it as the client sees it. */
    private PaymentMethodView linked(UUID userId, UUID id, String type, String last4) {
        audit.record(userId, "payment_method.linked", "payment_method", id, Map.of("type", type, "last4", last4));
        log.info("{} ...{} linked as {}", type, last4, id);
        return view(userId, id);
    }

    private record Verification(
            String type,
            boolean verified,
            boolean locked,
            int attempts,
            long[] microDeposits,
            byte[] fingerprint,
            String routing,
            byte[] number) {}

    /** Wrong amounts are counted (and committed) before the 422 goes out. */
    @Transactional(noRollbackFor = DomainException.class)
    public PaymentMethodView verify(UUID userId, UUID id, List<Long> amounts) {
        lockUser(userId);
        var row = jdbc.sql("SELECT type, verified, verification_locked, verify_attempts, micro_deposits, fingerprint,"
                        + " routing_number, number_encrypted FROM payment_methods WHERE id = ? AND user_id = ?"
                        + " AND NOT removed FOR UPDATE")
                .params(id, userId)
                .query((rs, n) -> new Verification(
                        rs.getString("type"),
                        rs.getBoolean("verified"),
                        rs.getBoolean("verification_locked"),
                        rs.getInt("verify_attempts"),
                        longs(rs.getArray("micro_deposits")),
                        rs.getBytes("fingerprint"),
                        rs.getString("routing_number"),
                        rs.getBytes("number_encrypted")))
                .optional()
                .orElseThrow(() -> notFound(id));
        if (!"bank".equals(row.type())) {
            throw new DomainException(
                    Problem.NOT_VERIFIABLE, "only bank accounts are verified by micro-deposits", Map.of("id", id));
        }
        if (row.verified()) {
            return view(userId, id);
        }
        if (row.locked()) {
            throw new DomainException(
                    Problem.NOT_VERIFIABLE,
                    "verification is locked after " + MAX_VERIFY_ATTEMPTS + " wrong attempts; link the account again",
                    Map.of("id", id));
        }
        // a link made before fingerprints were kept (V12) has none and is counted per user only, as before
        byte[][] fingerprints = row.fingerprint() == null
                ? null
                : cipher.fingerprints(row.routing() + ":" + cipher.decrypt(row.number(), id));
        checkMayVerify(userId, fingerprints);
        long[] expected = row.microDeposits().clone();
        long[] given = amounts.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(expected);
        Arrays.sort(given);
        if (Arrays.equals(expected, given)) {
            jdbc.sql("UPDATE payment_methods SET verified = true, micro_deposits = NULL WHERE id = ?")
                    .param(id)
                    .update();
            audit.record(userId, "payment_method.verified", "payment_method", id, Map.of());
            return view(userId, id);
        }
        int attempts = row.attempts() + 1;
        boolean lock = attempts >= MAX_VERIFY_ATTEMPTS;
        if (fingerprints != null) {
            jdbc.sql(
                            "INSERT INTO bank_verification_failures (fingerprint, user_id, payment_method_id) VALUES (?, ?, ?)")
                    .params(fingerprints[0], userId, id)
                    .update();
        }
        jdbc.sql("UPDATE payment_methods SET verify_attempts = ?, verification_locked = ? WHERE id = ?")
                .params(attempts, lock, id)
                .update();
        audit.record(userId, "payment_method.verification_failed", "payment_method", id, Map.of("attempt", attempts));
        throw new DomainException(
                Problem.VERIFICATION_FAILED,
                lock
                        ? "the amounts do not match; verification is now locked"
                        : "the amounts do not match; " + (MAX_VERIFY_ATTEMPTS - attempts) + " attempts left",
                Map.of("id", id, "attempts_left", MAX_VERIFY_ATTEMPTS - attempts));
    }

    @Transactional
    public PaymentMethodView makeDefault(UUID userId, UUID id) {
        lockUser(userId);
        String type = jdbc.sql("SELECT type FROM payment_methods WHERE id = ? AND user_id = ? AND NOT removed")
                .params(id, userId)
                .query(String.class)
                .optional()
                .orElseThrow(() -> notFound(id));
        jdbc.sql("UPDATE payment_methods SET is_default = false WHERE user_id = ? AND type = ? AND is_default")
                .params(userId, type)
                .update();
        jdbc.sql("UPDATE payment_methods SET is_default = true WHERE id = ?")
                .param(id)
                .update();
        audit.record(userId, "payment_method.default", "payment_method", id, Map.of("type", type));
        return view(userId, id);
    }

    /** Refused while a bank debit or a cashout on this method is not settled. */
    @Transactional
    public void unlink(UUID userId, UUID id) {
        lockUser(userId);
        jdbc.sql("SELECT id FROM payment_methods WHERE id = ? AND user_id = ? AND NOT removed FOR UPDATE")
                .params(id, userId)
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> notFound(id));
        long unsettled = jdbc.sql("SELECT (SELECT count(*) FROM external_charges WHERE payment_method_id = :id"
                        + " AND status IN ('pending', 'submitted')) + (SELECT count(*) FROM cashouts"
                        + " WHERE payment_method_id = :id AND status IN ('pending', 'submitted'))")
                .param("id", id)
                .query(Long.class)
                .single();
        if (unsettled > 0) {
            throw new DomainException(
                    Problem.PAYMENT_METHOD_IN_USE,
                    unsettled + " payment(s) on this method are not settled yet; unlink it once they are",
                    Map.of("id", id, "unsettled", unsettled));
        }
        jdbc.sql("UPDATE payment_methods SET removed = true, is_default = false WHERE id = ?")
                .param(id)
                .update();
        audit.record(userId, "payment_method.unlinked", "payment_method", id, Map.of());
    }

    @Transactional(readOnly = true)
    public List<PaymentMethodView> list(UUID userId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_methods WHERE user_id = ? AND NOT removed"
                        + " ORDER BY created_at, id")
                .param(userId)
                .query(PaymentMethodService::map)
                .list();
    }

    /** A method of the user that is not unlinked, or 404. */
    public Usable usable(UUID userId, UUID id) {
        return jdbc.sql("SELECT id, type, verified, last4 FROM payment_methods WHERE id = ? AND user_id = ?"
                        + " AND NOT removed AND disabled_reason IS NULL")
                .params(id, userId)
                .query((rs, n) -> new Usable(
                        rs.getObject("id", UUID.class),
                        rs.getString("type"),
                        rs.getBoolean("verified"),
                        rs.getString("last4")))
                .optional()
                .orElseThrow(() -> notFound(id));
    }

    /** The full number, decrypted, to send to a network. Never log or return it. */
    public String number(UUID id) {
        byte[] sealed = jdbc.sql("SELECT number_encrypted FROM payment_methods WHERE id = ?")
                .param(id)
                .query(byte[].class)
                .single();
        return cipher.decrypt(sealed, id);
    }

    private PaymentMethodView view(UUID userId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_methods WHERE id = ? AND user_id = ?")
                .params(id, userId)
                .query(PaymentMethodService::map)
                .single();
    }

    private void lockUser(UUID userId) {
        jdbc.sql("SELECT id FROM users WHERE id = ? FOR UPDATE")
                .param(userId)
                .query(UUID.class)
                .single();
    }

    private boolean hasDefault(UUID userId, String type) {
        return jdbc.sql("SELECT count(*) FROM payment_methods WHERE user_id = ? AND type = ? AND is_default"
                                + " AND NOT removed")
                        .params(userId, type)
                        .query(Long.class)
                        .single()
                > 0;
    }

    private static PaymentMethodView map(ResultSet rs, int row) throws SQLException {
        boolean verified = rs.getBoolean("verified");
        String status = rs.getString("disabled_reason") != null
                ? "disabled"
                : verified ? "active" : rs.getBoolean("verification_locked") ? "verification_locked" : "unverified";
        return new PaymentMethodView(
                rs.getObject("id", UUID.class),
                rs.getString("type"),
                rs.getString("last4"),
                rs.getString("routing_number"),
                (Integer) rs.getObject("exp_month"),
                (Integer) rs.getObject("exp_year"),
                verified,
                rs.getBoolean("is_default"),
                status,
                rs.getTimestamp("created_at").toInstant());
    }

    private static long[] longs(Array array) throws SQLException {
        if (array == null) {
            return new long[0];
        }
        Object[] values = (Object[]) array.getArray();
        List<Long> out = new ArrayList<>();
        for (Object v : values) {
            out.add(((Number) v).longValue());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static DomainException notFound(UUID id) {
        return new DomainException(Problem.NOT_FOUND, "no payment method " + id, Map.of("id", id));
    }

    private static DomainException invalid(String message) {
        return new DomainException(Problem.INVALID_REQUEST, message);
    }
}
