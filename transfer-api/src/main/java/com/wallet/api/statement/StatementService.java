package com.wallet.api.statement;

import com.wallet.api.web.DomainException;
import com.wallet.api.web.Problem;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A wallet's statement for a period: the opening balance, every ledger line of the wallet in the period (dated by its
 * transaction, oldest first) with its kind, counterparty and reference and the running balance, and the closing
 * balance. Read in one repeatable-read snapshot, so opening + movements = closing exactly, and a period reaching the
 * present closes at the wallet's balance at that instant.
 */
@Service
public class StatementService {

    /** The longest period one statement covers. */
    static final int MAX_DAYS = 366;

    static final List<String> HEADER =
            List.of("time", "kind", "amount_cents", "balance_cents", "counterparty", "reference", "note");

    /** A period: [start, end), and how to print its moments. */
    record Period(Instant start, Instant end, ZoneId zone) {}

    private record Movement(
            Instant at, String kind, long amountCents, String counterparty, UUID reference, String note) {}

    private final JdbcClient jdbc;

    StatementService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * {@code from} and {@code to} are dates (whole days in {@code zone}, both included) or RFC 3339 instants ({@code
     * from} included, {@code to} not).
     */
    static Period period(String from, String to, String zone) {
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw invalid("time_zone must be an IANA zone such as America/New_York, was " + zone);
        }
        Instant start = moment(from, zoneId, false, "from");
        Instant end = moment(to, zoneId, true, "to");
        if (!start.isBefore(end)) {
            throw invalid("from must be before to");
        }
        if (start.plus(java.time.Duration.ofDays(MAX_DAYS + 1)).isBefore(end)) {
            throw invalid("a statement covers at most " + MAX_DAYS + " days");
        }
        return new Period(start, end, zoneId);
    }

    private static Instant moment(String value, ZoneId zone, boolean end, String name) {
        try {
            if (value.contains("T")) {
                return OffsetDateTime.parse(value).toInstant();
            }
            LocalDate day = LocalDate.parse(value);
            return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(name + " must be a date (YYYY-MM-DD) or an RFC 3339 time, was " + value);
        }
    }

    private static DomainException invalid(String message) {
        return new DomainException(Problem.INVALID_REQUEST, message, Map.of());
    }

    /** The statement as CSV (RFC 4180, a header row first). */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public String csv(UUID userId, Period period) {
        long account = jdbc.sql("SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?")
                .param(userId)
                .query(Long.class)
                .single();
        long opening = jdbc.sql("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines"
                        + " WHERE account_id = ? AND created_at < ?")
                .params(account, Timestamp.from(period.start()))
                .query(Long.class)
                .single();
        List<Movement> movements = jdbc.sql("SELECT l.created_at, e.kind, l.amount_cents,"
                        + " CASE WHEN t.id IS NULL THEN NULL WHEN t.sender_id = :u THEN ru.username"
                        + " ELSE su.username END AS counterparty,"
                        + " coalesce(e.transfer_id, e.cashout_id, e.top_up_id, e.id) AS reference, t.note"
                        + " FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
                        + " LEFT JOIN transfers t ON t.id = e.transfer_id"
                        + " LEFT JOIN users su ON su.id = t.sender_id LEFT JOIN users ru ON ru.id = t.receiver_id"
                        + " WHERE l.account_id = :a AND l.created_at >= :s AND l.created_at < :e"
                        + " ORDER BY l.created_at, l.id")
                .param("u", userId)
                .param("a", account)
                .param("s", Timestamp.from(period.start()))
                .param("e", Timestamp.from(period.end()))
                .query((rs, n) -> new Movement(
                        rs.getTimestamp(1).toInstant(),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getObject(5, UUID.class),
                        rs.getString(6)))
                .list();
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = CSVFormat.RFC4180
                .builder()
                .setHeader(HEADER.toArray(String[]::new))
                .get()
                .print(out)) {
            long balance = opening;
            csv.printRecord(time(period.start(), period), "opening_balance", "", balance, "", "", "");
            for (Movement m : movements) {
                balance = Math.addExact(balance, m.amountCents());
                csv.printRecord(
                        time(m.at(), period),
                        m.kind(),
                        m.amountCents(),
                        balance,
                        text(m.counterparty()),
                        m.reference(),
                        text(m.note()));
            }
            csv.printRecord(time(period.end(), period), "closing_balance", "", balance, "", "", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String time(Instant at, Period period) {
        return OffsetDateTime.ofInstant(at, period.zone()).toString();
    }

    /**
     * A text cell as a spreadsheet will not run: a note or name starting with {@code = + - @}, a tab or a carriage
     * return would be read as a formula (OWASP "CSV injection"), so it is prefixed with an apostrophe.
     */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return "=+-@\t\r".indexOf(first) >= 0 ? "'" + value : value;
    }
}
