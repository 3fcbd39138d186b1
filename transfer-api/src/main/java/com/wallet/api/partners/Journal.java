package com.wallet.api.partners;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A small pool of its own for writes that must be committed before a partner network is called, while the request's
 * own transaction (holding a connection of the main pool and wallet locks) is still open. With its own pool a burst of
 * such requests cannot starve itself of connections: journal writes never wait on the main pool.
 */
@Component
public class Journal {

    private final HikariDataSource pool;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    Journal(DataSourceProperties properties) {
        this.pool = properties
                .initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .build();
        pool.setPoolName("journal");
        pool.setMaximumPoolSize(4);
        this.jdbc = JdbcClient.create(pool);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
    }

    /** Statements here commit on their own (autocommit), independent of any transaction of the caller. */
    public JdbcClient jdbc() {
        return jdbc;
    }

    /** A transaction on the journal pool. */
    public TransactionTemplate tx() {
        return tx;
    }

    @PreDestroy
    void close() {
        pool.close();
    }
}
