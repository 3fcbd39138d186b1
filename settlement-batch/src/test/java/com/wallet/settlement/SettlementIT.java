package com.wallet.settlement;

import static com.wallet.settlement.SettlementTestSupport.SIM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.wallet.settlement.SettlementTestSupport.Person;
import com.wallet.settlement.nacha.NachaValidator;
import com.wallet.sim.CallType;
import com.wallet.stack.StackExtension;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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
        SettlementTestSupport.migrateCore();
        for (String argument : SettlementTestSupport.arguments()) {
            String[] kv = argument.substring(2).split("=", 2);
            if (!kv[0].equals("spring.config.name")) {
                registry.add(kv[0], () -> kv[1]);
            }
        }
    }

    @Autowired
    com.wallet.common.partners.PartnerClient achProcessor;

    @BeforeEach
    @AfterEach
    void calmNetwork() {
        SIM.knobs().reset();
        achProcessor.breaker().reset();
        SIM.ach().clearReturnRules();
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
    void aFailedSubmissionIsSentOnceByTheNextRun() {
        run("achOrigination");
        scenario(700, 300);
        SIM.knobs().set(CallType.ACH_FILE, SIM.knobs().get(CallType.ACH_FILE).withOutage(true));

        JobRunner.Result failed = run("achOrigination");

        assertThat(failed.ok()).isFalse();
        UUID file = db.queryForObject("SELECT id FROM ach_files WHERE status = 'written'", UUID.class);
        assertThat(SIM.ach().file(file.toString())).isEmpty();
        SIM.knobs().reset();
        assertThat(run("achOrigination").ok()).isTrue();
        assertThat(db.queryForObject("SELECT status FROM ach_files WHERE id = ?", String.class, file))
                .isEqualTo("submitted");
        assertThat(SIM.ach().file(file.toString())).isPresent();
        assertThat(count("SELECT count(*) FROM ach_entries WHERE file_id = ? AND status = 'submitted'", file))
                .isEqualTo(2);
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

        assertThat(run("achOrigination").ok()).isTrue();

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
        // the first sender spends what the bank sent on their behalf... no: they received nothing; the return of
        // their debit takes 3,000 from a wallet holding 0, which leaves a debt
        SIM.ach().returnEntriesTo(insufficient.senderAccount(), "R01");
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
    void entriesNotReturnedWithinTheWindowSettle() {
        run("achOrigination");
        Scenario s = scenario(1_500, 600);
        assertThat(run("achOrigination").ok()).isTrue();
        // three days later (the window is one hour in this test)
        db.update(
                "UPDATE ach_entries SET submitted_at = submitted_at - interval '3 days' WHERE source_id = ?"
                        + " OR source_id = (SELECT id FROM external_charges WHERE user_id = ? AND status = 'submitted')",
                s.cashout(),
                s.sender().id());

        assertThat(run("achReturns").ok()).isTrue();

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

        // three days later the good debit settles: its money is cashable wherever it went
        db.update(
                "UPDATE ach_entries SET submitted_at = submitted_at - interval '3 days'"
                        + " WHERE source_id = (SELECT id FROM external_charges WHERE user_id = ?)",
                payer.id());
        assertThat(run("achReturns").ok()).isTrue();
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
        SIM.ach().returnEntriesTo(now.senderAccount(), "R01");
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
        jobs.run("achOrigination", busy);
        // as if nearly ten million entries had gone out that date already (a file of our own holding the last one)
        scenario(500, 100);
        UUID fake = UUID.randomUUID();
        db.update(
                "INSERT INTO ach_files (id, business_date, file_id_modifier, status, entry_count, total_debit_cents,"
                        + " total_credit_cents) VALUES (?, ?, 'Z', 'submitted', 1, 1, 0)",
                fake,
                busy);
        db.update(
                "INSERT INTO ach_entries (trace_number, file_id, file_date, seq, source, source_id, user_id,"
                        + " payment_method_id, transaction_code, amount_cents, status)"
                        + " SELECT '091000019999999', ?, ?, 1, 'bank_debit', gen_random_uuid(), user_id,"
                        + " payment_method_id, 27, 1, 'completed' FROM external_charges LIMIT 1",
                fake,
                busy);
        try {
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
        SIM.ach().returnEntriesTo(s.senderAccount(), "R01");
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
}
