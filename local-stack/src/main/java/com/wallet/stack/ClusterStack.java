package com.wallet.stack;

import com.wallet.stack.internal.CassandraNode;
import com.wallet.stack.internal.KafkaBroker;
import com.wallet.stack.internal.Ports;
import com.wallet.stack.internal.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack as a small cluster, for the tests that lose a node: one PostgreSQL, {@value #NODES} Kafka brokers in KRaft
 * combined mode (one static controller quorum, every topic replicated to all, {@code min.insync.replicas} 2) and
 * {@value #NODES} Cassandra nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (one datacenter; keyspaces made with
 * replication 3). Each server is its own process, so one broker or node can be killed with {@code kill -9} and started
 * again. Free ports, a temporary directory deleted at {@link #close()}.
 */
public final class ClusterStack implements Stack {

    public static final int NODES = 3;
    private static final Logger log = LoggerFactory.getLogger(ClusterStack.class);

    private final Path dir;
    private final PostgresServer postgres;
    private final List<KafkaBroker> brokers;
    private final List<Integer> brokerPorts;
    private final List<CassandraNode> cassandra;
    private final int cqlPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterStack(
            Path dir,
            PostgresServer postgres,
            List<KafkaBroker> brokers,
            List<Integer> brokerPorts,
            List<CassandraNode> cassandra,
            int cqlPort) {
        this.dir = dir;
        this.postgres = postgres;
        this.brokers = brokers;
        this.brokerPorts = brokerPorts;
        this.cassandra = cassandra;
        this.cqlPort = cqlPort;
    }

    /** Starts every server and returns when all brokers are in the cluster and every Cassandra node takes CQL. */
    public static ClusterStack start(Duration startTimeout) {
        Path dir;
        try {
            dir = Files.createTempDirectory("wallet-cluster-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the cluster", e);
        }
        Iterator<Integer> free = Ports.free(3 + 2 * NODES).iterator();
        int pgPort = free.next();
        int cqlPort = free.next();
        int storagePort = free.next();
        List<Integer> brokerPorts = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            brokerPorts.add(free.next());
            controllerPorts.add(free.next());
        }
        String voters = IntStream.range(0, NODES)
                .mapToObj(i -> (i + 1) + "@" + Ports.LOOPBACK + ":" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaBroker> brokers = new ArrayList<>();
        List<CassandraNode> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            brokers.add(new KafkaBroker(
                    dir.resolve("kafka-" + (i + 1)),
                    brokerPorts.get(i),
                    controllerPorts.get(i),
                    new KafkaBroker.Member(i + 1, voters, clusterId, NODES),
                    startTimeout));
            nodes.add(new CassandraNode(
                    dir.resolve("cassandra-" + (i + 1)),
                    "127.0.0." + (i + 1),
                    Ports.LOOPBACK,
                    cqlPort,
                    storagePort,
                    startTimeout));
        }
        ClusterStack stack = new ClusterStack(
                dir,
                new PostgresServer(dir.resolve("postgres"), pgPort, false, startTimeout),
                brokers,
                brokerPorts,
                nodes,
                cqlPort);
        // the brokers only answer once a majority of the quorum is up: all at once
        List<Runnable> starting = new ArrayList<>();
        starting.add(stack.postgres::start);
        brokers.forEach(b -> starting.add(b::start));
        starting.add(stack::startCassandra);
        List<RuntimeException> failures = EmbeddedStack.inParallel(starting);
        if (!failures.isEmpty()) {
            stack.close();
            EmbeddedStack.throwFirst(failures);
        }
        log.info(
                "cluster ready in {}: PostgreSQL {}, Kafka {}, Cassandra {} x {}",
                dir,
                pgPort,
                stack.kafka().bootstrapServers(),
                NODES,
                cqlPort);
        return stack;
    }

    @Override
    public PostgresSettings postgres() {
        return new PostgresSettings(
                "localhost", postgres.port(), PostgresServer.DATABASE, PostgresServer.SUPERUSER, "");
    }

    /** Every broker, so that a client reaches the cluster whichever one is down. */
    @Override
    public KafkaSettings kafka() {
        return new KafkaSettings(
                brokerPorts.stream().map(p -> Ports.LOOPBACK + ":" + p).collect(Collectors.joining(",")));
    }

    /** The first node as contact point; the driver learns the others from it. */
    @Override
    public CassandraSettings cassandra() {
        return new CassandraSettings(Ports.LOOPBACK, cqlPort, CassandraNode.DATACENTER);
    }

    @Override
    public int replicas() {
        return NODES;
    }

    /** Every broker at once: the quorum loses its majority, as in a whole-cluster outage. */
    @Override
    public void stopKafka() {
        allAtOnce(brokers, KafkaBroker::stop);
    }

    /** All together: a broker only answers once a majority of the quorum is back. */
    @Override
    public void startKafka() {
        allAtOnce(brokers, KafkaBroker::start);
    }

    @Override
    public void stopCassandra() {
        allAtOnce(cassandra, CassandraNode::stop);
    }

    /** The seed node first, then the other two together (also at {@link #start}: a new ring, no streaming). */
    @Override
    public void startCassandra() {
        cassandra.get(0).start();
        allAtOnce(cassandra.subList(1, NODES), CassandraNode::start);
    }

    /** {@code action} on each server on a thread of its own; throws the first failure once all have ended. */
    private static <T> void allAtOnce(List<T> servers, java.util.function.Consumer<T> action) {
        EmbeddedStack.throwFirst(EmbeddedStack.inParallel(servers.stream()
                .<Runnable>map(server -> () -> action.accept(server))
                .toList()));
    }

    /** Broker {@code n} (1 to {@value #NODES}). */
    public KafkaBroker broker(int n) {
        return brokers.get(n - 1);
    }

    /** Cassandra node {@code n} (1 to {@value #NODES}), on 127.0.0.n. */
    public CassandraNode cassandraNode(int n) {
        return cassandra.get(n - 1);
    }

    @Override
    public List<Supervisor.Server> servers() {
        List<Supervisor.Server> servers = new ArrayList<>();
        servers.add(new Supervisor.Server("PostgreSQL", postgres::isAlive, postgres::restart, postgres::kill));
        for (int i = 0; i < NODES; i++) {
            KafkaBroker broker = brokers.get(i);
            servers.add(new Supervisor.Server("Kafka broker " + (i + 1), broker::isAlive, broker::start, broker::kill));
        }
        for (int i = 0; i < NODES; i++) {
            CassandraNode node = cassandra.get(i);
            servers.add(new Supervisor.Server("Cassandra node " + (i + 1), node::isAlive, node::start, node::kill));
        }
        return servers;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Runnable> stopping = new ArrayList<>();
        cassandra.forEach(n -> stopping.add(n::close));
        brokers.forEach(b -> stopping.add(b::close));
        stopping.add(postgres::close);
        EmbeddedStack.inParallel(stopping).forEach(e -> log.warn("stopping a server failed: {}", e.toString()));
        EmbeddedStack.deleteRecursively(dir);
        log.info("cluster stopped");
    }
}
