package com.wallet.cassandra.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyspaceReplicationTest {

    @Test
    void simpleStrategyForTheLocalRun() {
        assertThat(KeyspaceReplication.parse("SimpleStrategy:1").toCql())
                .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    }

    @Test
    void networkTopologyStrategyPerDatacenter() {
        assertThat(KeyspaceReplication.parse("NetworkTopologyStrategy: us_east=3, eu_west=2")
                        .toCql())
                .isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu_west': 2, 'us_east': 3}");
    }

    @Test
    void nonsenseIsRejectedWithTheValue() {
        assertThatThrownBy(() -> KeyspaceReplication.parse("LocalStrategy:1")).hasMessageContaining("'LocalStrategy'");
        assertThatThrownBy(() -> KeyspaceReplication.parse("SimpleStrategy:zero"))
                .hasMessageContaining("SimpleStrategy:zero");
        assertThatThrownBy(() -> KeyspaceReplication.parse("SimpleStrategy:0")).hasMessageContaining("1 or more");
        assertThatThrownBy(() -> KeyspaceReplication.parse("NetworkTopologyStrategy:dc1"))
                .hasMessageContaining("datacenter=factor");
    }

    @Test
    void keyspaceNamesThatCouldInjectCqlAreRejected() {
        assertThatThrownBy(() -> Migrator.requireKeyspaceName("wallet; DROP KEYSPACE system"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Migrator.requireKeyspaceName("wallet_test_1")).isEqualTo("wallet_test_1");
    }
}
