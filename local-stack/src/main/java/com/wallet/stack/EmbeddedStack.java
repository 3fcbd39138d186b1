package com.wallet.stack;

import com.wallet.stack.internal.CassandraNode;
import com.wallet.stack.internal.KafkaBroker;
import com.wallet.stack.internal.Ports;
import com.wallet.stack.internal.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack on this machine, without Docker: PostgreSQL from embedded binaries, and Kafka and Cassandra each in a JVM
 * of their own that dies with this one. The three start in parallel; a shutdown hook stops them on SIGINT/SIGTERM.
 */
public final class EmbeddedStack implements Stack {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    private final StackConfig config;
    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final CassandraNode cassandra;
    private final int cassandraPort;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedStack(
            StackConfig config,
            PostgresServer postgres,
            KafkaBroker kafka,
            CassandraNode cassandra,
            int cassandraPort) {
        this.config = config;
        this.postgres = postgres;
        this.kafka = kafka;
        this.cassandra = cassandra;
        this.cassandraPort = cassandraPort;
    }

    /**
     * Starts all three servers and returns once each accepts clients; fails naming the server that did not. A
     * shutdown hook stops them when the JVM exits.
     */
    public static EmbeddedStack start(StackConfig config) {
        return start(config, true);
    }

    /**
     * As {@link #start(StackConfig)}; without the shutdown hook when the caller stops the stack itself, for example
     * after the services that use it.
     */
    public static EmbeddedStack start(StackConfig config, boolean stopOnJvmExit) {
        Path dir = config.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the stack directory " + dir, e);
        }
        PostgresServer.reclaimOrphan(dir.resolve("postgres"));
        Iterator<Integer> free = Ports.free(5).iterator();
        int pgPort = claim("PostgreSQL", "server", config.postgresPort(), free, "stack.postgres.port");
        int kafkaPort = claim("Kafka", "broker", config.kafkaPort(), free, "stack.kafka.port");
        int controllerPort =
                claim("Kafka", "controller", config.kafkaControllerPort(), free, "stack.kafka.controller-port");
        int cqlPort = claim("Cassandra", "CQL", config.cassandraPort(), free, "stack.cassandra.port");
        int storagePort =
                claim("Cassandra", "storage", config.cassandraStoragePort(), free, "stack.cassandra.storage-port");

        EmbeddedStack stack = new EmbeddedStack(
                config,
                new PostgresServer(dir.resolve("postgres"), pgPort, config.keepData(), config.startTimeout()),
                new KafkaBroker(dir.resolve("kafka"), kafkaPort, controllerPort, config.startTimeout()),
                new CassandraNode(dir.resolve("cassandra"), cqlPort, storagePort, config.startTimeout()),
                cqlPort);
        if (stopOnJvmExit) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stack-shutdown"));
        }
        List<RuntimeException> failures =
                inParallel(List.of(stack.postgres::start, stack.kafka::start, stack.cassandra::start));
        if (!failures.isEmpty()) {
            stack.close();
            throwFirst(failures);
        }
        log.info("stack ready in {}: {}, {}, {}", dir, stack.postgres(), stack.kafka(), stack.cassandra());
        return stack;
    }

    private static int claim(String server, String what, int port, Iterator<Integer> free, String setting) {
        return port == 0 ? free.next() : Ports.claim(server, what, port, setting);
    }

    /** Throws the first of {@code failures}, the others suppressed in it; nothing if there are none. */
    static void throwFirst(List<RuntimeException> failures) {
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Runs the tasks on threads of their own and returns what each threw. */
    static List<RuntimeException> inParallel(List<Runnable> tasks) {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            List<CompletableFuture<Void>> running = tasks.stream()
                    .map(task -> CompletableFuture.runAsync(task, threads))
                    .toList();
            List<RuntimeException> failures = new ArrayList<>();
            for (CompletableFuture<Void> task : running) {
                try {
                    task.join();
                } catch (CompletionException e) {
                    failures.add(e.getCause() instanceof RuntimeException r ? r : e);
                }
            }
            return failures;
        } finally {
            threads.shutdown();
        }
    }

    @Override
    public PostgresSettings postgres() {
        return new PostgresSettings(
                "localhost", postgres.port(), PostgresServer.DATABASE, PostgresServer.SUPERUSER, "");
    }

    @Override
    public KafkaSettings kafka() {
        return new KafkaSettings(kafka.bootstrapServers());
    }

    @Override
    public CassandraSettings cassandra() {
        return new CassandraSettings(Ports.LOOPBACK, cassandraPort, CassandraNode.DATACENTER);
    }

    /** The Cassandra node alone, for tests that stop and restart it. */
    public CassandraNode cassandraNode() {
        return cassandra;
    }

    /** The broker alone, for tests that stop and restart it. */
    public KafkaBroker kafkaBroker() {
        return kafka;
    }

    public StackConfig config() {
        return config;
    }

    @Override
    public void stopKafka() {
        kafka.stop();
    }

    @Override
    public void startKafka() {
        kafka.start();
    }

    @Override
    public void stopCassandra() {
        cassandra.stop();
    }

    @Override
    public void startCassandra() {
        cassandra.start();
    }

    @Override
    public List<Supervisor.Server> servers() {
        return List.of(
                new Supervisor.Server("PostgreSQL", postgres::isAlive, postgres::restart, postgres::kill),
                new Supervisor.Server("Kafka", kafka::isAlive, kafka::start, kafka::kill),
                new Supervisor.Server("Cassandra", cassandra::isAlive, cassandra::start, cassandra::kill));
    }

    /** PostgreSQL alone, for tests that kill it. */
    public PostgresServer postgresServer() {
        return postgres;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<RuntimeException> failures = inParallel(List.of(cassandra::close, kafka::close, postgres::close));
        failures.forEach(e -> log.warn("stopping a server failed: {}", e.toString()));
        if (!config.keepData()) {
            deleteRecursively(config.directory());
        }
        log.info("stack stopped");
    }

    static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
