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
    private static final String PROBLEM = "application/problem+json";
    private static final Set<String> PUBLIC = Set.of("POST /v1/users", "POST /v1/auth/token");

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

    private static void contract(String call, String path, Operation operation) {
        boolean secured = !PUBLIC.contains(call);
        if (secured) {
            operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
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
            problem(responses, "503", "a partner (bank, card network) is unavailable; retry with the same key");
        }
        problem(responses, "429", "rate limited; Retry-After says when to try again");
        problem(responses, "default", "any other error");
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
