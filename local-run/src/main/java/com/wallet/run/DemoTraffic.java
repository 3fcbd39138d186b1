package com.wallet.run;

import com.wallet.api.web.Problem;
import com.wallet.cdc.CdcConnector;
import com.wallet.fanout.FanoutApp;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run command's {@code -Ddemo}: demo users (demo_0 ... demo_19, password "demo password") with friends, a card
 * each and a verified bank for every other one, all through the API; then random transfers at {@code demo.rate} per
 * second, and a one-line status every second: transfers/s, CDC slot lag, feed items written, last settlement run.
 */
final class DemoTraffic implements AutoCloseable {

    private static final int USERS = 20;
    /** The demo users' PIN (the step-up asked for linking funding sources, cash-outs and large transfers). */
    private static final String PIN = "2468";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Demo(UUID id, String token) {}

    private final String api;
    private final PartnerSimulator sim;
    private final CdcConnector cdc;
    private final FanoutApp fanout;
    private final PostgresSettings pg;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "demo-traffic");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Refusals by problem kind (or status), so the status line says why: sending limits, rate limits, ... */
    private final Map<String, LongAdder> refusedBy = new ConcurrentHashMap<>();

    private final List<Demo> users = new ArrayList<>();

    DemoTraffic(String api, PartnerSimulator sim, CdcConnector cdc, FanoutApp fanout, PostgresSettings pg) {
        this.api = api;
        this.sim = sim;
        this.cdc = cdc;
        this.fanout = fanout;
        this.pg = pg;
    }

    /** Creates (or, on a second run over the same data, logs in) the demo users. */
    void load() {
        for (int i = 0; i < USERS; i++) {
            String name = "demo_" + i;
            HttpResponse<String> created = send(
                    "POST",
                    "/v1/users",
                    null,
                    null,
                    Map.of("username", name, "email", name + "@example.com", "password", "demo password", "pin", PIN));
            JsonNode token = json(
                    send("POST", "/v1/auth/token", null, null, Map.of("username", name, "password", "demo password")));
            JsonNode me = json(send("GET", "/v1/me", token.path("access_token").asString(), null, null));
            Demo demo = new Demo(
                    UUID.fromString(me.path("id").asString()),
                    token.path("access_token").asString());
            users.add(demo);
            if (created.statusCode() == 201) {
                send(
                        "POST",
                        "/v1/me/payment-methods",
                        demo.token(),
                        null,
                        Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2031));
                if (i % 2 == 0) {
                    String account = Long.toString(100_000_000L + i);
                    JsonNode bank = json(send(
                            "POST",
                            "/v1/me/payment-methods",
                            demo.token(),
                            null,
                            Map.of("type", "bank", "routing_number", "091000019", "account_number", account)));
                    var deposits = sim.ach().statement("091000019", account);
                    send(
                            "POST",
                            "/v1/me/payment-methods/" + bank.path("id").asString() + "/verify",
                            demo.token(),
                            null,
                            Map.of(
                                    "amounts_cents",
                                    deposits.get(deposits.size() - 1).amountsCents()));
                }
            }
        }
        for (int i = 0; i < USERS; i++) { // a ring plus a chord: everyone has four friends
            for (int step : new int[] {1, 5}) {
                Demo a = users.get(i);
                Demo b = users.get((i + step) % USERS);
                send("PUT", "/v1/me/friends/" + b.id(), a.token(), null, null);
                send("PUT", "/v1/me/friends/" + a.id(), b.token(), null, null);
            }
        }
        System.out.println("Demo data: users demo_0 ... demo_" + (USERS - 1) + " (password \"demo password\", PIN "
                + PIN + ")," + " friends, cards, verified banks for the even ones.");
    }

    void start(double perSecond) {
        // one line of status instead of a log line per transfer
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.wallet.api"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long interval = (long) (1_000_000 / perSecond);
        timer.scheduleAtFixedRate(this::oneTransfer, 0, interval, TimeUnit.MICROSECONDS);
        long[] last = {0, System.nanoTime(), 0, 0};
        timer.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    long count = sent.get();
                    long refusedNow = refused.get();
                    long limitedNow = limitExceeded();
                    double rate = (count - last[0]) / ((now - last[1]) / 1e9);
                    // a second with no payment sent and every refusal a sending limit: the demo users have used their
                    // allowance (the limits are rolling and the data is kept between runs), which the line says
                    boolean limited =
                            count == last[0] && refusedNow > last[2] && limitedNow - last[3] == refusedNow - last[2];
                    last[0] = count;
                    last[1] = now;
                    last[2] = refusedNow;
                    last[3] = limitedNow;
                    System.out.printf(
                            "\r[demo] %.1f transfers/s | sent %,d, refused %,d%s | CDC slot lag %,d B | feed items"
                                    + " written %,d | last settlement: %s%s      ",
                            rate,
                            count,
                            refusedNow,
                            refusals(),
                            cdc.slotLagBytes(),
                            fanout.sink().itemsWritten(),
                            lastSettlement(),
                            limited
                                    ? " | the demo users are at their sending limits: delete .stack-data for fresh"
                                            + " ones"
                                    : "");
                    System.out.flush();
                },
                1,
                1,
                TimeUnit.SECONDS);
    }

    private void oneTransfer() {
        var random = ThreadLocalRandom.current();
        Demo from = users.get(random.nextInt(users.size()));
        Demo to = users.get(random.nextInt(users.size()));
        if (from.equals(to)) {
            return;
        }
        String[] visibility = {"public", "friends", "friends", "private"};
        HttpResponse<String> r = send(
                "POST",
                "/v1/transfers",
                from.token(),
                UUID.randomUUID().toString(),
                Map.of(
                        "receiver_id",
                        to.id().toString(),
                        // $1.00-$9.99, so that the demo users reach their daily sending limit
                        // (wallet.transfers.daily-limit-cents, $10,000) only after hours at the default rate
                        "amount_cents",
                        100 + random.nextInt(900),
                        "note",
                        "demo " + random.nextInt(1000),
                        "visibility",
                        visibility[random.nextInt(visibility.length)]));
        if (r != null && r.statusCode() == 201) {
            sent.incrementAndGet();
        } else {
            refused.incrementAndGet();
            refusedBy.computeIfAbsent(kind(r), k -> new LongAdder()).increment();
        }
    }

    /** The problem kind of a refusal (the end of its type), its status without one, or "no answer". */
    private static String kind(HttpResponse<String> r) {
        if (r == null) {
            return "no answer";
        }
        try {
            String type = JSON.readTree(r.body()).path("type").asString("");
            return type.isEmpty() ? Integer.toString(r.statusCode()) : slug(type);
        } catch (RuntimeException e) {
            return Integer.toString(r.statusCode());
        }
    }

    /** "limit-exceeded" of ".../problems/limit-exceeded": the kind a refusal is counted by. */
    private static String slug(String type) {
        return type.substring(type.lastIndexOf('/') + 1);
    }

    private long limitExceeded() {
        LongAdder n = refusedBy.get(slug(Problem.LIMIT_EXCEEDED.type()));
        return n == null ? 0 : n.sum();
    }

    /** The two most frequent kinds of refusal with their counts, e.g. " (limit-exceeded 12, rate-limited 3)". */
    private String refusals() {
        String top = refusedBy.entrySet().stream()
                .sorted(Map.Entry.<String, LongAdder>comparingByValue(
                                java.util.Comparator.comparingLong(LongAdder::sum))
                        .reversed())
                .limit(2)
                .map(e -> e.getKey() + " " + String.format("%,d", e.getValue().sum()))
                .collect(java.util.stream.Collectors.joining(", "));
        return top.isEmpty() ? "" : " (" + top + ")";
    }

    private String lastSettlement() {
        try (var c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                var rs = c.createStatement()
                        .executeQuery("SELECT i.job_name, e.status, e.end_time"
                                + " FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)"
                                + " ORDER BY e.job_execution_id DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) + " " + rs.getString(2) + " " + rs.getTimestamp(3) : "none yet";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private HttpResponse<String> send(String method, String path, String token, String key, Object body) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
                request.header("Wallet-Pin", PIN);
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        if (response == null || response.statusCode() >= 300) {
            throw new IllegalStateException("demo data: " + (response == null ? "no answer" : response.body()));
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
