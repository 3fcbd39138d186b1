package com.wallet.settlement;

import static com.wallet.settlement.SettlementTestSupport.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.wallet.settlement.SettlementTestSupport.Person;
import com.wallet.settlement.nacha.NachaValidator;
import com.wallet.sim.CallType;
import com.wallet.stack.ServiceJar;
import com.wallet.stack.StackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.ExitStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@ExtendWith(StackExtension.class)
@SpringBootTest(classes = SettlementApplication.class, properties = "spring.config.name=settlement")
class SettlementIT {

    @Autowired
    JobRunner jobs;

    @Autowired
    JdbcTemplate db;

    @Autowired
    com.wallet.ledger.Ledger ledger;

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        SettlementTestSupport.register(registry);
    }

    @Autowired
    com.wallet.common.partners.PartnerClient achProcessor;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @BeforeEach
    @AfterEach
    void calmNetwork() {
        SIM.knobs().reset();
        achProcessor.breaker().reset();
        SIM.ach().clearReturnRules();
        SIM.ach().clearChangeRules();
    }

    private JobRunner.Result run(String job) {
        return jobs.run(job, LocalDate.of(2026, 11, 24));
    }

    /** A sender whose bank pays a transfer (a pending bank debit), and a receiver who cashes out by ACH. */
    private record Scenario(
            Person sender, String senderAccount, Person receiver, String receiverAccount, UUID cashout) {}

    private Scenario scenario(long sent, long cashedOut) {
        Person sender = SettlementTestSupport.newUser("payer");
        Person receiver = SettlementTestSupport.newUser("payee");
        String senderAccount = SettlementTestSupport.newAccount();
        String receiverAccount = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(sender, senderAccount);
        UUID receiverBank = SettlementTestSupport.verifiedBank(receiver, receiverAccount);
        assertThat(SettlementTestSupport.send(sender, receiver, sent)
                        .path("funding")
                        .path("bank_cents")
                        .asLong())
                .isEqualTo(sent);
        // these scenarios are about the files and returns, not funds availability: the receiver's money counts as
        // settled (as the settlement job would mark it, through the ledger module), so part of it can be cashed out
        releaseUnsettled(sender);
        UUID cashout = UUID.fromString(SettlementTestSupport.standardCashout(receiver, receiverBank, cashedOut)
                .path("id")
                .asString());
        return new Scenario(sender, senderAccount, receiver, receiverAccount, cashout);
    }

    private void releaseUnsettled(Person sender) {
        for (UUID debit : db.queryForList(
                "SELECT id FROM external_charges WHERE user_id = ? AND kind = 'bank_debit'", UUID.class, sender.id())) {
            new org.springframework.transaction.support.TransactionTemplate(transactions)
                    .executeWithoutResult(t -> ledger.release(debit));
        }
    }

    private long count(String sql, Object... args) {
        return db.queryForObject(sql, Long.class, args);
    }

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    com.wallet.settlement.reconciliation.Reconciliation reconciliation;

    /**
     * Reconciliation runs while payments go on (scheduled at 23:45, the API live), and its checks compare sums read by
     * different statements: bank funding clearing's lines, then the card network's booked items, then the bank debits
     * outstanding. A lock on the booked items holds the checks between the first read and the last while a bank-funded
     * payment commits (its lines and its bank debit, in one transaction); the checks then find what they found before
     * the payment, as they read one snapshot. At READ COMMITTED they found a bank_funding_clearing mismatch: the debit
     * without its lines.
     */
    @Test
    void theChecksReadOneSnapshotWhileAPaymentCommitsBetweenTheirReads() throws Exception {
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        Person sender = SettlementTestSupport.newUser("payer");
        SettlementTestSupport.verifiedBank(sender, SettlementTestSupport.newAccount());
        Person receiver = SettlementTestSupport.newUser("payee");
        List<Object> before = checks(reconciliation.ownBooks(today));
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.createStatement()) {
                lock.execute("LOCK TABLE card_settlement_items IN ACCESS EXCLUSIVE MODE");
            }
            var checking = java.util.concurrent.CompletableFuture.supplyAsync(() -> reconciliation.ownBooks(today));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count("SELECT count(*) FROM pg_locks WHERE NOT granted"
                                    + " AND relation = 'card_settlement_items'::regclass")
                            == 1);
            assertThat(SettlementTestSupport.send(sender, receiver, 700)
                            .path("funding")
                            .path("bank_cents")
                            .asLong())
                    .isEqualTo(700);
            holder.commit();
            assertThat(checks(checking.get(60, TimeUnit.SECONDS)))
                    .as("the checks, with a bank-funded payment committed between their reads")
                    .isEqualTo(before);
        }
        assertThat(checks(reconciliation.ownBooks(today))).as("and after it").isEqualTo(before);
    }

    /** The latest checkpoint's last line, and every account's checkpoint sum against its lines up to it. */
    private long checkpointMatchingItsLines() {
        long through = count("SELECT coalesce(max(through_line_id), 0) FROM ledger_checkpoints");
        assertThat(count(
                        "SELECT count(*) FROM ledger_checkpoint_sums c FULL JOIN (SELECT account_id,"
                                + " sum(amount_cents) AS total FROM ledger_lines WHERE id <= ? GROUP BY account_id) l"
                                + " ON l.account_id = c.account_id WHERE coalesce(c.sum_cents, 0) <> coalesce(l.total, 0)",
                        through))
                .as("accounts whose checkpoint sum differs from their lines up to line %d", through)
                .isZero();
        return through;
    }

    /**
     * Reconciliation reads the ledger lines added since its last checkpoint, the checkpoint's per-account sums standing
     * for the lines before, and then moves the checkpoint to what it checked: a run covers every line committed before
     * it, the next adds exactly the lines made since; and every wallet's cached balance is still compared, so a balance
     * gone wrong on an account with no line since the checkpoint is found.
     */
    @Test
    void reconciliationChecksTheLinesSinceItsCheckpointAndMovesItOverThem() {
        run("reconciliation");
        long first = checkpointMatchingItsLines();
        assertThat(first)
                .as("the checkpoint covers every line committed before the run")
                .isEqualTo(count("SELECT coalesce(max(id), 0) FROM ledger_lines"));

        Scenario s = scenario(2_500, 1_000);
        long made = count("SELECT count(*) FROM ledger_lines WHERE id > ?", first);
        assertThat(made).isPositive();
        run("reconciliation");
        long second = checkpointMatchingItsLines();
        assertThat(second).isEqualTo(count("SELECT max(id) FROM ledger_lines"));
        assertThat(count("SELECT lines FROM ledger_checkpoints WHERE through_line_id = ?", second))
                .as("the second checkpoint added the lines made since the first")
                .isEqualTo(made);

        // the sender's wallet has no line after the second checkpoint; its cached balance goes wrong
        long account = count(
                "SELECT id FROM ledger_accounts WHERE user_id = ? AND kind = 'wallet'",
                s.sender().id());
        assertThat(count("SELECT count(*) FROM ledger_lines WHERE account_id = ? AND id > ?", account, second))
                .isZero();
        db.update("UPDATE ledger_accounts SET balance_cents = balance_cents + 3 WHERE id = ?", account);
        try {
            JobRunner.Result corrupted = run("reconciliation");
            assertThat(corrupted.exit().getExitCode()).isEqualTo(JobRunner.MISMATCH);
            assertThat(db.queryForObject(
                            "SELECT findings::text FROM reconciliation_reports ORDER BY id DESC LIMIT 1", String.class))
                    .contains("cached_balance_mismatch", "\"account_id\": " + account);
        } finally {
            db.update("UPDATE ledger_accounts SET balance_cents = balance_cents - 3 WHERE id = ?", account);
        }
    }

    /**
     * The checkpoint's boundary waits for the transactions writing ledger lines (a stand-in here: a transaction holding
     * the lock an insert of lines takes, until its commit) and covers what they wrote; one that does not end within
     * the configured wait (2 s) leaves this run without a checkpoint, the checks made as usual.
     */
    @Test
    void theCheckpointWaitsForLinesBeingWrittenOrIsLeftForTheNextRun() throws Exception {
        run("reconciliation");
        long before = checkpointMatchingItsLines();
        scenario(1_200, 500);
        long last = count("SELECT max(id) FROM ledger_lines");
        String waiters = "SELECT count(*) FROM pg_locks WHERE NOT granted AND mode = 'ShareLock'"
                + " AND relation = 'ledger_lines'::regclass";
        try (java.sql.Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            try (var lock = writer.createStatement()) {
                lock.execute("LOCK TABLE ledger_lines IN ROW EXCLUSIVE MODE");
            }
            // held past the wait: the run goes on without a checkpoint
            run("reconciliation");
            assertThat(count("SELECT coalesce(max(through_line_id), 0) FROM ledger_checkpoints"))
                    .as("no checkpoint while lines were being written")
                    .isEqualTo(before);
            // released while the boundary waits: the run waited for it, then took its checkpoint
            var run = java.util.concurrent.CompletableFuture.runAsync(() -> run("reconciliation"));
            await().atMost(Duration.ofSeconds(30)).until(() -> count(waiters) == 1);
            writer.commit();
            run.get(60, TimeUnit.SECONDS);
        }
        assertThat(checkpointMatchingItsLines()).isEqualTo(last);
    }

    /**
     * The checkpoint moves with the run's report, in its transaction: a run whose report is not kept (its insert
     * refused here, as a crash would leave it) leaves the checkpoint where it was, so the next run checks those lines
     * again and reports what they hold.
     */
    @Test
    void aRunWhoseReportIsNotKeptLeavesTheCheckpoint() {
        run("reconciliation");
        long before = checkpointMatchingItsLines();
        scenario(800, 200);
        db.execute("CREATE FUNCTION refuse_report() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'no report'; END $$");
        db.execute("CREATE TRIGGER refuse_report BEFORE INSERT ON reconciliation_reports"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_report()");
        try {
            assertThat(run("reconciliation").ok()).isFalse();
            assertThat(count("SELECT coalesce(max(through_line_id), 0) FROM ledger_checkpoints"))
                    .isEqualTo(before);
        } finally {
            db.execute("DROP TRIGGER refuse_report ON reconciliation_reports");
            db.execute("DROP FUNCTION refuse_report()");
        }
        run("reconciliation");
        assertThat(checkpointMatchingItsLines()).isEqualTo(count("SELECT max(id) FROM ledger_lines"));
    }

    /**
     * What checks since a checkpoint cannot see, a run over the whole history finds: a line before the checkpoint
     * changed behind the triggers (lines are append-only, to the schema's owner too; a superuser disabling the trigger
     * stands in for tampering) breaks the checkpoint's sum, the ledger's zero sum, its entry and its wallet's balance.
     */
    @Test
    void aRunOverTheWholeHistoryFindsALineChangedBeforeTheCheckpoint() {
        scenario(900, 300);
        run("reconciliation");
        long through = checkpointMatchingItsLines();
        long line = count(
                "SELECT max(l.id) FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
                        + " WHERE a.kind = 'wallet' AND l.id <= ?"
                        + " AND NOT EXISTS (SELECT 1 FROM ledger_holds h WHERE h.entry_id = l.entry_id)",
                through);
        var sinceCheckpoint = com.wallet.ledger.LedgerInvariants.sinceCheckpoint(
                org.springframework.jdbc.core.simple.JdbcClient.create(dataSource));
        var wholeHistory = new com.wallet.ledger.LedgerInvariants(
                org.springframework.jdbc.core.simple.JdbcClient.create(dataSource));
        assertThat(wholeHistory.check()).isEmpty();
        tamper(line, 5);
        try {
            assertThat(sinceCheckpoint.check())
                    .as("the checks since the checkpoint read no line before it")
                    .isEmpty();
            assertThat(wholeHistory.check())
                    .extracting(com.wallet.ledger.LedgerInvariants.Finding::check)
                    .containsExactlyInAnyOrder(
                            "ledger_not_zero", "entry_unbalanced", "cached_balance_mismatch", "checkpoint_mismatch");
        } finally {
            tamper(line, -5);
        }
        assertThat(wholeHistory.check()).isEmpty();
    }

    /**
     * Since a checkpoint, the posted holds checked are those posted since (found by their entries' lines, ledger V48),
     * not every hold ever posted: a hold posted before the checkpoint and changed behind the triggers' back (posted
     * holds are final, to the owner too; a superuser disabling the trigger stands in for tampering) is found by the
     * run over the whole history only, one posted after it by both.
     */
    @Test
    void theHoldsPostedSinceTheCheckpointAreCheckedAndTheWholeHistoryChecksEveryOne() {
        Scenario s = scenario(1_100, 100);
        UUID early = postedHold(s.receiver(), s.sender(), 300);
        run("reconciliation");
        long through = checkpointMatchingItsLines();
        assertThat(count(
                        "SELECT max(l.id) FROM ledger_lines l JOIN ledger_holds h ON h.entry_id = l.entry_id"
                                + " WHERE h.id = ?",
                        early))
                .as("the early hold's entry is before the checkpoint")
                .isLessThanOrEqualTo(through);
        UUID late = postedHold(s.receiver(), s.sender(), 200);
        var client = org.springframework.jdbc.core.simple.JdbcClient.create(dataSource);
        var sinceCheckpoint = com.wallet.ledger.LedgerInvariants.sinceCheckpoint(client);
        var wholeHistory = new com.wallet.ledger.LedgerInvariants(client);
        assertThat(wholeHistory.check()).isEmpty();
        tamperHold(early, -1);
        try {
            assertThat(sinceCheckpoint.check())
                    .as("the checks since the checkpoint read no hold posted before it")
                    .isEmpty();
            assertThat(holdsFound(wholeHistory)).isEqualTo(1);
            tamperHold(late, -1);
            try {
                assertThat(holdsFound(sinceCheckpoint)).isEqualTo(1);
                assertThat(holdsFound(wholeHistory)).isEqualTo(2);
            } finally {
                tamperHold(late, 1);
            }
        } finally {
            tamperHold(early, 1);
        }
        assertThat(wholeHistory.check()).isEmpty();
        assertThat(sinceCheckpoint.check()).isEmpty();
    }

    /**
     * Reconciliation asks the processor about a submitted file until a run finds it there with our counts (settlement
     * V9), not about every file ever submitted at every run (a call each, more every day); over the whole history it
     * asks about every one again. The entries of a confirmed file are not checked again either: one set back to
     * unsubmitted behind the job's back (standing in for a bug) is found over the whole history only.
     */
    @Test
    void aSubmittedFileIsAskedAboutUntilTheProcessorConfirmsIt() {
        run("achOrigination"); // whatever earlier tests left pending
        scenario(600, 100);
        assertThat(run("achOrigination").ok()).isTrue();
        UUID file = db.queryForObject(
                "SELECT id FROM ach_files WHERE status = 'submitted' ORDER BY submitted_at DESC LIMIT 1", UUID.class);
        assertThat(count("SELECT count(*) FROM ach_files WHERE id = ? AND confirmed_at IS NULL", file))
                .isOne();
        run("reconciliation");
        assertThat(count("SELECT count(*) FROM ach_files WHERE id = ? AND confirmed_at IS NOT NULL", file))
                .as("confirmed by the run that found it at the processor")
                .isOne();

        // files earlier tests left that the processor does not have as ours stay unconfirmed, and are asked again
        long unconfirmed = count("SELECT count(*) FROM ach_files WHERE status = 'submitted' AND confirmed_at IS NULL");
        long before = SIM.ach().lookups();
        run("reconciliation");
        assertThat(SIM.ach().lookups() - before)
                .as("only the files not confirmed yet are asked about")
                .isEqualTo(unconfirmed);
        long submitted = count("SELECT count(*) FROM ach_files WHERE status = 'submitted'");
        before = SIM.ach().lookups();
        reconciliation.overWholeHistory().run(LocalDate.of(2026, 11, 24));
        assertThat(SIM.ach().lookups() - before)
                .as("over the whole history, every submitted file")
                .isEqualTo(submitted);

        String trace = db.queryForObject(
                "SELECT trace_number FROM ach_entries WHERE file_id = ? ORDER BY seq LIMIT 1", String.class, file);
        String status = db.queryForObject(
                "SELECT status FROM ach_entries WHERE file_id = ? AND trace_number = ?", String.class, file, trace);
        LocalDate today = LocalDate.of(2026, 11, 24);
        assertThat(checks(reconciliation.overWholeHistory().ownBooks(today))).doesNotContain("entry_status_mismatch");
        db.update("UPDATE ach_entries SET status = 'created' WHERE file_id = ? AND trace_number = ?", file, trace);
        try {
            assertThat(checks(reconciliation.ownBooks(today))).doesNotContain("entry_status_mismatch");
            assertThat(checks(reconciliation.overWholeHistory().ownBooks(today)))
                    .contains("entry_status_mismatch");
        } finally {
            db.update("UPDATE ach_entries SET status = ? WHERE file_id = ? AND trace_number = ?", status, file, trace);
        }
    }

    @Autowired
    com.wallet.settlement.returns.AchReturnRates returnRates;

    /**
     * The return rates NACHA holds an originator to, over the 60 days to the business date, in a window of their own
     * here (dates in 2027, which no other test's entries reach): three debits, one returned as unauthorized (R10), one
     * as an account problem (R03). Counted by the component, reported by the reconciliation of the day (its report
     * file and gauges), gone from the window 60 days on.
     */
    @Test
    void theDebitReturnRatesOfTheLastSixtyDaysAreReported() throws Exception {
        run("achOrigination"); // whatever earlier tests left pending, on the usual date
        LocalDate day = LocalDate.of(2027, 3, 1);
        Person payee = SettlementTestSupport.newUser("payee");
        List<String> accounts = new ArrayList<>();
        for (long cents : new long[] {700, 500, 300}) {
            Person payer = SettlementTestSupport.newUser("payer");
            String account = SettlementTestSupport.newAccount();
            SettlementTestSupport.verifiedBank(payer, account);
            SettlementTestSupport.send(payer, payee, cents);
            accounts.add(account);
        }
        SIM.ach().returnEntriesTo(accounts.get(0), "R10");
        SIM.ach().returnEntriesTo(accounts.get(1), "R03");
        assertThat(jobs.run("achOrigination", day).ok()).isTrue();
        assertThat(jobs.run("achReturns", day.plusDays(1)).ok()).isTrue();

        var rates = returnRates.of(day.plusDays(2));
        assertThat(rates.debits()).isEqualTo(3);
        assertThat(rates.returned())
                .containsEntry(com.wallet.settlement.returns.AchReturnRates.Kind.UNAUTHORIZED, 1L)
                .containsEntry(com.wallet.settlement.returns.AchReturnRates.Kind.ADMINISTRATIVE, 1L)
                .containsEntry(com.wallet.settlement.returns.AchReturnRates.Kind.OVERALL, 2L);
        assertThat(rates.aboveLimit()).hasSize(3);
        var later = returnRates.of(day.plusDays(61));
        assertThat(later.debits()).as("60 days on, out of the window").isZero();
        assertThat(later.returned()).containsValues(0L, 0L, 0L);

        jobs.run("reconciliation", day.plusDays(2));
        String path = db.queryForObject(
                "SELECT path FROM reconciliation_reports WHERE business_date = ? ORDER BY id DESC LIMIT 1",
                String.class,
                day.plusDays(2));
        JsonNode reported = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(Files.readString(Path.of(path)))
                .path("ach_debit_return_rates");
        assertThat(reported.path("debit_entries").asLong()).isEqualTo(3);
        assertThat(reported.path("unauthorized").path("returned").asLong()).isEqualTo(1);
        assertThat(reported.path("unauthorized").path("above_limit").asBoolean())
                .isTrue();
        assertThat(reported.path("overall").path("rate").asDouble()).isEqualTo(2.0 / 3);
        assertThat(meters.get("settlement.ach.debit.return.rate")
                        .tag("kind", "administrative")
                        .gauge()
                        .value())
                .isEqualTo(1.0 / 3);
    }

    /** A hold on {@code from}'s wallet, posted to {@code to}'s wallet, as an instant cashout's is posted. */
    private UUID postedHold(Person from, Person to, long cents) {
        return new org.springframework.transaction.support.TransactionTemplate(transactions).execute(t -> {
            var money = com.wallet.ledger.Money.ofCents(cents);
            var hold = ledger.hold(
                    ledger.lockWallet(from.id()),
                    com.wallet.ledger.HoldKind.INSTANT_CASHOUT,
                    money,
                    null,
                    Duration.ofHours(1));
            ledger.postHold(
                    hold.id(),
                    money,
                    com.wallet.ledger.EntryKind.TRANSFER,
                    com.wallet.ledger.Ledger.Reference.NONE,
                    List.of(new com.wallet.ledger.Ledger.Line(
                            ledger.readWallet(to.id()).orElseThrow().accountId(), money)));
            return hold.id();
        });
    }

    /** The holds {@code checks} finds posted without their entry ({@code hold_post_mismatch}); 0 when none. */
    private static long holdsFound(com.wallet.ledger.LedgerInvariants checks) {
        var found = checks.check();
        assertThat(found)
                .extracting(com.wallet.ledger.LedgerInvariants.Finding::check)
                .containsOnly("hold_post_mismatch");
        return found.isEmpty() ? 0 : (Long) found.get(0).values().get("holds");
    }

    private void tamperHold(UUID hold, long cents) {
        new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(t -> {
            db.execute("ALTER TABLE ledger_holds DISABLE TRIGGER ledger_holds_lifecycle");
            db.update("UPDATE ledger_holds SET posted_cents = posted_cents + ? WHERE id = ?", cents, hold);
            db.execute("ALTER TABLE ledger_holds ENABLE TRIGGER ledger_holds_lifecycle");
        });
    }

    private void tamper(long line, long cents) {
        new org.springframework.transaction.support.TransactionTemplate(transactions).executeWithoutResult(t -> {
            db.execute("ALTER TABLE ledger_lines DISABLE TRIGGER ledger_lines_append_only");
            db.update("UPDATE ledger_lines SET amount_cents = amount_cents + ? WHERE id = ?", cents, line);
            db.execute("ALTER TABLE ledger_lines ENABLE TRIGGER ledger_lines_append_only");
        });
    }

    private static List<Object> checks(List<Map<String, Object>> findings) {
        return findings.stream().map(f -> f.get("check")).toList();
    }

    /**
     * While the processor holds the file at its door (the simulator's gate), the job holds no transaction and no
     * connection but its run lock's (JobRunner's advisory lock, on a connection of its own for the whole run): the file
     * was read in a transaction that ended, and is marked submitted in another once the processor answers. With the
     * step's transaction around the call, two connections were in use and one sat idle in its transaction.
     */
    @Test
    void noConnectionIsHeldWhileTheProcessorHasTheFile() throws Exception {
        run("achOrigination"); // whatever earlier tests left pending
        scenario(1_500, 500);
        var pool = dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean();
        com.wallet.sim.Gate gate = SIM.knobs().gate(CallType.ACH_FILE);
        gate.close();
        var runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var origination = runner.submit(() -> run("achOrigination"));
            await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
            assertThat(pool.getActiveConnections())
                    .as("connections in use during the call: the run lock's only")
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM pg_stat_activity WHERE usename = current_user"
                            + " AND state LIKE 'idle in transaction%'"))
                    .as("transactions open during the call")
                    .isZero();
            gate.open();
            assertThat(origination.get(60, TimeUnit.SECONDS).ok()).isTrue();
        } finally {
            gate.open();
            runner.shutdownNow();
        }
        assertThat(count("SELECT count(*) FROM ach_files WHERE status <> 'submitted'"))
                .isZero();
    }

    @Test
    void originationWritesAValidNachaFileAndSubmitsEachEntryOnce() throws Exception {
        run("achOrigination"); // whatever earlier tests left pending
        List<Scenario> scenarios = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            scenarios.add(scenario(2_500 + i, 1_000 + i));
        }

        JobRunner.Result result = run("achOrigination");

        assertThat(result.ok()).isTrue();
        Map<String, Object> file = db.queryForMap(
                "SELECT id, path, entry_count, total_debit_cents, total_credit_cents, status FROM ach_files"
                        + " ORDER BY created_at DESC LIMIT 1");
        assertThat(file).containsEntry("status", "submitted").containsEntry("entry_count", 6);
        assertThat(file.get("total_debit_cents")).isEqualTo(2_500L + 2_501 + 2_502);
        assertThat(file.get("total_credit_cents")).isEqualTo(1_000L + 1_001 + 1_002);
        Path written = Path.of((String) file.get("path"));
        String nacha = Files.readString(written);
        assertThat(NachaValidator.problems(nacha)).isEmpty();
        // full account numbers: for the settlement user's eyes only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.getParent())))
                .isEqualTo("rwx------");
        for (Scenario s : scenarios) {
            assertThat(nacha).contains(s.senderAccount(), s.receiverAccount());
            assertThat(db.queryForObject("SELECT status FROM cashouts WHERE id = ?", String.class, s.cashout()))
                    .isEqualTo("submitted");
        }
        assertThat(count(
                        "SELECT count(*) FROM external_charges c JOIN ach_entries e ON e.source_id = c.id"
                                + " WHERE e.file_id = ? AND c.status = 'submitted' AND c.trace_number = e.trace_number",
                        file.get("id")))
                .isEqualTo(3);
        // trace numbers are unique within a file date (the NACHA rule), enforced by the database
        List<Map<String, Object>> traces = db.queryForList(
                "SELECT file_id, seq FROM ach_entries WHERE file_id = ? ORDER BY seq LIMIT 2", file.get("id"));
        assertThat(traces).hasSize(2);
        assertThatThrownBy(() -> db.update(
                        "UPDATE ach_entries SET trace_number = (SELECT trace_number FROM ach_entries WHERE file_id = ?"
                                + " AND seq = ?) WHERE file_id = ? AND seq = ?",
                        traces.get(0).get("file_id"),
                        traces.get(0).get("seq"),
                        traces.get(1).get("file_id"),
                        traces.get(1).get("seq")))
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(SIM.ach().file(file.get("id").toString()))
                .hasValueSatisfying(ack -> assertThat(ack.entryCount()).isEqualTo(6));

        long files = count("SELECT count(*) FROM ach_files");
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ach_files"))
                .as("nothing left to send")
                .isEqualTo(files);
    }

    @Test
    void aFailedSubmissionIsSentOnceByTheNextRun() throws Exception {
        run("achOrigination");
        scenario(700, 300);
        SIM.knobs().set(CallType.ACH_FILE, SIM.knobs().get(CallType.ACH_FILE).withOutage(true));

        JobRunner.Result failed = run("achOrigination");

        assertThat(failed.ok()).isFalse();
        UUID file = db.queryForObject("SELECT id FROM ach_files WHERE status = 'written'", UUID.class);
        assertThat(SIM.ach().file(file.toString())).isEmpty();
        // the file on disk damaged since it was written (cut short): the next run writes it again from its rows,
        // byte for byte, before sending it; sent as it was, the processor's counts would not be ours
        Path written = Path.of(db.queryForObject("SELECT path FROM ach_files WHERE id = ?", String.class, file));
        byte[] whole = Files.readAllBytes(written);
        Files.write(written, java.util.Arrays.copyOf(whole, whole.length / 2));
        SIM.knobs().reset();
        // the outage's failed attempts open the breaker when the first run sent a file (entries left by an earlier
        // test): the processor is back, as if the breaker's wait had passed
        achProcessor.breaker().reset();
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(db.queryForObject("SELECT status FROM ach_files WHERE id = ?", String.class, file))
                .isEqualTo("submitted");
        assertThat(SIM.ach().file(file.toString())).isPresent();
        assertThat(count("SELECT count(*) FROM ach_entries WHERE file_id = ? AND status = 'submitted'", file))
                .isEqualTo(2);
        assertThat(Files.readAllBytes(written)).isEqualTo(whole);
    }

    /**
     * The runnable jar as the scheduled service ({@code java -jar target/settlement-batch-*-exec.jar}, settings as
     * environment variables): health and Prometheus metrics (the reconciliation findings gauge, the JVM's) on the
     * port it is given, and SIGTERM ends it on its own.
     */
    @Test
    void theServiceJarServesHealthAndMetricsAndStopsOnSigterm() throws Exception {
        int port = com.wallet.stack.internal.Ports.free();
        // owner-only, as the jobs make it (a directory made here with the default mode would fail the origination
        // test's permission check if this test ran first)
        PrivateFiles.createDirectory(SettlementTestSupport.OUTPUT);
        Path log = SettlementTestSupport.OUTPUT.resolve("service-" + port + ".log");
        Map<String, String> env = new java.util.HashMap<>();
        for (String argument : SettlementTestSupport.arguments()) {
            String[] kv = argument.substring(2).split("=", 2);
            if (!kv[0].equals("settlement.schedule.enabled")) {
                env.put(ServiceJar.variable(kv[0]), kv[1]);
            }
        }
        // on its schedule, with every cron off so that nothing runs during the test
        for (String cron : List.of("ORIGINATION", "RETURNS", "RECONCILIATION")) {
            env.put("SETTLEMENT_SCHEDULE_" + cron, "-");
        }
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(port));
        Process service = ServiceJar.start(ServiceJar.of("settlement-batch"), env, log);
        try {
            await("the service's health to say UP")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> ServiceJar.get(port, "/actuator/health").startsWith("200 "));
            assertThat(ServiceJar.get(port, "/actuator/health")).contains("\"db\":{\"status\":\"UP\"}");
            assertThat(ServiceJar.get(port, "/actuator/health/readiness")).startsWith("200 ");
            assertThat(ServiceJar.get(port, "/actuator/prometheus"))
                    .startsWith("200 ")
                    .contains("settlement_reconciliation_findings")
                    .contains("hikaricp_connections_active")
                    .contains("jvm_memory_used_bytes");
            assertThat(ServiceJar.terminate(service, Duration.ofSeconds(90)))
                    .as("ends on its own after SIGTERM")
                    .isTrue();
        } finally {
            service.destroyForcibly().waitFor();
        }
    }

    @Test
    void killedWhileSubmittingTheNextRunSubmitsEachEntryExactlyOnce() throws Exception {
        run("achOrigination");
        List<Scenario> scenarios = List.of(scenario(1_100, 400), scenario(1_200, 500));
        // the processor takes 20 s to answer; the job is killed while it waits
        SIM.knobs().set(CallType.ACH_FILE, SIM.knobs().get(CallType.ACH_FILE).withLatency(Duration.ofSeconds(20)));
        long callsBefore = SIM.knobs().calls(CallType.ACH_FILE);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SettlementApplication.class.getName(),
                "--job=achOrigination",
                "--business-date=2026-11-24"));
        command.addAll(SettlementTestSupport.arguments());
        PrivateFiles.createDirectory(SettlementTestSupport.OUTPUT); // the job's log goes there, run alone or not
        Process job = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        SettlementTestSupport.OUTPUT.resolve("killed-job.log").toFile())
                .start();
        try {
            await("the job to be submitting its file")
                    .atMost(Duration.ofMinutes(2))
                    .until(() -> SIM.knobs().calls(CallType.ACH_FILE) > callsBefore);
        } finally {
            job.destroyForcibly(); // SIGKILL
            job.waitFor(30, TimeUnit.SECONDS);
        }
        UUID file = db.queryForObject("SELECT id FROM ach_files WHERE status = 'written'", UUID.class);
        SIM.knobs().reset();
        // the killed JVM's database session (which holds the job's advisory lock) ends when PostgreSQL notices the
        // closed socket, a moment after the process is gone: until then the next run would skip the job as running
        // elsewhere (seen once in CI)
        await("the killed job's session to let its lock go")
                .atMost(Duration.ofSeconds(30))
                .until(() -> count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0);

        JobRunner.Result rerun = run("achOrigination");
        assertThat(rerun.exit()).isNotEqualTo(ExitStatus.NOOP);
        assertThat(rerun.ok()).isTrue();

        assertThat(db.queryForObject("SELECT status FROM ach_files WHERE id = ?", String.class, file))
                .isEqualTo("submitted");
        for (Scenario s : scenarios) {
            assertThat(count(
                            "SELECT count(*) FROM ach_entries WHERE source_id = ? AND status = 'submitted'",
                            s.cashout()))
                    .isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM ach_entries WHERE file_id = ?", file))
                .isEqualTo(4);
        // the processor has the file once; the killed process's own request may land too, as a duplicate
        await().atMost(Duration.ofSeconds(30))
                .until(() -> SIM.ach().file(file.toString()).isPresent());
        assertThat(SIM.ach().file(file.toString()).orElseThrow().entryCount()).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM ach_files WHERE status <> 'submitted'"))
                .isZero();
    }

    @Test
    void returnsReverseOnceAndReconciliationCatchesACorruptedBalance() throws Exception {
        run("achOrigination");
        Scenario insufficient = scenario(3_000, 500);
        Scenario closed = scenario(800, 200);
        // the first sender's account is frozen (R16; an R01 would be presented again first): the return of their
        // debit takes 3,000 from a wallet holding 0 (the receiver's copy counts as settled here), which leaves a debt
        SIM.ach().returnEntriesTo(insufficient.senderAccount(), "R16");
        SIM.ach().returnEntriesTo(closed.senderAccount(), "R02");
        SIM.ach().returnEntriesTo(closed.receiverAccount(), "R03");
        assertThat(run("achOrigination").ok()).isTrue();

        assertThat(run("achReturns").ok()).isTrue();

        var debtor = SettlementTestSupport.wallet(insufficient.sender());
        assertThat(debtor.path("balance_cents").asLong()).isEqualTo(-3_000);
        assertThat(debtor.path("restricted").asBoolean()).isTrue();
        assertThat(debtor.path("available_cents").asLong()).isZero();
        assertThat(SettlementTestSupport.wallet(closed.sender())
                        .path("balance_cents")
                        .asLong())
                .isEqualTo(-800);
        // the R03 cashout credit came back: the receiver has their 200 again (800 received, 200 cashed out)
        assertThat(SettlementTestSupport.wallet(closed.receiver())
                        .path("balance_cents")
                        .asLong())
                .isEqualTo(800);
        assertThat(db.queryForObject("SELECT status FROM cashouts WHERE id = ?", String.class, closed.cashout()))
                .isEqualTo("returned");
        assertThat(count(
                        "SELECT count(*) FROM external_charges WHERE user_id IN (?, ?) AND status = 'returned'",
                        insufficient.sender().id(),
                        closed.sender().id()))
                .isEqualTo(2);

        long lines = count("SELECT count(*) FROM ledger_lines");
        long returns = count("SELECT count(*) FROM ach_returns");
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ledger_lines"))
                .as("the same returns again change nothing")
                .isEqualTo(lines);
        assertThat(count("SELECT count(*) FROM ach_returns")).isEqualTo(returns);

        assertThat(run("reconciliation").ok()).as("clean after the returns").isTrue();

        long account = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE user_id = ?",
                Long.class,
                insufficient.receiver().id());
        db.update("UPDATE ledger_accounts SET balance_cents = balance_cents + 1 WHERE id = ?", account);
        try {
            JobRunner.Result corrupted = run("reconciliation");
            assertThat(corrupted.ok()).isFalse();
            assertThat(corrupted.exit().getExitCode()).isEqualTo(JobRunner.MISMATCH);
            Map<String, Object> report = db.queryForMap(
                    "SELECT findings::text AS findings, path FROM reconciliation_reports ORDER BY id DESC LIMIT 1");
            assertThat((String) report.get("findings"))
                    .contains("cached_balance_mismatch", "\"account_id\": " + account);
            Path reportFile = Path.of((String) report.get("path"));
            assertThat(Files.readString(reportFile)).contains("cached_balance_mismatch");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reportFile)))
                    .isEqualTo("rw-------");
        } finally {
            db.update("UPDATE ledger_accounts SET balance_cents = balance_cents - 1 WHERE id = ?", account);
        }
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void whileAnotherInstanceRunsAJobThisOneSkipsIt() throws Exception {
        var pg = SettlementTestSupport.postgres();
        long executions = count("SELECT count(*) FROM batch_job_execution");
        try (var other = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                var lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext('settlement:reconciliation'))")) {
            lock.execute(); // what a running reconciliation in another instance holds

            JobRunner.Result skipped = run("reconciliation");

            assertThat(skipped.exit().getExitCode()).isEqualTo("NOOP");
            assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
            // the other instance finishes: released explicitly, since a closed connection's backend lets go of its
            // locks only when it exits, a moment after the client has moved on
            try (var unlock =
                    other.prepareStatement("SELECT pg_advisory_unlock(hashtext('settlement:reconciliation'))")) {
                unlock.execute();
            }
        }
        assertThat(run("reconciliation").status()).isEqualTo(org.springframework.batch.core.BatchStatus.COMPLETED);
        assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions + 1);
    }

    @Test
    void entriesSettleTwoBankingDaysAfterTheirEffectiveDate() {
        run("achOrigination");
        Scenario s = scenario(1_500, 600);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(db.queryForObject(
                        "SELECT effective_date FROM ach_entries WHERE source_id = ?", LocalDate.class, s.cashout()))
                .isEqualTo(LocalDate.of(2026, 11, 25));
        // effective Wednesday the 25th; Thursday is Thanksgiving: on Friday only one banking day has passed
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 27)).ok()).isTrue();
        assertThat(db.queryForObject("SELECT status FROM cashouts WHERE id = ?", String.class, s.cashout()))
                .isEqualTo("submitted");

        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 30)).ok()).isTrue();

        assertThat(db.queryForObject("SELECT status FROM cashouts WHERE id = ?", String.class, s.cashout()))
                .isEqualTo("completed");
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?",
                        String.class,
                        s.sender().id()))
                .isEqualTo("completed");
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void bankMoneyIsCashableOnceItsDebitSettlesAndAReturnTakesItBackWhereItSits() {
        run("achOrigination");
        // settles: a payer's bank pays 2,000 to a receiver, who passes 500 on
        Person payer = SettlementTestSupport.newUser("payer");
        SettlementTestSupport.verifiedBank(payer, SettlementTestSupport.newAccount());
        Person receiver = SettlementTestSupport.newUser("payee");
        UUID receiverBank = SettlementTestSupport.verifiedBank(receiver, SettlementTestSupport.newAccount());
        Person third = SettlementTestSupport.newUser("third");
        SettlementTestSupport.send(payer, receiver, 2_000);
        SettlementTestSupport.send(receiver, third, 500);
        var wallet = SettlementTestSupport.wallet(receiver);
        assertThat(wallet.path("balance_cents").asLong()).isEqualTo(1_500);
        assertThat(wallet.path("unsettled_cents").asLong()).isEqualTo(1_500);
        assertThat(wallet.path("cashable_cents").asLong()).isZero();
        assertThat(SettlementTestSupport.wallet(third).path("unsettled_cents").asLong())
                .as("unsettled money stays unsettled where it goes")
                .isEqualTo(500);
        assertThatThrownBy(() -> SettlementTestSupport.standardCashout(receiver, receiverBank, 1_000))
                .hasMessageContaining("422")
                .hasMessageContaining("funds-not-settled");

        // returned: another payer's 2,000, of which 500 passed on; the return takes it back from both holders
        Person badPayer = SettlementTestSupport.newUser("badpayer");
        String badAccount = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(badPayer, badAccount);
        Person accomplice = SettlementTestSupport.newUser("accomplice");
        Person friend = SettlementTestSupport.newUser("friend");
        SettlementTestSupport.send(badPayer, accomplice, 2_000);
        SettlementTestSupport.send(accomplice, friend, 500);
        SIM.ach().returnEntriesTo(badAccount, "R10");

        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(accomplice)
                        .path("balance_cents")
                        .asLong())
                .isZero();
        assertThat(SettlementTestSupport.wallet(friend).path("balance_cents").asLong())
                .isZero();
        var bad = SettlementTestSupport.wallet(badPayer);
        assertThat(bad.path("balance_cents").asLong())
                .as("nothing was left to take from the payer")
                .isZero();
        assertThat(bad.path("restricted").asBoolean()).isFalse();

        // two banking days after its effective date the good debit settles: its money is cashable wherever it went
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 30)).ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(receiver).path("cashable_cents").asLong())
                .isEqualTo(1_500);
        assertThat(SettlementTestSupport.wallet(third).path("cashable_cents").asLong())
                .isEqualTo(500);
        assertThat(SettlementTestSupport.standardCashout(receiver, receiverBank, 1_000)
                        .path("status")
                        .asString())
                .isEqualTo("pending");
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void aTopUpGoesOutInTheNextFileSettlesIntoCashableMoneyAndAReturnTakesItBackWhereItSits() {
        run("achOrigination");
        Person saver = SettlementTestSupport.newUser("saver");
        UUID saverBank = SettlementTestSupport.verifiedBank(saver, SettlementTestSupport.newAccount());
        UUID saved = topUp(saver, saverBank, 3_000);
        Person risky = SettlementTestSupport.newUser("risky");
        String riskyAccount = SettlementTestSupport.newAccount();
        UUID riskyBank = SettlementTestSupport.verifiedBank(risky, riskyAccount);
        UUID risked = topUp(risky, riskyBank, 2_000);
        Person friend = SettlementTestSupport.newUser("friend");
        SettlementTestSupport.send(risky, friend, 500); // from the balance: unsettled money moves with it
        assertThat(SettlementTestSupport.wallet(saver).path("cashable_cents").asLong())
                .isZero();
        SIM.ach().returnEntriesTo(riskyAccount, "R10");

        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(count(
                        "SELECT count(*) FROM ach_entries WHERE source_id = ? AND transaction_code = 27"
                                + " AND amount_cents = 3000",
                        saved))
                .as("a debit of the saver's bank in the file")
                .isEqualTo(1);
        assertThat(topUpStatus(saver, saved)).isEqualTo("submitted");
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(topUpStatus(risky, risked)).isEqualTo("returned");
        assertThat(SettlementTestSupport.wallet(risky).path("balance_cents").asLong())
                .isZero();
        assertThat(SettlementTestSupport.wallet(friend).path("balance_cents").asLong())
                .as("taken back where it sat unsettled")
                .isZero();
        assertThat(count("SELECT count(*) FROM ledger_entries WHERE kind = 'ach_return' AND top_up_id = ?", risked))
                .isEqualTo(1);

        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 30)).ok()).isTrue();
        assertThat(topUpStatus(saver, saved)).isEqualTo("completed");
        assertThat(SettlementTestSupport.wallet(saver).path("cashable_cents").asLong())
                .isEqualTo(3_000);
        assertThat(count(
                        "SELECT count(*) FROM notifications WHERE event_key IN (?, ?)",
                        "top_up_completed:" + saved,
                        "top_up_returned:" + risked))
                .as("each told of their top-up's outcome")
                .isEqualTo(2);
        assertThat(run("reconciliation").ok()).isTrue();
    }

    /**
     * Every way money moves besides plain sends (issue 17): top-ups, refunds, a split request, a scheduled payment,
     * a payment claimed by a new user and one that expires back; then the files, the settlement and reconciliation.
     */
    @Test
    void reconciliationStaysCleanAfterAWorkloadUsingEveryMoneyFeature() {
        run("achOrigination");
        Person ann = SettlementTestSupport.newUser("ann");
        Person ben = SettlementTestSupport.newUser("ben");
        Person cat = SettlementTestSupport.newUser("cat");
        topUp(ann, SettlementTestSupport.verifiedBank(ann, SettlementTestSupport.newAccount()), 5_000);
        topUp(ben, SettlementTestSupport.verifiedBank(ben, SettlementTestSupport.newAccount()), 3_000);

        String paid = SettlementTestSupport.send(ann, ben, 1_000).path("id").asString();
        SettlementTestSupport.call(
                "POST",
                "/v1/transfers/" + paid + "/refunds",
                ben.token(),
                UUID.randomUUID().toString(),
                java.util.Map.of("amount_cents", 400));
        var split = SettlementTestSupport.call(
                "POST",
                "/v1/payment-requests",
                cat.token(),
                null,
                java.util.Map.of(
                        "split",
                        "equal",
                        "total_cents",
                        901,
                        "note",
                        "dinner",
                        "payers",
                        java.util.List.of(
                                java.util.Map.of("user_id", ann.id().toString()),
                                java.util.Map.of("user_id", ben.id().toString()))));
        for (var request : split.path("requests")) {
            Person payer = request.path("payer_id").asString().equals(ann.id().toString()) ? ann : ben;
            SettlementTestSupport.call(
                    "POST",
                    "/v1/payment-requests/" + request.path("id").asString() + "/pay",
                    payer.token(),
                    UUID.randomUUID().toString(),
                    null);
        }
        LocalDate tomorrow = LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
        SettlementTestSupport.call(
                "POST",
                "/v1/scheduled-payments",
                ann.token(),
                UUID.randomUUID().toString(),
                java.util.Map.of(
                        "receiver_id",
                        cat.id().toString(),
                        "amount_cents",
                        250,
                        "note",
                        "lessons",
                        "repeat",
                        "weekly",
                        "start_date",
                        tomorrow.toString()));
        var report = SettlementTestSupport.apiBean(com.wallet.api.schedule.ScheduledPaymentRunner.class)
                .runAt(tomorrow.atTime(9, 0).toInstant(java.time.ZoneOffset.UTC));
        assertThat(report.paid()).isGreaterThanOrEqualTo(1);
        String newcomer = "newcomer." + UUID.randomUUID() + "@example.com";
        SettlementTestSupport.call(
                "POST",
                "/v1/transfers",
                ann.token(),
                UUID.randomUUID().toString(),
                java.util.Map.of("receiver_email", newcomer, "amount_cents", 300, "note", "welcome"));
        SettlementTestSupport.call(
                "POST",
                "/v1/transfers",
                ben.token(),
                UUID.randomUUID().toString(),
                java.util.Map.of(
                        "receiver_email",
                        "nobody." + UUID.randomUUID() + "@example.com",
                        "amount_cents",
                        150,
                        "note",
                        "hello"));
        Person dee = SettlementTestSupport.newUser("dee");
        SettlementTestSupport.call("POST", "/v1/me/contacts", dee.token(), null, java.util.Map.of("email", newcomer));
        String message = db.queryForObject(
                "SELECT body FROM contact_messages WHERE contact = ? AND kind = 'verification_code'"
                        + " ORDER BY id DESC LIMIT 1",
                String.class,
                newcomer);
        String code = message.replaceAll(".*code is ([0-9]{6}).*", "$1");
        SettlementTestSupport.call(
                "POST", "/v1/me/contacts/verify", dee.token(), null, java.util.Map.of("email", newcomer, "code", code));
        SettlementTestSupport.apiBean(com.wallet.api.claim.ClaimService.class)
                .expireAt(java.time.Instant.now().plus(java.time.Duration.ofDays(31)));

        assertThat(SettlementTestSupport.wallet(dee).path("balance_cents").asLong())
                .isEqualTo(300);
        assertThat(SettlementTestSupport.wallet(ann).path("balance_cents").asLong())
                .as("5,000 in, 1,000 out, 400 back, 451 split, 250 scheduled, 300 claimed")
                .isEqualTo(5_000 - 1_000 + 400 - 451 - 250 - 300);
        assertThat(SettlementTestSupport.wallet(ben).path("balance_cents").asLong())
                .as("3,000 in, 1,000 received, 400 refunded, 450 split; 150 expired back")
                .isEqualTo(3_000 + 1_000 - 400 - 450);
        assertThat(run("reconciliation").ok())
                .as("clean with everything pending")
                .isTrue();
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 30)).ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(ann).path("unsettled_cents").asLong())
                .isZero();
        assertThat(run("reconciliation").ok()).as("clean once settled").isTrue();
    }

    private static UUID topUp(Person who, UUID bank, long cents) {
        return UUID.fromString(SettlementTestSupport.call(
                        "POST",
                        "/v1/me/wallet/top-ups",
                        who.token(),
                        UUID.randomUUID().toString(),
                        java.util.Map.of("amount_cents", cents, "payment_method_id", bank.toString()))
                .path("id")
                .asString());
    }

    private static String topUpStatus(Person who, UUID id) {
        return SettlementTestSupport.call("GET", "/v1/me/wallet/top-ups/" + id, who.token(), null, null)
                .path("status")
                .asString();
    }

    @Test
    void filesAskForTheNextBankingDay() throws Exception {
        // a Friday, the day before Thanksgiving, and New Year's Eve (New Year's Day 2027 is a Friday)
        Map<String, String> expected = Map.of(
                "2026-11-20", "261123",
                "2026-11-25", "261127",
                "2026-12-31", "270104");
        for (var c : new java.util.TreeMap<>(expected).entrySet()) {
            Person payer = SettlementTestSupport.newUser("payer");
            SettlementTestSupport.verifiedBank(payer, SettlementTestSupport.newAccount());
            SettlementTestSupport.send(payer, SettlementTestSupport.newUser("payee"), 700);
            LocalDate business = LocalDate.parse(c.getKey());
            assertThat(jobs.run("achOrigination", business).ok()).isTrue();
            Map<String, Object> file = db.queryForMap(
                    "SELECT path, effective_date FROM ach_files WHERE business_date = ? ORDER BY created_at DESC"
                            + " LIMIT 1",
                    business);
            String nacha = Files.readString(Path.of((String) file.get("path")));
            assertThat(NachaValidator.problems(nacha)).isEmpty();
            String batchHeader =
                    nacha.lines().filter(l -> l.startsWith("5")).findFirst().orElseThrow();
            assertThat(batchHeader.substring(69, 75))
                    .as("effective entry date of " + business)
                    .isEqualTo(c.getValue());
            assertThat(file.get("effective_date").toString())
                    .isEqualTo(LocalDate.parse("20" + c.getValue(), java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                            .toString());
        }
    }

    @Test
    void traceNumbersStartAgainEachFileDateAndReturnsFindTheirOwnEntry() throws Exception {
        LocalDate yesterday = LocalDate.of(2026, 11, 20);
        LocalDate today = LocalDate.of(2026, 11, 23);
        jobs.run("achOrigination", yesterday);
        Scenario before = scenario(900, 100);
        assertThat(jobs.run("achOrigination", yesterday).ok()).isTrue();
        UUID oldFile =
                db.queryForObject("SELECT file_id FROM ach_entries WHERE source_id = ?", UUID.class, before.cashout());

        jobs.run("achOrigination", today);
        Scenario now = scenario(1_200, 300);
        SIM.ach().returnEntriesTo(now.senderAccount(), "R02");
        assertThat(jobs.run("achOrigination", today).ok()).isTrue();
        UUID newFile =
                db.queryForObject("SELECT file_id FROM ach_entries WHERE source_id = ?", UUID.class, now.cashout());
        // each file date numbers from where that date left off: the two dates share trace numbers
        long shared = count(
                "SELECT count(*) FROM ach_entries a JOIN ach_entries b ON a.trace_number = b.trace_number"
                        + " WHERE a.file_id = ? AND b.file_date = ? AND b.file_id <> a.file_id",
                newFile,
                yesterday);
        long usedYesterday = count("SELECT count(*) FROM ach_entries WHERE file_date = ?", yesterday);
        long usedToday = count("SELECT count(*) FROM ach_entries WHERE file_date = ?", today);
        assertThat(shared)
                .as("numbering starts again each file date")
                .isEqualTo(Math.min(2, Math.max(0, usedYesterday - (usedToday - 2))));
        assertThat(SIM.ach().file(newFile.toString())).isPresent();
        assertThat(SIM.ach().file(oldFile.toString())).isPresent();

        assertThat(run("achReturns").ok()).isTrue();
        // the return names its file: today's debit is returned, and no entry of yesterday's file
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?",
                        String.class,
                        now.sender().id()))
                .isEqualTo("returned");
        assertThat(count("SELECT count(*) FROM ach_entries WHERE file_id = ? AND status = 'returned'", oldFile))
                .isZero();
        assertThat(count("SELECT count(*) FROM ach_returns WHERE file_id = ? AND matched", newFile))
                .isEqualTo(1);
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void entriesThatDoNotFitInAFileDateWaitForTheNext() {
        LocalDate busy = LocalDate.of(2026, 11, 19);
        run("achOrigination"); // whatever earlier tests left pending, on another date than the busy one
        // as if nearly ten million entries had gone out that date already (a file of our own holding the last one)
        scenario(500, 100);
        UUID fake = UUID.randomUUID();
        try {
            db.update(
                    "INSERT INTO ach_files (id, business_date, file_id_modifier, status, entry_count, total_debit_cents,"
                            + " total_credit_cents) VALUES (?, ?, 'Z', 'submitted', 1, 1, 0)",
                    fake,
                    busy);
            db.update(
                    "INSERT INTO ach_entries (trace_number, file_id, file_date, seq, source, source_id, user_id,"
                            + " payment_method_id, transaction_code, amount_cents, status, effective_date)"
                            + " SELECT '091000019999999', ?, ?, 1, 'bank_debit', gen_random_uuid(), user_id,"
                            + " payment_method_id, 27, 1, 'completed', ? FROM external_charges LIMIT 1",
                    fake,
                    busy,
                    busy.plusDays(1));
            assertThat(jobs.run("achOrigination", busy).ok()).isTrue();
            assertThat(count("SELECT count(*) FROM ach_entries WHERE file_date = ?", busy))
                    .as("no trace numbers left that date: nothing more goes out on it")
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM external_charges WHERE status = 'pending'"))
                    .isPositive();
            assertThat(run("achOrigination").ok())
                    .as("the next date sends what waited")
                    .isTrue();
            assertThat(count("SELECT count(*) FROM external_charges WHERE status = 'pending'"))
                    .isZero();
        } finally {
            db.update("DELETE FROM ach_entries WHERE file_id = ?", fake);
            db.update("DELETE FROM ach_files WHERE id = ?", fake);
        }
    }

    @Test
    void aReturnForAnEntryNotYetMarkedSubmittedIsKeptAndAppliedOnceItIs() {
        run("achOrigination");
        Scenario s = scenario(1_100, 200);
        SIM.ach().returnEntriesTo(s.senderAccount(), "R02");
        // the processor takes the file, then its gateway answers 502: we cannot mark the entries submitted
        SIM.knobs().set(CallType.ACH_FILE, SIM.knobs().get(CallType.ACH_FILE).withBadGateway(true));
        assertThat(run("achOrigination").ok()).isFalse();
        UUID file = db.queryForObject("SELECT file_id FROM ach_entries WHERE source_id = ?", UUID.class, s.cashout());
        assertThat(SIM.ach().file(file.toString()))
                .as("the processor has the file")
                .isPresent();
        assertThat(count("SELECT count(*) FROM ach_entries WHERE file_id = ? AND status = 'created'", file))
                .isEqualTo(2);
        calmNetwork();

        // the return arrives before we know the entry went out: kept, not lost
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ach_returns WHERE file_id = ? AND NOT matched", file))
                .isEqualTo(1);
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?",
                        String.class,
                        s.sender().id()))
                .isEqualTo("pending");

        // the next origination run finishes the file (the processor recognises it), the next returns run applies it
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?",
                        String.class,
                        s.sender().id()))
                .isEqualTo("returned");
        assertThat(count("SELECT count(*) FROM ach_returns WHERE file_id = ? AND NOT matched", file))
                .isZero();
        assertThat(run("reconciliation").ok()).isTrue();
    }

    private String methodStatus(Person user, UUID method) {
        for (var m : SettlementTestSupport.call("GET", "/v1/me/payment-methods", user.token(), null, null)
                .path("items")) {
            if (m.path("id").asString().equals(method.toString())) {
                return m.path("status").asString();
            }
        }
        throw new AssertionError("no method " + method);
    }

    /** A new user who closed their account through the API. */
    private static Person closedUser(String name) {
        Person user = SettlementTestSupport.newUser(name);
        JsonNode closed = SettlementTestSupport.call(
                "POST", "/v1/me/close", user.token(), null, Map.of("password", "correct horse 1"));
        assertThat(closed.path("status").asString()).isEqualTo("closed");
        return user;
    }

    /**
     * A closed account's wallet that holds or owes money (transfer-api's AccountClosure: a payment that read the
     * receiver as open just before the closure committed, an ACH return of an earlier cash-out) is reported, listed
     * with what it holds, until the money is sent on.
     */
    @Test
    void moneyReachingAClosedAccountIsReported() {
        Person late = closedUser("late");
        assertThat(run("reconciliation").ok())
                .as("a closed account that holds nothing")
                .isTrue();

        long wallet = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE user_id = ? AND kind = 'wallet'", Long.class, late.id());
        // the credit a card-funded payment racing the closure leaves, posted as the payment posts it
        var tx = new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(db.getDataSource()));
        java.util.function.Consumer<Long> credit =
                cents -> tx.executeWithoutResult(s -> new com.wallet.ledger.Ledger(db)
                        .post(
                                com.wallet.ledger.EntryKind.TRANSFER,
                                com.wallet.ledger.Ledger.Reference.NONE,
                                List.of(
                                        com.wallet.ledger.Ledger.Line.of(
                                                com.wallet.ledger.SystemAccount.CARD_FUNDING_CLEARING,
                                                com.wallet.ledger.Money.ofCents(-cents)),
                                        new com.wallet.ledger.Ledger.Line(
                                                com.wallet.ledger.AccountId.of(wallet),
                                                com.wallet.ledger.Money.ofCents(cents)))));
        credit.accept(450L);
        try {
            assertThat(run("reconciliation").ok()).isFalse();
            assertThat(db.queryForObject(
                            "SELECT findings::text FROM reconciliation_reports ORDER BY id DESC LIMIT 1", String.class))
                    .contains("closed_wallet_holds_money", late.id().toString(), "\"balance_cents\": 450");
        } finally {
            credit.accept(-450L); // sent on: the suite's shared books are as they were
        }
        assertThat(run("reconciliation").ok()).isTrue();
    }

    /**
     * A closed account's money set aside as unclaimed (transfer-api's setAsideUnclaimed: the wallet's entry into the
     * unclaimed funds account, listed in unclaimed_funds) is checked against its list: an entry the list lacks is a
     * finding, and the closed wallet, empty now, is not reported any more.
     */
    @Test
    void unclaimedFundsAreCheckedAgainstTheirList() {
        Person gone = closedUser("gone");
        // set aside as the API's sweep sets it aside, the listing left out
        UUID entry = setAsideUnclaimed(gone, 300);
        LocalDate today = LocalDate.of(2026, 11, 24);
        assertThat(checks(reconciliation.ownBooks(today)))
                .contains("unclaimed_funds_mismatch")
                .doesNotContain("closed_wallet_holds_money");
        db.update(
                "INSERT INTO unclaimed_funds (entry_id, user_id, amount_cents) VALUES (?, ?, ?)",
                entry,
                gone.id(),
                300L);
        assertThat(checks(reconciliation.ownBooks(today))).doesNotContain("unclaimed_funds_mismatch");
    }

    /**
     * Unclaimed funds are remitted to the state once their account has been closed for the dormancy period (three
     * years), each amount once by an entry of its own, with the date's holder report; a run again for the date
     * remits nothing more and writes the same report.
     */
    @Test
    void unclaimedFundsPastTheirDormancyAreRemittedToTheStateOnce() throws Exception {
        Person dormant = closedUser("dormant");
        UUID entry = setAsideUnclaimed(dormant, 700);
        db.update(
                "INSERT INTO unclaimed_funds (entry_id, user_id, amount_cents) VALUES (?, ?, ?)",
                entry,
                dormant.id(),
                700L);
        LocalDate closedOn = db.queryForObject(
                "SELECT (closed_at AT TIME ZONE 'UTC')::date FROM users WHERE id = ?", LocalDate.class, dormant.id());

        // three years to the day: not yet
        assertThat(jobs.run("unclaimedRemittance", closedOn.plusYears(3)).ok()).isTrue();
        assertThat(count("SELECT count(*) FROM unclaimed_funds WHERE entry_id = ? AND remitted_on IS NULL", entry))
                .isEqualTo(1);

        LocalDate due = closedOn.plusYears(3).plusDays(1);
        assertThat(jobs.run("unclaimedRemittance", due).ok()).isTrue();
        UUID remittance = db.queryForObject(
                "SELECT remittance_entry_id FROM unclaimed_funds WHERE entry_id = ? AND remitted_on = ?",
                UUID.class,
                entry,
                due);
        assertThat(db.queryForList(
                        "SELECT l.account_id, l.amount_cents FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
                                + " WHERE e.id = ? AND e.kind = 'unclaimed_remittance' ORDER BY l.account_id",
                        remittance))
                .containsExactly(
                        Map.of("account_id", 5L, "amount_cents", 700L),
                        Map.of("account_id", 8L, "amount_cents", -700L));
        Map<String, Object> report = db.queryForMap(
                "SELECT state, owners, total_cents, path FROM unclaimed_remittances WHERE business_date = ?", due);
        assertThat(report.get("state")).isEqualTo("DE");
        Path file = Path.of((String) report.get("path"));
        String written = Files.readString(file);
        assertThat(written)
                .startsWith("holder_state,owner_id,owner_username,owner_address,amount_cents,")
                .contains("DE," + dormant.id() + ",", ",unknown,700," + closedOn + ",");
        assertThat(written.lines().count() - 1).isEqualTo(((Number) report.get("owners")).longValue());
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        // again for the date (a crash after the entries, or by hand): nothing remitted twice, the same report
        long entries = count("SELECT count(*) FROM ledger_entries WHERE kind = 'unclaimed_remittance'");
        assertThat(jobs.run("unclaimedRemittance", due).ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ledger_entries WHERE kind = 'unclaimed_remittance'"))
                .isEqualTo(entries);
        assertThat(Files.readString(file)).isEqualTo(written);
        // the unclaimed funds account holds what is listed and not remitted
        assertThat(checks(reconciliation.ownBooks(due))).doesNotContain("unclaimed_funds_mismatch");
    }

    /**
     * {@code cents} reaching a closed wallet (from fee revenue, which no check compares with outstanding items: a
     * goodwill credit), then set aside into unclaimed funds as the API's sweep does, not listed; returns the entry.
     */
    private UUID setAsideUnclaimed(Person closed, long amount) {
        long wallet = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE user_id = ? AND kind = 'wallet'", Long.class, closed.id());
        var tx = new org.springframework.transaction.support.TransactionTemplate(transactions);
        var cents = com.wallet.ledger.Money.ofCents(amount);
        tx.executeWithoutResult(s -> ledger.post(
                com.wallet.ledger.EntryKind.TRANSFER,
                com.wallet.ledger.Ledger.Reference.NONE,
                List.of(
                        com.wallet.ledger.Ledger.Line.of(com.wallet.ledger.SystemAccount.FEE_REVENUE, cents.negate()),
                        new com.wallet.ledger.Ledger.Line(com.wallet.ledger.AccountId.of(wallet), cents))));
        UUID entry = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            ledger.lockWallet(closed.id());
            ledger.post(
                    entry,
                    com.wallet.ledger.EntryKind.UNCLAIMED_FUNDS,
                    com.wallet.ledger.Ledger.Reference.NONE,
                    List.of(
                            new com.wallet.ledger.Ledger.Line(com.wallet.ledger.AccountId.of(wallet), cents.negate()),
                            com.wallet.ledger.Ledger.Line.of(com.wallet.ledger.SystemAccount.UNCLAIMED_FUNDS, cents)));
        });
        return entry;
    }

    @Test
    void returnsActByKind() {
        run("achOrigination");
        // an account problem (R03) and an unauthorized debit (R10)
        Person closed = SettlementTestSupport.newUser("closed");
        String closedAccount = SettlementTestSupport.newAccount();
        UUID closedBank = SettlementTestSupport.verifiedBank(closed, closedAccount);
        Person disputed = SettlementTestSupport.newUser("disputed");
        String disputedAccount = SettlementTestSupport.newAccount();
        UUID disputedBank = SettlementTestSupport.verifiedBank(disputed, disputedAccount);
        Person payee = SettlementTestSupport.newUser("payee");
        SettlementTestSupport.send(closed, payee, 800);
        SettlementTestSupport.send(disputed, payee, 600);
        SIM.ach().returnEntriesTo(closedAccount, "R03");
        SIM.ach().returnEntriesTo(disputedAccount, "R10");
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(run("achReturns").ok()).isTrue();

        assertThat(methodStatus(closed, closedBank)).isEqualTo("disabled");
        assertThat(methodStatus(disputed, disputedBank)).isEqualTo("disabled");
        assertThat(count(
                        "SELECT count(*) FROM notifications WHERE user_id IN (?, ?) AND kind = 'payment_method_disabled'",
                        closed.id(),
                        disputed.id()))
                .isEqualTo(2);
        // a disabled method funds nothing: with an empty wallet and no other source, the next payment is refused
        assertThatThrownBy(() -> SettlementTestSupport.send(closed, payee, 100)).hasMessageContaining("422");
        // unauthorized: bank funding frozen for that user (even a newly verified bank) and a case to review
        assertThat(db.queryForObject(
                        "SELECT bank_funding_frozen FROM users WHERE id = ?", Boolean.class, disputed.id()))
                .isTrue();
        assertThat(db.queryForObject("SELECT bank_funding_frozen FROM users WHERE id = ?", Boolean.class, closed.id()))
                .isFalse();
        SettlementTestSupport.verifiedBank(disputed, SettlementTestSupport.newAccount());
        assertThatThrownBy(() -> SettlementTestSupport.send(disputed, payee, 100))
                .hasMessageContaining("422");
        assertThat(count(
                        "SELECT count(*) FROM ach_review_cases WHERE user_id = ? AND kind = 'unauthorized'"
                                + " AND status = 'open'",
                        disputed.id()))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ach_review_cases WHERE user_id = ?", closed.id()))
                .isZero();
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void aReturnPastItsDeadlineIsFlaggedNotApplied() {
        LocalDate sent = LocalDate.of(2026, 11, 12);
        jobs.run("achOrigination", sent);
        Person payer = SettlementTestSupport.newUser("payer");
        String account = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(payer, account);
        SettlementTestSupport.send(payer, SettlementTestSupport.newUser("payee"), 450);
        SIM.ach().returnEntriesTo(account, "R01");
        assertThat(jobs.run("achOrigination", sent).ok()).isTrue();
        // effective November 13; an R01 is due within two banking days (by the 17th): the 24th is too late
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 24)).ok()).isTrue();
        assertThat(db.queryForObject("SELECT status FROM external_charges WHERE user_id = ?", String.class, payer.id()))
                .as("not reversed by itself")
                .isIn("submitted", "completed");
        assertThat(count(
                        "SELECT count(*) FROM ach_returns r JOIN ach_review_cases c ON c.return_sequence = r.sequence"
                                + " WHERE r.late AND NOT r.matched AND c.kind = 'late_return' AND c.user_id = ?",
                        payer.id()))
                .isEqualTo(1);
    }

    @Test
    void anInsufficientFundsReturnIsPresentedAgainTwiceBeforeTheLossIsBooked() throws Exception {
        LocalDate monday = LocalDate.of(2026, 11, 23);
        jobs.run("achOrigination", monday);
        Person payer = SettlementTestSupport.newUser("payer");
        String account = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(payer, account);
        Person payee = SettlementTestSupport.newUser("payee");
        SettlementTestSupport.send(payer, payee, 900);
        UUID debit = db.queryForObject("SELECT id FROM external_charges WHERE user_id = ?", UUID.class, payer.id());
        SIM.ach().returnEntriesTo(account, "R01");
        assertThat(jobs.run("achOrigination", monday).ok()).isTrue();
        String original =
                db.queryForObject("SELECT trace_number FROM ach_entries WHERE source_id = ?", String.class, debit);

        // the first R01: nothing reversed, the money stays with the payee, unsettled; presented again from Tuesday
        assertThat(jobs.run("achReturns", monday).ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(payee).path("balance_cents").asLong())
                .isEqualTo(900);
        assertThat(SettlementTestSupport.wallet(payee).path("cashable_cents").asLong())
                .isZero();
        assertThat(db.queryForObject("SELECT status FROM external_charges WHERE id = ?", String.class, debit))
                .isEqualTo("submitted");
        assertThat(jobs.run("achOrigination", monday).ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ach_entries WHERE source_id = ?", debit))
                .as("not on the day it came back")
                .isEqualTo(1);

        // Tuesday's file carries it in a RETRY PYMT batch naming the original entry
        LocalDate tuesday = LocalDate.of(2026, 11, 24);
        assertThat(jobs.run("achOrigination", tuesday).ok()).isTrue();
        Map<String, Object> retry = db.queryForMap(
                "SELECT e.trace_number, e.presentment, f.path FROM ach_entries e JOIN ach_files f ON f.id = e.file_id"
                        + " WHERE e.source_id = ? AND e.presentment = 1",
                debit);
        String nacha = Files.readString(Path.of((String) retry.get("path")));
        assertThat(NachaValidator.problems(nacha)).isEmpty();
        String record = nacha.lines()
                .filter(l -> l.startsWith("6") && l.endsWith((String) retry.get("trace_number")))
                .findFirst()
                .orElseThrow();
        assertThat(record.substring(39, 54)).isEqualTo(original);
        String header = nacha.lines()
                .filter(l -> l.startsWith("5") && l.substring(53, 63).equals("RETRY PYMT"))
                .findFirst()
                .orElseThrow();
        assertThat(header.substring(1, 4)).isEqualTo("225");

        // returned again: a second retry on the next banking day after (Thanksgiving skipped)
        assertThat(jobs.run("achReturns", tuesday).ok()).isTrue();
        assertThat(db.queryForObject(
                        "SELECT not_before FROM ach_representments WHERE source_id = ? AND presentment = 2",
                        LocalDate.class,
                        debit))
                .isEqualTo(LocalDate.of(2026, 11, 25));
        assertThat(SettlementTestSupport.wallet(payee).path("balance_cents").asLong())
                .isEqualTo(900);
        LocalDate wednesday = LocalDate.of(2026, 11, 25);
        assertThat(jobs.run("achOrigination", wednesday).ok()).isTrue();

        // the third return books the loss: taken back from the payee, where it sat unsettled
        assertThat(jobs.run("achReturns", wednesday).ok()).isTrue();
        assertThat(count("SELECT count(*) FROM ach_entries WHERE source_id = ? AND status = 'returned'", debit))
                .isEqualTo(3);
        assertThat(db.queryForObject("SELECT status FROM external_charges WHERE id = ?", String.class, debit))
                .isEqualTo("returned");
        assertThat(SettlementTestSupport.wallet(payee).path("balance_cents").asLong())
                .isZero();
        assertThat(count("SELECT count(*) FROM ach_representments WHERE source_id = ?", debit))
                .as("never a third retry")
                .isEqualTo(2);
        assertThat(jobs.run("reconciliation", wednesday).ok()).isTrue();
    }

    @Test
    void aPresentedAgainDebitThatClearsSettlesAndItsMoneyBecomesCashable() {
        LocalDate monday = LocalDate.of(2026, 11, 23);
        jobs.run("achOrigination", monday);
        Person payer = SettlementTestSupport.newUser("payer");
        String account = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(payer, account);
        Person payee = SettlementTestSupport.newUser("payee");
        SettlementTestSupport.send(payer, payee, 650);
        UUID debit = db.queryForObject("SELECT id FROM external_charges WHERE user_id = ?", UUID.class, payer.id());
        SIM.ach().returnEntriesTo(account, "R09");
        assertThat(jobs.run("achOrigination", monday).ok()).isTrue();
        assertThat(jobs.run("achReturns", monday).ok()).isTrue();
        SIM.ach().clearReturnRules(); // payday: the money is there now

        LocalDate tuesday = LocalDate.of(2026, 11, 24);
        assertThat(jobs.run("achOrigination", tuesday).ok()).isTrue();
        assertThat(jobs.run("achReturns", tuesday).ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(payee).path("cashable_cents").asLong())
                .isZero();
        // the retry's effective date is the 25th: settled two banking days on
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 11, 30)).ok()).isTrue();
        assertThat(db.queryForObject("SELECT status FROM external_charges WHERE id = ?", String.class, debit))
                .isEqualTo("completed");
        assertThat(SettlementTestSupport.wallet(payee).path("cashable_cents").asLong())
                .isEqualTo(650);
        assertThat(jobs.run("reconciliation", LocalDate.of(2026, 11, 30)).ok()).isTrue();
    }

    /** The account number and transaction code of the entry for this source in its written file. */
    private String[] entryInFile(UUID source) throws Exception {
        Map<String, Object> e = db.queryForMap(
                "SELECT e.trace_number, f.path FROM ach_entries e JOIN ach_files f ON f.id = e.file_id"
                        + " WHERE e.source_id = ? ORDER BY e.presentment DESC LIMIT 1",
                source);
        String nacha = Files.readString(Path.of((String) e.get("path")));
        assertThat(NachaValidator.problems(nacha)).isEmpty();
        String record = nacha.lines()
                .filter(l -> l.startsWith("6") && l.endsWith((String) e.get("trace_number")))
                .findFirst()
                .orElseThrow();
        return new String[] {record.substring(12, 29).trim(), record.substring(1, 3), record.substring(3, 12)};
    }

    private UUID lastDebitOf(Person payer) {
        return db.queryForObject(
                "SELECT id FROM external_charges WHERE user_id = ? ORDER BY created_at DESC LIMIT 1",
                UUID.class,
                payer.id());
    }

    @Test
    void changeNoticesCorrectTheAccountAndLaterFilesCarryTheCorrection() throws Exception {
        run("achOrigination");
        Person payer = SettlementTestSupport.newUser("moved");
        String old = SettlementTestSupport.newAccount();
        UUID bank = SettlementTestSupport.verifiedBank(payer, old);
        Person payee = SettlementTestSupport.newUser("payee");
        String corrected = SettlementTestSupport.newAccount();
        SIM.ach().changeEntriesTo(old, "C01", corrected);
        SettlementTestSupport.send(payer, payee, 400);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(entryInFile(lastDebitOf(payer))[0]).isEqualTo(old);

        assertThat(run("achReturns").ok()).isTrue();
        Map<String, Object> method =
                db.queryForMap("SELECT last4, number_encrypted, account_type FROM payment_methods WHERE id = ?", bank);
        assertThat(method.get("last4")).isEqualTo(corrected.substring(corrected.length() - 4));
        assertThat(new String((byte[]) method.get("number_encrypted"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("still encrypted")
                .doesNotContain(corrected);
        assertThat(count(
                        "SELECT count(*) FROM ach_change_notices WHERE payment_method_id = ? AND status = 'applied'"
                                + " AND corrected_encrypted IS NULL",
                        bank))
                .isEqualTo(1);

        // the next debit goes to the corrected account; its bank then says the account is a savings account (C05)
        SIM.ach().changeEntriesTo(corrected, "C05", "37");
        SettlementTestSupport.send(payer, payee, 300);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(entryInFile(lastDebitOf(payer))).containsExactly(corrected, "27", SettlementTestSupport.ROUTING);
        assertThat(run("achReturns").ok()).isTrue();
        assertThat(db.queryForObject("SELECT account_type FROM payment_methods WHERE id = ?", String.class, bank))
                .isEqualTo("savings");

        // and the one after is a savings debit (37), in a file the independent validator accepts
        SIM.ach().clearChangeRules();
        SettlementTestSupport.send(payer, payee, 200);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(entryInFile(lastDebitOf(payer))).containsExactly(corrected, "37", SettlementTestSupport.ROUTING);
        assertThat(run("reconciliation").ok()).isTrue();
    }

    @Test
    void anAccountNumberStillUnderAPreviousDataKeyGoesOutInTheFile() throws Exception {
        run("achOrigination");
        Person payer = SettlementTestSupport.newUser("rotated");
        String account = SettlementTestSupport.newAccount();
        UUID bank = SettlementTestSupport.verifiedBank(payer, account);
        Person payee = SettlementTestSupport.newUser("payee");
        // sealed under key 5, settlement's previous key: a rotation has not sealed it again under the current one yet
        byte[] current =
                db.queryForObject("SELECT number_encrypted FROM payment_methods WHERE id = ?", byte[].class, bank);
        db.update(
                "UPDATE payment_methods SET number_encrypted = ? WHERE id = ?",
                new com.wallet.common.crypto.DataCipher(SettlementTestSupport.PREVIOUS_DATA_KEY, 5)
                        .encrypt(account, bank),
                bank);
        try {
            SettlementTestSupport.send(payer, payee, 400);
            assertThat(run("achOrigination").ok()).isTrue();
            assertThat(entryInFile(lastDebitOf(payer))[0]).isEqualTo(account);
        } finally {
            db.update("UPDATE payment_methods SET number_encrypted = ? WHERE id = ?", current, bank);
        }
    }

    @Test
    void aChangeNoticeKeptUnderAPreviousDataKeyIsSealedAgainUnderTheCurrentOne() {
        // kept: its entry is not one of ours (yet); the sequence below every real one, so the processor's next
        // notices are still asked for
        long sequence = -1;
        UUID owner = UUID.nameUUIDFromBytes(("ach-change-notice:" + sequence).getBytes(StandardCharsets.UTF_8));
        db.update(
                "INSERT INTO ach_change_notices (sequence, file_id, trace_number, change_code, corrected_encrypted,"
                        + " received_on) VALUES (?, ?, '091000010000001', 'C01', ?, current_date)",
                sequence,
                UUID.randomUUID(),
                new com.wallet.common.crypto.DataCipher(SettlementTestSupport.PREVIOUS_DATA_KEY, 5)
                        .encrypt("000111222333", owner));
        try {
            assertThat(run("achReturns").ok()).isTrue();
            byte[] sealed = db.queryForObject(
                    "SELECT corrected_encrypted FROM ach_change_notices WHERE sequence = ? AND status = 'pending'",
                    byte[].class,
                    sequence);
            // under the current key (1), which alone opens it: key 5 can go
            assertThat(sealed[1]).isEqualTo((byte) 1);
            assertThat(new com.wallet.common.crypto.DataCipher(SettlementTestSupport.DATA_KEY, 1)
                            .decrypt(sealed, owner))
                    .isEqualTo("000111222333");
        } finally {
            db.update("DELETE FROM ach_change_notices WHERE sequence = ?", sequence);
        }
    }

    @Test
    void aChangeNoticeThatCannotBeAppliedIsRefusedAndReviewed() throws Exception {
        run("achOrigination");
        Person payer = SettlementTestSupport.newUser("noc");
        String account = SettlementTestSupport.newAccount();
        UUID bank = SettlementTestSupport.verifiedBank(payer, account);
        Person other = SettlementTestSupport.newUser("noc");
        String otherAccount = SettlementTestSupport.newAccount();
        UUID otherBank = SettlementTestSupport.verifiedBank(other, otherAccount);
        Person payee = SettlementTestSupport.newUser("payee");
        SIM.ach().changeEntriesTo(account, "C02", "123456789"); // not a valid routing number (check digit)
        SIM.ach().changeEntriesTo(otherAccount, "C09", "ID 42"); // individual id: not applied automatically
        SettlementTestSupport.send(payer, payee, 250);
        SettlementTestSupport.send(other, payee, 150);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(run("achReturns").ok()).isTrue();

        assertThat(db.queryForList(
                        "SELECT n.reason FROM ach_change_notices n JOIN ach_review_cases c"
                                + " ON c.change_sequence = n.sequence WHERE n.status = 'refused'"
                                + " AND c.kind = 'refused_change' AND c.status = 'open' AND n.payment_method_id IN (?, ?)"
                                + " ORDER BY n.change_code",
                        String.class,
                        bank,
                        otherBank))
                .satisfiesExactly(
                        r -> assertThat(r).contains("routing number"),
                        r -> assertThat(r).contains("C09"));
        assertThat(db.queryForObject("SELECT routing_number FROM payment_methods WHERE id = ?", String.class, bank))
                .isEqualTo(SettlementTestSupport.ROUTING);
        SettlementTestSupport.send(payer, payee, 100);
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(entryInFile(lastDebitOf(payer))).containsExactly(account, "27", SettlementTestSupport.ROUTING);
    }

    private UUID card(Person user) {
        return UUID.fromString(SettlementTestSupport.call(
                        "POST",
                        "/v1/me/payment-methods",
                        user.token(),
                        null,
                        Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031))
                .path("id")
                .asString());
    }

    /** An instant cashout of {@code cents} to {@code card}: its id (the network's payout id). */
    private String instantCashout(Person user, UUID card, long cents) {
        return SettlementTestSupport.call(
                        "POST",
                        "/v1/cashouts",
                        user.token(),
                        UUID.randomUUID().toString(),
                        Map.of("amount_cents", cents, "speed", "instant", "payment_method_id", card.toString()))
                .path("id")
                .asString();
    }

    /** A card-funded payment's charge and an instant payout of its payee, made today. */
    private record CardItems(Person payee, UUID charge, String payout) {}

    /**
     * A new user with only a card pays a new payee with a card {@code cents} (all of it from the card), and the payee
     * cashes {@code payoutCents} out to that card at once.
     */
    private CardItems cardPaymentAndPayout(String name, long cents, long payoutCents) {
        Person payer = SettlementTestSupport.newUser(name);
        card(payer);
        Person payee = SettlementTestSupport.newUser(name + "payee");
        UUID payeeCard = card(payee);
        JsonNode paid = SettlementTestSupport.send(payer, payee, cents);
        assertThat(paid.path("funding").path("card_cents").asLong()).isEqualTo(cents);
        UUID charge = db.queryForObject("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, payer.id());
        return new CardItems(payee, charge, instantCashout(payee, payeeCard, payoutCents));
    }

    @Test
    void theCardNetworksSettlementIsReconciledAndEveryDifferenceReported() {
        // a card-funded payment and an instant payout today: the network's report of today matches them
        CardItems items = cardPaymentAndPayout("cardpayer", 1_000, 600);
        UUID charge = items.charge();
        UUID payout = UUID.fromString(items.payout());
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        var report = SettlementTestSupport.sim("/card/settlement?date=" + today);
        assertThat(report.path("items").toString()).contains(charge.toString(), payout.toString());
        assertThat(report.path("net_cents").asLong())
                .isEqualTo(report.path("captured_cents").asLong()
                        - report.path("voided_cents").asLong()
                        - report.path("paid_out_cents").asLong()
                        - report.path("charged_back_cents").asLong()
                        - report.path("fees_cents").asLong());
        assertThat(jobs.run("reconciliation", today).ok()).isTrue();

        // a day of the network's own: a capture and a payout that are not ours, and our charge voided there
        LocalDate elsewhere = LocalDate.of(2027, 3, 3);
        SIM.card()
                .clock(java.time.Clock.fixed(
                        elsewhere.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC), java.time.ZoneOffset.UTC));
        try {
            String stranger = UUID.randomUUID().toString();
            SIM.card().charge(stranger, "4000056655665556", 777);
            SIM.card().chargeback(stranger, "13.1");
            SIM.card().payout(UUID.randomUUID().toString(), "4000056655665556", 333);
            SIM.card().voidCharge(charge.toString());
        } finally {
            SIM.card().clock(java.time.Clock.systemUTC());
        }
        JobRunner.Result off = jobs.run("reconciliation", elsewhere);
        assertThat(off.ok()).isFalse();
        String findings = db.queryForObject(
                "SELECT findings::text FROM reconciliation_reports WHERE business_date = ? ORDER BY id DESC LIMIT 1",
                String.class,
                elsewhere);
        assertThat(findings)
                .contains("card_capture_unknown", "card_payout_unknown", "card_status_mismatch", charge.toString())
                .contains("card_chargeback_unknown")
                .contains("\"network_cents\": 777");
        // today's report is unchanged by a later void: still clean
        assertThat(jobs.run("reconciliation", today).ok()).isTrue();
    }

    /**
     * A chargeback (the payer disputed the card charge that funded a payment; the network took it back) is booked with
     * the network's settlement and taken back from the payer once: their wallet pays the whole charge back, into a debt
     * that restricts it; the card is disabled and the payer told; a case is open for review; the books still
     * reconcile; a payment to the payer repays the debt and lifts the restriction; as its reason is fraud, no card of
     * the payer's funds a payment any more.
     */
    @Test
    void aChargebackIsTakenBackFromThePayerOnceAndTheCardDisabled() {
        Person payer = SettlementTestSupport.newUser("chargedback");
        UUID payerCard = card(payer);
        Person payee = SettlementTestSupport.newUser("chargedbackpayee");
        card(payee);
        assertThat(SettlementTestSupport.send(payer, payee, 2_000)
                        .path("funding")
                        .path("card_cents")
                        .asLong())
                .isEqualTo(2_000);
        Map<String, Object> charge =
                db.queryForMap("SELECT id, amount_cents, transfer_id FROM card_charges WHERE user_id = ?", payer.id());
        UUID chargeId = (UUID) charge.get("id");
        long charged = (Long) charge.get("amount_cents"); // 2,000 and the 3% fee
        assertThat(charged).isEqualTo(2_060);
        // the payer holds 500 when the chargeback comes: the rest of the 2,060 becomes a debt
        SettlementTestSupport.send(payee, payer, 500);
        SIM.card().chargeback(chargeId.toString(), "10.4");
        double fraudCents = meters.counter("settlement.card.chargeback.cents", "fraud", "true")
                .count();

        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(jobs.run("reconciliation", today.plusDays(1)).ok()).isTrue();
        assertThat(meters.counter("settlement.card.chargeback.cents", "fraud", "true")
                        .count())
                .isEqualTo(fraudCents + charged);
        assertThat(db.queryForMap(
                        "SELECT amount_cents, fee_cents, reason_code FROM card_settlement_items"
                                + " WHERE type = 'chargeback' AND item_id = ?",
                        chargeId.toString()))
                .containsEntry("amount_cents", charged)
                .containsEntry("fee_cents", com.wallet.sim.CardNetwork.CHARGEBACK_FEE_CENTS)
                .containsEntry("reason_code", "10.4");
        Map<String, Object> chargeback = db.queryForMap("SELECT * FROM card_chargebacks WHERE charge_id = ?", chargeId);
        assertThat(chargeback)
                .containsEntry("transfer_id", charge.get("transfer_id"))
                .containsEntry("user_id", payer.id())
                .containsEntry("payment_method_id", payerCard)
                .containsEntry("amount_cents", charged)
                .containsEntry("wallet_short_cents", charged - 500)
                .containsEntry("status", "open");
        UUID entry = (UUID) chargeback.get("entry_id");
        assertThat(db.queryForMap("SELECT kind, transfer_id FROM ledger_entries WHERE id = ?", entry))
                .containsEntry("kind", "card_chargeback")
                .containsEntry("transfer_id", charge.get("transfer_id"));
        long payerAccount = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, payer.id());
        assertThat(linesOf(entry)).isEqualTo(Map.of(payerAccount, -charged, 2L, charged));
        JsonNode wallet = SettlementTestSupport.wallet(payer);
        assertThat(wallet.path("balance_cents").asLong()).isEqualTo(500 - charged);
        assertThat(wallet.path("restricted").asBoolean()).isTrue();
        assertThatThrownBy(() -> SettlementTestSupport.send(payer, payee, 100))
                .hasMessageContaining("422")
                .hasMessageContaining("account-restricted");
        // the card funds nothing more; the payer hears of both
        JsonNode methods = SettlementTestSupport.call("GET", "/v1/me/payment-methods", payer.token(), null, null);
        assertThat(methods.toString()).contains(payerCard.toString()).contains("\"disabled\"");
        assertThat(db.queryForObject(
                        "SELECT disabled_reason FROM payment_methods WHERE id = ?", String.class, payerCard))
                .isEqualTo("card_chargeback_10.4");
        assertThat(db.queryForList(
                        "SELECT kind FROM notifications WHERE user_id = ? AND kind IN ('card_chargeback',"
                                + " 'payment_method_disabled') ORDER BY kind",
                        String.class,
                        payer.id()))
                .containsExactly("card_chargeback", "payment_method_disabled");
        assertThat(db.queryForMap(
                        "SELECT payload->>'transfer_id' AS transfer, (payload->>'amount_cents')::bigint AS cents,"
                                + " payload->>'reason_code' AS reason, payload->>'payment_method_id' AS card"
                                + " FROM notifications WHERE user_id = ? AND kind = 'card_chargeback'",
                        payer.id()))
                .containsEntry("transfer", charge.get("transfer_id").toString())
                .containsEntry("cents", charged)
                .containsEntry("reason", "10.4")
                .containsEntry("card", payerCard.toString());

        // booked once: a run again, and a run whose week also takes in the chargeback's day, take nothing more
        String taken = "SELECT count(*) FROM ledger_entries WHERE kind = 'card_chargeback' AND transfer_id = ?";
        assertThat(jobs.run("reconciliation", today.plusDays(1)).ok()).isTrue();
        assertThat(jobs.run("reconciliation", today.plusDays(2)).ok()).isTrue();
        assertThat(count(taken, charge.get("transfer_id"))).isEqualTo(1);
        assertThat(SettlementTestSupport.wallet(payer).path("balance_cents").asLong())
                .isEqualTo(500 - charged);

        // money coming in repays the debt and lifts the restriction
        SettlementTestSupport.send(payee, payer, charged - 500 + 40);
        wallet = SettlementTestSupport.wallet(payer);
        assertThat(wallet.path("balance_cents").asLong()).isEqualTo(40);
        assertThat(wallet.path("restricted").asBoolean()).isFalse();
        // a fraud chargeback (10.4) froze card funding for the payer: a card linked since funds nothing either, and
        // the balance still pays what it covers
        card(payer);
        assertThatThrownBy(() -> SettlementTestSupport.send(payer, payee, 100))
                .hasMessageContaining("422")
                .hasMessageContaining("insufficient-funds");
        assertThat(count("SELECT count(*) FROM card_charges WHERE user_id = ?", payer.id()))
                .isEqualTo(1);
        assertThat(SettlementTestSupport.send(payer, payee, 40)
                        .path("funding")
                        .path("balance_cents")
                        .asLong())
                .isEqualTo(40);
    }

    /**
     * Chargebacks that are not for fraud (13.1: the payer says what they paid for never came) take the money back and
     * disable the card charged, but leave card funding open: a card linked since pays. Two of one payer in one report
     * take what the wallet holds once: the debt is what the two exceed it by.
     */
    @Test
    void chargebacksNotForFraudLeaveTheOtherCardsFunding() {
        Person payer = SettlementTestSupport.newUser("disputer");
        UUID first = card(payer);
        Person payee = SettlementTestSupport.newUser("disputerpayee");
        card(payee);
        SettlementTestSupport.send(payer, payee, 1_000); // the card is charged 1,030
        SettlementTestSupport.send(payer, payee, 500); // 515
        SettlementTestSupport.send(payee, payer, 600);
        for (UUID charge : db.queryForList("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, payer.id())) {
            SIM.card().chargeback(charge.toString(), "13.1");
        }
        assertThat(jobs.run(
                                "reconciliation",
                                LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1))
                        .ok())
                .isTrue();
        assertThat(SettlementTestSupport.wallet(payer).path("balance_cents").asLong())
                .isEqualTo(600 - 1_545);
        assertThat(count(
                        "SELECT sum(wallet_short_cents) FROM card_chargebacks WHERE user_id = ? AND reason_code = '13.1'",
                        payer.id()))
                .isEqualTo(1_545 - 600);
        assertThat(db.queryForObject("SELECT disabled_reason FROM payment_methods WHERE id = ?", String.class, first))
                .isEqualTo("card_chargeback_13.1");
        SettlementTestSupport.send(payee, payer, 1_545 - 600);
        card(payer);
        assertThat(SettlementTestSupport.send(payer, payee, 200)
                        .path("funding")
                        .path("card_cents")
                        .asLong())
                .isEqualTo(200);
    }

    /**
     * A chargeback we contested and won: the network pays it back in the settlement of the day it reversed it, and the
     * payer's wallet gets back what it paid (repaying its debt, which lifts the restriction), once; the case is marked
     * reversed and the payer told; the books reconcile.
     */
    @Test
    void aChargebackReversedGivesThePayerTheMoneyBackOnce() {
        Person payer = SettlementTestSupport.newUser("represented");
        card(payer);
        Person payee = SettlementTestSupport.newUser("representedpayee");
        SettlementTestSupport.send(payer, payee, 1_000); // the card is charged 1,030
        UUID charge = db.queryForObject("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, payer.id());
        SIM.card().chargeback(charge.toString(), "13.1");
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(jobs.run("reconciliation", today.plusDays(1)).ok()).isTrue();
        assertThat(SettlementTestSupport.wallet(payer).path("restricted").asBoolean())
                .isTrue();

        SIM.card().reverseChargeback(charge.toString());
        assertThat(jobs.run("reconciliation", today.plusDays(1)).ok()).isTrue();
        assertThat(jobs.run("reconciliation", today.plusDays(2)).ok()).isTrue();
        JsonNode wallet = SettlementTestSupport.wallet(payer);
        assertThat(wallet.path("balance_cents").asLong()).isZero();
        assertThat(wallet.path("restricted").asBoolean()).isFalse();
        Map<String, Object> chargeback =
                db.queryForMap("SELECT status, reversal_entry_id FROM card_chargebacks WHERE charge_id = ?", charge);
        assertThat(chargeback).containsEntry("status", "reversed");
        long payerAccount = db.queryForObject(
                "SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?", Long.class, payer.id());
        assertThat(linesOf((UUID) chargeback.get("reversal_entry_id")))
                .isEqualTo(Map.of(payerAccount, 1_030L, 2L, -1_030L));
        assertThat(count(
                        "SELECT count(*) FROM ledger_entries WHERE kind = 'card_chargeback_reversal' AND transfer_id ="
                                + " (SELECT transfer_id FROM card_charges WHERE id = ?)",
                        charge))
                .isEqualTo(1);
        assertThat(count(
                        "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'card_chargeback_reversed'",
                        payer.id()))
                .isEqualTo(1);
    }

    /**
     * The network's settlement of a day is booked by reconciliation's first step, item by item: ours with the network's
     * amount and fee, in one balanced entry whose lines are its items' sums; a second run books nothing; an item the
     * report gains later is booked alone by a run days later; and the clearing accounts and the fees agree with the
     * items.
     */
    @Test
    void theCardNetworksSettlementIsBookedOnceItemByItem() {
        CardItems made = cardPaymentAndPayout("cardsettler", 2_000, 700);
        Person payee = made.payee();
        UUID charge = made.charge();
        String payout = made.payout();
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        LocalDate tomorrow = today.plusDays(1);
        assertThat(jobs.run("reconciliation", tomorrow).ok()).isTrue();

        // ours, as the network reported them (amount and fee), in one entry
        JsonNode report = SettlementTestSupport.sim("/card/settlement?date=" + today);
        UUID entry = null;
        for (String id : List.of(charge.toString(), payout)) {
            JsonNode reported = report.path("items")
                    .valueStream()
                    .filter(i -> i.path("id").asString().equals(id))
                    .findFirst()
                    .orElseThrow();
            Map<String, Object> booked = db.queryForMap(
                    "SELECT type, amount_cents, fee_cents, business_date, entry_id FROM card_settlement_items"
                            + " WHERE item_id = ?",
                    id);
            assertThat(booked)
                    .containsEntry("type", reported.path("type").asString())
                    .containsEntry("amount_cents", reported.path("amount_cents").asLong())
                    .containsEntry("fee_cents", reported.path("fee_cents").asLong())
                    .containsEntry("business_date", java.sql.Date.valueOf(today));
            assertThat(reported.path("fee_cents").asLong()).isPositive();
            entry = entry == null ? (UUID) booked.get("entry_id") : entry;
            assertThat(booked.get("entry_id")).isEqualTo(entry);
        }
        assertThat(db.queryForObject("SELECT kind FROM ledger_entries WHERE id = ?", String.class, entry))
                .isEqualTo("card_settlement");
        // its lines are its items' sums: captures less voids off card clearing, payouts off cashout clearing, the
        // fees, and the net at our bank
        String sums = "SELECT coalesce(sum(CASE type WHEN 'capture' THEN amount_cents WHEN 'void' THEN -amount_cents"
                + " END), 0), coalesce(sum(amount_cents) FILTER (WHERE type = 'payout'), 0), sum(fee_cents)"
                + " FROM card_settlement_items WHERE entry_id = ?";
        long[] items =
                db.queryForObject(sums, (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, entry);
        Map<Long, Long> expected = new java.util.TreeMap<>(
                Map.of(2L, items[0], 3L, -items[1], 7L, -items[2], 5L, -(items[0] - items[1] - items[2])));
        expected.values().removeIf(cents -> cents == 0);
        assertThat(linesOf(entry)).isEqualTo(expected);

        // again: nothing new
        String counts = "SELECT (SELECT count(*) FROM card_settlement_items) * 1000000"
                + " + (SELECT count(*) FROM ledger_entries WHERE kind = 'card_settlement')";
        long before = count(counts);
        assertThat(jobs.run("reconciliation", tomorrow).ok()).isTrue();
        assertThat(count(counts)).isEqualTo(before);

        // a payment later that day is in the report the next time, and booked alone, in an entry of its own, by a run
        // days later (runs book the week before their business date: missed runs are caught up)
        Person second = SettlementTestSupport.newUser("cardsettler");
        card(second);
        SettlementTestSupport.send(second, payee, 300);
        UUID later = db.queryForObject("SELECT id FROM card_charges WHERE user_id = ?", UUID.class, second.id());
        assertThat(jobs.run("reconciliation", today.plusDays(3)).ok()).isTrue();
        UUID laterEntry = db.queryForObject(
                "SELECT entry_id FROM card_settlement_items WHERE type = 'capture' AND item_id = ?",
                UUID.class,
                later.toString());
        assertThat(laterEntry).isNotEqualTo(entry);
        assertThat(count("SELECT count(*) FROM card_settlement_items WHERE entry_id = ?", laterEntry))
                .isEqualTo(1);
        assertThat(linesOf(laterEntry))
                .containsEntry(2L, 309L)
                .containsEntry(7L, -15L)
                .containsEntry(5L, -294L);
        // and today's reconciliation agrees: clearing accounts and fees match the items booked
        assertThat(jobs.run("reconciliation", today).ok()).isTrue();
    }

    /**
     * A capture and an instant payout of ours that no run booked, once their day is out of the booking's reach (the
     * week before the business date), are reported by reconciliation, as no later run will book them; once a run books
     * them, they are not.
     */
    @Test
    void cardItemsNoRunBookedWithinTheWeekAreReported() {
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        // what the suite's card payments left before (today, or tomorrow if midnight passed since) is booked first:
        // what follows is this test's alone
        jobs.run("reconciliation", today.plusDays(2));
        CardItems items = cardPaymentAndPayout("cardunbooked", 1_500, 400);
        UUID charge = items.charge();
        String payout = items.payout();
        long paidOut = db.queryForObject(
                "SELECT amount_cents - fee_cents FROM cashouts WHERE id = ?::uuid", Long.class, payout);

        // nine days on, a run books the week before (from the day after tomorrow): today is out of its reach
        LocalDate late = today.plusDays(9);
        assertThat(jobs.run("reconciliation", late).ok()).isFalse();
        long charged = db.queryForObject("SELECT amount_cents FROM card_charges WHERE id = ?", Long.class, charge);
        assertThat(neverSettled(late, "capture")).containsExactly(1L, charged, charge.toString());
        assertThat(neverSettled(late, "payout")).containsExactly(1L, paidOut, payout);
        assertThat(count(
                        "SELECT count(*) FROM card_settlement_items WHERE item_id IN (?, ?)",
                        charge.toString(),
                        payout))
                .isZero();

        // a run whose week takes in today books them, and the next late run reports nothing of them
        assertThat(jobs.run("reconciliation", today.plusDays(2)).ok()).isTrue();
        assertThat(count(
                        "SELECT count(*) FROM card_settlement_items WHERE item_id IN (?, ?)",
                        charge.toString(),
                        payout))
                .isEqualTo(2);
        jobs.run("reconciliation", late);
        assertThat(neverSettled(late, "capture")).isEmpty();
        assertThat(neverSettled(late, "payout")).isEmpty();
    }

    /** The last report of {@code day}'s finding of {@code type}s never settled: items, cents, the ids listed. */
    private List<Object> neverSettled(LocalDate day, String type) {
        List<Object> found = new ArrayList<>();
        db.query(
                "SELECT (f->>'items')::bigint, (f->>'cents')::bigint,"
                        + " ARRAY(SELECT jsonb_array_elements_text(f->'ids')) FROM (SELECT findings FROM"
                        + " reconciliation_reports WHERE business_date = ? ORDER BY id DESC LIMIT 1) r,"
                        + " jsonb_array_elements(r.findings) f WHERE f->>'check' = ?",
                rs -> {
                    found.add(rs.getLong(1));
                    found.add(rs.getLong(2));
                    found.addAll(List.of((String[]) rs.getArray(3).getArray()));
                },
                day,
                "card_" + type + "_never_settled");
        return found;
    }

    /** An entry's lines: account id to cents. */
    private Map<Long, Long> linesOf(UUID entry) {
        Map<Long, Long> lines = new java.util.TreeMap<>();
        db.query(
                "SELECT account_id, amount_cents FROM ledger_lines WHERE entry_id = ?",
                rs -> {
                    lines.merge(rs.getLong(1), rs.getLong(2), Long::sum);
                },
                entry);
        return lines;
    }

    @Test
    void aReturnComesBackOnItsBankingDayAndOneAfterItsDeadlineIsFlagged() {
        LocalDate monday = LocalDate.of(2026, 12, 7);
        jobs.run("achOrigination", monday);
        Person onTime = SettlementTestSupport.newUser("payer");
        String onTimeAccount = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(onTime, onTimeAccount);
        Person tooLate = SettlementTestSupport.newUser("payer");
        String tooLateAccount = SettlementTestSupport.newAccount();
        SettlementTestSupport.verifiedBank(tooLate, tooLateAccount);
        Person payee = SettlementTestSupport.newUser("payee");
        SettlementTestSupport.send(onTime, payee, 310);
        SettlementTestSupport.send(tooLate, payee, 320);
        // effective Tuesday the 8th: one comes back on the second banking day after (Thursday, on time), the other on
        // the third (Friday, after NACHA's two-day deadline)
        SIM.ach().returnEntriesTo(onTimeAccount, "R03", 2);
        SIM.ach().returnEntriesTo(tooLateAccount, "R03", 3);
        assertThat(jobs.run("achOrigination", monday).ok()).isTrue();

        assertThat(jobs.run("achReturns", LocalDate.of(2026, 12, 9)).ok()).isTrue();
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?", String.class, onTime.id()))
                .as("not back yet on Wednesday")
                .isEqualTo("submitted");
        assertThat(jobs.run("achReturns", LocalDate.of(2026, 12, 10)).ok()).isTrue();
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?", String.class, onTime.id()))
                .isEqualTo("returned");
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?", String.class, tooLate.id()))
                .as("settled on Thursday, its return not back yet")
                .isEqualTo("completed");

        assertThat(jobs.run("achReturns", LocalDate.of(2026, 12, 11)).ok()).isTrue();
        assertThat(count(
                        "SELECT count(*) FROM ach_returns r JOIN ach_review_cases c ON c.return_sequence = r.sequence"
                                + " WHERE r.late AND NOT r.matched AND c.kind = 'late_return' AND c.user_id = ?",
                        tooLate.id()))
                .isEqualTo(1);
        assertThat(db.queryForObject(
                        "SELECT status FROM external_charges WHERE user_id = ?", String.class, tooLate.id()))
                .as("a late return is not applied by itself")
                .isEqualTo("completed");
    }
}
