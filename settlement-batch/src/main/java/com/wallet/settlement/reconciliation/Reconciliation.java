package com.wallet.settlement.reconciliation;

import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.LedgerInvariants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The checks of a reconciliation run. Each finding names what disagrees and by how much; no finding means clean.
 * First the ledger module's invariants ({@link LedgerInvariants}: zero sum, balanced entries, cached balances, holds
 * and unsettled sums); then clearing accounts hold what is still outstanding: bank funding clearing the (negative) sum
 * of bank debits pending or submitted, cashout clearing the standard cashouts pending or submitted plus the payouts of
 * instant cashouts completed (the card network's settlement with us is not modelled).
 */
@Component("reconciliationChecks")
public class Reconciliation {

    private final JdbcClient jdbc;
    private final PartnerClient achProcessor;
    private final LedgerInvariants ledger;
    private final com.wallet.settlement.SettlementSettings settings;

    Reconciliation(JdbcClient jdbc, PartnerClient achProcessor, com.wallet.settlement.SettlementSettings settings) {
        this.settings = settings;
        this.jdbc = jdbc;
        this.ledger = new LedgerInvariants(jdbc);
        this.achProcessor = achProcessor;
    }

    public List<Map<String, Object>> findings() {
        List<Map<String, Object>> findings = new ArrayList<>();
        ledger.check().forEach(f -> findings.add(f.toMap()));
        compare(
                findings,
                "bank_funding_clearing",
                scalar("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 1"),
                -scalar("SELECT coalesce(sum(amount_cents), 0) FROM external_charges WHERE kind = 'bank_debit'"
                        + " AND status IN ('pending', 'submitted')"));
        compare(
                findings,
                "cashout_clearing",
                scalar("SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 3"),
                scalar("SELECT coalesce(sum(amount_cents - fee_cents), 0) FROM cashouts WHERE (speed = 'standard'"
                        + " AND status IN ('pending', 'submitted')) OR (speed = 'instant' AND status = 'completed')"));
        long orphans = scalar("SELECT count(*) FROM ach_entries e JOIN ach_files f ON f.id = e.file_id"
                + " WHERE (e.status <> 'created') <> (f.status = 'submitted')");
        if (orphans > 0) {
            findings.add(finding(
                    "entry_status_mismatch",
                    orphans + " ACH entries disagree with their file about submission",
                    Map.of("entries", orphans)));
        }
        // a return whose entry is not known as submitted yet is kept and applied later; past the settlement window it
        // is a finding
        long unmatched = jdbc.sql("SELECT count(*) FROM ach_returns WHERE NOT matched AND NOT late"
                        + " AND processed_at < now() - ?::interval")
                .param(settings.settlementWindow().toMillis() + " milliseconds")
                .query(Long.class)
                .single();
        if (unmatched > 0) {
            findings.add(finding(
                    "unmatched_returns",
                    unmatched + " returns from the processor still match none of our submitted entries after the"
                            + " settlement window",
                    Map.of("returns", unmatched)));
        }
        jdbc.sql("SELECT id, entry_count, total_debit_cents, total_credit_cents FROM ach_files"
                        + " WHERE status = 'submitted' ORDER BY created_at")
                .query((rs, n) ->
                        new SubmittedFile(rs.getObject(1, UUID.class), rs.getInt(2), rs.getLong(3), rs.getLong(4)))
                .list()
                .forEach(f -> {
                    JsonNode known = achProcessor.get("/ach/files/" + f.id()).orElse(null);
                    if (known == null
                            || known.path("entry_count").asInt() != f.entries()
                            || known.path("total_debit_cents").asLong() != f.debitCents()
                            || known.path("total_credit_cents").asLong() != f.creditCents()) {
                        findings.add(finding(
                                "file_not_at_processor",
                                "submitted file " + f.id() + " is unknown to the processor or differs there",
                                Map.of("file_id", f.id().toString())));
                    }
                });
        return findings;
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
