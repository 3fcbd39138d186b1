package com.wallet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.wallet.stack.PostgresSettings;
import com.wallet.stack.SharedStack;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.filesystem.FileSystemResource;
import org.junit.jupiter.api.Test;

/**
 * The ledger's first tables moved from transfer-api's V1, V3 and V4 into the ledger module's V1.1, V3.1 and V4.1: a
 * database migrated before the move upgrades in place (the ledger module's {@code beforeValidate} callback brings its
 * history up to the new layout) instead of failing Flyway's validation.
 */
class SchemaHistoryIT {

    /** The files as they were before the move (test resources), by the version they had. */
    private static final Map<String, String> BEFORE = Map.of(
            "1", "V1__money_core.sql",
            "3", "V3__funding_sources_and_cashouts.sql",
            "4", "V4__ach_settlement.sql",
            "9", "V9__ledger_holds_and_availability.sql");

    @Test
    void aDatabaseMigratedBeforeTheLedgerTablesMovedUpgradesInPlace() throws Exception {
        PostgresSettings server = SharedStack.get().postgres();
        String name = "history_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        PostgresSettings database =
                new PostgresSettings(server.host(), server.port(), name, server.username(), server.password());
        try {
            flyway(database, false).migrate();
            // the history as the build before the move wrote it: the old files' checksums, no V1.1, V3.1, V4.1
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), server.username(), server.password());
                    PreparedStatement update =
                            c.prepareStatement("UPDATE flyway_schema_history SET checksum = ? WHERE version = ?");
                    Statement s = c.createStatement()) {
                for (Map.Entry<String, String> file : BEFORE.entrySet()) {
                    update.setInt(1, checksumBefore(file.getValue()));
                    update.setString(2, file.getKey());
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
                assertThat(s.executeUpdate("DELETE FROM flyway_schema_history WHERE version IN ('1.1', '3.1', '4.1')"))
                        .isEqualTo(3);
            }
            assertThat(flyway(database, true).validateWithResult().validationSuccessful)
                    .as("the old history fails validation without the callback")
                    .isFalse();

            MigrateResult upgraded = flyway(database, false).migrate();

            assertThat(upgraded.success).isTrue();
            assertThat(upgraded.migrationsExecuted)
                    .as("nothing but the repeatable grants runs again")
                    .isLessThanOrEqualTo(1);
            var validated = flyway(database, true).validateWithResult();
            // R__service_privileges carries ${flyway:timestamp} so that every migration run applies it again: once
            // the clock has passed the second it last ran in, validation reports it outdated, by design (this test
            // failed whenever the upgrade and the validation fell in different seconds). Nothing else may fail.
            assertThat(validated.invalidMigrations)
                    .as("validation after the upgrade: %s", validated.getAllErrorMessages())
                    .allSatisfy(invalid -> {
                        assertThat(invalid.version).isEmpty();
                        assertThat(invalid.description).isEqualTo("service privileges");
                    });
        } finally {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    private static Flyway flyway(PostgresSettings database, boolean withoutCallbacks) {
        return Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .skipDefaultCallbacks(withoutCallbacks)
                .load();
    }

    private static int checksumBefore(String file) throws URISyntaxException, SQLException {
        Path path = Path.of(SchemaHistoryIT.class
                .getResource("/schema-history/before-ledger-split/" + file)
                .toURI());
        return ChecksumCalculator.calculate(
                new FileSystemResource(null, path.toString(), StandardCharsets.UTF_8, false));
    }
}
