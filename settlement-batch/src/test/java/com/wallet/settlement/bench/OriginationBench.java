package com.wallet.settlement.bench;

import com.wallet.common.crypto.DataCipher;
import com.wallet.settlement.JobRunner;
import com.wallet.settlement.SettlementApplication;
import com.wallet.settlement.nacha.NachaValidator;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.EmbeddedStack;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.StackConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * 100,000 pending bank debits and 20,000 pending standard cashouts through ACH origination: collect, write the NACHA
 * file, submit it to the simulated processor. Prints the time per step, entries per second and the heap used. The rows
 * are inserted directly (the API would take minutes to make them); origination reads nothing else.
 */
public final class OriginationBench {

    private static final int USERS = 2_000;
    private static final int DEBITS = Integer.getInteger("bench.ach.debits", 100_000);
    private static final int CASHOUTS = Integer.getInteger("bench.ach.cashouts", 20_000);
    private static final String KEY = "YmVuY2gtb25seS1kYXRhLWtleS1mb3ItYWVzLWdjbSE=";

    private OriginationBench() {}

    public static void main(String[] args) throws Exception {
        com.wallet.stack.BenchResults.start("ACH origination (OriginationBench)");
        Path out = Files.createTempDirectory("origination-bench");
        try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests());
                PartnerSimulator sim = PartnerSimulator.start(0)) {
            PostgresSettings pg = stack.postgres();
            Flyway.configure()
                    .dataSource(pg.jdbcUrl(), pg.username(), pg.password())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            try (ConfigurableApplicationContext settlement = new SpringApplicationBuilder(SettlementApplication.class)
                    .run(
                            "--spring.config.name=settlement",
                            "--spring.datasource.url=" + pg.jdbcUrl(),
                            "--spring.datasource.username=" + pg.username(),
                            "--spring.datasource.password=" + pg.password(),
                            "--settlement.schedule.enabled=false",
                            "--settlement.output-dir=" + out,
                            "--settlement.data-key=" + KEY,
                            "--settlement.ach.base-url=" + sim.baseUrl(),
                            "--settlement.card.base-url=" + sim.baseUrl(),
                            "--settlement.ach.timeout=PT120S",
                            "--logging.level.root=WARN")) {
                long started = System.nanoTime();
                seed(pg);
                com.wallet.stack.BenchResults.out()
                        .printf(
                                "seeded %,d users, %,d pending bank debits, %,d pending cashouts in %.1f s%n",
                                USERS, DEBITS, CASHOUTS, (System.nanoTime() - started) / 1e9);

                System.gc();
                List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP)
                        .toList();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                long before = heapUsed(heap);
                // the job runs in this thread (the job operator's synchronous executor): what it allocated, garbage
                // included, is what building the file in memory costs against streaming it
                var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                started = System.nanoTime();
                JobRunner.Result result =
                        settlement.getBean(JobRunner.class).run("achOrigination", LocalDate.of(2026, 11, 24));
                double seconds = (System.nanoTime() - started) / 1e9;
                long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
                long peak =
                        heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();

                try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                        var steps = c.createStatement()
                                .executeQuery("SELECT step_name, write_count,"
                                        + " extract(epoch FROM end_time - start_time) FROM batch_step_execution"
                                        + " ORDER BY step_execution_id");
                        var file = c.createStatement().executeQuery("SELECT path, entry_count FROM ach_files")) {
                    com.wallet.stack.BenchResults.out()
                            .printf(
                                    "origination: %s in %.2f s, %,.0f entries/s%n",
                                    result.status(), seconds, (DEBITS + CASHOUTS) / seconds);
                    while (steps.next()) {
                        com.wallet.stack.BenchResults.out()
                                .printf(
                                        "  %-12s %,8d written  %6.2f s%n",
                                        steps.getString(1), steps.getLong(2), steps.getDouble(3));
                    }
                    file.next();
                    String nacha = Files.readString(Path.of(file.getString(1)));
                    com.wallet.stack.BenchResults.out()
                            .printf(
                                    "  file: %,d entries, %,d bytes, independent validation: %s%n",
                                    file.getInt(2),
                                    nacha.length(),
                                    NachaValidator.problems(nacha).isEmpty()
                                            ? "valid"
                                            : NachaValidator.problems(nacha));
                    com.wallet.stack.BenchResults.out()
                            .printf(
                                    "  heap: %,d MB before, %,d MB peak during the run (JVM max %,d MB)%n",
                                    before >> 20,
                                    peak >> 20,
                                    Runtime.getRuntime().maxMemory() >> 20);
                    com.wallet.stack.BenchResults.out()
                            .printf(
                                    "  allocated by the job's thread: %,d MB (%,d bytes per entry)%n",
                                    allocated >> 20, allocated / (DEBITS + CASHOUTS));
                    // what reconciliation's return rates cost over the window this file is in (warm: the second call)
                    var rates = settlement.getBean(com.wallet.settlement.returns.AchReturnRates.class);
                    rates.of(LocalDate.of(2026, 11, 25));
                    long t0 = System.nanoTime();
                    var counted = rates.of(LocalDate.of(2026, 11, 25));
                    com.wallet.stack.BenchResults.out()
                            .printf(
                                    "  return rates over %d days: %,d debit entries, %.1f ms%n",
                                    com.wallet.settlement.returns.AchReturnRates.DAYS,
                                    counted.debits(),
                                    (System.nanoTime() - t0) / 1e6);
                }
            }
        }
    }

    private static long heapUsed(List<MemoryPoolMXBean> heap) {
        return heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static void seed(PostgresSettings pg) throws Exception {
        DataCipher cipher = new DataCipher(KEY, 1);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            c.setAutoCommit(false);
            List<UUID> users = new ArrayList<>();
            try (PreparedStatement user = c.prepareStatement("INSERT INTO users (id, username, email, password_hash,"
                            + " display_name) VALUES (?, ?, ?, 'x', ?)");
                    PreparedStatement wallet =
                            c.prepareStatement("INSERT INTO ledger_accounts (kind, user_id) VALUES ('wallet', ?)");
                    PreparedStatement bank = c.prepareStatement("INSERT INTO payment_methods (id, user_id, type, last4,"
                            + " routing_number, number_encrypted, account_type, verified, is_default)"
                            + " VALUES (?, ?, 'bank', ?, '021000021', ?, 'checking', true, true)")) {
                for (int i = 0; i < USERS; i++) {
                    UUID id = UUID.randomUUID();
                    users.add(id);
                    user.setObject(1, id);
                    user.setString(2, "bench" + i);
                    user.setString(3, "bench" + i + "@example.com");
                    user.setString(4, "Bench User " + i);
                    user.addBatch();
                    wallet.setObject(1, id);
                    wallet.addBatch();
                    UUID method = UUID.randomUUID();
                    String account = Long.toString(100_000_000L + i);
                    bank.setObject(1, method);
                    bank.setObject(2, id);
                    bank.setString(3, account.substring(account.length() - 4));
                    bank.setBytes(4, cipher.encrypt(account, method));
                    bank.addBatch();
                }
                user.executeBatch();
                wallet.executeBatch();
                bank.executeBatch();
            }
            try (var s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE bench_users AS SELECT row_number() OVER () - 1 AS n, u.id AS user_id,"
                        + " m.id AS method_id FROM users u JOIN payment_methods m ON m.user_id = u.id");
                s.execute("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents, bank_cents,"
                        + " card_cents, fee_cents, note, visibility, status)"
                        + " SELECT gen_random_uuid(), a.user_id, b.user_id, 100 + g % 50000, 0, 100 + g % 50000, 0, 0,"
                        + " 'bench', 'friends', 'completed' FROM generate_series(1, " + DEBITS + ") g"
                        + " JOIN bench_users a ON a.n = g % " + USERS
                        + " JOIN bench_users b ON b.n = (g + 1) % " + USERS);
                s.execute("INSERT INTO external_charges (id, transfer_id, user_id, payment_method_id, kind,"
                        + " amount_cents) SELECT gen_random_uuid(), t.id, t.sender_id, u.method_id, 'bank_debit',"
                        + " t.bank_cents FROM transfers t JOIN bench_users u ON u.user_id = t.sender_id");
                s.execute("INSERT INTO cashouts (id, user_id, payment_method_id, speed, amount_cents, fee_cents,"
                        + " status) SELECT gen_random_uuid(), u.user_id, u.method_id, 'standard', 500 + g % 20000, 0,"
                        + " 'pending' FROM generate_series(1, " + CASHOUTS + ") g JOIN bench_users u ON u.n = g % "
                        + USERS);
            }
            c.commit();
        }
    }
}
