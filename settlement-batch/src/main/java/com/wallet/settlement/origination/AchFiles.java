package com.wallet.settlement.origination;

import com.wallet.common.bank.BankingCalendar;
import com.wallet.common.crypto.DataCipher;
import com.wallet.settlement.PrivateFiles;
import com.wallet.settlement.SettlementSettings;
import com.wallet.settlement.nacha.NachaFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The ACH files and entries of origination, in the database and on disk. */
@Component
public class AchFiles {

    /** A file as the database holds it. */
    public record AchFile(
            UUID id,
            LocalDate businessDate,
            char modifier,
            String status,
            int entryCount,
            long totalDebitCents,
            long totalCreditCents,
            String path,
            String sha256,
            java.time.Instant createdAt,
            LocalDate effectiveDate) {}

    private static final String MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final JdbcClient jdbc;
    private final DataCipher cipher;
    private final SettlementSettings settings;

    private final BankingCalendar calendar;

    AchFiles(JdbcClient jdbc, DataCipher cipher, SettlementSettings settings, BankingCalendar calendar) {
        this.calendar = calendar;
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.settings = settings;
    }

    /**
     * Fixes the next file: every pending bank debit and pending standard cashout that is in no file yet, and every
     * re-presentment due, becomes one of its entries, with a trace number and an effective entry date, up to a file's
     * {@link NachaFile#MAX_FILE_ENTRIES} (the rest go in the next run's file). Empty if there is nothing to send. Runs
     * in the caller's transaction.
     *
     * @param runAt when the run is made: with same-day ACH on, a run on a banking day before one of the cut-offs
     *     (Eastern time) sends its entries up to the per-entry limit for settlement that day
     */
    public Optional<AchFile> collect(LocalDate businessDate, Instant runAt) {
        int today = jdbc.sql("SELECT count(*) FROM ach_files WHERE business_date = ?")
                .param(businessDate)
                .query(Integer.class)
                .single();
        if (today >= MODIFIERS.length()) {
            throw new IllegalStateException("already " + today + " ACH files for " + businessDate
                    + "; NACHA allows 36 a day (file id modifiers A-Z, 0-9)");
        }
        UUID id = UUID.randomUUID();
        // the next banking day: never a weekend or a Federal Reserve holiday
        LocalDate nextDay = calendar.nextBankingDay(businessDate);
        Optional<LocalTime> cutoff = sameDayCutoff(businessDate, runAt);
        jdbc.sql("INSERT INTO ach_files (id, business_date, file_id_modifier, status, entry_count, total_debit_cents,"
                        + " total_credit_cents, effective_date, same_day_cutoff)"
                        + " VALUES (?, ?, ?, 'created', 0, 0, 0, ?, ?)")
                .params(id, businessDate, String.valueOf(MODIFIERS.charAt(today)), nextDay, cutoff.orElse(null))
                .update();
        // trace numbers: the ODFI's 8 digits and a 7-digit count, unique within the file date (the business date,
        // which the file header carries as its creation date); what does not fit in a date's 9,999,999 waits for the
        // next date's file, and what does not fit in a file (NachaFile.MAX_FILE_ENTRIES) for the next file
        LocalDate fileDate = businessDate;
        long used = jdbc.sql(
                        "SELECT coalesce(max(right(trace_number, 7)::int), 0) FROM ach_entries WHERE file_date = ?")
                .param(fileDate)
                .query(Long.class)
                .single();
        int entries = jdbc.sql("""
                        INSERT INTO ach_entries (trace_number, file_id, file_date, seq, source, source_id, user_id,
                                                 payment_method_id, transaction_code, amount_cents, status,
                                                 effective_date, presentment, original_trace)
                        SELECT :odfi || lpad((:used + p.seq)::text, 7, '0'), :file, :fileDate, p.seq, source, id,
                               user_id, payment_method_id, code, amount_cents, 'created',
                               CASE WHEN :sameDay AND amount_cents <= :sameDayLimit THEN :businessDate
                                    ELSE :nextDay END,
                               presentment, original_trace
                          FROM (SELECT row_number() OVER (ORDER BY code DESC, presentment, created_at, id) AS seq,
                                       pending.*
                          FROM (SELECT 'bank_debit' AS source, c.id, c.user_id, c.payment_method_id, 27 AS code,
                                       c.amount_cents, c.created_at, 0 AS presentment, NULL AS original_trace
                                  FROM external_charges c
                                 WHERE c.kind = 'bank_debit' AND c.status = 'pending'
                                   AND NOT EXISTS (SELECT 1 FROM ach_entries e WHERE e.source_id = c.id)
                                UNION ALL
                                SELECT 'bank_debit', c.id, c.user_id, c.payment_method_id, 27, c.amount_cents,
                                       r.created_at, r.presentment, r.original_trace
                                  FROM ach_representments r JOIN external_charges c ON c.id = r.source_id
                                 WHERE r.not_before <= :businessDate AND c.status = 'submitted'
                                   AND NOT EXISTS (SELECT 1 FROM ach_entries e WHERE e.source_id = r.source_id
                                                   AND e.presentment = r.presentment)
                                UNION ALL
                                SELECT 'cashout', o.id, o.user_id, o.payment_method_id, 22, o.amount_cents,
                                       o.created_at, 0, NULL
                                  FROM cashouts o
                                 WHERE o.speed = 'standard' AND o.status = 'pending'
                                   AND NOT EXISTS (SELECT 1 FROM ach_entries e WHERE e.source_id = o.id)) pending) p
                         WHERE :used + p.seq <= 9999999 AND p.seq <= :maxEntries
                        """)
                .param("odfi", settings.originator().odfiRouting8())
                .param("file", id)
                .param("fileDate", fileDate)
                .param("used", used)
                .param("maxEntries", NachaFile.MAX_FILE_ENTRIES)
                .param("sameDay", cutoff.isPresent())
                .param("sameDayLimit", settings.sameDay().perEntryLimitCents())
                .param("businessDate", businessDate)
                .param("nextDay", nextDay)
                .update();
        if (entries == 0) {
            jdbc.sql("DELETE FROM ach_files WHERE id = ?").param(id).update();
            return Optional.empty();
        }
        jdbc.sql("""
                        UPDATE ach_files f SET entry_count = t.n, total_debit_cents = t.debits,
                               total_credit_cents = t.credits, debit_count = t.debit_count
                          FROM (SELECT count(*) AS n, count(*) FILTER (WHERE transaction_code = 27) AS debit_count,
                                       coalesce(sum(amount_cents) FILTER (WHERE transaction_code = 27), 0) AS debits,
                                       coalesce(sum(amount_cents) FILTER (WHERE transaction_code = 22), 0) AS credits
                                  FROM ach_entries WHERE file_id = :file) t
                         WHERE f.id = :file
                        """).param("file", id).update();
        return find(id);
    }

    /**
     * The same-day window a run made at {@code runAt} for {@code businessDate} goes in: the first cut-off still ahead
     * (Eastern time), if same-day ACH is on, the business date is a banking day and it is that day in New York.
     */
    Optional<LocalTime> sameDayCutoff(LocalDate businessDate, Instant runAt) {
        SettlementSettings.SameDay sameDay = settings.sameDay();
        ZonedDateTime eastern = runAt.atZone(BankingCalendar.EASTERN);
        if (!sameDay.enabled()
                || !calendar.isBankingDay(businessDate)
                || !eastern.toLocalDate().equals(businessDate)) {
            return Optional.empty();
        }
        return sameDay.cutoffs().stream()
                .sorted()
                .filter(c -> eastern.toLocalTime().isBefore(c))
                .findFirst();
    }

    public List<AchFile> withStatus(String status) {
        return jdbc.sql(select() + " WHERE status = ? ORDER BY created_at")
                .param(status)
                .query(AchFiles::map)
                .list();
    }

    public Optional<AchFile> find(UUID id) {
        return jdbc.sql(select() + " WHERE id = ?")
                .param(id)
                .query(AchFiles::map)
                .optional();
    }

    /**
     * Writes the file's NACHA text to {@code out} as its entries are read (1,000 rows a fetch, in batch order), never
     * the whole file in memory: a pure function of its rows and of the payment methods' current details (a change
     * notice applied since is honoured by a file written afterwards), so writing it again gives the same bytes. Needs
     * the caller's transaction (PostgreSQL's cursor).
     */
    public void render(AchFile file, Appendable out) {
        NachaFile.Writer writer = new NachaFile.Writer(
                out,
                settings.originator(),
                java.time.LocalDateTime.of(
                        file.businessDate(),
                        file.createdAt().atZone(ZoneOffset.UTC).toLocalTime()),
                file.modifier());
        // NachaFile's batch order: debits (27) before credits (22), originals before re-presentments, earlier
        // effective dates first; the file's sequence within a batch
        jdbc.sql("""
                        SELECT e.trace_number, e.transaction_code, e.amount_cents, e.payment_method_id,
                               e.effective_date, e.presentment, e.original_trace, m.routing_number,
                               m.number_encrypted, m.account_type, coalesce(m.holder_name, u.username) AS name
                          FROM ach_entries e JOIN payment_methods m ON m.id = e.payment_method_id
                          JOIN users u ON u.id = e.user_id
                         WHERE e.file_id = ?
                         ORDER BY e.transaction_code = 22, e.presentment > 0, e.effective_date, e.seq
                        """).param(file.id()).withFetchSize(1_000).query(rs -> {
            boolean retry = rs.getInt("presentment") > 0;
            String trace = rs.getString("trace_number");
            int code = rs.getInt("transaction_code");
            writer.add(new NachaFile.Entry(
                    "savings".equals(rs.getString("account_type")) ? code + 10 : code,
                    rs.getString("routing_number"),
                    cipher.decrypt(rs.getBytes("number_encrypted"), rs.getObject("payment_method_id", UUID.class)),
                    rs.getLong("amount_cents"),
                    // a re-presentment names the entry it presents again
                    retry ? rs.getString("original_trace") : trace.substring(8),
                    rs.getString("name"),
                    trace,
                    rs.getObject("effective_date", LocalDate.class),
                    retry));
        });
        writer.finish();
    }

    /**
     * Writes the file to disk (atomically, readable by the owner only: it holds full account numbers), streamed, and
     * records its path and digest. Needs the caller's transaction.
     */
    public AchFile write(AchFile file) {
        Path dir = settings.outputDir();
        Path target = dir.resolve(file.businessDate() + "-" + file.modifier() + "-" + file.id() + ".ach");
        MessageDigest digest = sha256();
        try {
            PrivateFiles.write(target, stream -> {
                try (java.io.Writer text = new java.io.BufferedWriter(
                        new java.io.OutputStreamWriter(
                                new DigestOutputStream(stream, digest), StandardCharsets.US_ASCII),
                        1 << 16)) {
                    render(file, text);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        jdbc.sql("UPDATE ach_files SET status = 'written', path = ?, sha256 = ?, written_at = now() WHERE id = ?")
                .params(target.toString(), HexFormat.of().formatHex(digest.digest()), file.id())
                .update();
        return find(file.id()).orElseThrow();
    }

    /**
     * The written file, to be sent as it is on disk; written again from the rows first if it is missing or does not
     * match its digest (read through, never held in memory). Needs the caller's transaction.
     */
    public Path written(AchFile file) {
        Path path = Path.of(file.path());
        try (var in = new DigestInputStream(Files.newInputStream(path), sha256())) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            if (HexFormat.of().formatHex(in.getMessageDigest().digest()).equals(file.sha256())) {
                return path;
            }
        } catch (IOException e) {
            // missing or unreadable: written again below
        }
        return Path.of(write(file).path());
    }

    /** After the processor acknowledged the file: its entries and their sources are submitted, with trace numbers. */
    public void submitted(AchFile file, String ack) {
        jdbc.sql("UPDATE ach_entries SET status = 'submitted', submitted_at = now() WHERE file_id = ?"
                        + " AND status = 'created'")
                .param(file.id())
                .update();
        // a re-presentment's debit is already submitted: it now carries the latest trace number
        jdbc.sql("UPDATE external_charges c SET status = 'submitted', trace_number = e.trace_number, updated_at = now()"
                        + " FROM ach_entries e WHERE e.file_id = ? AND e.source = 'bank_debit' AND e.source_id = c.id"
                        + " AND c.status IN ('pending', 'submitted')")
                .param(file.id())
                .update();
        jdbc.sql("UPDATE cashouts c SET status = 'submitted', trace_number = e.trace_number,"
                        + " updated_at = clock_timestamp() FROM ach_entries e WHERE e.file_id = ?"
                        + " AND e.source = 'cashout' AND e.source_id = c.id AND c.status = 'pending'")
                .param(file.id())
                .update();
        jdbc.sql("UPDATE ach_files SET status = 'submitted', submitted_at = now(), ack = ?::jsonb WHERE id = ?")
                .params(ack, file.id())
                .update();
    }

    private static String select() {
        return "SELECT id, business_date, file_id_modifier, status, entry_count, total_debit_cents,"
                + " total_credit_cents, path, sha256, created_at, effective_date FROM ach_files";
    }

    private static AchFile map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Timestamp created = rs.getTimestamp("created_at");
        return new AchFile(
                rs.getObject("id", UUID.class),
                rs.getObject("business_date", LocalDate.class),
                rs.getString("file_id_modifier").charAt(0),
                rs.getString("status"),
                rs.getInt("entry_count"),
                rs.getLong("total_debit_cents"),
                rs.getLong("total_credit_cents"),
                rs.getString("path"),
                rs.getString("sha256"),
                created.toInstant(),
                rs.getObject("effective_date", LocalDate.class));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
