package com.wallet.api.web;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The original design's database metrics: {@code venmo_postgres_connections_active}, the busy connections of the API's
 * pool (the same figure as Hikari's own {@code hikaricp_connections_active}, under the name dashboards built from the
 * design look for), and {@code venmo_db_query_duration_seconds{query_type}} ({@link QueryTimings}), for which every
 * pool's connections come through datasource-proxy unless {@code wallet.metrics.query-timing} is false.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseMetrics {

    DatabaseMetrics(DataSource dataSource, MeterRegistry meters) throws SQLException {
        if (dataSource.isWrapperFor(HikariDataSource.class)) {
            Gauge.builder(
                            "venmo.postgres.connections.active",
                            dataSource.unwrap(HikariDataSource.class),
                            DatabaseMetrics::active)
                    .description("connections of the API's pool in use")
                    .register(meters);
        }
    }

    @Bean
    static QueryTimings queryTimings(ObjectProvider<MeterRegistry> meters) {
        return new QueryTimings(meters);
    }

    /**
     * Each Hikari pool gets its connections from the driver through datasource-proxy, so that every statement on them
     * is timed. The pool itself stays the bean, unwrapped: Flyway derives its own connection settings from it.
     */
    @Bean
    static BeanPostProcessor timedDataSources(ObjectProvider<QueryTimings> timings, Environment environment) {
        boolean on = environment.getProperty("wallet.metrics.query-timing", Boolean.class, true);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (on
                        && bean instanceof HikariDataSource pool
                        && pool.getDataSource() == null
                        && pool.getJdbcUrl() != null) {
                    pool.setDataSource(ProxyDataSourceBuilder.create(
                                    name,
                                    new DriverDataSource(
                                            pool.getJdbcUrl(),
                                            pool.getDriverClassName(),
                                            pool.getDataSourceProperties(),
                                            pool.getUsername(),
                                            pool.getPassword()))
                            .listener(timings.getObject())
                            .build());
                }
                return bean;
            }
        };
    }

    private static double active(HikariDataSource pool) {
        var bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }
}
