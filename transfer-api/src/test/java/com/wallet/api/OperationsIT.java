package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

@ApiIT
class OperationsIT extends ApiIT.Base {

    @Test
    void healthReportsUpWithTheDatabase() {
        Api.Response health = api.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    @Test
    void prometheusExposesTheTransferMetricsTheContractNames() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 100);
        api.transfer(alice, bob.id(), 50, UUID.randomUUID().toString());

        String metrics = api.get("/actuator/prometheus", null).raw();

        assertThat(metrics)
                .contains("venmo_transfers_total{funding_source=\"balance\",status=\"completed\"}")
                .contains("venmo_transfers_total{funding_source=\"bank\",status=\"completed\"}")
                .contains("venmo_transfer_amount_cents_count")
                .contains("venmo_transfer_duration_seconds_count{step=\"lock\"}")
                .contains("venmo_transfer_duration_seconds_count{step=\"total\"}")
                .contains("venmo_postgres_connections_active ");
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        Api.Response docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().path("paths").has("/v1/transfers")).isTrue();
        assertThat(docs.json().path("paths").has("/v1/me/wallet")).isTrue();
        assertThat(api.get("/swagger-ui/index.html", null).status()).isEqualTo(200);
    }

    @Test
    void everyResponseCarriesARequestId() {
        Api.Response r = api.get("/v1/me", null);
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }
}
