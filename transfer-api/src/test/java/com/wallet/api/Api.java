package com.wallet.api;

import com.wallet.ledger.Ledger;
import com.wallet.sim.PartnerSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of the API as a test uses it: real HTTP, JSON in and out. */
public final class Api {

    public record Response(int status, Map<String, java.util.List<String>> headers, String raw, JsonNode json) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        public String problemType() {
            return json.path("type").asString();
        }
    }

    public record Person(UUID id, String username, String token) {}

    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String PROBLEMS = "https://api.wallet.example/problems/";

    /** The PIN every user of {@link #newUser} sets at sign-up. */
    public static final String PIN = "2468";

    private final String base;
    private final JdbcTemplate db;
    private final PartnerSimulator sim;
    private final String pin;
    private final java.util.function.Consumer<Exchange> recorder;

    /** One call as it went over the wire: what was sent and what came back. */
    public record Exchange(String method, String path, Map<String, String> headers, String body, Response response) {}

    public Api(int port, JdbcTemplate db, PartnerSimulator sim) {
        this("http://localhost:" + port, db, sim, PIN, exchange -> {});
    }

    private Api(
            String base,
            JdbcTemplate db,
            PartnerSimulator sim,
            String pin,
            java.util.function.Consumer<Exchange> recorder) {
        this.base = base;
        this.db = db;
        this.sim = sim;
        this.pin = pin;
        this.recorder = recorder;
    }

    /** This API as a client sending {@code pin} in the Wallet-Pin header of authenticated calls (null: none). */
    public Api withPin(String pin) {
        return new Api(base, db, sim, pin, recorder);
    }

    /** This API with every call it makes handed to {@code recorder} as well. */
    public Api recordingTo(java.util.function.Consumer<Exchange> recorder) {
        return new Api(base, db, sim, pin, recorder);
    }

    public Response send(String method, String path, String token, String idempotencyKey, Object body) {
        return send(method, path, token, idempotencyKey, body, Map.of());
    }

    /** A POST without a token from a client at {@code address} (X-Forwarded-For, trusted from loopback in tests). */
    public Response postFrom(String address, String path, Object body) {
        return send("POST", path, null, null, body, Map.of("X-Forwarded-For", address));
    }

    public Response send(
            String method, String path, String token, String idempotencyKey, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
            Map<String, String> sent = new java.util.LinkedHashMap<>(headers);
            if (token != null && pin != null && !headers.containsKey("Wallet-Pin")) {
                sent.put("Wallet-Pin", pin);
            }
            if (token != null) {
                sent.put("Authorization", "Bearer " + token);
            }
            if (idempotencyKey != null) {
                sent.put("Idempotency-Key", idempotencyKey);
            }
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            request.method(
                    method,
                    text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
            if (text != null) {
                sent.put("Content-Type", "application/json");
            }
            sent.forEach(request::header);
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            boolean isJson = response.headers()
                    .firstValue("Content-Type")
                    .map(t -> t.contains("json"))
                    .orElse(false);
            JsonNode json = isJson && !raw.isBlank() ? JSON.readTree(raw) : JSON.nullNode();
            Response answer =
                    new Response(response.statusCode(), response.headers().map(), raw, json);
            recorder.accept(new Exchange(method, path, sent, text, answer));
            return answer;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Response post(String path, String token, String key, Object body) {
        return send("POST", path, token, key, body);
    }

    /** Signs up a fresh user and logs in. */
    public Person newUser(String prefix) {
        String username = prefix + "_" + SEQUENCE.incrementAndGet();
        Response created = post(
                "/v1/users",
                null,
                null,
                Map.of(
                        "username",
                        username,
                        "email",
                        username + "@example.com",
                        "password",
                        "correct horse 1",
                        "pin",
                        PIN));
        if (created.status() != 201) {
            throw new AssertionError("sign-up failed: " + created.raw());
        }
        Response token =
                post("/v1/auth/token", null, null, Map.of("username", username, "password", "correct horse 1"));
        if (token.status() != 200) {
            throw new AssertionError("token failed: " + token.raw());
        }
        return new Person(
                UUID.fromString(created.json().path("id").asString()),
                username,
                token.json().path("access_token").asString());
    }

    public Response transfer(Person from, UUID to, long cents, String key) {
        return post(
                "/v1/transfers",
                from.token(),
                key,
                Map.of(
                        "receiver_id",
                        to.toString(),
                        "amount_cents",
                        cents,
                        "note",
                        "test " + cents,
                        "visibility",
                        "friends"));
    }

    /** A routing number with a valid ABA check digit. */
    public static final String ROUTING = "091000019";

    public static final String CARD = "4242424242424242";

    /** Links a bank account through the API; fails the test unless it is linked. */
    public UUID linkBank(Person user, String accountNumber) {
        Response r = post(
                "/v1/me/payment-methods",
                user.token(),
                null,
                Map.of("type", "bank", "routing_number", ROUTING, "account_number", accountNumber));
        if (r.status() != 201) {
            throw new AssertionError("linking a bank failed: " + r.raw());
        }
        return UUID.fromString(r.json().path("id").asString());
    }

    /** Verifies a linked bank with the micro-deposits its holder sees on the statement at the simulated bank. */
    public Response verifyBank(Person user, UUID method, String accountNumber) {
        var deposits = sim.ach().statement(ROUTING, accountNumber);
        var latest = deposits.get(deposits.size() - 1).amountsCents();
        return post(
                "/v1/me/payment-methods/" + method + "/verify", user.token(), null, Map.of("amounts_cents", latest));
    }

    /**
     * Answers a linked bank's verification wrongly three times (each a 422): the link's attempts are spent, and the
     * account, by its fingerprint, is locked for everyone for good.
     */
    public void guessWrongThreeTimes(Person user, UUID method, String accountNumber) {
        List<Long> real = sim.ach().statement(ROUTING, accountNumber).get(0).amountsCents();
        List<Long> wrong = List.of(real.get(0) % 99 + 1, real.get(1));
        for (int i = 0; i < 3; i++) {
            Response r = post(
                    "/v1/me/payment-methods/" + method + "/verify", user.token(), null, Map.of("amounts_cents", wrong));
            if (r.status() != 422) {
                throw new AssertionError("a wrong verification answer was not refused: " + r.raw());
            }
        }
    }

    /** A new bank account number for this test run. */
    public static String newAccountNumber() {
        return Long.toString(1_000_000_000L + SEQUENCE.incrementAndGet());
    }

    /** Links and verifies a bank: the user's default bank unless one exists. */
    public UUID addVerifiedBank(Person user) {
        String account = newAccountNumber();
        UUID id = linkBank(user, account);
        Response verified = verifyBank(user, id, account);
        if (verified.status() != 200) {
            throw new AssertionError("verifying a bank failed: " + verified.raw());
        }
        return id;
    }

    public UUID addCard(Person user, String number) {
        Response r = post(
                "/v1/me/payment-methods",
                user.token(),
                null,
                Map.of(
                        "type",
                        "card",
                        "card_number",
                        number,
                        "exp_month",
                        12,
                        "exp_year",
                        java.time.Year.now().getValue() + 3));
        if (r.status() != 201) {
            throw new AssertionError("linking a card failed: " + r.raw());
        }
        return UUID.fromString(r.json().path("id").asString());
    }

    /**
     * Gives a user a wallet balance the way money really arrives: a bank-funded transfer from a funder, whose debit
     * then settles (as the settlement job would mark it: through the ledger module), so the money is cashable.
     */
    public void fund(Person user, long cents) {
        UUID debit = fundUnsettled(user, cents);
        new TransactionTemplate(new DataSourceTransactionManager(db.getDataSource()))
                .executeWithoutResult(s -> new Ledger(db).release(debit));
    }

    /** Like {@link #fund}, but the bank debit stays unsettled; returns the debit's id. */
    public UUID fundUnsettled(Person user, long cents) {
        Person funder = newUser("funder");
        addVerifiedBank(funder);
        Response r = transfer(funder, user.id(), cents, UUID.randomUUID().toString());
        if (r.status() != 201) {
            throw new AssertionError("funding failed: " + r.raw());
        }
        return db.queryForObject(
                "SELECT id FROM external_charges WHERE transfer_id = ?",
                UUID.class,
                UUID.fromString(r.json().path("id").asString()));
    }

    /** Asks {@code whom} to be friends (or accepts their request). */
    public Response befriend(Person who, UUID whom) {
        return send("PUT", "/v1/me/friends/" + whom, who.token(), null, null);
    }

    /** Asks {@code payer} for 500 cents ("lunch"). */
    public Response requestMoney(Person requester, UUID payer) {
        return post(
                "/v1/payment-requests",
                requester.token(),
                null,
                Map.of("payer_id", payer.toString(), "amount_cents", 500, "note", "lunch"));
    }

    /** Schedules 700 cents ("rent") to {@code receiver} every month from 30 days on. */
    public Response scheduleMonthly(Person payer, UUID receiver) {
        return post(
                "/v1/scheduled-payments",
                payer.token(),
                UUID.randomUUID().toString(),
                Map.of(
                        "receiver_id",
                        receiver.toString(),
                        "amount_cents",
                        700,
                        "note",
                        "rent",
                        "repeat",
                        "monthly",
                        "start_date",
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                                .plusDays(30)
                                .toString()));
    }

    public long balance(Person user) {
        return get("/v1/me/wallet", user.token()).json().path("balance_cents").asLong();
    }
}
