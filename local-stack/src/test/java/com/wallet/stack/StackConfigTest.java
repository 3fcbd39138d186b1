package com.wallet.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

    @Test
    void theLocalRunUsesFixedDefaultPortsAndKeepsItsData() {
        StackConfig config = StackConfig.fromLookup(key -> null);

        assertThat(config.keepData()).isTrue();
        assertThat(config.directory()).isEqualTo(Path.of(".stack-data").toAbsolutePath());
        assertThat(config.postgresPort()).isEqualTo(15432);
        assertThat(config.kafkaPort()).isEqualTo(19092);
        assertThat(config.cassandraPort()).isEqualTo(19042);
    }

    @Test
    void portsAndDirectoryCanBeOverridden() {
        Map<String, String> settings = Map.of("stack.dir", "/tmp/elsewhere", "stack.kafka.port", " 29092 ");

        StackConfig config = StackConfig.fromLookup(settings::get);

        assertThat(config.directory()).isEqualTo(Path.of("/tmp/elsewhere"));
        assertThat(config.kafkaPort()).isEqualTo(29092);
        assertThat(config.postgresPort()).isEqualTo(15432);
    }

    @Test
    void aPortThatIsNotANumberIsRejectedByName() {
        assertThatThrownBy(() -> StackConfig.fromLookup(Map.of("stack.postgres.port", "five")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stack.postgres.port")
                .hasMessageContaining("'five'");
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        assertThatThrownBy(() -> StackConfig.fromLookup(Map.of("stack.cassandra.port", "70000")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cassandraPort")
                .hasMessageContaining("70000");
    }

    @Test
    void testsGetFreePortsAndATemporaryDirectory() {
        StackConfig config = StackConfig.forTests();

        assertThat(config.keepData()).isFalse();
        assertThat(config.postgresPort()).isZero();
        assertThat(config.directory()).exists().isDirectory();
        assertThat(config.directory().toFile().delete()).isTrue();
    }
}
