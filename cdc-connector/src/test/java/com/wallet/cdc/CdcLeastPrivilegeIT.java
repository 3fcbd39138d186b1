package com.wallet.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.wallet.stack.ServiceRoles;
import com.wallet.stack.Stack;
import com.wallet.stack.StackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connector runs as {@code wallet_cdc}: REPLICATION, SELECT on the captured tables and its heartbeat row, nothing
 * else. It streams through the publication the migrations made ({@code wallet_cdc}, autocreate disabled), and its
 * role can neither write a captured table nor read an uncaptured one.
 */
@ExtendWith(StackExtension.class)
class CdcLeastPrivilegeIT {

    private final Stack stack;

    CdcLeastPrivilegeIT(Stack stack) {
        this.stack = stack;
    }

    @Test
    void theConnectorStreamsAsItsOwnRoleWhichMayOnlyRead() throws Exception {
        CdcTestSupport.migrate(stack);
        CdcSettings settings = CdcTestSupport.settings(
                stack,
                "roles",
                Map.of(
                        "cdc.postgres.username", ServiceRoles.CDC,
                        "cdc.publication.name", "wallet_cdc",
                        "cdc.publication.autocreate-mode", "disabled"));
        try (CdcConnector connector = new CdcConnector(settings, new SimpleMeterRegistry())) {
            connector.start();
            CdcTestSupport.awaitStreaming(settings); // its heartbeat row is written as wallet_cdc
            UUID alice;
            try (Connection c = CdcTestSupport.connect(stack)) {
                alice = CdcTestSupport.insertUser(c, "cdc_role_" + System.nanoTime());
            }
            try (var users = new CdcTestSupport.TopicReader(
                    stack.kafka().bootstrapServers(), settings.topicOf("public.users"))) {
                assertThat(users.readUntil(
                                Duration.ofSeconds(90),
                                rs -> rs.stream().anyMatch(r -> r.key().contains(alice.toString()))))
                        .anyMatch(r -> r.key().contains(alice.toString()));
            }
        } finally {
            CdcTestSupport.dropSlot(stack, settings);
        }

        var pg = stack.postgres();
        try (Connection cdc = DriverManager.getConnection(pg.jdbcUrl(), ServiceRoles.CDC, pg.password())) {
            for (String attempt : List.of(
                    "UPDATE users SET display_name = 'x'",
                    "DELETE FROM transfers",
                    "SELECT count(*) FROM ledger_lines",
                    "SELECT count(*) FROM payment_methods",
                    "SELECT count(*) FROM user_pins",
                    "CREATE TABLE cdc.sneaky (id int)",
                    "CREATE PUBLICATION sneaky FOR TABLE users")) {
                assertThatThrownBy(() -> cdc.createStatement().execute(attempt))
                        .as(attempt)
                        .isInstanceOf(SQLException.class)
                        .hasMessageMatching("(?s).*(permission denied|must be owner).*");
            }
        }
    }
}
