package com.wallet.cdc;

import com.wallet.common.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connector as its own process ({@code java -jar cdc-connector-*-exec.jar}, settings as {@code CDC_*}
 * environment variables): {@code /health} (200 while the engine runs, else 503) and {@code /metrics} (Prometheus: the
 * connector's, the Kafka producer's and the JVM's meters) on {@code cdc.http.address}:{@code cdc.http.port}. SIGTERM
 * stops the engine, which commits the offsets of what Kafka acknowledged, then the producer. Exits non-zero if the
 * engine stops on an error, so a supervisor restarts it.
 */
public final class CdcMain {

    private static final Logger log = LoggerFactory.getLogger(CdcMain.class);

    private CdcMain() {}

    public static void main(String[] args) throws Exception {
        CdcSettings settings = CdcSettings.fromEnvironment();
        log.info("starting with {}", settings);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpsServer.bindProcessMeters(registry);
        CdcConnector connector = new CdcConnector(settings, registry);
        OpsServer ops = OpsServer.start(
                settings.httpAddress(),
                settings.httpPort(),
                registry,
                () -> new OpsServer.Health(connector.running(), Map.of("slot_lag_bytes", connector.slotLagBytes())));
        log.info("health and metrics on {}:{}", settings.httpAddress(), ops.port());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping");
                            try {
                                connector.close();
                            } catch (Exception e) {
                                log.warn("closing the connector failed: {}", e.toString());
                            }
                            ops.close();
                            log.info("stopped");
                        },
                        "cdc-shutdown"));
        connector.start();
        try {
            connector.stopped().join();
        } catch (RuntimeException e) {
            log.error("exiting: the engine failed");
            System.exit(1);
        }
    }
}
