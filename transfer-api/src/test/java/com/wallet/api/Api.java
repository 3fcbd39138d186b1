package com.wallet.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
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

    private final String base;
    private final JdbcTemplate db;

    public Api(int port, JdbcTemplate db) {
        this.base = "http://localhost:" + port;
        this.db = db;
    }

    public Response send(String method, String path, String token, String idempotencyKey, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            request.method(
                    method,
                    text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
            if (text != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            boolean isJson = response.headers()
                    .firstValue("Content-Type")
                    .map(t -> t.contains("json"))
                    .orElse(false);
            JsonNode json = isJson && !raw.isBlank() ? JSON.readTree(raw) : JSON.nullNode();
            return new Response(response.statusCode(), response.headers().map(), raw, json);
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
                Map.of("username", username, "email", username + "@example.com", "password", "correct horse 1"));
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

    /** Links a payment method directly in the database (the linking API is a later feature). */
    public UUID addPaymentMethod(UUID userId, String type, boolean verified) {
        UUID id = UUID.randomUUID();
        db.update(
                "INSERT INTO payment_methods (id, user_id, type, last4, verified, is_default) VALUES (?, ?, ?, '4242', ?, true)",
                id,
                userId,
                type,
                verified);
        return id;
    }

    /** Gives a user a wallet balance the way money really arrives: a bank-funded transfer from a funder. */
    public void fund(Person user, long cents) {
        Person funder = newUser("funder");
        addPaymentMethod(funder.id(), "bank", true);
        Response r = transfer(funder, user.id(), cents, UUID.randomUUID().toString());
        if (r.status() != 201) {
            throw new AssertionError("funding failed: " + r.raw());
        }
    }

    public long balance(Person user) {
        return get("/v1/me/wallet", user.token()).json().path("balance_cents").asLong();
    }
}
