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

/**
 * A Kafka broker in KRaft combined mode (broker and controller in one JVM), on loopback: alone (a quorum of one,
 * replication 1), or one of the brokers of a cluster ({@link Member}: a static quorum of all of them, topics replicated
 * to every broker, {@code min.insync.replicas} a majority).
 */
public final class KafkaBroker implements AutoCloseable {

    /**
     * This broker's place in a cluster: its id, the controller quorum of all ({@code 1@127.0.0.1:9093,2@...}), the
     * cluster id they were formatted with, and the cluster's size (the replication factor of every topic).
     */
    public record Member(int nodeId, String voters, String clusterId, int brokers) {}

    static final String SERVER = "Kafka";
    private static final List<String> JVM_ARGS =
            List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true");

    private final Path dir;
    private final int port;
    private final Duration startTimeout;
    private final ChildJvm broker;
    private final ChildJvm format;

    private final int expectedBrokers;

    public KafkaBroker(Path dir, int port, int controllerPort, Duration startTimeout) {
        this(dir, port, controllerPort, null, startTimeout);
    }

    /** A broker of a cluster ({@code member} not null) or a broker alone. */
    public KafkaBroker(Path dir, int port, int controllerPort, Member member, Duration startTimeout) {
        this.dir = dir;
        this.port = port;
        this.startTimeout = startTimeout;
        this.expectedBrokers = member == null ? 1 : member.brokers();
        Path properties = dir.resolve("server.properties");
        Path logback = dir.resolve("logback.xml");
        ChildJvm.writeFile(properties, serverProperties(dir.resolve("data"), port, controllerPort, member));
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
                member == null
                        ? List.of(
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                properties.toString(),
                                "--standalone")
                        : List.of("format", "-t", member.clusterId(), "-c", properties.toString()));
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

    /** kill -9: no shutdown, no flush; {@link #start()} brings it back with what its log holds. */
    public void kill() {
        broker.kill();
    }

    public boolean isAlive() {
        return broker.isAlive();
    }

    /** The broker's own log (INFO; appended to across restarts). */
    public Path logFile() {
        return broker.logFile();
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
            return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() >= expectedBrokers;
        } catch (Exception e) {
            return false;
        }
    }

    static String serverProperties(Path data, int port, int controllerPort) {
        return serverProperties(data, port, controllerPort, null);
    }

    static String serverProperties(Path data, int port, int controllerPort, Member member) {
        int replicas = member == null ? 1 : member.brokers();
        // a majority: 2 of 3, so that an acknowledged record survives the loss of any one broker
        int minInSync = replicas / 2 + 1;
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=" + (member == null ? 1 : member.nodeId()),
                member == null
                        ? "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort
                        : "controller.quorum.voters=" + member.voters(),
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                // Topics are created on purpose, with their partition counts; a typo must not create one.
                "auto.create.topics.enable=false",
                "num.partitions=3",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minInSync,
                "unclean.leader.election.enable=false",
                "offsets.topic.replication.factor=" + replicas,
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minInSync,
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=" + replicas,
                "share.coordinator.state.topic.min.isr=" + minInSync,
                "group.initial.rebalance.delay.ms=0",
                // The log cleaner looks for compactable partitions every second, not every 15 s: a compacted topic
                // with a short lag (cdc-connector's test of it) is compacted within seconds; idle, the look is cheap.
                "log.cleaner.backoff.ms=1000",
                "");
    }
}
