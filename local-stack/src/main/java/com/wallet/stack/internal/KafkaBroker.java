package com.wallet.stack.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/** A single Kafka broker in KRaft combined mode (broker and controller in one JVM), on loopback. */
public final class KafkaBroker implements AutoCloseable {

    static final String SERVER = "Kafka";
    private static final List<String> JVM_ARGS =
            List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true");

    private final Path dir;
    private final int port;
    private final Duration startTimeout;
    private final ChildJvm broker;
    private final ChildJvm format;

    public KafkaBroker(Path dir, int port, int controllerPort, Duration startTimeout) {
        this.dir = dir;
        this.port = port;
        this.startTimeout = startTimeout;
        Path properties = dir.resolve("server.properties");
        Path logback = dir.resolve("logback.xml");
        ChildJvm.writeFile(properties, serverProperties(dir.resolve("data"), port, controllerPort));
        ChildJvm.writeFile(logback, Logback.CONSOLE_INFO);
        String classpath = ServerClasspath.of("kafka-server");
        List<String> jvmArgs = new ArrayList<>(JVM_ARGS);
        jvmArgs.add("-Dlogback.configurationFile=" + logback);
        this.broker =
                new ChildJvm(SERVER, dir, "kafka", jvmArgs, classpath, "kafka.Kafka", List.of(properties.toString()));
        this.format = new ChildJvm(
                SERVER,
                dir,
                "kafka-format",
                jvmArgs,
                classpath,
                "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString(), "--standalone"));
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** Formats the storage on first use, then starts the broker and waits until it answers a metadata request. */
    public void start() {
        broker.reclaimOrphan();
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            format.runToCompletion(startTimeout, "formatting the KRaft storage");
        }
        broker.start();
        broker.awaitReady(startTimeout, "the broker to answer a metadata request on port " + port, this::answers);
    }

    /** Stops the broker, keeping its data, so that {@link #start()} can bring it back on the same port. */
    public void stop() {
        broker.close();
    }

    @Override
    public void close() {
        broker.close();
    }

    private boolean answers() {
        if (!Ports.accepting(port)) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    static String serverProperties(Path data, int port, int controllerPort) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                // Topics are created on purpose, with their partition counts; a typo must not create one.
                "auto.create.topics.enable=false",
                "num.partitions=3",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }
}
