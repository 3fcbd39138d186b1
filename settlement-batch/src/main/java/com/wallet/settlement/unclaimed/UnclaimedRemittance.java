package com.wallet.settlement.unclaimed;

import com.wallet.ledger.EntryKind;
import com.wallet.ledger.Ledger;
import com.wallet.ledger.Ledger.Line;
import com.wallet.ledger.Ledger.Posting;
import com.wallet.ledger.Ledger.Reference;
import com.wallet.ledger.Money;
import com.wallet.ledger.SqlBatch;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.PrivateFiles;
import com.wallet.settlement.SettlementSettings;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Remits unclaimed property: the money of closed accounts set aside as unclaimed (transfer-api's {@code
 * unclaimed_funds}) whose account closed at least {@code settlement.unclaimed.dormancy} before the business date goes
 * to the state ({@code settlement.unclaimed.state}): each amount by a ledger entry of its own (out of unclaimed funds,
 * out of our bank, where the payment to the state leaves from), marked remitted on the business date in the same
 * transaction, {@value #BATCH} amounts a transaction, so a crash leaves every amount remitted once or not at all; then
 * the holder report of the date (a CSV file, owner-only, and a row of {@code unclaimed_remittances}), written from
 * what is marked remitted on it, so a run again for the date (after a crash, or by hand) writes the same report.
 *
 * <p>A closed account keeps no name, address or contact (transfer-api's closure erases them), so each amount is
 * reported under its owner's user id and username as property of an owner whose address is unknown, which the
 * holder's state of incorporation takes.
 */
@Component("unclaimedRemittanceWork")
public class UnclaimedRemittance {

    static final int BATCH = 1_000;

    static final List<String> HEADER = List.of(
            "holder_state",
            "owner_id",
            "owner_username",
            "owner_address",
            "amount_cents",
            "account_closed_on",
            "set_aside_on",
            "set_aside_entry_id",
            "remittance_entry_id");

    private final JdbcClient jdbc;
    private final Ledger ledger;
    private final PartnerSteps steps;
    private final SettlementSettings settings;

    UnclaimedRemittance(JdbcClient jdbc, Ledger ledger, PartnerSteps steps, SettlementSettings settings) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.steps = steps;
        this.settings = settings;
    }

    /** What the date's remittance holds (all of it, this run's and earlier runs' of the date), and its report. */
    public record Report(LocalDate date, String state, int owners, long totalCents, int remittedThisRun, Path file) {}

    private record Due(UUID entry, long cents) {}

    public Report remit(LocalDate date) {
        // closed before the first moment of the date, less the dormancy period
        Timestamp closedBefore = Timestamp.from(date.minus(settings.unclaimed().dormancy())
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        int remitted = 0;
        while (true) {
            int n = steps.inTransaction(() -> {
                List<Due> due = jdbc.sql("SELECT f.entry_id, f.amount_cents FROM unclaimed_funds f"
                                + " JOIN users u ON u.id = f.user_id WHERE f.remitted_on IS NULL AND u.closed_at < ?"
                                + " ORDER BY f.entry_id LIMIT " + BATCH + " FOR UPDATE OF f")
                        .param(closedBefore)
                        .query((rs, i) -> new Due(rs.getObject(1, UUID.class), rs.getLong(2)))
                        .list();
                if (due.isEmpty()) {
                    return 0;
                }
                // the batch's entries in one statement of the ledger's (as a group of payments is posted), and their
                // marks in one more, sent together
                List<Posting> postings = due.stream()
                        .map(d -> {
                            Money amount = Money.ofCents(d.cents());
                            return new Posting(
                                    UUID.randomUUID(),
                                    EntryKind.UNCLAIMED_REMITTANCE,
                                    Reference.NONE,
                                    List.of(
                                            Line.of(SystemAccount.UNCLAIMED_FUNDS, amount.negate()),
                                            Line.of(SystemAccount.SETTLEMENT_BANK, amount)));
                        })
                        .toList();
                SqlBatch batch = ledger.batch();
                ledger.post(batch, postings);
                batch.add(
                        "UPDATE unclaimed_funds f SET remitted_on = ?, remittance_entry_id = m.remittance"
                                + " FROM unnest(?::uuid[], ?::uuid[]) AS m(listed, remittance) WHERE f.entry_id = m.listed",
                        date,
                        due.stream().map(Due::entry).toArray(UUID[]::new),
                        postings.stream().map(Posting::entryId).toArray(UUID[]::new));
                batch.send();
                return due.size();
            });
            if (n == 0) {
                break;
            }
            remitted += n;
        }
        return report(date, remitted);
    }

    private Report report(LocalDate date, int remittedThisRun) {
        String state = settings.unclaimed().state();
        StringWriter text = new StringWriter();
        long[] totals = new long[2]; // owners' amounts, cents
        try (CSVPrinter csv = CSVFormat.RFC4180
                .builder()
                .setHeader(HEADER.toArray(String[]::new))
                .get()
                .print(text)) {
            steps.inTransaction(() -> jdbc.sql("SELECT f.user_id, u.username, f.amount_cents, u.closed_at,"
                            + " f.set_aside_at, f.entry_id, f.remittance_entry_id FROM unclaimed_funds f"
                            + " JOIN users u ON u.id = f.user_id WHERE f.remitted_on = ? ORDER BY f.set_aside_at,"
                            + " f.entry_id")
                    .param(date)
                    .query(rs -> {
                        try {
                            csv.printRecord(
                                    state,
                                    rs.getObject(1, UUID.class),
                                    rs.getString(2),
                                    "unknown",
                                    rs.getLong(3),
                                    utcDate(rs.getTimestamp(4)),
                                    utcDate(rs.getTimestamp(5)),
                                    rs.getObject(6, UUID.class),
                                    rs.getObject(7, UUID.class));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        totals[0]++;
                        totals[1] += rs.getLong(3);
                    }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = settings.outputDir().resolve("unclaimed-remittance-" + date + "-" + state + ".csv");
        try {
            PrivateFiles.write(file, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the unclaimed property report " + file, e);
        }
        steps.inTransaction(() -> jdbc.sql("INSERT INTO unclaimed_remittances (business_date, state, owners,"
                        + " total_cents, path) VALUES (?, ?, ?, ?, ?) ON CONFLICT (business_date) DO UPDATE SET"
                        + " state = excluded.state, owners = excluded.owners, total_cents = excluded.total_cents,"
                        + " path = excluded.path, written_at = now()")
                .params(date, state, (int) totals[0], totals[1], file.toString())
                .update());
        return new Report(date, state, (int) totals[0], totals[1], remittedThisRun, file);
    }

    private static LocalDate utcDate(Timestamp t) {
        return t.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
    }
}
