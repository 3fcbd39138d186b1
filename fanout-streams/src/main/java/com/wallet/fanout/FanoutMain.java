package com.wallet.fanout;

import com.wallet.common.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fan-out as its own process ({@code java -jar fanout-streams-*-exec.jar}). Settings are system properties or
 * environment variables (upper case, dots and dashes as underscores: {@code FANOUT_KAFKA_BOOTSTRAP_SERVERS}): {@code fanout.prefix} (wallet), {@code fanout.high-degree-threshold} (500),
 * {@code fanout.kafka.bootstrap-servers} (127.0.0.1:19092), {@code fanout.cassandra.contact-point}
 * (127.0.0.1:19042), {@code fanout.cassandra.datacenter} (datacenter1), {@code fanout.cassandra.consistency} (LOCAL_QUORUM), {@code fanout.cassandra.keyspace} (wallet),
 * {@code fanout.state-dir} (.stack-data/fanout-state), {@code fanout.topic.partitions} (6),
 * {@code fanout.topic.replication-factor} (1), {@code fanout.sink.max-in-flight} (256), {@code fanout.http.address}
 * (0.0.0.0) and {@code fanout.http.port} (8082): {@code /health} (200 while healthy, else 503) and {@code /metrics}
 * (Prometheus: the fan-out's, Kafka Streams', the sink consumer's and the JVM's meters). SIGTERM closes the streams
 * (committing what was processed) and the sink, then the process ends.
 */
public final class FanoutMain {

    private static final Logger log = LoggerFactory.getLogger(FanoutMain.class);

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
                Integer.parseInt(get.apply(new String[] {"fanout.sink.max-in-flight", "256"})),
                get.apply(new String[] {"fanout.cassandra.consistency", "LOCAL_QUORUM"}));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpsServer.bindProcessMeters(registry);
        FanoutApp app = FanoutApp.start(config, registry);
        String address = get.apply(new String[] {"fanout.http.address", "0.0.0.0"});
        int port = Integer.parseInt(get.apply(new String[] {"fanout.http.port", "8082"}));
        OpsServer ops = OpsServer.start(
                address,
                port,
                registry,
                () -> new OpsServer.Health(
                        app.healthy(),
                        Map.of(
                                "streams", app.streamsState().toString(),
                                "sink_stalled", app.sink().stalled(),
                                "feed_items_written", app.sink().itemsWritten())));
        log.info("health and metrics on {}:{}", address, ops.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping");
                            app.close();
                            ops.close();
                            log.info("stopped");
                            stopped.countDown();
                        },
                        "fanout-shutdown"));
        stopped.await();
    }
}
