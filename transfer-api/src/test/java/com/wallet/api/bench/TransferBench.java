package com.wallet.api.bench;

import com.wallet.api.TransferApiApplication;
import com.wallet.stack.internal.Ports;
import com.wallet.stack.internal.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The transfer benchmark (not a test): on one embedded PostgreSQL, first pgbench's TPC-B-like load, then the transfer
 * API under the same number of clients: the floor (an authenticated wallet read), transfers between random pairs,
 * transfers to one hot receiver, uniform pairs again once every bank debit has settled and each user holds settled
 * money. Both loads come from a C client in its own process (pgbench, then wrk with {@code
 * bench/api.lua}), with the same connection count and two threads each. Prints calls/s, latency percentiles, the
 * ratio to pgbench and the CPU the API and PostgreSQL spend per call. Settings: -Dbench.clients (16),
 * -Dbench.seconds (20), -Dbench.warmup-seconds (20, then on while the JIT compiles, up to
 * -Dbench.warmup-max-seconds, 120), -Dbench.users (200), -Dbench.phases=quick (only the wallet read, the balance-funded phases
 * and the SQL replays: for A/B work), -Dbench.profile=hot or settled (say where the time goes in the hot receiver's
 * phase or the settled balances' one, not the uniform one), -Dbench.api-args (the API's settings, space-separated
 * "--name=value"), -Dbench.pg-perf (PostgreSQL's CPU by code path in the profiled phase, by perf), -Dbench.groups
 * (1,4,16: the transfer's SQL replayed with
 * that many transfers per transaction, {@link GroupedTransferSql}; empty for none), -Dbench.groups-without (parts of
 * {@link GroupedTransferSql.Part}, "key,reads,limits,ledger,carry,audit": for each, the SQL in groups of four with
 * every part, then without that one, and what it costs PostgreSQL; empty for none), -Dbench.pg-config (settings of the
 * bench's PostgreSQL for a diagnosis, "name=value;name=value": auto_explain, log_lock_waits).
 */
public final class TransferBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private static final Pattern WRK_RESULT = Pattern.compile("RESULT requests=(\\d+) micros=(\\d+) errors=(\\d+)"
            + " p50=(\\d+) p95=(\\d+) p99=(\\d+) max=(\\d+) statuses=(\\S*)");

    /** One phase's figures: wrk's latency percentiles are over every response, so the statuses are printed too. */
    record Result(
            String name,
            long ok,
            Map<Integer, Long> statuses,
            long socketErrors,
            double perSecond,
            double p50,
            double p95,
            double p99,
            CpuMeter.Used cpu) {}

    public static void main(String[] args) throws Exception {
        // mvn -Pbench runs every benchmark in Maven's JVM, each in a class loader of its own: only one Tomcat may
        // register its URL handler factory with the JVM
        org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
        com.wallet.stack.BenchResults.start("transfers (TransferBench)");
        int clients = Integer.getInteger("bench.clients", 16);
        Duration duration = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
        int userCount = Integer.getInteger("bench.users", 200);
        String pgbench = findTool("pgbench", "/usr/lib/postgresql/*/bin/pgbench");
        String wrk = findTool("wrk", null);

        Path dir = Files.createTempDirectory("wallet-bench-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int pgPort = Ports.free();
        PostgresServer postgres = new PostgresServer(dir.resolve("postgres"), pgPort, false, Duration.ofMinutes(2))
                // where the transfer's PostgreSQL time goes (Profile.statements); pgbench's reference pays it too
                .serverConfig("shared_preload_libraries", "pg_stat_statements")
                .serverConfig("pg_stat_statements.track", "all")
                // how often each statement is planned, and what planning costs
                .serverConfig("pg_stat_statements.track_planning", "on");
        // -Dbench.pg-config="name=value;name=value": server settings for a diagnosis (e.g. auto_explain), over these
        for (String setting : System.getProperty("bench.pg-config", "").split(";")) {
            if (!setting.isBlank()) {
                int eq = setting.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("bench.pg-config wants name=value: " + setting);
                }
                postgres.serverConfig(
                        setting.substring(0, eq).trim(),
                        setting.substring(eq + 1).trim());
            }
        }
        postgres.start();
        ConfigurableApplicationContext api = null;
        com.wallet.sim.PartnerSimulator sim = null;
        try {
            com.wallet.stack.BenchResults.out()
                    .printf(
                            "bench: %d clients, %d s per phase, %d users, PostgreSQL on port %d%n",
                            clients, duration.toSeconds(), userCount, pgPort);
            CpuMeter cpu = new CpuMeter(dir.resolve("postgres/data/postmaster.pid"));
            CpuMeter.Started pgbenchStart = cpu.start();
            double pgbenchTps = runPgbench(pgbench, pgPort, clients, duration);
            CpuMeter.Used pgbenchCpu = pgbenchStart.stop();

            // command-line arguments: they outrank application.yaml (builder "properties" would not)
            // the card network: the project's simulator in this JVM, its latency a knob per phase
            sim = com.wallet.sim.PartnerSimulator.start(0);
            List<String> apiArgs = new ArrayList<>(List.of(
                    "--spring.datasource.url=jdbc:postgresql://localhost:" + pgPort + "/wallet",
                    "--spring.datasource.username=" + PostgresServer.SUPERUSER,
                    "--spring.datasource.hikari.maximum-pool-size=" + (clients + 4),
                    "--server.port=0",
                    "--wallet.notifications.enabled=false",
                    "--wallet.partners.card.base-url=" + sim.baseUrl(),
                    "--wallet.partners.ach.base-url=" + sim.baseUrl(),
                    "--wallet.rate-limit.capacity=1000000000",
                    "--wallet.rate-limit.refill-per-second=1000000000",
                    "--wallet.rate-limit.sign-up.capacity=1000000",
                    "--logging.level.root=WARN",
                    "--logging.level.com.wallet=WARN"));
            // -Dbench.api-args="--wallet.transfers.group-max-running=2 ...": the API's settings for an A/B
            for (String arg : System.getProperty("bench.api-args", "").split(" ")) {
                if (!arg.isBlank()) {
                    apiArgs.add(arg);
                }
            }
            api = new SpringApplicationBuilder(TransferApiApplication.class)
                    .profiles("local")
                    .run(apiArgs.toArray(String[]::new));
            String base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
            Client client = new Client(base);
            List<Client.User> users = client.signUpMany(userCount, clients, pgPort);
            Path usersFile = dir.resolve("users.txt");
            Files.write(
                    usersFile, users.stream().map(u -> u.id() + " " + u.token()).toList());
            Path script = dir.resolve("api.lua");
            try (var in = TransferBench.class.getResourceAsStream("/bench/api.lua")) {
                Files.copy(in, script);
            }
            int cardClients = Integer.getInteger("bench.card-clients", 64);
            List<Client.User> payers = client.signUpCardPayers(Integer.getInteger("bench.card-payers", 200), clients);
            Path payersFile = dir.resolve("payers.txt");
            Files.write(
                    payersFile,
                    payers.stream().map(u -> u.id() + " " + u.token()).toList());
            Wrk load = new Wrk(wrk, script, usersFile, payersFile, base, clients, cpu);

            // long enough for the JIT: after 5 s the first transfer phase still paid ~2 ms of API CPU per transfer for
            // compilation (an A, B, A run measured 5.6, 3.4 and 3.4 ms), so earlier uniform figures were inflated
            // and then on, 10 s at a time, until the JIT compiles little (under a tenth of the API's CPU in the last
            // 10 s) or -Dbench.warmup-max-seconds (120) have gone: the first uniform phase after 20 s still spent 0.6
            // ms of its 1.4 ms of API CPU per transfer compiling (two runs, 2026-11-27), the later ones 0.02-0.15
            long warmedUp = Long.getLong("bench.warmup-seconds", 20);
            Result warmUp = load.run("warm-up", "transfers", Duration.ofSeconds(warmedUp), -1);
            while (warmUp.cpu().jitSeconds() > 0.1 * warmUp.cpu().jvmSeconds()
                    && warmedUp < Long.getLong("bench.warmup-max-seconds", 120)) {
                warmUp = load.run("warm-up, the JIT still compiling", "transfers", Duration.ofSeconds(10), -1);
                warmedUp += 10;
            }
            com.wallet.stack.BenchResults.out()
                    .printf(
                            "  warmed up for %d s; in its last part the JIT took %.0f%% of the API's CPU%n",
                            warmedUp,
                            100 * warmUp.cpu().jitSeconds() / warmUp.cpu().jvmSeconds());
            Result floor = load.run("GET /v1/me/wallet", "wallet", duration, -1);
            // -Dbench.profile=hot or settled: where the time goes in that phase instead of the uniform one
            String profiled = System.getProperty("bench.profile", "uniform");
            Path flameGraph = com.wallet.stack.BenchResults.file().resolveSibling("transfer-flamegraph.html");
            Profile profile = profiled.equals("uniform") ? Profile.start(pgPort, cpu, dir) : null;
            var groupSizes = api.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .summary("venmo.transfer.group.members");
            long groupsBefore = groupSizes.count();
            double membersBefore = groupSizes.totalAmount();
            Result uniform = load.run("transfers, uniform pairs", "transfers", duration, -1);
            String whereTimeGoes = profile == null ? "" : profile.stop(uniform.ok(), flameGraph, "uniform pairs");
            double membersPerGroup =
                    (groupSizes.totalAmount() - membersBefore) / Math.max(1, groupSizes.count() - groupsBefore);
            // group commit's A/B: the same phase with every payment posted alone, then grouped again (A, B, A)
            var transferService = api.getBean(com.wallet.api.transfer.TransferService.class);
            transferService.grouping(false);
            Result alone = load.run("uniform, each alone", "transfers", duration, -1);
            transferService.grouping(true);
            long againGroups = groupSizes.count();
            double againMembers = groupSizes.totalAmount();
            Result groupedAgain = load.run("uniform, grouped again", "transfers", duration, -1);
            double membersPerGroupAgain =
                    (groupSizes.totalAmount() - againMembers) / Math.max(1, groupSizes.count() - againGroups);
            String unsettledAfterUniform = unsettledShape(pgPort);
            // -Dbench.phases=quick: only the floor, the balance-funded phases and the SQL replay (for A/B work)
            boolean full = !"quick".equals(System.getProperty("bench.phases", "all"));
            Result untimed = null;
            Result timedAgain = null;
            if (full) {
                // what venmo_db_query_duration_seconds costs: the same phase with the statement timing off, then on
                // again (A, B, A: a difference that the second A shares is drift, not the timing)
                var queryTimings = api.getBean(com.wallet.api.web.QueryTimings.class);
                queryTimings.enabled(false);
                untimed = load.run("uniform, query timing off", "transfers", duration, -1);
                queryTimings.enabled(true);
                timedAgain = load.run("uniform, query timing on again", "transfers", duration, -1);
            }
            profile = profiled.equals("hot") ? Profile.start(pgPort, cpu, dir) : null;
            Result hot = load.run("transfers, one hot receiver", "transfers", duration, 0);
            if (profile != null) {
                whereTimeGoes = profile.stop(hot.ok(), flameGraph, "one hot receiver");
            }
            // the users above hold nothing but bank money that never settles (every debit they make stays unsettled,
            // so nearly every payment carries unsettled money, in ever smaller pieces as it goes round); in
            // production debits settle within days and most of a wallet is settled money. Every debit settles here
            // (as settlement's confirmation does it, Ledger.release) and each user gets $1,000 of settled money (a
            // settled top-up), and the same uniform load runs again: a payment from a settled balance, the common case
            String unsettledBeforeSettling = unsettledShape(pgPort);
            long released = settleEverything(pgPort, users, 100_000);
            profile = profiled.equals("settled") ? Profile.start(pgPort, cpu, dir) : null;
            Result settled = load.run("uniform, settled balances", "transfers", duration, -1);
            if (profile != null) {
                whereTimeGoes = profile.stop(settled.ok(), flameGraph, "uniform, settled balances");
            }
            String unsettledAfterSettled = unsettledShape(pgPort);
            Result card0 = null;
            Result card0Hot = null;
            Result card200 = null;
            Result card200Hot = null;
            if (full) {
                // card-funded: every payer's wallet is empty, so each transfer is charged at the card network first
                Wrk cards = load.withClients(cardClients);
                cards.run("warm-up (card)", "card", Duration.ofSeconds(5), -1);
                card0 = cards.run("card, distinct, 0 ms", "card", duration, -1);
                card0Hot = cards.run("card, one hot receiver, 0 ms", "card", duration, 1);
                sim.knobs()
                        .set(
                                com.wallet.sim.CallType.CARD_CHARGE,
                                com.wallet.sim.Knobs.Knob.NORMAL.withLatency(Duration.ofMillis(200)));
                card200 = cards.run("card, distinct, 200 ms", "card", duration, -1);
                card200Hot = cards.run("card, one hot receiver, 200 ms", "card", duration, 1);
                sim.knobs().reset();
            }
            CpuMeter.Started sqlStart = cpu.start();
            double sqlTps = runTransferSql(pgbench, pgPort, clients, duration, dir);
            CpuMeter.Used sqlCpu = sqlStart.stop();
            // group commit's shape, measured before it is built: the same statements, each for a group of transfers
            List<Grouped> grouped = new ArrayList<>();
            for (String size : System.getProperty("bench.groups", "1,4,16").split(",")) {
                if (!size.isBlank()) {
                    grouped.add(runGroupedSql(
                            pgbench,
                            pgPort,
                            clients,
                            duration,
                            dir,
                            Integer.parseInt(size.strip()),
                            java.util.EnumSet.noneOf(GroupedTransferSql.Part.class),
                            cpu));
                }
            }
            // what each part of a group's transaction costs PostgreSQL: for each part, the group of four with every
            // part, then without that one, right after (-Dbench.groups-without=key,reads,limits,ledger,carry,audit):
            // consecutive runs of the same script differ by a fifth or more here, so each part is measured against
            // the run just before it
            List<Grouped> ablated = new ArrayList<>();
            String parts = System.getProperty("bench.groups-without", "");
            if (!parts.isBlank()) {
                for (String part : parts.split(",")) {
                    GroupedTransferSql.Part left =
                            GroupedTransferSql.Part.valueOf(part.strip().toUpperCase(java.util.Locale.ROOT));
                    for (var without : List.of(
                            java.util.EnumSet.noneOf(GroupedTransferSql.Part.class), java.util.EnumSet.of(left))) {
                        ablated.add(
                                runGroupedSql(pgbench, pgPort, clients, duration, dir, ABLATED_GROUP, without, cpu));
                    }
                }
            }

            com.wallet.stack.BenchResults.out().println();
            // CPU per request: what each side spends on one transaction or call, the figure that decides the ratio on
            // a machine whose cores are all busy
            var out = com.wallet.stack.BenchResults.out();
            out.printf(
                    "%-30s %10s %8s %8s %8s %6s %11s %11s%n",
                    "workload", "per second", "p50 ms", "p95 ms", "p99 ms", "ratio", "API cpu ms", "PG cpu ms");
            out.printf(
                    "%-30s %10.0f %8s %8s %8s %6s %11s %11.3f%n",
                    "pgbench TPC-B-like",
                    pgbenchTps,
                    "-",
                    "-",
                    "-",
                    "1.00",
                    "-",
                    pgbenchCpu.postgresSeconds() * 1e3 / (pgbenchTps * pgbenchCpu.wallSeconds()));
            out.printf(
                    "%-30s %10.0f %8s %8s %8s %6.2f %11s %11.3f%n",
                    "the transfer's SQL, by pgbench",
                    sqlTps,
                    "-",
                    "-",
                    "-",
                    sqlTps / pgbenchTps,
                    "-",
                    sqlCpu.postgresSeconds() * 1e3 / (sqlTps * sqlCpu.wallSeconds()));
            for (Grouped g : grouped) {
                out.printf(
                        "%-30s %10.0f %8s %8s %8s %6.2f %11s %11.3f%n",
                        g.label(),
                        g.transfersPerSecond(),
                        "-",
                        "-",
                        "-",
                        g.transfersPerSecond() / pgbenchTps,
                        "-",
                        g.postgresMs());
                out.printf(
                        "  %d pgbench clients, %.0f transactions/s, %d retried after a deadlock; cores busy: PostgreSQL"
                                + " %.2f%n",
                        g.clients(),
                        g.transfersPerSecond() / g.members(),
                        g.retried(),
                        g.cpu().postgresSeconds() / g.cpu().wallSeconds());
            }
            List<Result> results = new ArrayList<>(List.of(floor, uniform, alone, groupedAgain, hot, settled));
            if (full) {
                results.addAll(List.of(untimed, timedAgain, card0, card0Hot, card200, card200Hot));
            }
            for (Result r : results) {
                out.printf(
                        "%-30s %10.0f %8.1f %8.1f %8.1f %6.2f %11.3f %11.3f%n",
                        r.name(),
                        r.perSecond(),
                        r.p50(),
                        r.p95(),
                        r.p99(),
                        r.perSecond() / pgbenchTps,
                        r.cpu().jvmSeconds() * 1e3 / r.ok(),
                        r.cpu().postgresSeconds() * 1e3 / r.ok());
                out.printf(
                        "  responses by status: %s, socket errors: %d; cores busy: API JVM %.2f, PostgreSQL %.2f;"
                                + " of the API cpu ms, JIT compiling %.3f%n",
                        r.statuses(),
                        r.socketErrors(),
                        r.cpu().jvmSeconds() / r.cpu().wallSeconds(),
                        r.cpu().postgresSeconds() / r.cpu().wallSeconds(),
                        r.cpu().jitSeconds() * 1e3 / r.ok());
                out.printf("  of the PG cpu ms, %s%n", postgresParts(r.cpu().postgresParts(), r.ok()));
            }
            out.printf(
                    "one hot receiver / uniform pairs %.2f (target >= 0.9)%n", hot.perSecond() / uniform.perSecond());
            out.printf(
                    "group commit (uniform pairs, %.1f and %.1f payments per group): API cpu ms %.3f grouped, %.3f"
                            + " alone, %.3f grouped again; PG cpu ms %.3f, %.3f, %.3f; per second %.0f, %.0f, %.0f%n",
                    membersPerGroup,
                    membersPerGroupAgain,
                    uniform.cpu().jvmSeconds() * 1e3 / uniform.ok(),
                    alone.cpu().jvmSeconds() * 1e3 / alone.ok(),
                    groupedAgain.cpu().jvmSeconds() * 1e3 / groupedAgain.ok(),
                    uniform.cpu().postgresSeconds() * 1e3 / uniform.ok(),
                    alone.cpu().postgresSeconds() * 1e3 / alone.ok(),
                    groupedAgain.cpu().postgresSeconds() * 1e3 / groupedAgain.ok(),
                    uniform.perSecond(),
                    alone.perSecond(),
                    groupedAgain.perSecond());
            out.printf(
                    "settled balances / unsettled (uniform pairs): %.2f of the rate, API cpu ms %.3f against %.3f,"
                            + " PG cpu ms %.3f against %.3f%n",
                    settled.perSecond() / uniform.perSecond(),
                    settled.cpu().jvmSeconds() * 1e3 / settled.ok(),
                    uniform.cpu().jvmSeconds() * 1e3 / uniform.ok(),
                    settled.cpu().postgresSeconds() * 1e3 / settled.ok(),
                    uniform.cpu().postgresSeconds() * 1e3 / uniform.ok());
            if (full) {
                out.printf(
                        "card-funded: one hot receiver / distinct receivers %.2f at 0 ms, %.2f at 200 ms (target >="
                                + " 0.8); distinct at 0 ms / balance-funded uniform %.2f (target >= 0.5)%n",
                        card0Hot.perSecond() / card0.perSecond(),
                        card200Hot.perSecond() / card200.perSecond(),
                        card0.perSecond() / uniform.perSecond());
                out.printf(
                        "statement timing (venmo_db_query_duration_seconds): API cpu ms per transfer %.3f with, %.3f"
                                + " without, %.3f with again%n",
                        uniform.cpu().jvmSeconds() * 1e3 / uniform.ok(),
                        untimed.cpu().jvmSeconds() * 1e3 / untimed.ok(),
                        timedAgain.cpu().jvmSeconds() * 1e3 / timedAgain.ok());
            }
            List<BenchPlot.Row> plotted = new ArrayList<>();
            plotted.add(new BenchPlot.Row("pgbench TPC-B-like", pgbenchTps, Double.NaN));
            plotted.add(new BenchPlot.Row("transfer's SQL, pgbench", sqlTps, Double.NaN));
            grouped.forEach(g -> plotted.add(
                    new BenchPlot.Row("SQL, " + g.members() + " per transaction", g.transfersPerSecond(), Double.NaN)));
            results.forEach(r -> plotted.add(new BenchPlot.Row(r.name(), r.perSecond(), r.p99())));
            Path png = com.wallet.stack.BenchResults.file().resolveSibling("transfer-bench.png");
            BenchPlot.write(
                    png,
                    String.format(
                            "TransferBench %s: %d clients, %d s per phase (pgbench %.0f tps)",
                            java.time.LocalDate.now(), clients, duration.toSeconds(), pgbenchTps),
                    plotted);
            out.printf("plot: %s%n", png.getFileName());
            out.print(whereTimeGoes);
            grouped.forEach(g -> out.print(g.statements()));
            if (!ablated.isEmpty()) {
                out.printf(
                        "what each part of a group's transaction costs PostgreSQL (the SQL, %d per transaction, by"
                                + " pgbench, %d clients; each part: every part, then without it, right after; PG cpu ms"
                                + " per transfer):%n",
                        ABLATED_GROUP, ablated.get(0).clients());
                for (int i = 0; i < ablated.size(); i += 2) {
                    Grouped all = ablated.get(i);
                    Grouped without = ablated.get(i + 1);
                    double saved = all.postgresMs() - without.postgresMs();
                    out.printf(
                            "  %-8s every part %.3f (%.0f transfers/s), without it %.3f (%.0f/s): it costs %.3f"
                                    + " (%.0f%%)%n",
                            without.without().iterator().next().name().toLowerCase(java.util.Locale.ROOT),
                            all.postgresMs(),
                            all.transfersPerSecond(),
                            without.postgresMs(),
                            without.transfersPerSecond(),
                            saved,
                            100 * saved / all.postgresMs());
                }
            }
            com.wallet.stack.BenchResults.out().println("ledger check: " + ledgerCheck(pgPort));
            com.wallet.stack.BenchResults.out()
                    .println("unsettled funds after uniform pairs: " + unsettledAfterUniform);
            com.wallet.stack.BenchResults.out()
                    .println("unsettled funds before every debit settled: " + unsettledBeforeSettling);
            com.wallet.stack.BenchResults.out()
                    .printf(
                            "settled: %d unsettled-funds rows released; after the settled-balances phase: %s%n",
                            released, unsettledAfterSettled);
        } finally {
            if (api != null) {
                api.close();
            }
            if (sim != null) {
                // its HTTP server's thread would keep Maven's JVM waiting after a failure
                sim.close();
            }
            postgres.close();
        }
    }

    /**
     * PostgreSQL's CPU per call by kind of process: what the clients' backends spend, and what the server spends beside
     * them (WAL writer, checkpointer, background writer; autovacuum workers, counted when they end).
     */
    static String postgresParts(CpuMeter.PostgresCpu parts, double calls) {
        return String.format(
                "client backends %.3f, background processes %.3f, autovacuum and other ended processes %.3f",
                parts.clients() * 1e3 / calls, parts.background() * 1e3 / calls, parts.reaped() * 1e3 / calls);
    }

    /**
     * CPU time of this JVM (the API; wrk and pgbench are processes of their own) and of the PostgreSQL server (the
     * postmaster and its backends, read from /proc), over a phase.
     */
    record CpuMeter(Path postmasterPidFile) {

        /**
         * The CPU a phase used, in seconds, and the phase's wall time; {@code jitSeconds} is the part of the JVM's
         * spent by its JIT compiler threads (code still being compiled: gone once the code is warm).
         */
        record Used(
                double wallSeconds,
                double jvmSeconds,
                double jitSeconds,
                double postgresSeconds,
                PostgresCpu postgresParts) {}

        /**
         * PostgreSQL's CPU seconds by kind of process: the backends serving clients, the live background processes
         * (the postmaster itself, WAL writer, checkpointer, background writer, launchers) and the children reaped
         * since the server started (the postmaster's {@code cutime + cstime}: in a phase whose clients keep their
         * connections, the autovacuum workers, which end after each table).
         */
        record PostgresCpu(double clients, double background, double reaped) {
            double total() {
                return clients + background + reaped;
            }

            PostgresCpu minus(PostgresCpu before) {
                return new PostgresCpu(
                        clients - before.clients, background - before.background, reaped - before.reaped);
            }
        }

        /** The counters at a phase's start. */
        record Started(CpuMeter meter, long nanos, double jvmSeconds, double jitSeconds, PostgresCpu postgres) {
            Used stop() throws IOException {
                PostgresCpu parts = meter.postgresCpu().minus(postgres);
                return new Used(
                        (System.nanoTime() - nanos) / 1e9,
                        processSeconds() - jvmSeconds,
                        Math.max(0, compilerSeconds() - jitSeconds),
                        parts.total(),
                        parts);
            }
        }

        Started start() throws IOException {
            return new Started(this, System.nanoTime(), processSeconds(), compilerSeconds(), postgresCpu());
        }

        /**
         * CPU seconds of this JVM's JIT compiler threads (C1 and C2) so far: of the live ones (HotSpot ends idle
         * compiler threads, and their time with them), so a phase's figure is a floor.
         */
        static double compilerSeconds() throws IOException {
            return Profile.ticksByThread().entrySet().stream()
                            .filter(e -> e.getKey().contains("CompilerThre"))
                            .mapToLong(Map.Entry::getValue)
                            .sum()
                    / (double) CLOCK_TICKS;
        }

        static double processSeconds() {
            return ((com.sun.management.OperatingSystemMXBean)
                                    java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime()
                    / 1e9;
        }

        /**
         * The postmaster's and its live children's (the backends and background processes) {@code /proc/<pid>/stat}
         * fields after the command name (which is in parentheses and may hold spaces), by pid, the postmaster first.
         */
        private Map<Long, String[]> postgresProcesses() throws IOException {
            long postmaster =
                    Long.parseLong(Files.readAllLines(postmasterPidFile).get(0).trim());
            Map<Long, String[]> processes = new java.util.LinkedHashMap<>();
            processes.put(postmaster, null);
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .toList()) {
                    String stat;
                    try {
                        stat = Files.readString(proc.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(proc.getFileName().toString());
                    if (pid == postmaster || Long.parseLong(f[1]) == postmaster) {
                        processes.put(pid, f);
                    }
                }
            }
            return processes;
        }

        /** The postmaster's pid and its children's. */
        List<Long> postgresPids() throws IOException {
            return List.copyOf(postgresProcesses().keySet());
        }

        /** utime + stime of the postmaster and its live children (and of its reaped children), in seconds. */
        double postgresSeconds() throws IOException {
            return postgresCpu().total();
        }

        /** The same, by kind of process (a client backend's title names its user, database and client address). */
        PostgresCpu postgresCpu() throws IOException {
            long clients = 0;
            long background = 0;
            long reaped = 0;
            boolean postmaster = true;
            for (var p : postgresProcesses().entrySet()) {
                String[] f = p.getValue();
                if (f != null) {
                    long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (postmaster) {
                        background += own;
                        reaped += Long.parseLong(f[13]) + Long.parseLong(f[14]);
                    } else if (isClientBackend(p.getKey())) {
                        clients += own;
                    } else {
                        background += own;
                    }
                }
                postmaster = false;
            }
            return new PostgresCpu(
                    clients / (double) CLOCK_TICKS, background / (double) CLOCK_TICKS, reaped / (double) CLOCK_TICKS);
        }

        /** A client backend's title: "postgres: user database host(port) state" (PostgreSQL's process title). */
        private static boolean isClientBackend(long pid) {
            try {
                String title = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")))
                        .replace('\0', ' ')
                        .trim();
                return title.matches("postgres: \\S+ \\S+ (\\S+\\(\\d+\\)|\\[local\\]).*");
            } catch (IOException gone) {
                return false;
            }
        }
    }

    /**
     * PostgreSQL's statements since the last {@code pg_stat_statements_reset()}, top level and nested, by total
     * execution time: calls, plans and milliseconds per transfer, the {@code top} largest, and any other statement run
     * at least once per ten transfers that was planned at least every other call.
     */
    static String statementTimes(int pgPort, double transfers, String phase, int top) throws SQLException {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%nwhere a transfer's PostgreSQL time goes (%s, pg_stat_statements,"
                        + " execution time per transfer; top level and nested):%n",
                phase));
        try (Connection c = Profile.connect(pgPort);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT calls, total_exec_time,"
                        + " regexp_replace(query, '\\s+', ' ', 'g'), plans, total_plan_time FROM pg_stat_statements"
                        + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'wallet')"
                        + " ORDER BY total_exec_time DESC")) {
            double totalMs = 0;
            long totalCalls = 0;
            double planMs = 0;
            long plans = 0;
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                totalMs += rs.getDouble(2);
                totalCalls += rs.getLong(1);
                plans += rs.getLong(4);
                planMs += rs.getDouble(5);
                boolean replanned = rs.getLong(1) >= transfers / 10 && rs.getLong(4) >= rs.getLong(1) / 2;
                if (rows.size() < top || replanned) {
                    String query = rs.getString(3);
                    rows.add(String.format(
                            "  %6.2f calls %5.2f plans %8.3f ms  %s%n",
                            rs.getLong(1) / transfers,
                            rs.getLong(4) / transfers,
                            rs.getDouble(2) / transfers,
                            query.length() > 110 ? query.substring(0, 110) + "..." : query));
                }
            }
            out.append(String.format(
                    "  all: %.1f statements, %.3f ms executing per transfer (lock waits included); planned %.1f times,"
                            + " %.3f ms planning per transfer%n",
                    totalCalls / transfers, totalMs / transfers, plans / transfers, planMs / transfers));
            rows.forEach(out::append);
        }
        return out.toString();
    }

    /** The counters of {@code pg_stat_user_tables} (inserted, updated, HOT, deleted) by table, to diff a phase by. */
    static Map<String, long[]> tableCounters(int pgPort) throws SQLException {
        Map<String, long[]> counters = new TreeMap<>();
        try (Connection c = Profile.connect(pgPort);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT t.relname, t.n_tup_ins, t.n_tup_upd, t.n_tup_hot_upd, t.n_tup_del,"
                        + " (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid) FROM pg_stat_user_tables t")) {
            while (rs.next()) {
                counters.put(
                        rs.getString(1),
                        new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)});
            }
        }
        return counters;
    }

    /**
     * The rows each table gained, changed and lost per transfer since {@code before} ({@code pg_stat_user_tables}, not
     * reset, as autovacuum decides by its counters; a backend reports its counts within a second, so the last second's
     * may be missing), with the share of updates that were HOT (written beside the old version, no index entry), and
     * the index entries that makes at most: a row inserted or updated other than HOT enters every index of its table (a
     * partial index only when the row matches it, hence "at most").
     */
    static String rowsWritten(int pgPort, Map<String, long[]> before, double transfers, String phase)
            throws SQLException {
        StringBuilder out = new StringBuilder(String.format(
                "rows written per transfer (%s, pg_stat_user_tables: inserted, updated (HOT share), deleted;"
                        + " index entries at most):%n",
                phase));
        double rows = 0;
        double entries = 0;
        List<Map.Entry<Long, String>> lines = new ArrayList<>();
        for (Map.Entry<String, long[]> table : tableCounters(pgPort).entrySet()) {
            long[] now = table.getValue();
            long[] then = before.getOrDefault(table.getKey(), new long[5]);
            long ins = now[0] - then[0];
            long upd = now[1] - then[1];
            long hot = now[2] - then[2];
            long del = now[3] - then[3];
            long indexes = now[4];
            if (ins + upd + del <= 0) {
                continue;
            }
            double tableEntries = (ins + upd - hot) * indexes / transfers;
            rows += (ins + upd + del) / transfers;
            entries += tableEntries;
            lines.add(Map.entry(
                    ins + upd + del,
                    String.format(
                            "  %6.2f ins %6.2f upd (%3.0f%% HOT) %6.2f del %6.2f index entries (%d indexes)  %s%n",
                            ins / transfers,
                            upd / transfers,
                            upd == 0 ? 0.0 : hot * 100.0 / upd,
                            del / transfers,
                            tableEntries,
                            indexes,
                            table.getKey())));
        }
        out.append(String.format("  all: %.1f rows written, %.1f index entries at most%n", rows, entries));
        lines.stream()
                .sorted(Map.Entry.<Long, String>comparingByKey().reversed())
                .forEach(line -> out.append(line.getValue()));
        return out.toString();
    }

    /**
     * Where a phase's time goes, per successful call: PostgreSQL's statements by total execution time
     * ({@code pg_stat_statements}, reset at the start), the API JVM's CPU by thread (from /proc: request threads, JIT
     * compiler, GC) and, where async-profiler loads (Linux x64), by the code on the sampled stacks, with a flame graph
     * written beside {@code bench/results.txt}. JFR's execution samples are not used: they miss the time threads spend
     * in the VM and in native code, which was most of it here.
     */
    record Profile(
            int pgPort,
            Object profiler,
            Map<String, Long> threadTicks,
            Map<String, long[]> tables,
            Process perf,
            Path perfData) {

        /** CPU ticks of this JVM's threads (Java's and the VM's own: GC, JIT) by name, digits dropped, from /proc. */
        static Map<String, Long> ticksByThread() throws IOException {
            Map<String, Long> ticks = new TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                }
            }
            return ticks;
        }

        static Profile start(int pgPort, CpuMeter cpu, Path dir) throws SQLException, IOException {
            try (Connection c = connect(pgPort);
                    Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.execute("SELECT pg_stat_statements_reset()");
            }
            Object profiler = null;
            try {
                // by reflection: async-profiler is on the classpath of the bench profile only
                profiler = Class.forName("one.profiler.AsyncProfiler")
                        .getMethod("getInstance")
                        .invoke(null);
                try {
                    asyncProfiler(profiler, "start,event=cpu,interval=1ms,threads");
                } catch (ReflectiveOperationException perfEventsRefused) {
                    asyncProfiler(profiler, "start,event=itimer,interval=1ms,threads");
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException unavailable) {
                profiler = null;
            }
            // -Dbench.pg-perf: PostgreSQL's CPU by code path too, sampled by perf (Debian's linux-perf) on the
            // postmaster and its backends for the phase's first 10 s; DWARF unwinding, as zonky's binaries keep their
            // symbols but have no frame pointers
            Process perf = null;
            Path perfData = dir.resolve("postgres.perf");
            if (Boolean.getBoolean("bench.pg-perf")) {
                String tool;
                try {
                    tool = findTool("perf", null);
                } catch (IllegalStateException absent) {
                    throw new IllegalStateException("-Dbench.pg-perf needs perf: apt-get install linux-perf", absent);
                }
                List<String> command = new ArrayList<>(
                        List.of(tool, "record", "-q", "-F", "499", "--call-graph", "dwarf,16384", "-o"));
                command.add(perfData.toString());
                command.add("-p");
                command.add(String.join(
                        ",", cpu.postgresPids().stream().map(String::valueOf).toList()));
                command.addAll(List.of("--", "sleep", "10"));
                perf = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("perf-record.log").toFile())
                        .start();
            }
            return new Profile(pgPort, profiler, ticksByThread(), tableCounters(pgPort), perf, perfData);
        }

        /**
         * PostgreSQL's CPU by code path, from perf's samples: the inclusive share (a sample counts for every function
         * on its stack) of the functions that mark where a statement's work goes.
         */
        private String postgresByCodePath(String phase) throws Exception {
            if (perf.waitFor() != 0) {
                return "perf record failed: "
                        + Files.readString(perfData.resolveSibling("perf-record.log"))
                                .strip() + "\n";
            }
            Process report = new ProcessBuilder(
                            findTool("perf", null),
                            "report",
                            "-i",
                            perfData.toString(),
                            "--children",
                            "--sort",
                            "symbol",
                            "--stdio",
                            "-g",
                            "none")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String lines = new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            report.waitFor();
            Files.deleteIfExists(perfData); // about 8 MB a second of samples with their stacks
            Map<String, String> paths = new java.util.LinkedHashMap<>();
            paths.put("AfterTriggerEndQuery", "statement triggers (run after each statement)");
            paths.put("fmgr_security_definer", "  the ledger's SECURITY DEFINER trigger functions");
            paths.put("standard_ExecutorStart", "executor start-up (per statement)");
            paths.put("PortalStart", "portal start (per statement)");
            paths.put("GetCachedPlan", "plan cache checks (per statement)");
            paths.put("standard_ExecutorEnd", "executor end (per statement)");
            paths.put("ExecInsertIndexTuples", "index inserts");
            paths.put("index_getnext_slot", "index lookups");
            paths.put("ExecConstraints", "CHECK constraints");
            paths.put("stringToNode", "  re-reading stored expressions (constraints, once per statement)");
            paths.put("RI_FKey_check", "foreign-key checks");
            paths.put("XLogInsertRecord", "WAL records");
            paths.put("entry_SYSCALL_64_after_hwframe", "system calls (sockets, WAL writes)");
            Map<String, Double> shares = new java.util.HashMap<>();
            Matcher m = Pattern.compile("(?m)^\\s*([0-9.]+)%\\s+[0-9.]+%\\s+\\[[.k]\\]\\s+(\\S+)")
                    .matcher(lines);
            while (m.find()) {
                shares.merge(m.group(2), Double.parseDouble(m.group(1)), Math::max);
            }
            StringBuilder out = new StringBuilder(String.format(
                    "where PostgreSQL's CPU goes (%s, perf, first 10 s, inclusive share of its samples):%n", phase));
            paths.forEach((symbol, label) ->
                    out.append(String.format("  %5.1f%%  %s%n", shares.getOrDefault(symbol, 0.0), label)));
            return out.toString();
        }

        private static String asyncProfiler(Object profiler, String command) throws ReflectiveOperationException {
            return (String)
                    profiler.getClass().getMethod("execute", String.class).invoke(profiler, command);
        }

        String stop(long calls, Path flameGraph, String phase) throws Exception {
            Map<String, Long> ticks = ticksByThread();
            threadTicks.forEach((name, before) -> ticks.merge(name, -before, Long::sum));
            String collapsed = null;
            if (profiler != null) {
                asyncProfiler(profiler, "stop");
                collapsed = asyncProfiler(profiler, "collapsed,total");
                if (System.getProperty("bench.collapsed") != null) {
                    Files.writeString(Path.of(System.getProperty("bench.collapsed")), collapsed);
                }
                asyncProfiler(
                        profiler,
                        "flamegraph,total,title=TransferBench: " + phase.replace(",", "") + ",file=" + flameGraph);
            }
            StringBuilder out = new StringBuilder(statementTimes(pgPort, calls, phase, 14));
            out.append(rowsWritten(pgPort, tables, calls, phase));
            if (perf != null) {
                out.append(postgresByCodePath(phase));
            }
            out.append(String.format("where the API's CPU goes (%s, /proc per thread, ms per transfer):%n", phase));
            ticks.entrySet().stream()
                    .filter(en -> en.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(8)
                    .forEach(en -> out.append(
                            String.format("  %7.3f  %s%n", en.getValue() * 1e3 / CLOCK_TICKS / calls, en.getKey())));
            if (collapsed != null) {
                out.append(breakdown(collapsed, calls, flameGraph));
            }
            return out.toString();
        }

        /**
         * The request threads' samples by what they were doing: the first frame of the project's or a library's
         * that names a step of the request, inclusive (a sample counts for each step on its stack).
         */
        private static String breakdown(String collapsed, long calls, Path flameGraph) {
            Map<String, String> steps = new java.util.LinkedHashMap<>();
            steps.put("com/wallet/api/transfer/TransferController.send", "the transfer controller (all below)");
            steps.put("com/wallet/api/transfer/TransferService.send", "  the payment, alone or in a group");
            steps.put("com/wallet/api/transfer/GroupCommit", "    group commit (queueing, leading a group)");
            steps.put("com/wallet/api/transfer/TransferService.sendGroup", "      a group's transaction");
            steps.put("com/wallet/api/transfer/TransferService.doSend", "    a payment's transaction, alone");
            steps.put("com/wallet/api/idempotency/IdempotentExecutor", "    idempotency (claim, store)");
            steps.put("com/wallet/api/web/RateLimiter.acquire", "  rate limit (bucket4j)");
            steps.put("org/springframework/transaction", "  Spring transactions (begin, commit)");
            steps.put("org/postgresql", "  PostgreSQL JDBC driver");
            steps.put("com/zaxxer/hikari", "  HikariCP");
            steps.put("net/ttddyy/dsproxy", "  datasource-proxy (query timing)");
            steps.put("org/springframework/security", "Spring Security filters");
            steps.put("BearerTokenAuthenticationFilter", "  bearer token");
            steps.put("tools/jackson", "Jackson");
            steps.put("io/micrometer", "Micrometer (metrics, observations)");
            steps.put("ch/qos/logback", "Logback");
            steps.put("org/apache/coyote", "Tomcat connector (HTTP parsing, socket I/O)");
            Map<String, Long> counts = new java.util.HashMap<>();
            long total = 0; // nanoseconds of CPU ("total" counts the event's value, not samples)
            for (String line : collapsed.split("\n")) {
                int space = line.lastIndexOf(' ');
                if (space < 0 || !line.startsWith("[http-nio")) {
                    continue;
                }
                long n = Long.parseLong(line.substring(space + 1));
                total += n;
                String stack = line.substring(0, space);
                for (String marker : steps.keySet()) {
                    if (stack.contains(marker)) {
                        counts.merge(marker, n, Long::sum);
                    }
                }
            }
            StringBuilder out = new StringBuilder(String.format(
                    "where the request threads' CPU goes (async-profiler, %.0f ms of CPU sampled, inclusive, ms per"
                            + " transfer; flame graph: %s):%n",
                    total / 1e6, flameGraph.getFileName()));
            long all = Math.max(total, 1);
            for (var step : steps.entrySet()) {
                long n = counts.getOrDefault(step.getKey(), 0L);
                out.append(String.format("  %5.1f%%  %6.3f  %s%n", 100.0 * n / all, n / 1e6 / calls, step.getValue()));
            }
            return out.toString();
        }

        static Connection connect(int port) throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "");
        }
    }

    /** USER_HZ: the unit of /proc's CPU times, 100 on every Linux this runs on. */
    private static final int CLOCK_TICKS = 100;

    /** wrk with the bench script: one phase, parsed from the script's RESULT line. */
    record Wrk(String command, Path script, Path usersFile, Path payersFile, String base, int clients, CpuMeter cpu) {
        Wrk withClients(int count) {
            return new Wrk(command, script, usersFile, payersFile, base, count, cpu);
        }

        Result run(String name, String mode, Duration duration, int hotReceiver) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(
                            command,
                            "-t",
                            "2",
                            "-c",
                            Integer.toString(clients),
                            "-d",
                            duration.toSeconds() + "s",
                            "--timeout",
                            "10s",
                            "-s",
                            script.toString(),
                            base)
                    .redirectErrorStream(true);
            builder.environment().put("BENCH_USERS", usersFile.toString());
            builder.environment().put("BENCH_PAYERS", payersFile.toString());
            builder.environment().put("BENCH_HOT", Integer.toString(hotReceiver));
            builder.environment().put("BENCH_RUN", UUID.randomUUID().toString());
            builder.environment().put("BENCH_MODE", mode);
            CpuMeter.Started started = cpu.start();
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
            CpuMeter.Used used = started.stop();
            Matcher m = WRK_RESULT.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no RESULT line in wrk's output:\n" + out);
            }
            double seconds = Long.parseLong(m.group(2)) / 1e6;
            Map<Integer, Long> statuses = new TreeMap<>();
            for (String part : m.group(8).split(",")) {
                if (!part.isEmpty()) {
                    String[] kv = part.split(":");
                    statuses.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
                }
            }
            long ok = statuses.getOrDefault("wallet".equals(mode) ? 200 : 201, 0L);
            if (ok == 0) {
                throw new IllegalStateException(name + ": no successful call; statuses " + statuses);
            }
            Result result = new Result(
                    name,
                    ok,
                    statuses,
                    Long.parseLong(m.group(3)),
                    ok / seconds,
                    Long.parseLong(m.group(4)) / 1e3,
                    Long.parseLong(m.group(5)) / 1e3,
                    Long.parseLong(m.group(6)) / 1e3,
                    used);
            com.wallet.stack.BenchResults.out()
                    .printf("  %s: %d successful calls in %.1f s, statuses %s%n", name, ok, seconds, statuses);
            return result;
        }
    }

    /** pgbench's own TPC-B-like load, on a database of its own (scale 10). */
    private static double runPgbench(String pgbench, int port, int clients, Duration duration) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE pgbench");
        }
        exec(
                pgbench,
                "-i",
                "-q",
                "-s",
                "10",
                "-h",
                "localhost",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "pgbench");
        double tps = pgbenchTps(pgbench, port, clients, duration, "pgbench");
        com.wallet.stack.BenchResults.out().printf("  pgbench TPC-B-like: %.0f tps%n", tps);
        return tps;
    }

    /**
     * The transfer's own statements ({@code bench/transfer.sql}) replayed by pgbench on the API's database, between
     * 200 users of their own (inserted here, each with a wallet holding $10,000 of unsettled bank money, a verified
     * default bank account and a rate-limit bucket), so their history starts empty as the API phases' did: what
     * PostgreSQL alone does with transfers, without HTTP or a JVM.
     */
    private static double runTransferSql(String pgbench, int port, int clients, Duration duration, Path dir)
            throws Exception {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_users (n int PRIMARY KEY, id uuid NOT NULL, bank uuid NOT NULL,"
                    + " account bigint, bucket text NOT NULL)");
            s.execute("INSERT INTO bench_users (n, id, bank, bucket) SELECT g, gen_random_uuid(), gen_random_uuid(),"
                    + " 'replay-' || g FROM generate_series(1, " + REPLAY_USERS + ") g");
            s.execute("INSERT INTO rate_limit_buckets (id, state, expires_at) SELECT bucket, '\\x00', 9000000000000"
                    + " FROM bench_users");
            s.execute("INSERT INTO users (id, username, email, password_hash, display_name)"
                    + " SELECT id, 'replay_' || n, 'replay_' || n || '@example.com', 'x', 'Replay ' || n"
                    + " FROM bench_users");
            s.execute("INSERT INTO ledger_accounts (kind, user_id) SELECT 'wallet', id FROM bench_users");
            s.execute("UPDATE bench_users b SET account = a.id FROM ledger_accounts a WHERE a.user_id = b.id");
            s.execute("INSERT INTO payment_methods (id, user_id, type, last4, routing_number, number_encrypted,"
                    + " account_type, verified, is_default) SELECT bank, id, 'bank', '6789', '091000019', '\\x00',"
                    + " 'checking', true, true"
                    + " FROM bench_users");
            // $10,000 each, all of it from bank debits that have not settled (200 of them, in every wallet), posted
            // as a top-up so the ledger still balances: the API phases' users hold their money the same way
            s.execute(
                    "INSERT INTO ledger_entries (id, kind) VALUES ('00000000-0000-0000-0000-0000000bec01', 'top_up')");
            s.execute(
                    "INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                            + " SELECT '00000000-0000-0000-0000-0000000bec01'::uuid, account, 1000000 FROM bench_users"
                            + " UNION ALL SELECT '00000000-0000-0000-0000-0000000bec01'::uuid, 1, -1000000 * count(*) FROM bench_users");
            s.execute("INSERT INTO unsettled_funds (account_id, debit_id, amount_cents) SELECT b.account, d.id, 5000"
                    + " FROM bench_users b, (SELECT gen_random_uuid() AS id FROM generate_series(1, 200)) d");
            // statistics for the rows just loaded, as autovacuum would gather them a little later (without them
            // the planner takes the 40,000 unsettled-funds rows for an empty table and scans all of them)
            s.execute("ANALYZE");
        }
        Path script = dir.resolve("transfer.sql");
        try (var in = TransferBench.class.getResourceAsStream("/bench/transfer.sql")) {
            Files.copy(in, script);
        }
        double tps = pgbenchTps(pgbench, port, clients, duration, "wallet", "-f", script.toString());
        com.wallet.stack.BenchResults.out().printf("  the transfer's SQL alone, by pgbench: %.0f tps%n", tps);
        return tps;
    }

    /** The users the SQL replays pay between ({@code bench_users}; {@code bench/transfer.sql} draws from 1 to 200). */
    private static final int REPLAY_USERS = 200;

    /** What {@link #runGroupedSql} measured: transfers per second, not transactions. */
    record Grouped(
            int members,
            java.util.Set<GroupedTransferSql.Part> without,
            int clients,
            double transfersPerSecond,
            long retried,
            CpuMeter.Used cpu,
            String statements) {

        String label() {
            return String.format("the SQL, %d per transaction", members)
                    + (without.isEmpty()
                            ? ""
                            : ", without " + without.toString().toLowerCase(java.util.Locale.ROOT));
        }

        /** PostgreSQL's CPU per transfer, ms. */
        double postgresMs() {
            return cpu.postgresSeconds() * 1e3 / (transfersPerSecond * cpu.wallSeconds());
        }
    }

    /** Transfers per transaction of the runs that leave parts out ({@code -Dbench.groups-without}). */
    private static final int ABLATED_GROUP = 4;

    private static final Pattern RETRIED = Pattern.compile("number of transactions retried: (\\d+)");

    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

    /**
     * {@link GroupedTransferSql}'s script, {@code members} transfers per transaction, on the replay's users (after
     * {@link #runTransferSql}): what PostgreSQL would spend per transfer if the API posted its concurrent transfers
     * together. Fewer clients as groups grow (the same transfers in flight: 16 clients of one, 4 of four, 2 of
     * sixteen), at least two so both cores have work.
     */
    private static Grouped runGroupedSql(
            String pgbench,
            int port,
            int clients,
            Duration duration,
            Path dir,
            int members,
            java.util.Set<GroupedTransferSql.Part> without,
            CpuMeter cpu)
            throws Exception {
        int groupClients = Math.max(2, clients / members);
        Path script = dir.resolve("transfer-" + members + "-" + without.size() + ".sql");
        Files.writeString(script, GroupedTransferSql.script(members, REPLAY_USERS, groupClients, without));
        try (Connection c = Profile.connect(port);
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
        CpuMeter.Started start = cpu.start();
        String out =
                pgbench(pgbench, port, groupClients, duration, "wallet", "--max-tries=100", "-f", script.toString());
        CpuMeter.Used used = start.stop();
        Matcher retried = RETRIED.matcher(out);
        Matcher processed = PROCESSED.matcher(out);
        if (!processed.find()) {
            throw new IllegalStateException("no transaction count in pgbench output:\n" + out);
        }
        double tps = tps(out);
        com.wallet.stack.BenchResults.out()
                .printf(
                        "  the transfer's SQL, %d per transaction%s, by pgbench: %.0f tps%n",
                        members, without.isEmpty() ? "" : " without " + without, tps);
        return new Grouped(
                members,
                without,
                groupClients,
                tps * members,
                retried.find() ? Long.parseLong(retried.group(1)) : 0,
                used,
                statementTimes(
                        port,
                        Long.parseLong(processed.group(1)) * (double) members,
                        "the SQL, " + members + " per transaction" + (without.isEmpty() ? "" : ", without " + without),
                        10));
    }

    private static double pgbenchTps(
            String pgbench, int port, int clients, Duration duration, String database, String... script)
            throws Exception {
        return tps(pgbench(pgbench, port, clients, duration, database, script));
    }

    private static double tps(String out) {
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static String pgbench(
            String pgbench, int port, int clients, Duration duration, String database, String... script)
            throws Exception {
        return exec(concat(
                new String[] {
                    pgbench,
                    "-n",
                    "-c",
                    Integer.toString(clients),
                    "-j",
                    "2",
                    "-T",
                    Long.toString(duration.toSeconds()),
                    "-M",
                    "prepared",
                    "-h",
                    "localhost",
                    "-p",
                    Integer.toString(port),
                    "-U",
                    "postgres"
                },
                script,
                new String[] {database}));
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    /** The tool on the PATH, or at the glob pattern's first match (one level of '*'). */
    private static String findTool(String name, String fallbackGlob) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        if (fallbackGlob != null) {
            int star = fallbackGlob.indexOf('*');
            Path parent = Path.of(fallbackGlob.substring(0, star));
            String rest = fallbackGlob.substring(star + 2);
            if (Files.isDirectory(parent)) {
                try (var dirs = Files.list(parent)) {
                    var found = dirs.map(d -> d.resolve(rest))
                            .filter(Files::isExecutable)
                            .findFirst();
                    if (found.isPresent()) {
                        return found.get().toString();
                    }
                }
            }
        }
        throw new IllegalStateException(name + " is needed by this benchmark: run bench/install-tools.sh"
                + " (installs Debian's postgresql-15 package, which carries pgbench, and wrk)");
    }

    private static String ledgerCheck(int port) throws SQLException {
        long[] row = firstRow(
                port,
                "SELECT (SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines),"
                        + " (SELECT count(*) FROM wallet_balances a WHERE balance_cents <>"
                        + " coalesce((SELECT sum(amount_cents) FROM ledger_lines l WHERE l.account_id = a.id), 0)),"
                        + " (SELECT count(*) FROM transfers)");
        return "sum of all lines " + row[0] + ", wallets off their lines " + row[1] + ", transfers " + row[2];
    }

    /**
     * How the unsettled bank money is spread at this point of the run (what a payment's carry works on): rows, rows per
     * wallet, wallets per debit.
     */
    private static String unsettledShape(int port) throws SQLException {
        long[] row = firstRow(
                port,
                "SELECT count(*), count(DISTINCT account_id), count(DISTINCT debit_id),"
                        + " (SELECT max(n) FROM (SELECT count(*) AS n FROM unsettled_funds GROUP BY account_id) w),"
                        + " (SELECT max(n) FROM (SELECT count(*) AS n FROM unsettled_funds GROUP BY debit_id) d)"
                        + " FROM unsettled_funds");
        return String.format(
                "%d rows, %d wallets (%.1f rows each, at most %d), %d debits (%.1f wallets each, at most %d)",
                row[0], row[1], row[0] / Math.max(1.0, row[1]), row[3], row[2], row[0] / Math.max(1.0, row[2]), row[4]);
    }

    /**
     * Every bank debit settles (its unsettled money becomes settled wherever it is: what settlement's confirmation does
     * through {@code Ledger.release}), and each of {@code users} gets {@code cents} of settled money, posted as one
     * balanced top-up entry from the bank funding clearing account; in one transaction, as the superuser. Returns the
     * unsettled-funds rows released.
     */
    private static long settleEverything(int port, List<Client.User> users, long cents) throws SQLException {
        try (Connection c =
                DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "")) {
            c.setAutoCommit(false);
            long released;
            try (Statement s = c.createStatement()) {
                // after the payments the API still posts once the load has stopped (a queue of them waiting for a
                // group, say): a payment carrying unsettled money and this delete would otherwise deadlock
                s.execute("LOCK TABLE unsettled_funds IN SHARE ROW EXCLUSIVE MODE");
                released = s.executeLargeUpdate("DELETE FROM unsettled_funds");
            }
            UUID entry = UUID.randomUUID();
            try (var insert = c.prepareStatement("INSERT INTO ledger_entries (id, kind) VALUES (?, 'top_up')")) {
                insert.setObject(1, entry);
                insert.executeUpdate();
            }
            try (var lines = c.prepareStatement("INSERT INTO ledger_lines (entry_id, account_id, amount_cents)"
                    + " SELECT ?, a.id, ? FROM ledger_accounts a WHERE a.kind = 'wallet' AND a.user_id = ANY(?)"
                    + " UNION ALL SELECT ?, 1, -? * ?")) {
                lines.setObject(1, entry);
                lines.setLong(2, cents);
                lines.setArray(
                        3,
                        c.createArrayOf(
                                "uuid", users.stream().map(Client.User::id).toArray()));
                lines.setObject(4, entry);
                lines.setLong(5, cents);
                lines.setLong(6, users.size());
                lines.executeUpdate();
            }
            c.commit();
            return released;
        }
    }

    /** The first row of a query of whole numbers, as the superuser. */
    private static long[] firstRow(int port, String sql) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "");
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            long[] row = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getLong(i + 1);
            }
            return row;
        }
    }

    /** A minimal HTTP client of the API. */
    static final class Client {
        record User(UUID id, String token) {}

        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String base;

        Client(String base) {
            this.base = base;
        }

        List<User> signUpMany(int count, int threads, int pgPort) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            String run = Long.toString(System.nanoTime() % 1_000_000, 36);
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "bench_" + run + "_" + i;
                futures.add(pool.submit(() -> signUp(name)));
            }
            List<User> users = new ArrayList<>();
            for (Future<User> f : futures) {
                users.add(f.get());
            }
            pool.shutdown();
            // every user gets a verified default bank, so no transfer fails for want of money
            try (Connection c = DriverManager.getConnection(
                            "jdbc:postgresql://localhost:" + pgPort + "/wallet", "postgres", "");
                    var insert = c.prepareStatement(
                            // bank debits are only collected by settlement, which the bench does not run: the
                            // account number is a placeholder, never decrypted
                            "INSERT INTO payment_methods (id, user_id, type, last4, routing_number,"
                                    + " number_encrypted, account_type, verified, is_default) VALUES (?, ?, 'bank',"
                                    + " '6789', '091000019', '\\x00', 'checking', true, true)")) {
                for (User u : users) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, u.id());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return users;
        }

        /** Users with an empty wallet and a card (linked through the API, so the number is encrypted as usual). */
        List<User> signUpCardPayers(int count, int threads) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            String run = Long.toString(System.nanoTime() % 1_000_000, 36);
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "card_" + run + "_" + i;
                futures.add(pool.submit(() -> {
                    User u = signUp(name);
                    HttpResponse<String> linked = post(
                            "/v1/me/payment-methods",
                            u.token(),
                            null,
                            "{\"type\":\"card\",\"card_number\":\"4242424242424242\",\"exp_month\":12,"
                                    + "\"exp_year\":" + (java.time.Year.now().getValue() + 3) + "}");
                    if (linked.statusCode() != 201) {
                        throw new IllegalStateException("linking a card failed: " + linked.body());
                    }
                    return u;
                }));
            }
            List<User> users = new ArrayList<>();
            for (Future<User> f : futures) {
                users.add(f.get());
            }
            pool.shutdown();
            return users;
        }

        private User signUp(String name) throws Exception {
            String body = "{\"username\":\"" + name + "\",\"email\":\"" + name
                    + "@example.com\",\"password\":\"bench password\",\"pin\":\"2468\"}";
            String created = post("/v1/users", null, null, body).body();
            UUID id = UUID.fromString(created.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
            String token = post(
                            "/v1/auth/token",
                            null,
                            null,
                            "{\"username\":\"" + name + "\",\"password\":\"bench password\"}")
                    .body()
                    .replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
            return new User(id, token);
        }

        private HttpResponse<String> post(String path, String token, String key, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
                request.header("Wallet-Pin", "2468");
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
