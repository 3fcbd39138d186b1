package com.wallet.cassandra.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Opens driver sessions with timeouts suited to schema changes on a small, busy machine, and no wait between them. */
public final class CqlSessions {

    private CqlSessions() {}

    public static CqlSession open(InetSocketAddress contactPoint, String localDatacenter) {
        return CqlSession.builder()
                .addContactPoint(contactPoint)
                .withLocalDatacenter(localDatacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                        // a schema change's answer waits for the driver's metadata refresh, which the driver's
                        // debouncer holds back for its window (1 s by default) in case more changes follow: with one
                        // window per DDL statement a migration took 8 s, with 10 ms it takes under 2 s
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
                        .build())
                .build();
    }
}
