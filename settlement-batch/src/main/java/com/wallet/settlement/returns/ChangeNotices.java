package com.wallet.settlement.returns;

import com.wallet.common.bank.BankNumbers;
import com.wallet.common.crypto.DataCipher;
import com.wallet.settlement.StepParameters;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Notifications of change (NOC, the processor's COR entries): the receiving bank tells us that an entry posted but
 * some of its details were wrong, and what they should be. Each notice is kept when fetched (its corrected data
 * encrypted), then applied to the entry's payment method once the entry is known as submitted: C01 account number,
 * C02 routing number, C03 both, C04 the holder's name, C05 the account type (transaction code), C06 account number
 * and type, C07 all three. The stored number stays encrypted and the account's fingerprint follows it; files written
 * afterwards carry the corrected details. A notice whose code is not one of those or whose corrected data is not
 * valid is refused, with the reason, and opens a review case (README "Notifications of change").
 */
@Component
public class ChangeNotices {

    private static final Logger log = LoggerFactory.getLogger(ChangeNotices.class);

    private final JdbcClient jdbc;
    private final DataCipher cipher;

    ChangeNotices(JdbcClient jdbc, DataCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** The sequence of the last notice kept: the processor is asked for those after it. */
    public long lastSequence() {
        return jdbc.sql("SELECT coalesce(max(sequence), 0) FROM ach_change_notices")
                .query(Long.class)
                .single();
    }

    /** Keeps the notices of the processor's answer to {@code /ach/changes}, each once; returns how many were new. */
    public int keep(JsonNode answer, LocalDate today) {
        int kept = 0;
        for (JsonNode c : answer.path("changes")) {
            long sequence = c.path("sequence").asLong();
            kept += jdbc.sql("INSERT INTO ach_change_notices (sequence, file_id, trace_number, change_code,"
                            + " corrected_encrypted, received_on) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(
                            sequence,
                            StepParameters.uuidOrNull(c.path("file_id").asString()),
                            c.path("trace_number").asString(),
                            c.path("change_code").asString(),
                            cipher.encrypt(c.path("corrected_data").asString(), owner(sequence)),
                            today)
                    .update();
        }
        return kept;
    }

    private record Pending(long sequence, UUID fileId, String trace, String code, byte[] corrected) {}

    private record Method(UUID id, UUID userId, String routing, byte[] number, String accountType) {}

    /** Applies or refuses every kept notice whose entry is known; the others wait. Returns how many were decided. */
    public int applyPending() {
        List<Pending> pending = jdbc.sql("SELECT sequence, file_id, trace_number, change_code, corrected_encrypted"
                        + " FROM ach_change_notices WHERE status = 'pending' ORDER BY sequence FOR UPDATE")
                .query((rs, n) -> new Pending(
                        rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getBytes(5)))
                .list();
        int decided = 0;
        for (Pending notice : pending) {
            Optional<UUID> methodId = jdbc.sql("SELECT payment_method_id FROM ach_entries WHERE file_id = ?"
                            + " AND trace_number = ? AND status IN ('submitted', 'completed', 'returned')")
                    .params(notice.fileId(), notice.trace())
                    .query(UUID.class)
                    .optional();
            if (methodId.isEmpty()) {
                log.warn("change notice {} matches no submitted entry of ours yet; kept", notice.sequence());
                if (!cipher.isCurrent(notice.corrected())) {
                    // a data key rotation: a notice kept for days must not outlive the key it is under
                    jdbc.sql("UPDATE ach_change_notices SET corrected_encrypted = ? WHERE sequence = ?")
                            .params(cipher.reseal(notice.corrected(), owner(notice.sequence())), notice.sequence())
                            .update();
                }
                continue;
            }
            Method method = jdbc.sql("SELECT id, user_id, routing_number, number_encrypted, account_type"
                            + " FROM payment_methods WHERE id = ? FOR UPDATE")
                    .param(methodId.get())
                    .query((rs, n) -> new Method(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, UUID.class),
                            rs.getString(3),
                            rs.getBytes(4),
                            rs.getString(5)))
                    .single();
            String corrected = cipher.decrypt(notice.corrected(), owner(notice.sequence()));
            String refusal = apply(notice.code(), corrected, method);
            if (refusal == null) {
                jdbc.sql(
                                "UPDATE ach_change_notices SET status = 'applied', payment_method_id = ?, processed_at = now(),"
                                        + " corrected_encrypted = NULL WHERE sequence = ?")
                        .params(method.id(), notice.sequence())
                        .update();
                log.info(
                        "change notice {} ({}) applied to payment method {}",
                        notice.sequence(),
                        notice.code(),
                        method.id());
            } else {
                jdbc.sql("UPDATE ach_change_notices SET status = 'refused', reason = ?, payment_method_id = ?,"
                                + " processed_at = now(), corrected_encrypted = NULL WHERE sequence = ?")
                        .params(refusal, method.id(), notice.sequence())
                        .update();
                jdbc.sql("INSERT INTO ach_review_cases (change_sequence, kind, return_code, user_id, payment_method_id)"
                                + " VALUES (?, 'refused_change', ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(notice.sequence(), notice.code(), method.userId(), method.id())
                        .update();
                log.warn("change notice {} ({}) refused: {}", notice.sequence(), notice.code(), refusal);
            }
            decided++;
        }
        return decided;
    }

    /** Updates the method as the notice says; the reason it cannot, or null. */
    private String apply(String code, String corrected, Method method) {
        String[] parts = corrected.trim().split("\\s+");
        String routing = method.routing();
        String account = null;
        String type = method.accountType();
        String name = null;
        switch (code) {
            case "C01" -> account = one(parts);
            case "C02" -> routing = one(parts);
            case "C03" -> {
                if (parts.length != 2) {
                    return "C03 corrects the routing and account numbers: two parts expected";
                }
                routing = parts[0];
                account = parts[1];
            }
            case "C04" -> name = corrected.trim();
            case "C05" -> type = accountType(one(parts));
            case "C06" -> {
                if (parts.length != 2) {
                    return "C06 corrects the account number and transaction code: two parts expected";
                }
                account = parts[0];
                type = accountType(parts[1]);
            }
            case "C07" -> {
                if (parts.length != 3) {
                    return "C07 corrects the routing number, account number and transaction code: three parts expected";
                }
                routing = parts[0];
                account = parts[1];
                type = accountType(parts[2]);
            }
            default -> {
                return "change code " + code + " is not applied automatically";
            }
        }
        if (routing == null || !BankNumbers.validRoutingNumber(routing)) {
            return "the corrected routing number is not 9 digits with a valid check digit";
        }
        if (code.matches("C0[1367]") && !BankNumbers.validAccountNumber(account)) {
            return "the corrected account number is not 4 to 17 digits";
        }
        if (type == null) {
            return "the corrected transaction code is not one for a checking or savings account (22, 27, 32, 37)";
        }
        if (name != null && !name.matches("[A-Za-z0-9 .,&'/()-]{1,22}")) {
            return "the corrected name is not 1 to 22 plain characters";
        }
        String number = account != null ? account : cipher.decrypt(method.number(), method.id());
        jdbc.sql("UPDATE payment_methods SET routing_number = ?, number_encrypted = ?, last4 = ?, fingerprint = ?,"
                        + " account_type = ?, holder_name = coalesce(?, holder_name) WHERE id = ?")
                .params(
                        routing,
                        cipher.encrypt(number, method.id()),
                        number.substring(number.length() - 4),
                        cipher.fingerprint(routing + ":" + number),
                        type,
                        name,
                        method.id())
                .update();
        return null;
    }

    private static String one(String[] parts) {
        return parts.length == 1 ? parts[0] : null;
    }

    /** The account type a corrected transaction code names; null if it names none we send. */
    private static String accountType(String transactionCode) {
        if (transactionCode == null) {
            return null;
        }
        switch (transactionCode) {
            case "22", "27" -> {
                return "checking";
            }
            case "32", "37" -> {
                return "savings";
            }
            default -> {
                return null;
            }
        }
    }

    /** What a kept notice's corrected data is bound to when encrypted. */
    private static UUID owner(long sequence) {
        return UUID.nameUUIDFromBytes(("ach-change-notice:" + sequence).getBytes(StandardCharsets.UTF_8));
    }
}
