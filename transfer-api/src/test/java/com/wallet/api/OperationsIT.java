package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

@ApiIT
class OperationsIT extends ApiIT.Base {

    @org.junit.jupiter.api.BeforeAll
    static void feedKeyspace() {
        migrateFeedKeyspace(); // health is UP only with every part there, the feed's keyspace included
    }

    @Test
    void healthReportsUpWithTheDatabase() {
        Api.Response health = api.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).as(health.raw()).isEqualTo("UP");
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
    void everyStatementIsTimedByKind() {
        Api.Person alice = api.newUser("alice");
        Api.Person bob = api.newUser("bob");
        api.fund(alice, 100);
        long before = statements("select") + statements("insert") + statements("update");
        long selectsBefore = statements("select");

        api.transfer(alice, bob.id(), 50, UUID.randomUUID().toString());

        long after = statements("select") + statements("insert") + statements("update");
        // a transfer reads the wallets, locks them, writes the transfer, the entry and its lines, the idempotency row
        assertThat(after - before).isGreaterThanOrEqualTo(5);
        assertThat(statements("select")).isGreaterThan(selectsBefore);
        assertThat(api.get("/actuator/prometheus", null).raw())
                .contains("venmo_db_query_duration_seconds_bucket{query_type=\"insert\",le=\"");
    }

    /** How many statements of a kind the API has timed, from its Prometheus page. */
    private long statements(String kind) {
        String prefix = "venmo_db_query_duration_seconds_count{query_type=\"" + kind + "\"} ";
        return api.get("/actuator/prometheus", null)
                .raw()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length())))
                .findFirst()
                .orElse(0);
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
