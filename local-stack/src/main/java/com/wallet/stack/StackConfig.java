package com.wallet.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where the embedded stack keeps its data and which ports it listens on. A port of 0 means "any free port".
 *
 * @param directory the servers' data and log directories live below it
 * @param keepData false: the directory is deleted when the stack closes (tests); true: the next start reuses it
 * @param startTimeout how long each server may take to become ready before the start fails
 */
public record StackConfig(
        Path directory,
        boolean keepData,
        int postgresPort,
        int kafkaPort,
        int kafkaControllerPort,
        int cassandraPort,
        int cassandraStoragePort,
        Duration startTimeout) {

    public static final int DEFAULT_POSTGRES_PORT = 15432;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 19093;
    public static final int DEFAULT_CASSANDRA_PORT = 19042;
    public static final int DEFAULT_CASSANDRA_STORAGE_PORT = 17000;
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

    public StackConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(startTimeout, "startTimeout");
        checkPort("postgresPort", postgresPort);
        checkPort("kafkaPort", kafkaPort);
        checkPort("kafkaControllerPort", kafkaControllerPort);
        checkPort("cassandraPort", cassandraPort);
        checkPort("cassandraStoragePort", cassandraStoragePort);
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
        }
    }

    /** Free ports and a fresh temporary directory that is deleted when the stack closes. */
    public static StackConfig forTests() {
        try {
            Path dir = Files.createTempDirectory("wallet-stack-");
            // PostgreSQL refuses to run as root, so the embedded binaries drop to an unprivileged user that must be
            // able to reach its data directory below this one.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new StackConfig(dir, false, 0, 0, 0, 0, 0, DEFAULT_START_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the stack", e);
        }
    }

    /**
     * The local run: fixed ports and a data directory kept between runs, each overridable by a system property
     * ({@code stack.dir}, {@code stack.postgres.port}, ...) or the matching environment variable ({@code STACK_DIR},
     * {@code STACK_POSTGRES_PORT}, ...).
     */
    public static StackConfig fromEnvironment() {
        return fromLookup(key -> {
            String value = System.getProperty(key);
            return value != null
                    ? value
                    : System.getenv(
                            key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        });
    }

    static StackConfig fromLookup(UnaryOperator<String> lookup) {
        String dir = lookup.apply("stack.dir");
        return new StackConfig(
                Path.of(dir == null || dir.isBlank() ? ".stack-data" : dir).toAbsolutePath(),
                true,
                port(lookup, "stack.postgres.port", DEFAULT_POSTGRES_PORT),
                port(lookup, "stack.kafka.port", DEFAULT_KAFKA_PORT),
                port(lookup, "stack.kafka.controller-port", DEFAULT_KAFKA_CONTROLLER_PORT),
                port(lookup, "stack.cassandra.port", DEFAULT_CASSANDRA_PORT),
                port(lookup, "stack.cassandra.storage-port", DEFAULT_CASSANDRA_STORAGE_PORT),
                DEFAULT_START_TIMEOUT);
    }

    private static int port(UnaryOperator<String> lookup, String key, int fallback) {
        String value = lookup.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a port number, was '" + value + "'", e);
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0 (any free port) or 1-65535, was " + port);
        }
    }
}
