package com.wallet.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations endpoint of a service that is not a web application (the CDC connector, the fan-out): {@code /health}
 * (200 and {@code "status":"UP"} when healthy, else 503 and {@code DOWN}, with the service's details) and
 * {@code /metrics} (Prometheus text, the JVM's and process's meters bound), on an address and port of the operator's
 * choice ({@code 0.0.0.0} for a probe or Prometheus on another host).
 *
 * <p>The serving is the JDK's {@link HttpServer}, as Micrometer's own Prometheus documentation does it: two read-only
 * endpoints do not justify a web framework in a Kafka client process.
 */
public final class OpsServer implements AutoCloseable {

    /** What a service reports of itself: healthy or not, and details shown beside the status. */
    public record Health(boolean up, Map<String, Object> details) {
        public Health {
            details = Map.copyOf(details);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer http;

    private OpsServer(HttpServer http) {
        this.http = http;
    }

    /** Binds the JVM, garbage collector, thread, class loader, processor, file descriptor and uptime meters. */
    public static void bindProcessMeters(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Serves {@code /health} and {@code /metrics} on {@code address:port} (port 0: any free port). */
    public static OpsServer start(String address, int port, PrometheusMeterRegistry registry, Supplier<Health> health)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 0);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/health", exchange -> {
            Health h = health.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", h.up() ? "UP" : "DOWN");
            body.putAll(h.details());
            respond(exchange, h.up() ? 200 : 503, "application/json", JSON.writeValueAsString(body));
        });
        http.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        http.start();
        return new OpsServer(http);
    }

    /** The port it listens on (the one chosen when started with 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
