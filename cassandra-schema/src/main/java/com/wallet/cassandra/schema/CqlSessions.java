package com.wallet.cassandra.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens driver sessions with timeouts suited to schema changes on a small, busy machine, and, on a single node, no
 * wait between them.
 */
public final class CqlSessions {

    private CqlSessions() {}

    /**
     * The driver's schema-refresh window when the cluster is one node. A schema change's answer waits for the driver's
     * metadata refresh, which its debouncer holds back for the window (1 s by default) in case more changes follow:
     * with one window per DDL statement a migration took 7-8 s, with 10 ms 1-2 s. On a cluster the default stays: the
     * window also gave the other nodes time to apply a change, and without it a read at QUORUM right after a migration
     * failed on a replica (ClusterIT, once in CI) although the nodes reported schema agreement.
     */
    static final Duration SINGLE_NODE_SCHEMA_WINDOW = Duration.ofMillis(10);

    public static CqlSession open(InetSocketAddress contactPoint, String localDatacenter) {
        CqlSession session = open(contactPoint, localDatacenter, SINGLE_NODE_SCHEMA_WINDOW);
        if (session.getMetadata().getNodes().size() == 1) {
            return session;
        }
        session.close();
        return open(contactPoint, localDatacenter, null);
    }

    /** {@code schemaWindow} null: the driver's default. */
    private static CqlSession open(InetSocketAddress contactPoint, String localDatacenter, Duration schemaWindow) {
        var config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10));
        if (schemaWindow != null) {
            config.withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, schemaWindow);
        }
        return CqlSession.builder()
                .addContactPoint(contactPoint)
                .withLocalDatacenter(localDatacenter)
                .withConfigLoader(config.build())
                .build();
    }
}
