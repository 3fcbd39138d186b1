package com.wallet.run;

import com.wallet.run.Pipeline.Person;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API as the end-to-end tests use it: real HTTP; any status of 300 or more fails the test. */
final class ApiClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The PIN each user of {@link #signUp} sets and sends on every authenticated call. */
    static final String PIN = "2468";

    private final String base;

    ApiClient(String base) {
        this.base = base;
    }

    List<String> feed(Person reader) {
        return call("GET", "/v1/me/feed", reader, null, null)
                .path("items")
                .valueStream()
                .map(i -> i.path("transfer_id").asString())
                .toList();
    }

    Person signUp(String name) {
        String username = name + "_" + Long.toString(System.nanoTime(), 36);
        JsonNode user = call(
                "POST",
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
        JsonNode token =
                call("POST", "/v1/auth/token", null, null, Map.of("username", username, "password", "correct horse 1"));
        return new Person(
                UUID.fromString(user.path("id").asString()),
                username,
                token.path("access_token").asString());
    }

    void befriend(Person a, Person b) {
        call("PUT", "/v1/me/friends/" + b.id(), a, null, null);
        call("PUT", "/v1/me/friends/" + a.id(), b, null, null);
    }

    /** The body of {@code POST /v1/transfers} paying {@code to}. */
    static Map<String, Object> payment(Person to, long cents, String note, String visibility) {
        return Map.of("receiver_id", to.id().toString(), "amount_cents", cents, "note", note, "visibility", visibility);
    }

    /** A payment under a fresh idempotency key; returns the API's answer. */
    JsonNode send(Person from, Person to, long cents, String note, String visibility) {
        return call("POST", "/v1/transfers", from, UUID.randomUUID().toString(), payment(to, cents, note, visibility));
    }

    JsonNode call(String method, String path, Person as, String key, Object body) {
        HttpResponse<String> response = exchange(method, path, as, key, body);
        if (response.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** The call as {@link #call} makes it, answered whatever its status. */
    HttpResponse<String> exchange(String method, String path, Person as, String key, Object body) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
            if (as != null) {
                request.header("Authorization", "Bearer " + as.token());
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
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
