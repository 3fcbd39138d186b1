package com.wallet.stack.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Cassandra 5 node in its own JVM, on a loopback address, with datacenter {@value #DATACENTER}: alone on 127.0.0.1,
 * or one node of a cluster on 127.0.0.N (every node on the same ports, the first one the seed; Linux answers on all of
 * 127/8, macOS needs {@code sudo ifconfig lo0 alias 127.0.0.N up}).
 */
public final class CassandraNode implements AutoCloseable {

    static final String SERVER = "Cassandra";
    public static final String DATACENTER = "datacenter1";

    private final String address;
    private final int nativePort;
    private final Duration startTimeout;
    private final ChildJvm node;

    public CassandraNode(Path dir, int nativePort, int storagePort, Duration startTimeout) {
        this(dir, Ports.LOOPBACK, Ports.LOOPBACK, nativePort, storagePort, startTimeout);
    }

    /** A node listening on {@code address}, joining the cluster whose seed is {@code seed} (its own address: the first). */
    public CassandraNode(
            Path dir, String address, String seed, int nativePort, int storagePort, Duration startTimeout) {
        this.address = address;
        this.nativePort = nativePort;
        this.startTimeout = startTimeout;
        Path yaml = dir.resolve("cassandra.yaml");
        Path logback = dir.resolve("logback.xml");
        ChildJvm.writeFile(yaml, yaml(dir, address, seed, nativePort, storagePort));
        ChildJvm.writeFile(logback, Logback.CONSOLE_INFO);
        List<String> jvmArgs = new ArrayList<>(jdk17Options());
        jvmArgs.addAll(List.of(
                "-Xms256m",
                "-Xmx768m",
                "-Xss512k",
                "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + yaml.toUri(),
                "-Dcassandra.storagedir=" + dir,
                "-Dlogback.configurationFile=" + logback,
                "-Dcassandra-foreground=yes",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                // the ring delay is also how long a joining node's first gossip round (the "shadow round") waits for
                // the seed: 0 is right for a lone node or the seed, but a second node on a busy machine then gives up
                // at once ("Unable to gossip with any peers", seen in a cluster run); auto_bootstrap is off, so no
                // other wait uses it here
                "-Dcassandra.ring_delay_ms=" + (address.equals(seed) ? 0 : 30_000),
                "-Dcassandra.shutdown_announce_in_ms=0",
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dcassandra.test.ignore_sigar=true",
                // a new, empty cluster: nodes join without streaming, two may join at once
                "-Dcassandra.consistent.rangemovement=false"));
        this.node = new ChildJvm(
                SERVER,
                dir,
                "cassandra",
                jvmArgs,
                ServerClasspath.of("cassandra-server"),
                "org.apache.cassandra.service.CassandraDaemon",
                List.of());
    }

    /** Starts the node and waits until it accepts CQL connections (native transport starts last). */
    public void start() {
        node.reclaimOrphan();
        node.start();
        node.awaitReady(
                startTimeout, "CQL on " + address + ":" + nativePort, () -> Ports.accepting(address, nativePort));
    }

    /** kill -9: no drain, no flush; {@link #start()} brings it back with what its commit log holds. */
    public void kill() {
        node.kill();
    }

    public boolean isAlive() {
        return node.isAlive();
    }

    public String address() {
        return address;
    }

    /** Stops the node, keeping its data, so that {@link #start()} can bring it back on the same ports. */
    public void stop() {
        node.close();
    }

    @Override
    public void close() {
        node.close();
    }

    /** The flags Cassandra's own conf/jvm17-server.options sets; without them it fails in FileUtils on JDK 17. */
    private static List<String> jdk17Options() {
        try (InputStream in = CassandraNode.class.getResourceAsStream("cassandra-jvm17.options")) {
            if (in == null) {
                throw new IllegalStateException("cassandra-jvm17.options is missing from local-stack");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R"))
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String yaml(Path dir, int nativePort, int storagePort) {
        return yaml(dir, Ports.LOOPBACK, Ports.LOOPBACK, nativePort, storagePort);
    }

    static String yaml(Path dir, String address, String seed, int nativePort, int storagePort) {
        return """
                cluster_name: wallet-local
                num_tokens: 1
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "%5$s:%2$d"
                listen_address: %4$s
                rpc_address: %4$s
                auto_bootstrap: false
                storage_port: %2$d
                native_transport_port: %1$d
                start_native_transport: true
                data_file_directories:
                  - %3$s/data
                commitlog_directory: %3$s/commitlog
                saved_caches_directory: %3$s/saved_caches
                hints_directory: %3$s/hints
                cdc_raw_directory: %3$s/cdc_raw
                commitlog_sync: periodic
                commitlog_sync_period: 10000ms
                authenticator: AllowAllAuthenticator
                authorizer: AllowAllAuthorizer
                dynamic_snitch: false
                concurrent_reads: 8
                concurrent_writes: 16
                concurrent_counter_writes: 8
                memtable_allocation_type: heap_buffers
                """.formatted(nativePort, storagePort, dir, address, seed);
    }
}
