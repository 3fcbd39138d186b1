package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/openapi.yaml} is the contract: it is the document the running API serves (a difference fails the
 * build; {@code -Dopenapi.update=true} rewrites the file from the served one, for review in the diff), it passes the
 * OpenAPI parser's validation and this project's rules (snake_case properties, bearer security on every call but
 * sign-up and login, problem responses on every operation), and real traffic, success and error, matches it: every
 * request a client sends and every response the API gives in a workload over most operations is checked against it
 * by an independent validator (Atlassian's swagger-request-validator).
 */
@ApiIT
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT extends ApiIT.Base {

    static final Path COMMITTED = Path.of("..", "docs", "openapi.yaml");

    @Test
    @org.junit.jupiter.api.Order(1) // first: with -Dopenapi.update=true it writes the file the others read
    void theServedDocumentIsTheCommittedContract() throws Exception {
        Api.Response served = api.get("/v3/api-docs.yaml", null);
        assertThat(served.status()).isEqualTo(200);
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(COMMITTED, served.raw());
        }
        Files.writeString(Path.of("target", "openapi-served.yaml"), served.raw()); // to diff against on a failure
        assertThat(Files.readString(COMMITTED))
                .as(
                        "docs/openapi.yaml is what the API serves; after a deliberate change run"
                                + " mvn verify -pl transfer-api -Dit.test=OpenApiContractIT -Dtest=none"
                                + " -Dopenapi.update=true and review the diff (the served one is in target/openapi-served.yaml)")
                .isEqualTo(served.raw());
    }

    @Test
    void theContractIsValidOpenApiAndKeepsTheRules() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(Files.readString(COMMITTED), null, options);
        assertThat(parsed.getMessages()).as("parser findings").isEmpty();
        OpenAPI doc = parsed.getOpenAPI();
        List<String> broken = new ArrayList<>();
        doc.getComponents()
                .getSchemas()
                .forEach((name, schema) -> properties(schema).keySet().stream()
                        .filter(p -> !p.matches("[a-z][a-z0-9_]*"))
                        .forEach(p -> broken.add("schema " + name + " property " + p + " is not snake_case")));
        doc.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                    String call = method + " " + path;
                    boolean isPublic = call.equals("POST /v1/users")
                            || call.equals("POST /v1/auth/token")
                            || call.startsWith("POST /v1/auth/password-reset");
                    if (!isPublic
                            && (op.getSecurity() == null || op.getSecurity().isEmpty())) {
                        broken.add(call + " declares no security");
                    }
                    if (op.getOperationId() == null || op.getSummary() == null) {
                        broken.add(call + " has no operationId or summary (OpenApiConfiguration.NAMES)");
                    }
                    if (isPublic
                            && (op.getSecurity() == null || !op.getSecurity().isEmpty())) {
                        broken.add(call + " is public but does not say so (security: [])");
                    }
                    if (op.getResponses().keySet().stream().noneMatch(s -> s.startsWith("4"))) {
                        broken.add(call + " declares no 4xx response");
                    }
                    if (op.getResponses().get("default") == null
                            || op.getResponses().get("default").getContent().get("application/problem+json") == null) {
                        broken.add(call + " has no problem+json default response");
                    }
                    op.getResponses().forEach((status, response) -> {
                        if (response.getContent() != null
                                && response.getContent().containsKey("*/*")) {
                            broken.add(call + " " + status + " has no media type (*/*)");
                        }
                    });
                    if (method.name().equals("POST")
                            && (path.equals("/v1/transfers") || path.equals("/v1/cashouts") || path.endsWith("/pay"))
                            && op.getParameters().stream()
                                    .noneMatch(p -> p.getName().equals("Idempotency-Key")
                                            && Boolean.TRUE.equals(p.getRequired()))) {
                        broken.add(call + " does not require an Idempotency-Key");
                    }
                }));
        assertThat(doc.getComponents().getSecuritySchemes()).containsKey("bearer");
        assertThat(broken).isEmpty();
    }

    @Test
    void realTrafficMatchesTheContract() throws Exception {
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForInlineApiSpecification(
                        Files.readString(COMMITTED))
                .build();
        List<Api.Exchange> exchanges = new ArrayList<>();
        Api client = api.recordingTo(exchanges::add);

        Api.Person alice = client.newUser("alice");
        Api.Person bob = client.newUser("bob");
        client.get("/v1/me", alice.token());
        client.get("/v1/users/" + bob.id() + "/feed", alice.token());
        UUID card = client.addCard(alice, Api.CARD);
        client.get("/v1/me/payment-methods", alice.token());
        client.fund(alice, 10_000);
        client.get("/v1/me/wallet", alice.token());
        Api.Response sent =
                client.transfer(alice, bob.id(), 1_250, UUID.randomUUID().toString());
        String transfer = sent.json().path("id").asString();
        client.get("/v1/transfers/" + transfer, alice.token());
        client.get("/v1/me/transfers?limit=5", alice.token());
        client.send("PATCH", "/v1/transfers/" + transfer, alice.token(), null, Map.of("visibility", "private"));
        client.post(
                "/v1/transfers/" + transfer + "/refunds",
                bob.token(),
                UUID.randomUUID().toString(),
                Map.of("amount_cents", 250, "note", "change"));
        client.get("/v1/transfers/" + transfer + "/refunds", alice.token());
        Api.Response request = client.post(
                "/v1/payment-requests",
                bob.token(),
                UUID.randomUUID().toString(),
                Map.of("payer_id", alice.id(), "amount_cents", 300, "note", "tickets"));
        String requestId = request.json().path("id").asString();
        client.get("/v1/me/payment-requests?role=incoming", alice.token());
        client.post(
                "/v1/payment-requests/" + requestId + "/pay",
                alice.token(),
                UUID.randomUUID().toString(),
                null);
        client.post(
                "/v1/cashouts",
                bob.token(),
                UUID.randomUUID().toString(),
                Map.of("amount_cents", 100, "speed", "standard", "payment_method_id", client.addVerifiedBank(bob)));
        client.get("/v1/me/friends", alice.token());
        client.get("/v1/me/statements?from=2026-01-01&to=2026-12-31", alice.token());
        // errors: a malformed body, no token (requests the contract itself calls invalid: only their answers are
        // checked), an unknown id, not enough money, a key reused for another request
        List<Api.Exchange> invalid = new ArrayList<>();
        Api bad = api.recordingTo(invalid::add);
        bad.post("/v1/transfers", alice.token(), UUID.randomUUID().toString(), Map.of("amount_cents", -5));
        bad.get("/v1/me/wallet", null);
        client.get("/v1/transfers/" + UUID.randomUUID(), alice.token());
        client.post(
                "/v1/transfers",
                bob.token(),
                UUID.randomUUID().toString(),
                Map.of("receiver_id", alice.id(), "amount_cents", 99_999_00, "note", "too much"));
        String key = UUID.randomUUID().toString();
        client.transfer(alice, bob.id(), 100, key);
        client.transfer(alice, bob.id(), 200, key);
        // last, as they revoke the caller's tokens: a password change (a wrong one, then the right one) and signing out
        Api.Person carol = api.newUser("carol");
        client.send(
                "POST",
                "/v1/auth/password-reset",
                null,
                null,
                Map.of("email", carol.username() + "@example.com"),
                Map.of("X-Forwarded-For", "192.0.2.77"));
        client.send(
                "POST",
                "/v1/auth/password-reset/confirm",
                null,
                null,
                Map.of("code", "not a code sent", "new_password", "another passphrase"),
                Map.of("X-Forwarded-For", "192.0.2.77"));
        client.send(
                "PUT",
                "/v1/me/password",
                carol.token(),
                null,
                Map.of("password", "not carol's password", "new_password", "another passphrase"),
                Map.of("X-Forwarded-For", "198.51.100.77"));
        String changed = client.send(
                        "PUT",
                        "/v1/me/password",
                        carol.token(),
                        null,
                        Map.of("password", "correct horse 1", "new_password", "another passphrase"))
                .json()
                .path("access_token")
                .asString();
        client.post("/v1/me/sign-out-everywhere", changed, null, null);
        assertThat(card).isNotNull();

        List<String> mismatches = new ArrayList<>();
        for (Api.Exchange e : exchanges) {
            report(e, validator.validate(request(e), response(e)), mismatches);
        }
        for (Api.Exchange e : invalid) {
            assertThat(validator.validateRequest(request(e)).hasErrors())
                    .as("the contract calls %s %s invalid", e.method(), e.path())
                    .isTrue();
            report(
                    e,
                    validator.validateResponse(e.path(), Request.Method.valueOf(e.method()), response(e)),
                    mismatches);
        }
        assertThat(exchanges).hasSizeGreaterThan(25);
        assertThat(java.util.stream.Stream.concat(exchanges.stream(), invalid.stream())
                        .map(e -> e.response().status())
                        .distinct())
                .contains(200, 201, 202, 400, 401, 404, 422);
        assertThat(mismatches).isEmpty();
    }

    private static void report(Api.Exchange e, ValidationReport report, List<String> mismatches) {
        if (report.hasErrors()) {
            mismatches.add(e.method() + " " + e.path() + " → " + e.response().status() + ": "
                    + report.getMessages().stream()
                            .map(m -> m.getKey() + " " + m.getMessage())
                            .toList());
        }
    }

    private static Request request(Api.Exchange e) {
        String path = e.path();
        String query = null;
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        SimpleRequest.Builder b = new SimpleRequest.Builder(e.method(), path);
        e.headers().forEach(b::withHeader);
        if (e.body() != null) {
            b.withBody(e.body());
        }
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                b.withQueryParam(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return b.build();
    }

    private static SimpleResponse response(Api.Exchange e) {
        SimpleResponse.Builder b = SimpleResponse.Builder.status(e.response().status());
        e.response().headers().forEach((name, values) -> b.withHeader(name, values));
        if (!e.response().raw().isEmpty()) {
            b.withBody(e.response().raw());
        }
        return b.build();
    }

    @SuppressWarnings("rawtypes")
    private static Map<String, Schema> properties(Schema<?> schema) {
        return schema.getProperties() == null ? Map.of() : schema.getProperties();
    }
}
