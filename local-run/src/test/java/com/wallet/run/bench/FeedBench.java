package com.wallet.run.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.wallet.api.TransferApiApplication;
import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.cdc.CdcConnector;
import com.wallet.cdc.CdcSettings;
import com.wallet.fanout.FanoutApp;
import com.wallet.fanout.FanoutSettings;
import com.wallet.stack.EmbeddedStack;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.StackConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The feed pipeline's benchmark: commit-to-visible latency at a steady rate (a transfer committed in PostgreSQL until
 * its row for a friend of the sender exists in Cassandra: the row's own write time, so polling adds nothing), feed
 * rows written per second at saturation, and the feed read latency of 20 items through the API. Users and
 * friendships are inserted directly, in two populations: {@code USERS} users with about {@code FRIENDS} friends each
 * (random pairs), and {@code SKEWED_USERS} users whose friend counts follow a heavy tail with the same mean (a few
 * have hundreds, past the high-degree threshold, and most fewer than the mean), as social graphs do. Transfers are
 * inserted directly too (the API's own cost is the transfer benchmark's subject), one per transaction.
 */
public final class FeedBench {

    private static final int USERS = Integer.getInteger("bench.feed.users", 400);
    private static final int FRIENDS = Integer.getInteger("bench.feed.friends", 50);
    private static final int RATE = Integer.getInteger("bench.feed.rate", 100);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int BURST = Integer.getInteger("bench.feed.burst", 2_000);
    private static final int READS = Integer.getInteger("bench.feed.reads", 2_000);
    private static final int WARMUP = Integer.getInteger("bench.feed.warmup", 20);
    private static final int SKEWED_USERS = Integer.getInteger("bench.feed.skewed-users", 2_000);
    private static final int HIGH_DEGREE = 500;
    private static final int CHANGE_RATE = Integer.getInteger("bench.feed.change-rate", 50);

    private FeedBench() {}

    public static void main(String[] args) throws Exception {
        // mvn -Pbench runs every benchmark in Maven's JVM, each in a class loader of its own: only one Tomcat may
        // register its URL handler factory with the JVM
        org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
        com.wallet.stack.BenchResults.start("feed pipeline (FeedBench)");
        try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests())) {
            PostgresSettings pg = stack.postgres();
            String id = "bench";
            try (CqlSession cql = CqlSessions.open(
                    stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
                Migrator.forDefaultScripts(cql, id, KeyspaceReplication.simple(1))
                        .migrate();
                try (ConfigurableApplicationContext api = new SpringApplicationBuilder(TransferApiApplication.class)
                        .run(
                                "--server.port=0",
                                "--spring.datasource.url=" + pg.jdbcUrl(),
                                "--spring.datasource.username=" + pg.username(),
                                "--spring.datasource.password=" + pg.password(),
                                "--wallet.security.jwt-secret=YmVuY2gtc2VjcmV0LXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWhzMjU2",
                                "--wallet.crypto.data-key=YmVuY2gtb25seS1kYXRhLWtleS1mb3ItYWVzLWdjbSE=",
                                "--wallet.feed.contact-point="
                                        + stack.cassandra().host() + ":"
                                        + stack.cassandra().port(),
                                "--wallet.feed.keyspace=" + id,
                                "--wallet.notifications.enabled=false",
                                "--spring.batch.job.enabled=false",
                                "--logging.level.root=WARN")) {
                    String base = "http://localhost:" + api.getEnvironment().getProperty("local.server.port");
                    Random graph = new Random(42);
                    List<int[]> uniformPairs = uniformPairs(USERS, FRIENDS, graph);
                    List<UUID> users = seed(pg, "feedbench", USERS, uniformPairs);
                    List<int[]> skewedPairs = skewedPairs(SKEWED_USERS, FRIENDS, graph);
                    List<UUID> skewed = seed(pg, "feedskew", SKEWED_USERS, skewedPairs);
                    int[] uniformDegrees = degrees(USERS, uniformPairs);
                    int[] skewedDegrees = degrees(SKEWED_USERS, skewedPairs);
                    Map<String, String> cdc = new HashMap<>(Map.of(
                            "cdc.postgres.host", pg.host(),
                            "cdc.postgres.port", Integer.toString(pg.port()),
                            "cdc.postgres.database", pg.database(),
                            "cdc.postgres.username", pg.username(),
                            "cdc.kafka.bootstrap-servers", stack.kafka().bootstrapServers(),
                            "cdc.topic.prefix", id,
                            "cdc.topic.partitions", "6"));
                    cdc.put("cdc.postgres.password", pg.password());
                    try (CdcConnector connector =
                                    new CdcConnector(CdcSettings.from(cdc::get), new SimpleMeterRegistry());
                            FanoutApp fanout = FanoutApp.start(
                                    new FanoutApp.Config(
                                            new FanoutSettings(id, HIGH_DEGREE),
                                            "",
                                            stack.kafka().bootstrapServers(),
                                            stack.cassandra().contactPoint(),
                                            stack.cassandra().localDatacenter(),
                                            id,
                                            Files.createTempDirectory("feed-bench"),
                                            6,
                                            (short) 1,
                                            256,
                                            "LOCAL_QUORUM"),
                                    new SimpleMeterRegistry())) {
                        connector.start();
                        long started = System.nanoTime();
                        // every user's friend set complete: the fan-out has worked through the whole graph
                        while (!loaded(fanout, users, uniformDegrees) || !loaded(fanout, skewed, skewedDegrees)) {
                            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(5)) {
                                throw new IllegalStateException("the friend graph did not arrive");
                            }
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // waiting for the snapshot
                        }
                        int[] sorted = skewedDegrees.clone();
                        Arrays.sort(sorted);
                        com.wallet.stack.BenchResults.out()
                                .printf(
                                        "friend graphs loaded in %.1f s: %,d users with ~%d friends each; %,d users with"
                                                + " a heavy tail of friends (mean %.1f, median %d, p99 %d, max %d, %d"
                                                + " above the high-degree threshold of %d)%n",
                                        (System.nanoTime() - started) / 1e9,
                                        USERS,
                                        FRIENDS,
                                        SKEWED_USERS,
                                        Arrays.stream(sorted).average().orElse(0),
                                        sorted[sorted.length / 2],
                                        sorted[(int) Math.ceil(0.99 * sorted.length) - 1],
                                        sorted[sorted.length - 1],
                                        Arrays.stream(sorted)
                                                .filter(d -> d > HIGH_DEGREE)
                                                .count(),
                                        HIGH_DEGREE);
                        steady(pg, cql, id, users, fanout, "~" + FRIENDS + " friends each", WARMUP);
                        // the pipeline is warm by now
                        steady(pg, cql, id, skewed, fanout, "heavy-tailed friend counts", 0);
                        changes(pg, cql, id, users, fanout);
                        burst(pg, fanout, users);
                        reads(base, pg, users);
                    }
                }
            }
        }
    }

    private static int[] degrees(int count, List<int[]> pairs) {
        int[] degrees = new int[count];
        for (int[] pair : pairs) {
            degrees[pair[0]]++;
            degrees[pair[1]]++;
        }
        return degrees;
    }

    private static boolean loaded(FanoutApp fanout, List<UUID> users, int[] degrees) {
        for (int i = 0; i < users.size(); i++) {
            if (fanout.friendsOf(users.get(i)).size() != degrees[i]) {
                return false;
            }
        }
        return true;
    }

    /** Random pairs: each user asks {@code friends / 2} others, so each has about {@code friends}. */
    private static List<int[]> uniformPairs(int count, int friends, Random random) {
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < friends / 2; k++) {
                pairs.add(new int[] {i, random.nextInt(count)});
            }
        }
        return pairs;
    }

    /**
     * A heavy-tailed graph with the given mean degree (Chung-Lu): user i's weight is (i + 1)^-0.5 and each pair's ends
     * are drawn in proportion to the weights, so expected degrees follow the weights.
     */
    private static List<int[]> skewedPairs(int count, int meanFriends, Random random) {
        double[] cumulative = new double[count];
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += Math.pow(i + 1, -0.5);
            cumulative[i] = total;
        }
        List<int[]> pairs = new ArrayList<>();
        for (long e = 0; e < (long) count * meanFriends / 2; e++) {
            pairs.add(new int[] {draw(cumulative, random), draw(cumulative, random)});
        }
        return pairs;
    }

    private static int draw(double[] cumulative, Random random) {
        int at = Arrays.binarySearch(cumulative, random.nextDouble() * cumulative[cumulative.length - 1]);
        return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
    }

    /**
     * Users named {@code prefix0..} with wallets, and the friendships between the pairs of user indexes (self-pairs
     * and repeats dropped; {@code pairs} is edited to hold just the friendships made).
     */
    private static List<UUID> seed(PostgresSettings pg, String prefix, int count, List<int[]> pairs) throws Exception {
        List<UUID> users = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            c.setAutoCommit(false);
            try (PreparedStatement user = c.prepareStatement("INSERT INTO users (id, username, email, password_hash,"
                            + " display_name) VALUES (?, ?, ?, 'x', ?)");
                    PreparedStatement wallet =
                            c.prepareStatement("INSERT INTO ledger_accounts (kind, user_id) VALUES ('wallet', ?)")) {
                for (int i = 0; i < count; i++) {
                    UUID id = UUID.randomUUID();
                    users.add(id);
                    user.setObject(1, id);
                    user.setString(2, prefix + i);
                    user.setString(3, prefix + i + "@example.com");
                    user.setString(4, "Feed Bench " + i);
                    user.addBatch();
                    wallet.setObject(1, id);
                    wallet.addBatch();
                }
                user.executeBatch();
                wallet.executeBatch();
            }
            Set<String> seen = new HashSet<>();
            try (PreparedStatement friend =
                    c.prepareStatement("INSERT INTO friendships (user_a, user_b) VALUES (?, ?)")) {
                for (var it = pairs.iterator(); it.hasNext(); ) {
                    int[] pair = it.next();
                    UUID a = users.get(pair[0]);
                    UUID b = users.get(pair[1]);
                    UUID lo = a.toString().compareTo(b.toString()) < 0 ? a : b; // as PostgreSQL orders uuids
                    UUID hi = lo.equals(a) ? b : a;
                    if (a.equals(b) || !seen.add(lo + ":" + hi)) {
                        it.remove();
                        continue;
                    }
                    friend.setObject(1, lo);
                    friend.setObject(2, hi);
                    friend.addBatch();
                }
                friend.executeBatch();
            }
            c.commit();
        }
        return users;
    }

    /**
     * Transfers at a steady rate; for each, the write time of the row a friend of the sender reads minus the commit
     * time: the friend's own feed row, or for a high-degree sender the sender's author row (merged into the friends'
     * feeds when they read).
     */
    private static void steady(
            PostgresSettings pg,
            CqlSession cql,
            String ks,
            List<UUID> users,
            FanoutApp fanout,
            String graph,
            int warmup)
            throws Exception {
        Random random = new Random(7);
        List<Object[]> sent = new ArrayList<>(); // transfer id, witness, commit instant, witness is the author row
        long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement insert = insert(c)) {
            long next = System.nanoTime();
            for (int i = 0; i < RATE * (warmup + SECONDS); i++) {
                LockSupport.parkNanos(next - System.nanoTime()); // pacing the load, not synchronization
                next += interval;
                UUID from = users.get(random.nextInt(users.size()));
                UUID to = users.get(random.nextInt(users.size()));
                if (from.equals(to)) {
                    continue;
                }
                Set<UUID> friends = fanout.friendsOf(from);
                boolean highDegree = friends.size() > HIGH_DEGREE;
                friends.remove(to);
                if (friends.isEmpty()) {
                    continue;
                }
                UUID id = UUID.randomUUID();
                bind(insert, id, from, to);
                insert.executeUpdate();
                Instant committed = Instant.now();
                if (i >= RATE * warmup) { // the first warmup seconds warm the pipeline up and are not measured
                    sent.add(new Object[] {
                        id, highDegree ? from : friends.iterator().next(), committed, highDegree
                    });
                }
            }
        }
        List<Double> latencies = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        var byReader =
                cql.prepare("SELECT transfer_id, writetime(note) FROM " + ks + ".feed_by_user WHERE user_id = ?");
        var byAuthor =
                cql.prepare("SELECT transfer_id, writetime(note) FROM " + ks + ".feed_by_author WHERE author_id = ?");
        int missing = 0;
        int viaAuthor = 0;
        for (Object[] s : sent) {
            Long written = null;
            boolean author = (Boolean) s[3];
            viaAuthor += author ? 1 : 0;
            while (written == null && System.nanoTime() < deadline) {
                for (var row : cql.execute((author ? byAuthor : byReader).bind((UUID) s[1]))) {
                    if (row.getUuid(0).equals(s[0])) {
                        written = row.getLong(1);
                    }
                }
                if (written == null) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the row is not there yet
                }
            }
            if (written == null) {
                missing++;
                continue;
            }
            Instant committed = (Instant) s[2];
            long commitMicros = committed.getEpochSecond() * 1_000_000L + committed.getNano() / 1_000;
            latencies.add((written - commitMicros) / 1000.0);
        }
        double[] ms =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        com.wallet.stack.BenchResults.out()
                .printf(
                        "commit-to-visible at %d transfers/s for %d s after %d s of warm-up (%,d transfers, %s, %d"
                                + " through an author timeline):"
                                + " p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms, %d not visible after 60 s%n",
                        RATE,
                        SECONDS,
                        warmup,
                        sent.size(),
                        graph,
                        viaAuthor,
                        pct(ms, 50),
                        pct(ms, 95),
                        pct(ms, 99),
                        ms[ms.length - 1],
                        missing);
    }

    /**
     * Payments made private at a steady rate ({@code bench.feed.change-rate}, 50/s): for each, the time from the
     * change's commit until the row of a friend of the sender is gone from Cassandra (found by a poller that looks
     * every 10 ms, so the figure includes up to that much), and the rows the sink wrote or deleted per change.
     */
    private static void changes(PostgresSettings pg, CqlSession cql, String ks, List<UUID> users, FanoutApp fanout)
            throws Exception {
        Random random = new Random(13);
        int count = CHANGE_RATE * SECONDS;
        record Target(UUID id, UUID witness, Instant createdAt) {}
        List<Target> targets = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO transfers (id, sender_id, receiver_id,"
                                + " amount_cents, balance_cents, bank_cents, card_cents, fee_cents, note, visibility, status)"
                                + " VALUES (?, ?, ?, 100, 100, 0, 0, 0, 'bench', 'friends', 'completed') RETURNING created_at")) {
            while (targets.size() < count) {
                UUID from = users.get(random.nextInt(users.size()));
                UUID to = users.get(random.nextInt(users.size()));
                Set<UUID> friends = fanout.friendsOf(from);
                friends.remove(to);
                if (from.equals(to) || friends.isEmpty() || friends.size() > HIGH_DEGREE) {
                    continue;
                }
                UUID id = UUID.randomUUID();
                bind(insert, id, from, to);
                try (var rs = insert.executeQuery()) {
                    rs.next();
                    targets.add(new Target(
                            id, friends.iterator().next(), rs.getTimestamp(1).toInstant()));
                }
            }
        }
        var row = cql.prepare("SELECT transfer_id FROM " + ks + ".feed_by_user WHERE user_id = ? AND created_at = ?"
                + " AND transfer_id = ?");
        java.util.function.Predicate<Target> present =
                t -> cql.execute(row.bind(t.witness(), t.createdAt(), t.id())).one() != null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (Target t : targets) {
            while (!present.test(t)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the payments to change did not reach the feeds");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // waiting for the fan-out
            }
        }
        long rowsBefore = fanout.sink().itemsWritten();
        java.util.concurrent.ConcurrentHashMap<Target, Long> outstanding =
                new java.util.concurrent.ConcurrentHashMap<>();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean changing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            long giveUp = Long.MAX_VALUE;
            while (changing.get() || (!outstanding.isEmpty() && System.nanoTime() < giveUp)) {
                if (!changing.get() && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                }
                for (var e : outstanding.entrySet()) {
                    if (!present.test(e.getKey())) {
                        latencies.add((System.nanoTime() - e.getValue()) / 1e6);
                        outstanding.remove(e.getKey());
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the poll interval
            }
        });
        poller.start();
        long interval = TimeUnit.SECONDS.toNanos(1) / CHANGE_RATE;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement change =
                        c.prepareStatement("UPDATE transfers SET visibility = 'private' WHERE id = ?")) {
            long next = System.nanoTime();
            for (Target t : targets) {
                LockSupport.parkNanos(next - System.nanoTime()); // pacing the load, not synchronization
                next += interval;
                change.setObject(1, t.id());
                change.executeUpdate();
                outstanding.put(t, System.nanoTime());
            }
        } finally {
            changing.set(false);
        }
        poller.join();
        // the sink's count settles once the retractions and the parties' rewritten rows are all written
        long last = fanout.sink().itemsWritten();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(2)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // sampling the counter
            long now = fanout.sink().itemsWritten();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        double[] ms =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        com.wallet.stack.BenchResults.out()
                .printf(
                        "change-to-gone at %d visibility changes/s for %d s (friends -> private, ~%d friends each):"
                                + " p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms, %d still there after 60 s;"
                                + " %.1f rows written or deleted per change%n",
                        CHANGE_RATE,
                        SECONDS,
                        FRIENDS,
                        pct(ms, 50),
                        pct(ms, 95),
                        pct(ms, 99),
                        ms.length == 0 ? Double.NaN : ms[ms.length - 1],
                        outstanding.size(),
                        (last - rowsBefore) / (double) count);
    }

    /** A burst inserted as fast as one connection can; rows written per second while the sink drains it. */
    private static void burst(PostgresSettings pg, FanoutApp fanout, List<UUID> users) throws Exception {
        Random random = new Random(11);
        long before = fanout.sink().itemsWritten();
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement insert = insert(c)) {
            c.setAutoCommit(false);
            for (int i = 0; i < BURST; i++) {
                UUID from = users.get(random.nextInt(users.size()));
                UUID to = users.get((users.indexOf(from) + 1) % users.size());
                bind(insert, UUID.randomUUID(), from, to);
                insert.addBatch();
                if (i % 100 == 99) {
                    insert.executeBatch();
                    c.commit();
                }
            }
            insert.executeBatch();
            c.commit();
        }
        long quiet = 0;
        long last = fanout.sink().itemsWritten();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(3)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // sampling the counter
            long now = fanout.sink().itemsWritten();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
            quiet = lastChange;
        }
        double seconds = (quiet - started) / 1e9;
        com.wallet.stack.BenchResults.out()
                .printf(
                        "burst of %,d transfers: %,d feed rows written in %.1f s, %,.0f rows/s%n",
                        BURST, last - before, seconds, (last - before) / seconds);
    }

    /** GET /v1/me/feed?limit=20 for random readers, one client. */
    private static void reads(String base, PostgresSettings pg, List<UUID> users) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Random random = new Random(3);
        List<String> tokens = new ArrayList<>();
        // the seeded users have no password: give them the hash of one signed up here, then log 20 of them in
        String template = "template_" + System.nanoTime();
        send(
                http,
                base + "/v1/users",
                null,
                "{\"username\":\"" + template + "\",\"email\":\"" + template
                        + "@example.com\",\"password\":\"bench password\"}");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement copy = c.prepareStatement("UPDATE users SET password_hash = (SELECT password_hash"
                        + " FROM users WHERE username = ?) WHERE username LIKE 'feedbench%'")) {
            copy.setString(1, template);
            copy.executeUpdate();
        }
        for (int i = 0; i < 20; i++) {
            String name = "feedbench" + random.nextInt(users.size());
            tokens.add(send(
                            http,
                            base + "/v1/auth/token",
                            null,
                            "{\"username\":\"" + name + "\",\"password\":\"bench password\"}")
                    .replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1"));
        }
        double[] ms = new double[READS];
        for (int i = 0; i < READS; i++) {
            String token = tokens.get(random.nextInt(tokens.size()));
            long t0 = System.nanoTime();
            send(http, base + "/v1/me/feed?limit=20", token, null);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        com.wallet.stack.BenchResults.out()
                .printf(
                        "feed read, 20 items, %,d reads: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
                        READS, pct(ms, 50), pct(ms, 95), pct(ms, 99));
    }

    private static String send(HttpClient http, String url, String token, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.method(
                body == null ? "GET" : "POST",
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static PreparedStatement insert(Connection c) throws Exception {
        return c.prepareStatement("INSERT INTO transfers (id, sender_id, receiver_id, amount_cents, balance_cents,"
                + " bank_cents, card_cents, fee_cents, note, visibility, status)"
                + " VALUES (?, ?, ?, 100, 100, 0, 0, 0, 'bench', 'friends', 'completed')");
    }

    private static void bind(PreparedStatement insert, UUID id, UUID from, UUID to) throws Exception {
        insert.setObject(1, id);
        insert.setObject(2, from);
        insert.setObject(3, to);
    }

    private static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
