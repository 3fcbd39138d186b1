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
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The transfer benchmark (not a test): on one embedded PostgreSQL, first pgbench's TPC-B-like load, then the transfer
 * API under the same number of clients with random pairs, then with one hot receiver. Prints transfers/s, latency
 * percentiles and the ratio to pgbench. Settings: -Dbench.clients (16), -Dbench.seconds (20), -Dbench.users (200).
 */
public final class TransferBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    record Result(String name, long ok, Map<Integer, Long> statuses, double perSecond, long[] sortedNanos) {
        double percentileMillis(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100.0 * sortedNanos.length) - 1);
            return sortedNanos[Math.max(0, index)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        // mvn -Pbench runs every benchmark in Maven's JVM, each in a class loader of its own: only one Tomcat may
        // register its URL handler factory with the JVM
        org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
        com.wallet.stack.BenchResults.start("transfers (TransferBench)");
        int clients = Integer.getInteger("bench.clients", 16);
        Duration duration = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
        int userCount = Integer.getInteger("bench.users", 200);
        String pgbench = findPgbench();

        Path dir = Files.createTempDirectory("wallet-bench-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int pgPort = Ports.free();
        PostgresServer postgres = new PostgresServer(dir.resolve("postgres"), pgPort, false, Duration.ofMinutes(2));
        postgres.start();
        ConfigurableApplicationContext api = null;
        try {
            com.wallet.stack.BenchResults.out()
                    .printf(
                            "bench: %d clients, %d s per phase, %d users, PostgreSQL on port %d%n",
                            clients, duration.toSeconds(), userCount, pgPort);
            double pgbenchTps = runPgbench(pgbench, pgPort, clients, duration);

            // command-line arguments: they outrank application.yaml (builder "properties" would not)
            api = new SpringApplicationBuilder(TransferApiApplication.class)
                    .profiles("local")
                    .run(
                            "--spring.datasource.url=jdbc:postgresql://localhost:" + pgPort + "/wallet",
                            "--spring.datasource.username=" + PostgresServer.SUPERUSER,
                            "--spring.datasource.hikari.maximum-pool-size=" + (clients + 4),
                            "--server.port=0",
                            "--wallet.notifications.enabled=false",
                            "--wallet.rate-limit.capacity=1000000000",
                            "--wallet.rate-limit.refill-per-second=1000000000",
                            "--logging.level.root=WARN",
                            "--logging.level.com.wallet=WARN");
            String base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
            Client client = new Client(base);
            List<Client.User> users = client.signUpMany(userCount, clients, pgPort);

            run("warm-up", client, users, clients, Duration.ofSeconds(5), () -> -1);
            Result uniform = run("uniform pairs", client, users, clients, duration, () -> -1);
            Result hot = run("one hot receiver", client, users, clients, duration, () -> 0);

            com.wallet.stack.BenchResults.out().println();
            com.wallet.stack.BenchResults.out()
                    .printf(
                            "%-26s %10s %9s %9s %9s %8s%n",
                            "workload", "per second", "p50 ms", "p95 ms", "p99 ms", "ratio");
            com.wallet.stack.BenchResults.out()
                    .printf("%-26s %10.0f %9s %9s %9s %8s%n", "pgbench TPC-B-like", pgbenchTps, "-", "-", "-", "1.00");
            for (Result r : List.of(uniform, hot)) {
                com.wallet.stack.BenchResults.out()
                        .printf(
                                "%-26s %10.0f %9.1f %9.1f %9.1f %8.2f%n",
                                "transfers, " + r.name(),
                                r.perSecond(),
                                r.percentileMillis(50),
                                r.percentileMillis(95),
                                r.percentileMillis(99),
                                r.perSecond() / pgbenchTps);
                com.wallet.stack.BenchResults.out().printf("  responses by status: %s%n", r.statuses());
            }
            com.wallet.stack.BenchResults.out().println("ledger check: " + ledgerCheck(pgPort));
        } finally {
            if (api != null) {
                api.close();
            }
            postgres.close();
        }
    }

    private static Result run(
            String name,
            Client client,
            List<Client.User> users,
            int clients,
            Duration duration,
            IntSupplier fixedReceiver)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + duration.toNanos();
        long started = System.nanoTime();
        List<Future<List<long[]>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                List<long[]> samples = new ArrayList<>();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    int to = fixedReceiver.getAsInt() >= 0 ? fixedReceiver.getAsInt() : random.nextInt(users.size());
                    int from = random.nextInt(users.size());
                    if (from == to) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    int status = client.transfer(users.get(from), users.get(to), random.nextLong(1, 100));
                    samples.add(new long[] {System.nanoTime() - t0, status});
                }
                return samples;
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<List<long[]>> f : futures) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Map<Integer, Long> statuses = new TreeMap<>();
        all.forEach(s -> statuses.merge((int) s[1], 1L, Long::sum));
        long[] okNanos = all.stream()
                .filter(s -> s[1] == 201)
                .mapToLong(s -> s[0])
                .sorted()
                .toArray();
        Result result = new Result(name, okNanos.length, statuses, okNanos.length / seconds, okNanos);
        com.wallet.stack.BenchResults.out().printf("  %s: %d transfers in %.1f s%n", name, okNanos.length, seconds);
        return result;
    }

    private static double runPgbench(String pgbench, int port, int clients, Duration duration) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE pgbench");
        }
        String[] common = {"-h", "localhost", "-p", Integer.toString(port), "-U", "postgres"};
        exec(concat(new String[] {pgbench, "-i", "-q", "-s", "10"}, common, new String[] {"pgbench"}));
        String out = exec(concat(
                new String[] {
                    pgbench,
                    "-c",
                    Integer.toString(clients),
                    "-j",
                    "2",
                    "-T",
                    Long.toString(duration.toSeconds()),
                    "-M",
                    "prepared"
                },
                common,
                new String[] {"pgbench"}));
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + out);
        }
        double tps = Double.parseDouble(m.group(1));
        com.wallet.stack.BenchResults.out().printf("  pgbench TPC-B-like: %.0f tps%n", tps);
        return tps;
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

    private static String findPgbench() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "pgbench"))) {
                return Path.of(dir, "pgbench").toString();
            }
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/pgbench"))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow()
                    .toString();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("pgbench is needed for the reference figure: run bench/install-tools.sh"
                    + " (installs Debian's postgresql-15 package, which carries pgbench)");
        }
    }

    private static String ledgerCheck(int port) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "");
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT (SELECT coalesce(sum(amount_cents), 0) FROM ledger_lines),"
                        + " (SELECT count(*) FROM ledger_accounts a WHERE kind = 'wallet' AND balance_cents <>"
                        + " coalesce((SELECT sum(amount_cents) FROM ledger_lines l WHERE l.account_id = a.id), 0)),"
                        + " (SELECT count(*) FROM transfers)")) {
            rs.next();
            return "sum of all lines " + rs.getLong(1) + ", wallets off their lines " + rs.getLong(2) + ", transfers "
                    + rs.getLong(3);
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
                                    + " number_encrypted, verified, is_default)"
                                    + " VALUES (?, ?, 'bank', '6789', '091000019', '\\x00', true, true)")) {
                for (User u : users) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setObject(2, u.id());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return users;
        }

        private User signUp(String name) throws Exception {
            String body = "{\"username\":\"" + name + "\",\"email\":\"" + name
                    + "@example.com\",\"password\":\"bench password\"}";
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

        int transfer(User from, User to, long cents) throws Exception {
            String body = "{\"receiver_id\":\"" + to.id() + "\",\"amount_cents\":" + cents + ",\"note\":\"bench\"}";
            return post("/v1/transfers", from.token(), UUID.randomUUID().toString(), body)
                    .statusCode();
        }

        private HttpResponse<String> post(String path, String token, String key, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
