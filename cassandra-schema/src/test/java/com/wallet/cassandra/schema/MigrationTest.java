package com.wallet.cassandra.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void versionAndDescriptionComeFromTheFileName() {
        Migration m = Migration.of("V0012__feed_likes.cql", "SELECT 1;");

        assertThat(m.version()).isEqualTo(12);
        assertThat(m.description()).isEqualTo("feed likes");
        assertThat(m.script()).isEqualTo("V0012__feed_likes.cql");
    }

    @Test
    void aBadlyNamedFileIsRejectedByName() {
        assertThatThrownBy(() -> Migration.of("V1_feed.cql", "SELECT 1;"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'V1_feed.cql'");
    }

    @Test
    void statementsAreSplitCommentsDroppedAndTheKeyspaceFilledIn() {
        Migration m = Migration.of("V0001__x.cql", """
                -- creates things; with a semicolon in a comment
                CREATE TABLE ${keyspace}.a (id int PRIMARY KEY);
                // another comment
                CREATE TABLE ${keyspace}.b (
                    id int PRIMARY KEY
                );
                """);

        List<String> statements = m.statements("feed");

        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).isEqualTo("CREATE TABLE feed.a (id int PRIMARY KEY)");
        assertThat(statements.get(1)).startsWith("CREATE TABLE feed.b (").doesNotContain("${keyspace}");
    }

    @Test
    void theChecksumChangesWithTheText() {
        assertThat(Migration.of("V0001__x.cql", "SELECT 1;").checksum())
                .isEqualTo(Migration.of("V0001__x.cql", "SELECT 1;").checksum())
                .isNotEqualTo(Migration.of("V0001__x.cql", "SELECT 2;").checksum())
                .hasSize(64);
    }

    @Test
    void theShippedScriptsLoadInVersionOrderFromTheClasspath() {
        List<Migration> shipped = MigrationScripts.load(MigrationScripts.DEFAULT_LOCATION);

        assertThat(shipped).isNotEmpty();
        assertThat(shipped.get(0).version()).isEqualTo(1);
        assertThat(shipped).extracting(Migration::version).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void anUnknownLocationIsReported() {
        assertThatThrownBy(() -> MigrationScripts.load("no/such/folder"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such/folder");
    }
}
