package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.api.transfer.SentTotalsPurge;
import com.wallet.sim.CallType;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@ApiIT
class SendMoneyIT extends ApiIT.Base {

    @Autowired
    SentTotalsPurge purge;

    @Autowired
    MeterRegistry meters;

    /**
     * Unsettled bank money goes with a payment, debit by debit in debit order, settled money leaving first: here it is
     * spread over twelve debits and the payment takes eleven of them.
     */
    @Test
    void unsettledMoneyFromManyDebitsMovesWithThePaymentDebitByDebit() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        for (int i = 0; i < 12; i++) {
            api.fundUnsettled(alice, 100); // twelve bank debits of 100 cents, none settled
        }
        api.fund(alice, 30); // and 30 cents of settled money
        List<UUID> debits = debitsOf(alice);
        assertThat(debits).hasSize(12);

        Api.Response r = api.transfer(alice, bob.id(), 1_130, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(201);
        // the 30 settled cents leave first; 1,100 of the 1,200 unsettled follow, so 100 stay with alice
        assertThat(unsettled(alice)).isEqualTo(100);
        assertThat(unsettled(bob)).isEqualTo(1_100);
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM unsettled_funds f JOIN ledger_accounts a ON a.id = f.account_id"
                                + " WHERE a.user_id = ?",
                        Long.class,
                        bob.id()))
                .as("bob's unsettled money is of eleven debits")
                .isEqualTo(11);
        assertThat(debitsOf(bob)).as("the first eleven in debit order").isEqualTo(debits.subList(0, 11));
        assertThat(debitsOf(alice)).as("alice keeps the last").isEqualTo(debits.subList(11, 12));
        LedgerInvariants.assertHold(db);
    }

    /**
     * An unsettled-funds row stays on its wallet and its debit: only its amount changes (ledger V36), and a new row must
     * be on a wallet (V31).
     */
    @Test
    void unsettledMoneyKeepsItsWalletAndDebit() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fundUnsettled(alice, 100);
        UUID debit = debitsOf(alice).get(0);
        long bobs = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, bob.id());
        String alices = "(SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = '" + alice.id() + "')";

        for (String attempt : List.of(
                "UPDATE unsettled_funds SET account_id = " + bobs + " WHERE account_id = " + alices,
                "UPDATE unsettled_funds SET account_id = 1 WHERE account_id = " + alices,
                "UPDATE unsettled_funds SET debit_id = gen_random_uuid() WHERE account_id = " + alices,
                "INSERT INTO unsettled_funds (account_id, debit_id, amount_cents) VALUES (1, '" + debit + "', 5)")) {
            assertRefused(db, attempt, "(?s).*(never change|not a wallet).*");
        }
        assertThat(db.update("UPDATE unsettled_funds SET amount_cents = amount_cents, account_id = account_id"
                        + " WHERE account_id = " + alices))
                .as("naming the columns without changing them is allowed")
                .isEqualTo(1);
        assertThat(debitsOf(alice)).containsExactly(debit);
        assertThat(debitsOf(bob)).isEmpty();
        assertThat(unsettled(alice)).isEqualTo(100);
    }

    private List<UUID> debitsOf(Api.Person user) {
        return db.queryForList(
                "SELECT f.debit_id FROM unsettled_funds f JOIN ledger_accounts a ON a.id = f.account_id"
                        + " WHERE a.user_id = ? ORDER BY f.debit_id",
                UUID.class,
                user.id());
    }

    private long unsettled(Api.Person user) {
        return api.get("/v1/me/wallet", user.token())
                .json()
                .path("unsettled_cents")
                .asLong();
    }

    @Test
    void aTransferFromTheBalanceMovesExactlyTheAmount() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 5_000);

        Api.Response r = api.transfer(alice, bob.id(), 1_250, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("amount_cents").asLong()).isEqualTo(1_250);
        assertThat(r.json().path("sender_id").asString()).isEqualTo(alice.id().toString());
        assertThat(r.json().path("receiver_id").asString()).isEqualTo(bob.id().toString());
        assertThat(r.json().path("funding").path("balance_cents").asLong()).isEqualTo(1_250);
        assertThat(r.json().path("funding").path("bank_cents").asLong()).isZero();
        assertThat(r.json().path("created_at").asString()).endsWith("Z");
        assertThat(api.balance(alice)).isEqualTo(3_750);
        assertThat(api.balance(bob)).isEqualTo(1_250);
        Api.Response wallet = api.get("/v1/me/wallet", bob.token());
        assertThat(wallet.json().path("available_cents").asLong()).isEqualTo(1_250);
        assertThat(wallet.json().path("currency").asString()).isEqualTo("USD");

        // the funding split is the sender's: shown to the receiver it would tell them the sender's balance
        String path = "/v1/transfers/" + r.json().path("id").asString();
        assertThat(api.get(path, alice.token())
                        .json()
                        .path("funding")
                        .path("balance_cents")
                        .asLong())
                .isEqualTo(1_250);
        Api.Response seenByBob = api.get(path, bob.token());
        assertThat(seenByBob.status()).isEqualTo(200);
        assertThat(seenByBob.json().path("amount_cents").asLong()).isEqualTo(1_250);
        assertThat(seenByBob.json().path("funding").isNull()).isTrue();
        assertThat(seenByBob.raw()).doesNotContain("balance_cents", "bank_cents", "card_cents", "fee_cents");
        assertThat(api.get("/v1/me/transfers", bob.token()).raw())
                .contains(r.json().path("id").asString())
                .doesNotContain("balance_cents", "bank_cents", "card_cents", "fee_cents");
        LedgerInvariants.assertHold(db);
    }

    @Test
    void theDailyAndWeeklyLimitsCountExactlyWhatFallsInsideTheirRollingWindows() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        // earlier transfers, written with their times: near each window's start, the hour it starts in is only
        // partly inside (counted transfer by transfer), the hours after it wholly (counted from the hourly totals)
        sentAgo(alice, bob, 300_000, "23 hours");
        sentAgo(alice, bob, 300_000, "23 hours 59 minutes"); // the day's first, partial hour
        sentAgo(alice, bob, 400_000, "24 hours 1 minute"); // the week only
        sentAgo(alice, bob, 500_000, "3 days");
        sentAgo(alice, bob, 500_000, "5 days");
        sentAgo(alice, bob, 400_000, "6 days 23 hours 59 minutes"); // the week's first, partial hour
        sentAgo(alice, bob, 450_000, "7 days 1 minute"); // neither
        // in the last day: 600,000 of the 1,000,000 limit; in the last week 2,400,000 of 2,500,000 (at most 500,000 per
        // transfer)
        Api.Response daily =
                api.transfer(alice, bob.id(), 400_001, UUID.randomUUID().toString());
        assertThat(daily.status()).isEqualTo(422);
        assertThat(daily.problemType()).isEqualTo(Api.PROBLEMS + "limit-exceeded");
        assertThat(daily.json().path("window").asString()).isEqualTo("daily");
        assertThat(daily.json().path("sent_cents").asLong()).isEqualTo(600_000);

        Api.Response weekly =
                api.transfer(alice, bob.id(), 100_001, UUID.randomUUID().toString());
        assertThat(weekly.status()).isEqualTo(422);
        assertThat(weekly.json().path("window").asString()).isEqualTo("weekly");
        assertThat(weekly.json().path("sent_cents").asLong()).isEqualTo(2_400_000);

        api.fund(alice, 100_000);
        assertThat(api.transfer(alice, bob.id(), 100_000, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        Api.Response full = api.transfer(alice, bob.id(), 1, UUID.randomUUID().toString());
        assertThat(full.status()).isEqualTo(422);
        assertThat(full.json().path("window").asString()).isEqualTo("weekly");
        assertThat(full.json().path("sent_cents").asLong()).isEqualTo(2_500_000);
    }

    @Test
    void hourlyTotalsOlderThanTheLongestWindowArePurged() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        sentAgo(alice, bob, 100, "8 days 2 hours");
        sentAgo(alice, bob, 200, "7 days 2 hours");
        assertThat(purge.purge()).isGreaterThanOrEqualTo(1);
        assertThat(db.queryForList("SELECT sent_cents FROM sent_by_hour WHERE user_id = ?", Long.class, alice.id()))
                .containsExactly(200L);
    }

    /**
     * The hourly totals are counted per statement (V41): one statement of several transfers, two of one sender in one
     * hour among them and one adding to a total already there, adds each (sender, hour)'s sum once.
     */
    @Test
    void oneStatementOfTransfersAddsEachSendersHourlySum() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        // ten minutes into the hour three hours ago, and the day before: the same hours in both statements
        Timestamp at =
                Timestamp.from(Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(170)));
        String transfers = "INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                + " card_cents, fee_cents, note, visibility, status, created_at)"
                + " SELECT gen_random_uuid(), s, r, c, c, 0, 0, 0, 'earlier', 'private', 'completed',"
                + " ?::timestamptz - a::interval FROM (VALUES ";
        db.update(transfers + "(?::uuid, ?::uuid, 5, '0 minutes')) v(s, r, c, a)", at, alice.id(), bob.id());
        db.update(
                transfers
                        + "(?::uuid, ?::uuid, 100, '0 minutes'), (?::uuid, ?::uuid, 250, '5 minutes'),"
                        + " (?::uuid, ?::uuid, 40, '1 day'), (?::uuid, ?::uuid, 7, '0 minutes')) v(s, r, c, a)",
                at,
                alice.id(),
                bob.id(),
                alice.id(),
                carol.id(),
                alice.id(),
                bob.id(),
                bob.id(),
                alice.id());
        String totals = "SELECT sent_cents FROM sent_by_hour WHERE user_id = ? ORDER BY hour";
        assertThat(db.queryForList(totals, Long.class, alice.id())).containsExactly(40L, 355L);
        assertThat(db.queryForList(totals, Long.class, bob.id())).containsExactly(7L);
        assertThat(db.queryForList(totals, Long.class, carol.id())).isEmpty();
    }

    /** A transfer written directly, as if made that long ago (no ledger entry: only the limits read it). */
    private void sentAgo(Api.Person from, Api.Person to, long cents, String ago) {
        db.update(
                "INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                        + " card_cents, fee_cents, note, visibility, status, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, 0, 0, 0, 'earlier', 'private', 'completed', now() - ?::interval)",
                UUID.randomUUID(),
                from.id(),
                to.id(),
                cents,
                cents,
                ago);
    }

    @Test
    void theVerifiedDefaultBankCoversWhatTheBalanceCannot() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 300);
        UUID bank = api.addVerifiedBank(alice);

        Api.Response r = api.transfer(alice, bob.id(), 1_000, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("funding").path("balance_cents").asLong()).isEqualTo(300);
        assertThat(r.json().path("funding").path("bank_cents").asLong()).isEqualTo(700);
        assertThat(r.json().path("funding").path("fee_cents").asLong()).isZero();
        assertThat(api.balance(alice)).isZero();
        assertThat(api.balance(bob)).isEqualTo(1_000);
        assertThat(db.queryForList(
                        "SELECT kind, amount_cents, payment_method_id FROM external_charges WHERE transfer_id = ?",
                        UUID.fromString(r.json().path("id").asString())))
                .containsExactly(Map.of("kind", "bank_debit", "amount_cents", 700L, "payment_method_id", bank));
        LedgerInvariants.assertHold(db);
    }

    /** {@code venmo_transfers_total{status="rejected_funding_changed"}} so far. */
    private double fundingChanges() {
        var counter = meters.find("venmo.transfers")
                .tag("status", "rejected_funding_changed")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anUnverifiedBankIsSkippedAndTheCardPaysWithAThreePercentFee() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.linkBank(alice, Api.newAccountNumber()); // never verified
        api.addCard(alice, Api.CARD);
        long feesBefore = feeRevenue();
        long chargesBefore = sim.knobs().calls(CallType.CARD_CHARGE);
        double fundingChangesBefore = fundingChanges();

        Api.Response r = api.transfer(alice, bob.id(), 1_050, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(201);
        // the first attempt found under the lock that the card was needed and came back for it: charged once, and
        // not counted as the balance changing while the card was charged
        assertThat(sim.knobs().calls(CallType.CARD_CHARGE) - chargesBefore).isEqualTo(1);
        assertThat(fundingChanges()).isEqualTo(fundingChangesBefore);
        assertThat(r.json().path("funding").path("card_cents").asLong()).isEqualTo(1_050);
        assertThat(r.json().path("funding").path("fee_cents").asLong()).isEqualTo(32); // 31.5 rounds half up
        assertThat(feeRevenue() - feesBefore).isEqualTo(32);
        assertThat(api.balance(bob)).isEqualTo(1_050);
        UUID transfer = UUID.fromString(r.json().path("id").asString());
        Map<String, Object> charge =
                db.queryForMap("SELECT id, amount_cents, status FROM card_charges WHERE transfer_id = ?", transfer);
        assertThat(charge).containsEntry("amount_cents", 1_082L).containsEntry("status", "captured");
        // the network really captured that amount under our charge id
        assertThat(sim.card().findCharge(charge.get("id").toString()))
                .hasValueSatisfying(c -> assertThat(c.amountCents()).isEqualTo(1_082));
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM external_charges WHERE transfer_id = ?", Long.class, transfer))
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    @Test
    void withoutBalanceOrFundingSourceTheTransferIsRefusedAndNothingMoves() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 99);

        Api.Response r = api.transfer(alice, bob.id(), 100, UUID.randomUUID().toString());

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo(Api.PROBLEMS + "insufficient-funds");
        assertThat(r.json().path("available_cents").asLong()).isEqualTo(99);
        assertThat(api.balance(alice)).isEqualTo(99);
        assertThat(api.balance(bob)).isZero();
    }

    @Test
    void historyPagesNewestFirstWithoutGapsOrRepeats() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 1_000);
        api.fund(bob, 1_000);
        for (int i = 1; i <= 5; i++) {
            Api.Person from = i % 2 == 0 ? bob : alice;
            Api.Person to = i % 2 == 0 ? alice : bob;
            assertThat(api.transfer(from, to.id(), i, UUID.randomUUID().toString())
                            .status())
                    .isEqualTo(201);
        }

        List<Long> amounts = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Api.Response page =
                    api.get("/v1/me/transfers?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), alice.token());
            assertThat(page.status()).isEqualTo(200);
            page.json()
                    .path("items")
                    .forEach(item -> amounts.add(item.path("amount_cents").asLong()));
            cursor = page.json().path("next_cursor").isNull()
                    ? null
                    : page.json().path("next_cursor").asString();
            pages++;
        } while (cursor != null);

        // alice's own funding transfer (1000 received) is the oldest item
        assertThat(amounts).containsExactly(5L, 4L, 3L, 2L, 1L, 1_000L);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void ledgerLinesAndAuditRowsCannotBeChangedOrDeleted() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 10);

        for (String sql : List.of(
                "UPDATE ledger_lines SET amount_cents = amount_cents * 2",
                "DELETE FROM ledger_lines",
                "DELETE FROM ledger_entries",
                // what the lines' foreign key to their entry guarded against (now checked per statement, V40)
                "UPDATE ledger_entries SET id = gen_random_uuid()",
                "TRUNCATE ledger_entries CASCADE",
                "UPDATE audit_log SET action = 'nothing'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log")) {
            // even the superuser (or the owner) is refused by the triggers; the API's role has no such privilege at
            // all (LeastPrivilegeIT)
            assertRefused(admin(), sql, "(?s).*append-only.*");
        }
        LedgerInvariants.assertHold(db);
    }

    /**
     * Every statement of lines leaves each entry it touches balanced (ledger V39): an unbalanced new entry, and a line
     * added later to an entry already committed (which the check at the entry's insert never saw), are refused, to the
     * owner too; so are lines naming no entry (V40: checked there, no foreign key).
     */
    @Test
    void everyStatementOfLinesLeavesItsEntriesBalanced() {
        Api.Person alice = api.newUser("alice");
        api.fund(alice, 10);
        UUID committed = db.queryForObject(
                "SELECT l.entry_id FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
                        + " WHERE a.user_id = ? LIMIT 1",
                UUID.class,
                alice.id());

        for (String sql : List.of(
                "INSERT INTO ledger_lines (entry_id, account_id, amount_cents) VALUES ('" + committed + "', 4, 1)",
                "WITH e AS (INSERT INTO ledger_entries (id, kind) VALUES (gen_random_uuid(), 'transfer') RETURNING id)"
                        + " INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                        + " SELECT id, a, v FROM e, (VALUES (4, 5), (1, -4)) AS x(a, v)")) {
            assertRefused(admin(), sql, "(?s).*does not balance.*");
        }
        // balanced lines naming no entry, beside lines of an entry that exists (V40: checked with the balance)
        UUID nowhere = UUID.randomUUID();
        assertRefused(
                admin(),
                "WITH e AS (INSERT INTO ledger_entries (id, kind) VALUES (gen_random_uuid(), 'transfer') RETURNING id)"
                        + " INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                        + " SELECT id, a, v FROM e, (VALUES (4, 5), (1, -5)) AS x(a, v)"
                        + " UNION ALL VALUES ('" + nowhere + "'::uuid, 4, 7), ('" + nowhere + "'::uuid, 1, -7)",
                "(?s).*no ledger entry " + nowhere + ".*");
        assertThat(db.queryForObject("SELECT count(*) FROM ledger_lines WHERE entry_id = ?", Long.class, nowhere))
                .isZero();
        assertThat(db.queryForObject(
                        "SELECT sum(amount_cents) FROM ledger_lines WHERE entry_id = ?", Long.class, committed))
                .isZero();
        LedgerInvariants.assertHold(db);
    }

    /**
     * No foreign key ties a line to its entry or its account any more (V31, V40: the lines' statement triggers check
     * them), so the invariants the reconciliation reports do: lines written with the triggers off (the superuser, in a
     * transaction rolled back) are found.
     */
    @Test
    void theInvariantsFindLinesNamingNoEntry() {
        JdbcTemplate owner = admin();
        UUID nowhere = UUID.randomUUID();
        new TransactionTemplate(new DataSourceTransactionManager(owner.getDataSource())).executeWithoutResult(tx -> {
            owner.execute("SET LOCAL session_replication_role = replica");
            owner.update(
                    "INSERT INTO ledger_lines (entry_id, account_id, amount_cents) VALUES (?, 4, 3), (?, 1, -3)",
                    nowhere,
                    nowhere);
            assertThat(new com.wallet.ledger.LedgerInvariants(JdbcClient.create(owner)).check())
                    .extracting(com.wallet.ledger.LedgerInvariants.Finding::check)
                    .containsExactly("line_orphaned");
            tx.setRollbackOnly();
        });
        LedgerInvariants.assertHold(db);
    }

    /**
     * A payment's sender and receiver and a key's owner are checked per statement instead of by foreign keys (V38):
     * every row of a statement must name users, and what a foreign key's lock guarded against, a user deleted or given
     * another id, or a row moved to another user, is refused, to the owner too.
     */
    @Test
    void paymentsAndKeysNameUsersThatAreNeverDeletedNorChanged() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        Api.Person carol = api.newUser("carol");
        api.fund(alice, 100);
        assertThat(api.transfer(alice, bob.id(), 10, UUID.randomUUID().toString())
                        .status())
                .isEqualTo(201);
        String nobody = UUID.randomUUID().toString();
        String row = "(gen_random_uuid(), '%s'::uuid, '%s'::uuid, 1, 1, 0, 0, 0, 'x', 'public', 'completed')";
        String insert = "INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                + " card_cents, fee_cents, note, visibility, status) VALUES ";

        for (String missing : List.of(
                // one row of several naming nobody is enough, as receiver or as sender
                insert + String.format(row, alice.id(), bob.id()) + ", " + String.format(row, alice.id(), nobody),
                insert + String.format(row, nobody, bob.id()) + ", " + String.format(row, bob.id(), carol.id()),
                "INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ('" + alice.id() + "', 'k1', 'h'),"
                        + " ('" + nobody + "', 'k2', 'h')")) {
            assertRefused(db, missing, "(?s).*no user " + nobody + ".*");
        }
        for (String change : List.of(
                "DELETE FROM users WHERE id = '" + carol.id() + "'",
                "UPDATE users SET id = gen_random_uuid() WHERE id = '" + carol.id() + "'",
                "TRUNCATE users CASCADE",
                "UPDATE transfers SET receiver_id = '" + carol.id() + "' WHERE sender_id = '" + alice.id() + "'",
                "UPDATE idempotency_keys SET user_id = '" + carol.id() + "' WHERE user_id = '" + alice.id() + "'")) {
            assertRefused(admin(), change, "(?s).*never (deleted|changes).*");
        }
        assertThat(db.queryForObject(
                        "SELECT count(*) FROM transfers WHERE sender_id = ? AND receiver_id = ?",
                        Long.class,
                        alice.id(),
                        bob.id()))
                .isEqualTo(1);
        assertThat(db.queryForObject("SELECT count(*) FROM users WHERE id = ?", Long.class, carol.id()))
                .isEqualTo(1);
        assertThat(admin().update("UPDATE users SET id = id WHERE id = ?", carol.id()))
                .as("naming the id without changing it is allowed")
                .isEqualTo(1);
        LedgerInvariants.assertHold(db);
    }

    private long feeRevenue() {
        return db.queryForObject(
                "SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines WHERE account_id = 4", Long.class);
    }
}
