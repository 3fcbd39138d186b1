package com.wallet.fanout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs the fan-out as its own process. Settings are system properties or environment variables (upper case, dots and
 * dashes as underscores): {@code fanout.prefix} (wallet), {@code fanout.high-degree-threshold} (500),
 * {@code fanout.kafka.bootstrap-servers} (127.0.0.1:19092), {@code fanout.cassandra.contact-point}
 * (127.0.0.1:19042), {@code fanout.cassandra.datacenter} (datacenter1), {@code fanout.cassandra.keyspace} (wallet),
 * {@code fanout.state-dir} (.stack-data/fanout-state), {@code fanout.topic.partitions} (6),
 * {@code fanout.topic.replication-factor} (1), {@code fanout.sink.max-in-flight} (256), {@code fanout.http.port}
 * (8082): {@code /health} (200 while healthy, else 503) and {@code /metrics} (Prometheus).
 */
public final class FanoutMain {

    private FanoutMain() {}

    public static void main(String[] args) throws Exception {
        Function<String, String> setting = key -> {
            String value = System.getProperty(key);
            if (value == null) {
                value = System.getenv(
                        key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return value;
        };
        Function<String[], String> get = kv -> {
            String v = setting.apply(kv[0]);
            return v != null ? v : kv[1];
        };
        String[] cassandra = get.apply(new String[] {"fanout.cassandra.contact-point", "127.0.0.1:19042"})
                .split(":");
        FanoutApp.Config config = new FanoutApp.Config(
                new FanoutSettings(
                        get.apply(new String[] {"fanout.prefix", "wallet"}),
                        Integer.parseInt(get.apply(new String[] {"fanout.high-degree-threshold", "500"})),
                        java.time.Duration.parse(get.apply(new String[] {"fanout.replay-window", "PT1H"})),
                        Boolean.parseBoolean(get.apply(new String[] {"fanout.remove-on-unfriend", "true"}))),
                "",
                get.apply(new String[] {"fanout.kafka.bootstrap-servers", "127.0.0.1:19092"}),
                new InetSocketAddress(cassandra[0], Integer.parseInt(cassandra[1])),
                get.apply(new String[] {"fanout.cassandra.datacenter", "datacenter1"}),
                get.apply(new String[] {"fanout.cassandra.keyspace", "wallet"}),
                Path.of(get.apply(new String[] {"fanout.state-dir", ".stack-data/fanout-state"})),
                Integer.parseInt(get.apply(new String[] {"fanout.topic.partitions", "6"})),
                Short.parseShort(get.apply(new String[] {"fanout.topic.replication-factor", "1"})),
                Integer.parseInt(get.apply(new String[] {"fanout.sink.max-in-flight", "256"})));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FanoutApp app = FanoutApp.start(config, registry);
        int port = Integer.parseInt(get.apply(new String[] {"fanout.http.port", "8082"}));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.createContext("/health", exchange -> {
            boolean healthy = app.healthy();
            String body = "{\"status\":\"" + (healthy ? "UP" : "DOWN") + "\",\"streams\":\"" + app.streamsState()
                    + "\",\"sink_stalled\":" + app.sink().stalled() + ",\"feed_items_written\":"
                    + app.sink().itemsWritten() + "}";
            respond(exchange, healthy ? 200 : 503, "application/json", body);
        });
        http.createContext(
                "/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", registry.scrape()));
        http.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.close();
                            http.stop(0);
                            stopped.countDown();
                        },
                        "fanout-shutdown"));
        stopped.await();
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
