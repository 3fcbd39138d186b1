package com.wallet.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StackExtension.class)
class PostgresLogicalReplicationIT {

    private final PostgresSettings pg;

    PostgresLogicalReplicationIT(Stack stack) {
        this.pg = stack.postgres();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    @Test
    void walLevelIsLogical() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW wal_level")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    @Test
    void aCommittedInsertIsReadFromAPgoutputReplicationSlot() throws SQLException {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String table = "smoke_" + suffix;
        String slot = "slot_" + suffix;
        String publication = "pub_" + suffix;
        String marker = "hello-wal-" + suffix;
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text NOT NULL)");
            s.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + table);
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            try {
                s.execute("INSERT INTO " + table + " VALUES (42, '" + marker + "')");

                List<byte[]> messages = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes('" + slot
                        + "', NULL, NULL, 'proto_version', '1', 'publication_names', '" + publication + "')")) {
                    while (rs.next()) {
                        messages.add(rs.getBytes(1));
                    }
                }

                // pgoutput: Begin, Relation (names the table), Insert (carries the new row), Commit
                assertThat(messages).extracting(m -> (char) m[0]).containsExactly('B', 'R', 'I', 'C');
                assertThat(new String(messages.get(1), StandardCharsets.UTF_8)).contains(table);
                assertThat(new String(messages.get(2), StandardCharsets.UTF_8))
                        .contains(marker)
                        .contains("42");
            } finally {
                s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            }
        }
    }
}
