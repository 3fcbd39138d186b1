package com.wallet.api.web;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.context.annotation.Configuration;

/**
 * The original design's name for the busy connections of the API's pool, {@code venmo_postgres_connections_active}
 * (the same figure as Hikari's own {@code hikaricp_connections_active}, under the name dashboards built from the
 * design look for).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseMetrics {

    DatabaseMetrics(DataSource dataSource, MeterRegistry meters) {
        if (dataSource instanceof HikariDataSource hikari) {
            Gauge.builder("venmo.postgres.connections.active", hikari, DatabaseMetrics::active)
                    .description("connections of the API's pool in use")
                    .register(meters);
        }
    }

    private static double active(HikariDataSource pool) {
        var bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }
}
