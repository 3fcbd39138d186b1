package com.wallet.cdc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connector as its own process: {@code /health} (200 while the engine runs, else 503) and {@code /metrics}
 * (Prometheus) on {@code cdc.http.port}. Exits non-zero if the engine stops on an error, so a supervisor restarts it.
 */
public final class CdcMain {

    private static final Logger log = LoggerFactory.getLogger(CdcMain.class);

    private CdcMain() {}

    public static void main(String[] args) throws Exception {
        CdcSettings settings = CdcSettings.fromEnvironment();
        log.info("starting with {}", settings);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CdcConnector connector = new CdcConnector(settings, registry);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", settings.httpPort()), 0);
        http.createContext(
                "/health",
                exchange -> respond(
                        exchange,
                        connector.running() ? 200 : 503,
                        "application/json",
                        "{\"status\":\"" + (connector.running() ? "UP" : "DOWN") + "\",\"slot_lag_bytes\":"
                                + connector.slotLagBytes() + "}"));
        http.createContext(
                "/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", registry.scrape()));
        http.start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                connector.close();
                            } catch (Exception e) {
                                log.warn("closing the connector failed: {}", e.toString());
                            }
                            http.stop(0);
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

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
