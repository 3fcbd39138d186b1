package com.wallet.api.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes the served OpenAPI document ({@code /v3/api-docs}, committed as {@code docs/openapi.yaml}) the contract the
 * API keeps: property names as on the wire (snake_case), the bearer scheme on every call but sign-up and login, and
 * every error as {@code application/problem+json}: the statuses each kind of operation can answer with listed, and a
 * {@code default} problem for the rest. {@code OpenApiContractIT} fails when the served document and the committed
 * one differ, and checks real traffic against the committed one.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer";

    /** An operation's stable name (a generated client's method) and its one-line summary. */
    record Naming(String operationId, String summary) {}

    /**
     * Every operation's name and summary, by method and path: names stay the same whatever the controllers' method
     * names or their order (springdoc's own would be {@code get_5}); an operation missing here has neither, which
     * {@code OpenApiContractIT} refuses.
     */
    static final Map<String, Naming> NAMES = Map.ofEntries(
            Map.entry(
                    "POST /v1/auth/token", new Naming("logIn", "Log in: an access token for a username and password")),
            Map.entry(
                    "POST /v1/cashouts",
                    new Naming("cashOut", "Cash out the wallet to a bank account (standard) or a card (instant)")),
            Map.entry("GET /v1/cashouts/{id}", new Naming("getCashout", "One of the caller's cash-outs")),
            Map.entry(
                    "GET /v1/claims/{id}",
                    new Naming("getClaim", "A payment waiting for its receiver to sign up and prove the address")),
            Map.entry(
                    "POST /v1/claims/{id}/cancel",
                    new Naming("cancelClaim", "Cancel a payment not yet claimed: its hold is released")),
            Map.entry("GET /v1/feed/public", new Naming("publicFeed", "The public feed, newest first")),
            Map.entry(
                    "GET /v1/feed/{transferId}/comments",
                    new Naming("listComments", "Comments on a payment in the feed")),
            Map.entry("POST /v1/feed/{transferId}/comments", new Naming("comment", "Comment on a payment in the feed")),
            Map.entry("DELETE /v1/feed/{transferId}/likes", new Naming("unlike", "Take back a like")),
            Map.entry("POST /v1/feed/{transferId}/likes", new Naming("like", "Like a payment in the feed")),
            Map.entry("GET /v1/me", new Naming("getMe", "The caller's profile")),
            Map.entry("DELETE /v1/me/avatar", new Naming("removeAvatar", "Remove the caller's avatar")),
            Map.entry("PUT /v1/me/avatar", new Naming("setAvatar", "Set the caller's avatar (an https URL)")),
            Map.entry(
                    "GET /v1/me/claims", new Naming("listClaims", "The caller's payments waiting for their receivers")),
            Map.entry(
                    "GET /v1/me/contacts",
                    new Naming("listContacts", "The caller's email addresses and phones, proved or not")),
            Map.entry(
                    "POST /v1/me/contacts",
                    new Naming("addContact", "Add an email address or phone: a code is sent to it")),
            Map.entry(
                    "POST /v1/me/contacts/verify",
                    new Naming(
                            "verifyContact",
                            "Prove an email address or phone with its code; pending payments to it arrive")),
            Map.entry(
                    "GET /v1/me/export", new Naming("exportMyData", "The caller's data as one JSON document, to keep")),
            Map.entry(
                    "GET /v1/me/feed",
                    new Naming("friendsFeed", "The caller's feed: friends' payments they may see, newest first")),
            Map.entry("GET /v1/me/blocks", new Naming("listBlocks", "The users the caller blocked")),
            Map.entry(
                    "PUT /v1/me/blocks/{userId}",
                    new Naming("block", "Block a user: no payments, requests or feed between you")),
            Map.entry("DELETE /v1/me/blocks/{userId}", new Naming("unblock", "Lift a block")),
            Map.entry("GET /v1/me/friends", new Naming("listFriends", "The caller's friends and friend requests")),
            Map.entry(
                    "DELETE /v1/me/friends/{userId}", new Naming("unfriend", "End a friendship or withdraw a request")),
            Map.entry(
                    "PUT /v1/me/friends/{userId}",
                    new Naming("befriend", "Ask someone to be friends, or accept their request")),
            Map.entry(
                    "GET /v1/me/notifications",
                    new Naming("listNotifications", "The caller's notifications, newest first")),
            Map.entry(
                    "POST /v1/me/notifications/{id}/read",
                    new Naming("markNotificationRead", "Mark a notification read")),
            Map.entry("GET /v1/me/payment-methods", new Naming("listPaymentMethods", "The caller's banks and cards")),
            Map.entry("POST /v1/me/payment-methods", new Naming("linkPaymentMethod", "Link a bank account or a card")),
            Map.entry(
                    "DELETE /v1/me/payment-methods/{id}",
                    new Naming("unlinkPaymentMethod", "Unlink a bank account or a card")),
            Map.entry(
                    "POST /v1/me/payment-methods/{id}/default",
                    new Naming("makeDefaultPaymentMethod", "Make a payment method the default")),
            Map.entry(
                    "POST /v1/me/payment-methods/{id}/verify",
                    new Naming("verifyPaymentMethod", "Verify a bank account with its micro-deposits")),
            Map.entry(
                    "GET /v1/me/payment-requests",
                    new Naming("listPaymentRequests", "The caller's payment requests, incoming or outgoing")),
            Map.entry("PUT /v1/me/pin", new Naming("setPin", "Set or change the caller's PIN")),
            Map.entry(
                    "POST /v1/auth/password-reset",
                    new Naming(
                            "requestPasswordReset",
                            "Send a password reset code to an email address, if an account has it")),
            Map.entry(
                    "POST /v1/auth/password-reset/confirm",
                    new Naming(
                            "confirmPasswordReset",
                            "Set a new password with a reset code: every token revoked, a new one answered")),
            Map.entry(
                    "PUT /v1/me/email",
                    new Naming("changeEmail", "Make a proven email address the account's (the password asked again)")),
            Map.entry(
                    "POST /v1/payment-requests/{id}/remind",
                    new Naming("remindPayer", "Remind the payer of a pending request (the requester, once a day)")),
            Map.entry(
                    "PUT /v1/me/password",
                    new Naming(
                            "changePassword",
                            "Change the caller's password: every token of the account revoked, a new one answered")),
            Map.entry(
                    "POST /v1/me/sign-out-everywhere",
                    new Naming("signOutEverywhere", "Revoke every token of the caller's account, this one too")),
            Map.entry(
                    "POST /v1/me/close",
                    new Naming("closeAccount", "Close the caller's account for good (the password asked again)")),
            Map.entry(
                    "GET /v1/me/statements", new Naming("getStatement", "The caller's statement for a period, as CSV")),
            Map.entry("GET /v1/me/transfers", new Naming("listTransfers", "The caller's payments, newest first")),
            Map.entry(
                    "GET /v1/me/wallet",
                    new Naming("getWallet", "The caller's wallet: balance, held, available, cashable")),
            Map.entry("GET /v1/me/wallet/top-ups", new Naming("listTopUps", "The caller's top-ups")),
            Map.entry(
                    "POST /v1/me/wallet/top-ups",
                    new Naming("topUp", "Add money to the wallet from a verified bank account")),
            Map.entry("GET /v1/me/wallet/top-ups/{id}", new Naming("getTopUp", "One of the caller's top-ups")),
            Map.entry(
                    "POST /v1/payment-requests",
                    new Naming("requestMoney", "Request money from one person, or split an amount among several")),
            Map.entry("GET /v1/payment-requests/groups/{id}", new Naming("getSplit", "A split request and its payers")),
            Map.entry(
                    "GET /v1/payment-requests/{id}",
                    new Naming("getPaymentRequest", "A payment request the caller made or was sent")),
            Map.entry(
                    "POST /v1/payment-requests/{id}/cancel",
                    new Naming("cancelPaymentRequest", "Cancel a request the caller made")),
            Map.entry(
                    "POST /v1/payment-requests/{id}/decline",
                    new Naming("declinePaymentRequest", "Decline a request sent to the caller")),
            Map.entry(
                    "POST /v1/payment-requests/{id}/pay",
                    new Naming("payPaymentRequest", "Pay a request sent to the caller")),
            Map.entry(
                    "GET /v1/scheduled-payments",
                    new Naming("listScheduledPayments", "The caller's scheduled payments")),
            Map.entry(
                    "POST /v1/scheduled-payments",
                    new Naming("schedulePayment", "Schedule a payment, once or repeating")),
            Map.entry(
                    "GET /v1/scheduled-payments/{id}",
                    new Naming("getScheduledPayment", "A scheduled payment and its occurrences")),
            Map.entry(
                    "POST /v1/scheduled-payments/{id}/cancel",
                    new Naming("cancelScheduledPayment", "Cancel a scheduled payment")),
            Map.entry(
                    "POST /v1/transfers",
                    new Naming("sendMoney", "Send money to a user, or to an email address or phone not yet here")),
            Map.entry("GET /v1/transfers/{id}", new Naming("getTransfer", "A payment the caller made or received")),
            Map.entry("PATCH /v1/transfers/{id}", new Naming("changeVisibility", "Change who sees a payment")),
            Map.entry("GET /v1/transfers/{id}/refunds", new Naming("listRefunds", "The refunds of a payment")),
            Map.entry(
                    "POST /v1/transfers/{id}/refunds",
                    new Naming("refund", "Give back part or all of a payment received")),
            Map.entry("GET /v1/users", new Naming("lookUpUser", "Find a user by username")),
            Map.entry("POST /v1/users", new Naming("signUp", "Sign up")),
            Map.entry("GET /v1/users/{id}/feed", new Naming("userFeed", "A user's payments the caller may see")));

    private static final String PROBLEM = "application/problem+json";
    private static final Set<String> PUBLIC = Set.of(
            "POST /v1/users",
            "POST /v1/auth/token",
            "POST /v1/auth/password-reset",
            "POST /v1/auth/password-reset/confirm");

    /** The schemas' property names as Jackson writes them here (snake_case; swagger-core reads Jackson 2's). */
    @Bean
    ModelConverter snakeCaseModels() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /** The document's header; the server is relative ("/"), so that the document is the same wherever it runs. */
    @Bean
    OpenAPI walletApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("wallet transfer-api")
                        .version("1")
                        .description("Send and request money, fund it by balance, bank or card, cash out, read the"
                                + " feed. Money calls take an Idempotency-Key; amounts are integer cents (USD)."
                                + " Errors are RFC 9457 problem details. docs/api.md explains each call."))
                .servers(java.util.List.of(
                        new io.swagger.v3.oas.models.servers.Server().url("/").description("this server")));
    }

    @Bean
    OpenApiCustomizer contract() {
        return api -> {
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components
                    .addSecuritySchemes(
                            BEARER,
                            new SecurityScheme()
                                    .type(SecurityScheme.Type.HTTP)
                                    .scheme("bearer")
                                    .bearerFormat("JWT")
                                    .description("the access_token of POST /v1/auth/token"))
                    .addSchemas("Problem", problemSchema()));
            api.getPaths()
                    .forEach((path, item) -> item.readOperationsMap()
                            .forEach((method, operation) -> contract(method.name() + " " + path, path, operation)));
        };
    }

    /** Calls that move no money but may refuse with 422 (a payer or friend not allowed, a wrong code). */
    static final Set<String> REFUSING = Set.of(
            "PUT /v1/me/friends/{userId}",
            "POST /v1/payment-requests",
            "POST /v1/me/payment-methods/{id}/verify",
            "POST /v1/me/contacts/verify");

    private static void contract(String call, String path, Operation operation) {
        Naming naming = NAMES.get(call);
        operation.setOperationId(naming == null ? null : naming.operationId());
        operation.setSummary(naming == null ? null : naming.summary());
        operation.setTags(java.util.List.of(area(path)));
        boolean secured = !PUBLIC.contains(call);
        if (secured) {
            operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        } else {
            operation.setSecurity(new java.util.ArrayList<>()); // security: [] (public, on purpose)
        }
        boolean money = operation.getParameters() != null
                && operation.getParameters().stream()
                        .map(Parameter::getName)
                        .anyMatch("Idempotency-Key"::equalsIgnoreCase);
        ApiResponses responses = operation.getResponses();
        problem(responses, "400", "the request is malformed or a value is invalid");
        if (secured) {
            problem(responses, "401", "no valid access token");
            problem(responses, "403", "not allowed, or the PIN (Wallet-Pin) is missing or wrong");
        } else {
            problem(responses, "401", "wrong credentials");
        }
        if (path.contains("{")) {
            problem(responses, "404", "no such resource, or not the caller's");
        }
        if (money || !call.startsWith("GET ")) {
            problem(responses, "409", "conflicts with the resource's state, or the same key is still in flight");
        }
        if (money) {
            problem(responses, "422", "refused: insufficient funds, a limit, a key reused for another request, ...");
        } else if (REFUSING.contains(call)) {
            problem(responses, "422", "refused: the kinds this call refuses with are listed in docs/api.md");
        }
        if (money) {
            problem(
                    responses,
                    "503",
                    "a partner (bank, card network) or the database is unavailable; retry with the same key");
        } else {
            problem(
                    responses,
                    "503",
                    "the database (for the feed, Cassandra) is unavailable; Retry-After says when to try again");
        }
        problem(responses, "429", "rate limited; Retry-After says when to try again");
        problem(responses, "default", "any other error");
    }

    /** The part of the API a path belongs to: its tag (a generated client's class, a section of Swagger UI). */
    static String area(String path) {
        if (path.contains("/feed")) {
            return "feed";
        }
        String[][] prefixes = {
            {"/v1/me/payment-requests", "requests"},
            {"/v1/payment-requests", "requests"},
            {"/v1/me/payment-methods", "payment-methods"},
            {"/v1/me/transfers", "payments"},
            {"/v1/transfers", "payments"},
            {"/v1/me/wallet", "wallet"},
            {"/v1/me/statements", "wallet"},
            {"/v1/cashouts", "cashouts"},
            {"/v1/me/friends", "friends"},
            {"/v1/me/blocks", "friends"},
            {"/v1/claims", "claims"},
            {"/v1/me/claims", "claims"},
            {"/v1/me/contacts", "claims"},
            {"/v1/me/notifications", "notifications"},
            {"/v1/scheduled-payments", "scheduled-payments"}
        };
        for (String[] prefix : prefixes) {
            if (path.startsWith(prefix[0])) {
                return prefix[1];
            }
        }
        return "users";
    }

    /** Examples of the main requests and of a problem, as a client would send and get them. */
    private static void examples(Components components) {
        Map<String, Object> examples = Map.of(
                "SignUp",
                Map.of(
                        "username", "alice",
                        "email", "alice@example.com",
                        "password", "correct horse 1",
                        "display_name", "Alice",
                        "pin", "2468"),
                "Credentials",
                Map.of("username", "alice", "password", "correct horse 1"),
                "LinkRequest",
                Map.of("type", "card", "card_number", "4242424242424242", "exp_month", 12, "exp_year", 2030),
                "SendRequest",
                Map.of(
                        "receiver_id", "6f1c2b9e-3a4d-4f5e-8a7b-9c0d1e2f3a4b",
                        "amount_cents", 1250,
                        "note", "pizza",
                        "visibility", "friends"),
                "CreateRequest",
                Map.of("payer_id", "6f1c2b9e-3a4d-4f5e-8a7b-9c0d1e2f3a4b", "amount_cents", 300, "note", "tickets"),
                "CashoutRequest",
                Map.of(
                        "amount_cents", 5000,
                        "speed", "standard",
                        "payment_method_id", "0b8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"),
                "Problem",
                Map.of(
                        "type", "https://api.wallet.example/problems/insufficient-funds",
                        "title", "Not enough money in the wallet or funding sources",
                        "status", 422,
                        "detail", "the wallet, bank and card cannot fund 1250 cents"));
        examples.forEach((name, example) -> {
            Schema<?> schema = components.getSchemas() == null
                    ? null
                    : components.getSchemas().get(name);
            if (schema != null) {
                schema.setExample(example);
            }
        });
    }

    private static void problem(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(
                    status,
                    new ApiResponse()
                            .description(description)
                            .content(new Content()
                                    .addMediaType(
                                            PROBLEM,
                                            new MediaType()
                                                    .schema(new Schema<>().$ref("#/components/schemas/Problem")))));
        }
    }

    private static Schema<?> problemSchema() {
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem details; some problems add members (e.g. errors, retry_after)")
                .addProperty("type", new StringSchema().description("a URI naming the kind of problem"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema());
        problem.setRequired(java.util.List.of("type", "title", "status"));
        problem.setAdditionalProperties(Boolean.TRUE);
        return problem;
    }
}
