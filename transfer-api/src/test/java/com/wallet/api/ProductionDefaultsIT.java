package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.stack.PostgresSettings;
import com.wallet.stack.SharedStack;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The API started as production starts it (no profile): it refuses to start without its secrets, and its public port
 * serves neither metrics nor the OpenAPI document or Swagger UI unless configured.
 */
@ApiIT
class ProductionDefaultsIT extends ApiIT.Base {

    private static List<String> args(String... more) {
        PostgresSettings pg = SharedStack.get().postgres();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(),
                "--spring.datasource.password=" + pg.password(),
                "--spring.kafka.bootstrap-servers=" + SharedStack.get().kafka().bootstrapServers(),
                "--wallet.notifications.enabled=false"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void withoutItsSecretsTheApiDoesNotStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TransferApiApplication.class)
                        .run(args("--wallet.crypto.data-key=cHJvZHVjdGlvbi10ZXN0LWRhdGEta2V5LTMyLWJ5dGU=")
                                .toArray(String[]::new))
                        .close())
                .hasStackTraceContaining("jwt-secret");
        assertThatThrownBy(() -> new SpringApplicationBuilder(TransferApiApplication.class)
                        .run(
                                args("--wallet.security.jwt-secret=cHJvZHVjdGlvbi10ZXN0LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdo")
                                        .toArray(String[]::new))
                        .close())
                .hasStackTraceContaining("WALLET_CRYPTO_DATA_KEY");
    }

    @Test
    void thePublicPortServesNoMetricsAndNoApiDocumentByDefault() {
        try (ConfigurableApplicationContext prod = new SpringApplicationBuilder(TransferApiApplication.class)
                .run(args(
                                "--wallet.security.jwt-secret=cHJvZHVjdGlvbi10ZXN0LXNlY3JldC10aGF0LWlzLWxvbmctZW5vdWdo",
                                "--wallet.crypto.data-key=cHJvZHVjdGlvbi10ZXN0LWRhdGEta2V5LTMyLWJ5dGU=")
                        .toArray(String[]::new))) {
            Api public_ = new Api(Integer.parseInt(prod.getEnvironment().getProperty("local.server.port")), db, sim);
            assertThat(public_.get("/actuator/health", null).status()).isEqualTo(200);
            assertThat(public_.get("/actuator/prometheus", null).status()).isIn(401, 404);
            assertThat(public_.get("/v3/api-docs", null).status()).isIn(401, 404);
            assertThat(public_.get("/swagger-ui/index.html", null).status()).isIn(401, 404);
        }
    }
}
