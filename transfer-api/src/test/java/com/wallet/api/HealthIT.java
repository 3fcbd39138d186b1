package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.stack.internal.Ports;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Health tells money from the rest: with Cassandra and Kafka out of reach the API is DEGRADED (still 200, still ready,
 * still moving money), and each part says which it is.
 */
@ApiIT
class HealthIT extends ApiIT.Base {

    /** One Admin client serves every Kafka check: its network thread outlives a check, and a second adds none. */
    @Test
    void kafkaHealthKeepsOneClient() {
        assertThat(api.get("/actuator/health/kafka", null).json().path("status").asString())
                .isEqualTo("UP");
        long after = healthClientThreads();
        assertThat(after).as("the kept client's network thread").isPositive();
        assertThat(api.get("/actuator/health/kafka", null).json().path("status").asString())
                .isEqualTo("UP");
        assertThat(healthClientThreads())
                .as("no new client for the second check")
                .isEqualTo(after);
    }

    private static long healthClientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("transfer-api-health"))
                .count();
    }

    @Test
    void withoutCassandraAndKafkaTheApiIsDegradedNotDownAndMoneyStillMoves() {
        assertThat(api.get("/actuator/health/kafka", null).json().path("status").asString())
                .as("the test instance reaches the broker")
                .isEqualTo("UP");

        int nothing = Ports.free();
        try (ConfigurableApplicationContext cut = anotherInstance(
                "--wallet.feed.contact-point=127.0.0.1:" + nothing,
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + nothing)) {
            Api other = new Api(portOf(cut), db, sim);
            Api.Response health = other.get("/actuator/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asString()).isEqualTo("DEGRADED");
            assertThat(other.get("/actuator/health/feed", null)
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("DEGRADED");
            assertThat(other.get("/actuator/health/kafka", null)
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("DEGRADED");
            Api.Response ready = other.get("/actuator/health/readiness", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("status").asString()).isEqualTo("UP");

            Api.Person payer = other.newUser("payer");
            Api.Person payee = other.newUser("payee");
            api.fund(payer, 1_000);
            assertThat(other.post(
                                    "/v1/transfers",
                                    payer.token(),
                                    UUID.randomUUID().toString(),
                                    Map.of("receiver_id", payee.id().toString(), "amount_cents", 400, "note", "still"))
                            .status())
                    .as("money moves")
                    .isEqualTo(201);
        }
    }
}
