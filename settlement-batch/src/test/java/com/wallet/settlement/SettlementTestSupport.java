package com.wallet.settlement;

import com.wallet.api.TransferApiApplication;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.SharedStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What settlement tests run against, once per test JVM: the real PostgreSQL with transfer-api's schema, the partner
 * simulator, and transfer-api itself (in this JVM, on a free port), through whose API the tests create the bank debits
 * and cashouts that settlement then settles.
 */
final class SettlementTestSupport {

    static final String DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LWZvci1hZXMtZ2NtISE=";

    /** Settlement's previous data key, id 5 (a rotation under way): numbers still under it are read too. */
    static final String PREVIOUS_DATA_KEY = "dGVzdC1vbmx5LXNlY29uZC1kYXRhLWtleS0zMmJ5dGU=";

    static final String ROUTING = "091000019";
    static final PartnerSimulator SIM = PartnerSimulator.start(0);
    static final Path OUTPUT;
    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ConfigurableApplicationContext api;

    static {
        try {
            // not there yet: the jobs create it (owner-only)
            OUTPUT = Files.createTempDirectory("settlement-it").resolve("out");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SettlementTestSupport() {}

    static PostgresSettings postgres() {
        return SharedStack.get().postgres();
    }

    /** transfer-api, started once; it migrates the core schema. */
    static synchronized String api() {
        if (api == null) {
            PostgresSettings pg = postgres();
            api = new SpringApplicationBuilder(TransferApiApplication.class)
                    .registerShutdownHook(true)
                    .run(
                            "--server.port=0",
                            "--spring.datasource.url=" + pg.jdbcUrl(),
                            "--spring.datasource.username=" + pg.username(),
                            "--spring.datasource.password=" + pg.password(),
                            "--wallet.security.jwt-secret=dGVzdC1vbmx5LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdoLWZvci1oczI1Ng==",
                            "--wallet.crypto.data-key=" + DATA_KEY,
                            "--wallet.rate-limit.capacity=1000",
                            "--wallet.rate-limit.sign-up.capacity=1000000",
                            "--wallet.partners.card.base-url=" + SIM.baseUrl(),
                            "--wallet.partners.ach.base-url=" + SIM.baseUrl(),
                            "--spring.batch.job.enabled=false",
                            "--wallet.notifications.enabled=false",
                            // the tests run the scheduler at the moments they choose (apiBean)
                            "--wallet.scheduled-payments.enabled=false",
                            "--logging.level.root=WARN");
        }
        String port = api.getEnvironment().getProperty("local.server.port");
        return "http://localhost:" + port;
    }

    /** A bean of the running transfer-api (its scheduler, say), started if it is not yet. */
    static <T> T apiBean(Class<T> type) {
        api();
        return api.getBean(type);
    }

    /** The core schema without starting the API (for a settlement context that starts first). */
    static synchronized void migrateCore() {
        PostgresSettings pg = postgres();
        Flyway.configure()
                .dataSource(pg.jdbcUrl(), pg.username(), pg.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** The settlement service's settings for this stack, as command-line arguments. */
    static List<String> arguments() {
        PostgresSettings pg = postgres();
        return List.of(
                "--spring.config.name=settlement",
                "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(),
                "--spring.datasource.password=" + pg.password(),
                "--settlement.schedule.enabled=false",
                "--settlement.output-dir=" + OUTPUT,
                "--settlement.data-key=" + DATA_KEY,
                "--settlement.previous-data-keys=5:" + PREVIOUS_DATA_KEY,
                "--settlement.ach.base-url=" + SIM.baseUrl(),
                "--settlement.card.base-url=" + SIM.baseUrl(),
                "--settlement.ach.retry-wait=PT0.2S",
                "--settlement.ach.timeout=PT3S",
                "--settlement.settlement-days=2");
    }

    /** The core schema migrated, and the settlement service's settings for a Spring test context. */
    static void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
        migrateCore();
        for (String argument : arguments()) {
            String[] kv = argument.substring(2).split("=", 2);
            if (!kv[0].equals("spring.config.name")) {
                registry.add(kv[0], () -> kv[1]);
            }
        }
    }

    record Person(UUID id, String token) {}

    /** The PIN each test user sets at sign-up and sends on every authenticated call. */
    static final String PIN = "2468";

    static JsonNode call(String method, String path, String token, String key, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api() + path));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
                request.header("Wallet-Pin", PIN);
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            request.header("Content-Type", "application/json");
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + json);
            }
            return json;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Person newUser(String prefix) {
        String name = prefix + "_" + SEQUENCE.incrementAndGet();
        JsonNode user = call(
                "POST",
                "/v1/users",
                null,
                null,
                Map.of("username", name, "email", name + "@example.com", "password", "correct horse 1", "pin", PIN));
        JsonNode token =
                call("POST", "/v1/auth/token", null, null, Map.of("username", name, "password", "correct horse 1"));
        return new Person(
                UUID.fromString(user.path("id").asString()),
                token.path("access_token").asString());
    }

    static String newAccount() {
        return Long.toString(1_000_000_000L + SEQUENCE.incrementAndGet());
    }

    /** Links and verifies a bank account with the given number; returns the payment method id. */
    static UUID verifiedBank(Person user, String account) {
        JsonNode linked = call(
                "POST",
                "/v1/me/payment-methods",
                user.token(),
                null,
                Map.of("type", "bank", "routing_number", ROUTING, "account_number", account));
        UUID id = UUID.fromString(linked.path("id").asString());
        var deposits = SIM.ach().statement(ROUTING, account);
        call(
                "POST",
                "/v1/me/payment-methods/" + id + "/verify",
                user.token(),
                null,
                Map.of("amounts_cents", deposits.get(deposits.size() - 1).amountsCents()));
        return id;
    }

    static JsonNode send(Person from, Person to, long cents) {
        return call(
                "POST",
                "/v1/transfers",
                from.token(),
                UUID.randomUUID().toString(),
                Map.of("receiver_id", to.id().toString(), "amount_cents", cents, "note", "rent"));
    }

    static JsonNode standardCashout(Person user, UUID bank, long cents) {
        return call(
                "POST",
                "/v1/cashouts",
                user.token(),
                UUID.randomUUID().toString(),
                Map.of("amount_cents", cents, "speed", "standard", "payment_method_id", bank.toString()));
    }

    /** A GET of the simulator's HTTP API, as settlement's clients see it. */
    static JsonNode sim(String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(SIM.baseUrl() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode wallet(Person user) {
        return call("GET", "/v1/me/wallet", user.token(), null, null);
    }
}
