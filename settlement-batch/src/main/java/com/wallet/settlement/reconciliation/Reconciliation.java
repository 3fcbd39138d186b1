package com.wallet.settlement.reconciliation;

import com.wallet.common.bank.BankingCalendar;
import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.LedgerInvariants;
import com.wallet.ledger.SystemAccount;
import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.StepParameters;
import com.wallet.settlement.returns.AchReturnRates;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The checks of a reconciliation run. Each finding names what disagrees and by how much; no finding means clean.
 * First the ledger module's invariants ({@link LedgerInvariants}: zero sum, balanced entries, cached balances, holds
 * and unsettled sums), over the lines since the last checkpoint with its sums for those before (or the whole history:
 * {@link ReconciliationSettings#fullHistory}); then clearing accounts hold what is still outstanding: bank funding
 * clearing the (negative) sum
 * of bank debits pending or submitted, cashout clearing the standard cashouts pending or submitted plus the payouts of
 * instant cashouts completed that the card network's settlement has not paid yet (booked by {@link
 * CardSettlementBooking}), card funding clearing the (negative) sum of captured card charges not settled yet by the
 * network (its captures less its voids, booked), and the network's fees what it charged for the items booked; no capture
 * or instant payout of ours is left unbooked once out of the booking's week; then the card network's settlement report
 * of the day against our card charges and instant payouts.
 */
@Component("reconciliationChecks")
public class Reconciliation {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Reconciliation.class);

    private final JdbcClient jdbc;
    private final PartnerClient achProcessor;
    private final LedgerInvariants ledger;

    /** Banking days a return may wait for its entry before reconciliation lists it. */
    static final int UNMATCHED_BANKING_DAYS = 2;

    private final BankingCalendar calendar;

    private final PartnerClient cardNetwork;

    private final PartnerSteps steps;

    private final ReconciliationSettings settings;

    private final AchReturnRates returnRates;

    Reconciliation(
            JdbcClient jdbc,
            PartnerClient achProcessor,
            PartnerClient cardNetwork,
            BankingCalendar calendar,
            PartnerSteps steps,
            ReconciliationSettings settings,
            AchReturnRates returnRates) {
        this.returnRates = returnRates;
        this.steps = steps;
        this.cardNetwork = cardNetwork;
        this.calendar = calendar;
        this.jdbc = jdbc;
        this.settings = settings;
        this.ledger = settings.fullHistory() ? new LedgerInvariants(jdbc) : LedgerInvariants.sinceCheckpoint(jdbc);
        this.achProcessor = achProcessor;
    }

    /**
     * What a run found, and the line id the checkpoint may move to once its report is kept ({@link #advanceCheckpoint},
     * in the report's transaction, so that a crash between the two cannot skip lines no kept report covered); empty
     * when no boundary could be taken.
     */
    public record Result(
            List<Map<String, Object>> findings, java.util.OptionalLong checkpoint, AchReturnRates.Rates returnRates) {}

    /**
     * Moves the ledger's checkpoint to a run's boundary ({@link Result#checkpoint}), in the caller's transaction;
     * returns the lines it added.
     */
    public long advanceCheckpoint(long boundary) {
        return ledger.advanceCheckpoint(boundary);
    }

    /**
     * Every finding of the day. The database is read in two transactions, the partners are asked between and after
     * them with none held ({@link PartnerSteps}): the checks of our own books and the list of submitted files, then each
     * file at the processor, then the card network's report and our side of it. The checks of our own books read one
     * snapshot ({@link PartnerSteps#inSnapshot}): they compare sums that different statements read (a clearing account's
     * lines against the bank debits outstanding), and payments go on while the job runs; at {@code READ COMMITTED} a
     * bank-funded payment committing between two of them was a false finding.
     */
    public Result run(LocalDate today) {
        List<Map<String, Object>> findings = new ArrayList<>();
        // taken first: the lines up to it are all committed before the snapshot, so the checks cover them
        java.util.OptionalLong boundary = boundary();
        List<SubmittedFile> submitted = steps.inSnapshot(() -> ownBooks(findings, today));
        List<UUID> confirmed = new ArrayList<>();
        for (SubmittedFile f : submitted) {
            JsonNode known = achProcessor.get("/ach/files/" + f.id()).orElse(null);
            if (known == null
                    || known.path("entry_count").asInt() != f.entries()
                    || known.path("total_debit_cents").asLong() != f.debitCents()
                    || known.path("total_credit_cents").asLong() != f.creditCents()) {
                findings.add(finding(
                        "file_not_at_processor",
                        "submitted file " + f.id() + " is unknown to the processor or differs there",
                        Map.of("file_id", f.id().toString())));
            } else {
                confirmed.add(f.id());
            }
        }
        // the processor has them with our counts: later runs ask about them no more (V9; full history asks again)
        if (!confirmed.isEmpty()) {
            steps.inTransaction(() -> jdbc.sql(
                            "UPDATE ach_files SET confirmed_at = now() WHERE id = ANY(?) AND confirmed_at IS NULL")
                    .param(confirmed.toArray(UUID[]::new))
                    .update());
        }
        cardSettlement(findings, today);
        return new Result(findings, boundary, steps.inTransaction(() -> returnRates.of(today)));
    }

    /**
     * Where the next checkpoint may be (LedgerInvariants#boundary), taken before the checks' snapshot; empty when the
     * transactions writing lines did not end within the configured wait (this run then checks from the last
     * checkpoint as usual and takes none).
     */
    private java.util.OptionalLong boundary() {
        try {
            return java.util.OptionalLong.of(steps.inTransaction(() -> ledger.boundary(settings.checkpointWait())));
        } catch (org.springframework.dao.DataAccessException e) {
            if (!(e.getMostSpecificCause() instanceof java.sql.SQLException sql && "55P03".equals(sql.getSQLState()))) {
                throw e;
            }
            // 55P03 lock_not_available: PostgreSQL's lock_timeout (which Spring does not translate to one type)
            log.warn(
                    "ledger lines were still being written after {}; no checkpoint this run",
                    settings.checkpointWait());
            return java.util.OptionalLong.empty();
        }
    }

    /** The findings of the checks that need only our database (one snapshot, as {@link #findings} reads it). */
    public List<Map<String, Object>> ownBooks(LocalDate today) {
        List<Map<String, Object>> findings = new ArrayList<>();
        steps.inSnapshot(() -> ownBooks(findings, today));
        return findings;
    }

    /** The checks that need only our database; returns the files submitted to the processor, to ask it about. */
    private List<SubmittedFile> ownBooks(List<Map<String, Object>> findings, LocalDate today) {
        ledger.check().forEach(f -> findings.add(f.toMap()));
        // the system accounts' sums, and what the card network's settlement booked, read once each
        Map<Long, Long> system = ledger.sums(Stream.of(
                        SystemAccount.BANK_FUNDING_CLEARING,
                        SystemAccount.CARD_FUNDING_CLEARING,
                        SystemAccount.CASHOUT_CLEARING,
                        SystemAccount.CARD_NETWORK_FEES,
                        SystemAccount.UNCLAIMED_FUNDS)
                .map(a -> a.id().value())
                .toArray(Long[]::new));
        long[] booked = jdbc.sql("SELECT coalesce(sum(CASE type WHEN 'capture' THEN amount_cents"
                        + " WHEN 'void' THEN -amount_cents ELSE 0 END), 0),"
                        + " coalesce(sum(amount_cents) FILTER (WHERE type = 'payout'), 0), coalesce(sum(fee_cents), 0)"
                        + " FROM card_settlement_items")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                .single();
        compare(
                findings,
                "bank_funding_clearing",
                balance(system, SystemAccount.BANK_FUNDING_CLEARING),
                -scalar("SELECT coalesce(sum(amount_cents), 0) FROM external_charges WHERE kind = 'bank_debit'"
                        + " AND status IN ('pending', 'submitted')"));
        compare(
                findings,
                "cashout_clearing",
                balance(system, SystemAccount.CASHOUT_CLEARING),
                scalar(
                                "SELECT coalesce(sum(amount_cents - fee_cents), 0) FROM cashouts WHERE (speed = 'standard'"
                                        + " AND status IN ('pending', 'submitted')) OR (speed = 'instant' AND status = 'completed')")
                        - booked[1]);
        compare(
                findings,
                "card_funding_clearing",
                balance(system, SystemAccount.CARD_FUNDING_CLEARING),
                booked[0]
                        - scalar("SELECT coalesce(sum(amount_cents), 0) FROM card_charges WHERE status = 'captured'"));
        compare(findings, "card_network_fees", balance(system, SystemAccount.CARD_NETWORK_FEES), -booked[2]);
        // closed accounts' money set aside (transfer-api's setAsideUnclaimed): the account holds what the list says is
        // not remitted to the state yet (UnclaimedRemittance)
        compare(
                findings,
                "unclaimed_funds",
                balance(system, SystemAccount.UNCLAIMED_FUNDS),
                scalar("SELECT coalesce(sum(amount_cents), 0) FROM unclaimed_funds WHERE remitted_on IS NULL"));
        notSettledByTheNetwork(findings, today);
        closedWalletsHoldingMoney(findings);
        // the entries of the files not confirmed at the processor yet (all of them over the whole history)
        long orphans = scalar("SELECT count(*) FROM ach_entries e JOIN ach_files f ON f.id = e.file_id"
                + " WHERE (e.status <> 'created') <> (f.status = 'submitted')" + unconfirmedFiles("f"));
        if (orphans > 0) {
            findings.add(finding(
                    "entry_status_mismatch",
                    orphans + " ACH entries disagree with their file about submission",
                    Map.of("entries", orphans)));
        }
        // a return whose entry is not known as submitted yet is kept and applied later; still unmatched two banking
        // days after it came, it is a finding, listed
        List<Long> unmatched = jdbc
                .sql("SELECT sequence, coalesce(received_on, processed_at::date) FROM ach_returns"
                        + " WHERE NOT matched AND NOT late ORDER BY sequence")
                .query((rs, n) -> calendar.plusBankingDays(rs.getObject(2, LocalDate.class), UNMATCHED_BANKING_DAYS)
                                .isBefore(today)
                        ? rs.getLong(1)
                        : null)
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .toList();
        if (!unmatched.isEmpty()) {
            findings.add(finding(
                    "unmatched_returns",
                    unmatched.size() + " returns from the processor still match none of our submitted entries "
                            + UNMATCHED_BANKING_DAYS + " banking days after they came",
                    Map.of("returns", unmatched.size(), "sequences", unmatched)));
        }
        return jdbc.sql("SELECT f.id, f.entry_count, f.total_debit_cents, f.total_credit_cents FROM ach_files f"
                        + " WHERE f.status = 'submitted'" + unconfirmedFiles("f") + " ORDER BY f.created_at")
                .query((rs, n) ->
                        new SubmittedFile(rs.getObject(1, UUID.class), rs.getInt(2), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    /** The condition on ach_files {@code alias} that keeps the files not confirmed at the processor yet; none over the whole history. */
    private String unconfirmedFiles(String alias) {
        return settings.fullHistory() ? "" : " AND " + alias + ".confirmed_at IS NULL";
    }

    /**
     * The same checks over the whole history ({@code settlement.reconciliation.full-history}), whatever this one is
     * set to: every ledger line, every submitted file asked about again.
     */
    public Reconciliation overWholeHistory() {
        return new Reconciliation(
                jdbc,
                achProcessor,
                cardNetwork,
                calendar,
                steps,
                new ReconciliationSettings(true, settings.checkpointWait()),
                returnRates);
    }

    /**
     * Money on a closed account (transfer-api's AccountClosure): a payment that read the receiver as open just before
     * the closure committed, or a late ACH return, can still reach its wallet. It is not lost: transfer-api sends what
     * is cashable on to the person's last verified bank (ClosedAccountSendOn, hourly); until then, and for what cannot
     * go (a debt, no bank, money not settled yet), it is listed here for operations.
     */
    private void closedWalletsHoldingMoney(List<Map<String, Object>> findings) {
        List<Map<String, Object>> wallets = jdbc.sql("SELECT u.id, w.balance_cents, w.held_cents FROM users u"
                        + " JOIN wallet_balances w ON w.user_id = u.id WHERE u.status = 'closed'"
                        + " AND (w.balance_cents <> 0 OR w.held_cents <> 0) ORDER BY u.closed_at")
                .query((rs, n) -> Map.<String, Object>of(
                        "user_id", rs.getObject(1, UUID.class).toString(),
                        "balance_cents", rs.getLong(2),
                        "held_cents", rs.getLong(3)))
                .list();
        if (!wallets.isEmpty()) {
            findings.add(finding(
                    "closed_wallet_holds_money",
                    wallets.size() + " closed accounts' wallets hold or owe money",
                    Map.of("wallets", wallets)));
        }
    }

    /**
     * The card network's settlement report of {@code day} (a UTC day, the network's) against our card charges and
     * instant payouts: every capture, void and payout it reports must be ours with the same amount and status, and
     * every charge we captured and payout we made that day must be in its report of that day or the next (an
     * operation at midnight). Its items are booked by {@link CardSettlementBooking}, the job's step before.
     */
    private void cardSettlement(List<Map<String, Object>> findings, LocalDate day) {
        JsonNode report = cardNetwork.get("/card/settlement?date=" + day).orElseThrow();
        log.info(
                "card settlement for {}: captured {} cents, voided {}, paid out {}, fees {}, net {}",
                day,
                report.path("captured_cents").asLong(),
                report.path("voided_cents").asLong(),
                report.path("paid_out_cents").asLong(),
                report.path("fees_cents").asLong(),
                report.path("net_cents").asLong());
        Set<String> reported = keys(report);
        // ours for every id the report names, read at once: card charges, and instant cashouts as payouts
        UUID[] ids = report.path("items")
                .valueStream()
                .map(item -> StepParameters.uuidOrNull(item.path("id").asString()))
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toArray(UUID[]::new);
        Map<String, Ours> ours = new java.util.HashMap<>();
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<OfTheDay> ofTheDay = steps.inTransaction(() -> {
            jdbc.sql("SELECT 'charge', id::text, status, amount_cents FROM card_charges WHERE id = ANY(?)"
                            + " UNION ALL SELECT 'payout', id::text, status, amount_cents - fee_cents FROM cashouts"
                            + " WHERE speed = 'instant' AND id = ANY(?)")
                    .params(ids, ids)
                    .query((rs, n) ->
                            ours.put(rs.getString(1) + ":" + rs.getString(2), new Ours(rs.getString(3), rs.getLong(4))))
                    .list();
            return jdbc.sql(
                            "SELECT 'capture', id::text, amount_cents FROM card_charges WHERE status = 'captured'"
                                    + " AND created_at >= ? AND created_at < ?"
                                    + " UNION ALL SELECT 'payout', id::text, amount_cents - fee_cents FROM cashouts"
                                    + " WHERE speed = 'instant' AND status = 'completed' AND created_at >= ? AND created_at < ?")
                    .params(Timestamp.from(from), Timestamp.from(to), Timestamp.from(from), Timestamp.from(to))
                    .query((rs, n) -> new OfTheDay(rs.getString(1), rs.getString(2), rs.getLong(3)))
                    .list();
        });
        for (JsonNode item : report.path("items")) {
            String id = item.path("id").asString();
            String type = item.path("type").asString();
            long amount = item.path("amount_cents").asLong();
            if (type.equals("payout")) {
                Ours payout = ours.get("payout:" + id);
                if (payout == null) {
                    findings.add(card(
                            "card_payout_unknown",
                            "the network paid out " + id + ", which is not ours",
                            id,
                            amount,
                            null));
                } else if (!payout.status().equals("completed")) {
                    findings.add(card(
                            "card_status_mismatch",
                            "the network paid out " + id + ", which we do not count as paid",
                            id,
                            amount,
                            payout.cents()));
                } else if (payout.cents() != amount) {
                    findings.add(card(
                            "card_amount_mismatch", "payout " + id + " differs in amount", id, amount, payout.cents()));
                }
                continue;
            }
            Ours charge = ours.get("charge:" + id);
            boolean capturedByUs = charge != null && charge.status().equals("captured");
            if (type.equals("capture")) {
                chargeFindings(findings, "captured", "card_capture_unknown", id, amount, charge);
            } else if (type.equals("chargeback")) {
                // booked and taken back from the payer by bookCardSettlement when the charge is ours and captured
                chargeFindings(findings, "charged back", "card_chargeback_unknown", id, amount, charge);
            } else if (type.equals("chargeback_reversal")) {
                chargeFindings(findings, "reversed the chargeback of", "card_chargeback_unknown", id, amount, charge);
            } else if (type.equals("void") && capturedByUs) {
                findings.add(card(
                        "card_status_mismatch",
                        "the network voided " + id + ", which we hold as captured",
                        id,
                        amount,
                        charge.cents()));
            }
        }
        Set<String> nextDay = null;
        for (OfTheDay o : ofTheDay) {
            String key = o.type() + ":" + o.id();
            if (reported.contains(key)) {
                continue;
            }
            if (nextDay == null) {
                nextDay = keys(cardNetwork
                        .get("/card/settlement?date=" + day.plusDays(1))
                        .orElseThrow());
            }
            if (!nextDay.contains(key)) {
                findings.add(card(
                        "card_" + o.type() + "_missing_at_network",
                        "our " + o.type() + " " + o.id() + " is not in the network's settlement",
                        o.id(),
                        null,
                        o.cents()));
            }
        }
    }

    /**
     * What a capture or a chargeback of the network's report says against our charge: not ours ({@code unknown}), not
     * captured here, or of another amount.
     */
    private static void chargeFindings(
            List<Map<String, Object>> findings, String did, String unknown, String id, long amount, Ours charge) {
        if (charge == null) {
            findings.add(card(unknown, "the network " + did + " " + id + ", which is not ours", id, amount, null));
        } else if (!charge.status().equals("captured")) {
            findings.add(card(
                    "card_status_mismatch",
                    "the network " + did + " " + id + ", which we hold as " + charge.status(),
                    id,
                    amount,
                    charge.cents()));
        } else if (charge.cents() != amount) {
            findings.add(card(
                    "card_amount_mismatch",
                    "the network " + did + " " + id + " for " + amount + " cents, which we charged for "
                            + charge.cents(),
                    id,
                    amount,
                    charge.cents()));
        }
    }

    /** Ids listed in a finding of items, at most (the count and the sum cover them all). */
    static final int LISTED_IDS = 20;

    /**
     * Our captured card charges and completed instant payouts that the card network's settlement never booked though
     * their day is out of the booking's reach (before the {@value ReconciliationJobConfiguration#CARD_SETTLEMENT_DAYS}
     * days each run books): the network never reported them, or every run that could have booked them failed or was
     * missed. No later run books them; a finding per type says so until someone does.
     */
    private void notSettledByTheNetwork(List<Map<String, Object>> findings, LocalDate today) {
        Timestamp before = Timestamp.from(today.minusDays(ReconciliationJobConfiguration.CARD_SETTLEMENT_DAYS)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        jdbc.sql("SELECT type, count(*), sum(cents)::bigint, (array_agg(id ORDER BY id))[1:?] FROM"
                        + " (SELECT 'capture' AS type, c.id::text AS id, c.amount_cents AS cents FROM card_charges c"
                        + " WHERE c.status = 'captured' AND c.updated_at < ? AND NOT EXISTS (SELECT 1 FROM"
                        + " card_settlement_items i WHERE i.type = 'capture' AND i.item_id = c.id::text)"
                        + " UNION ALL SELECT 'payout', o.id::text, o.amount_cents - o.fee_cents FROM cashouts o"
                        + " WHERE o.speed = 'instant' AND o.status = 'completed' AND o.updated_at < ? AND NOT EXISTS"
                        + " (SELECT 1 FROM card_settlement_items i WHERE i.type = 'payout' AND i.item_id = o.id::text))"
                        + " unbooked GROUP BY type ORDER BY type")
                .params(LISTED_IDS, before, before)
                .query(rs -> {
                    String type = rs.getString(1);
                    long items = rs.getLong(2);
                    long cents = rs.getLong(3);
                    findings.add(finding(
                            "card_" + type + "_never_settled",
                            items + " " + type + (items == 1 ? "" : "s") + " of ours (" + cents + " cents) from before "
                                    + before.toInstant() + " never booked from the card network's settlement; no later"
                                    + " run books them",
                            Map.of("items", items, "cents", cents, "ids", List.of((String[])
                                    rs.getArray(4).getArray()))));
                });
    }

    /** Our side of a reported item: its status and amount (a payout's net of our fee). */
    private record Ours(String status, long cents) {}

    /** A capture or payout of ours on the reconciled day. */
    private record OfTheDay(String type, String id, long cents) {}

    /** A report's items as {@code type:id}. */
    private static Set<String> keys(JsonNode report) {
        Set<String> keys = new HashSet<>();
        report.path("items")
                .forEach(item -> keys.add(
                        item.path("type").asString() + ":" + item.path("id").asString()));
        return keys;
    }

    private static Map<String, Object> card(String check, String detail, String id, Long networkCents, Long ourCents) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", id);
        if (networkCents != null) {
            values.put("network_cents", networkCents);
        }
        if (ourCents != null) {
            values.put("our_cents", ourCents);
        }
        return finding(check, detail, values);
    }

    private record SubmittedFile(UUID id, int entries, long debitCents, long creditCents) {}

    private static void compare(List<Map<String, Object>> findings, String account, long ledger, long outstanding) {
        if (ledger != outstanding) {
            findings.add(finding(
                    account + "_mismatch",
                    account + " holds " + ledger + " cents; outstanding items say " + outstanding,
                    Map.of("ledger_cents", ledger, "outstanding_cents", outstanding)));
        }
    }

    private static long balance(Map<Long, Long> sums, SystemAccount account) {
        return sums.getOrDefault(account.id().value(), 0L);
    }

    private long scalar(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static Map<String, Object> finding(String check, String detail, Map<String, Object> values) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("check", check);
        f.put("detail", detail);
        f.putAll(values);
        return f;
    }
}
