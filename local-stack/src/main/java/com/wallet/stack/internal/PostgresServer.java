package com.wallet.stack.internal;

import com.wallet.stack.StackStartException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from the zonky embedded binaries (fetched from Maven Central), with logical replication enabled so that
 * Debezium can read the WAL through pgoutput.
 */
public final class PostgresServer implements AutoCloseable {

    static final String SERVER = "PostgreSQL";
    public static final String SUPERUSER = "postgres";
    public static final String DATABASE = "wallet";
    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final boolean keepData;
    private final Duration startTimeout;
    private final java.util.Map<String, String> extraConfig = new java.util.LinkedHashMap<>();
    private EmbeddedPostgres postgres;

    public PostgresServer(Path dir, int port, boolean keepData, Duration startTimeout) {
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("postgres.log");
        this.port = port;
        this.keepData = keepData;
        this.startTimeout = startTimeout;
    }

    public int port() {
        return port;
    }

    /** Stops a postmaster that an earlier, crashed run left on this data directory. Call before claiming ports. */
    public static void reclaimOrphan(Path dir) {
        Path pidFile = dir.resolve("data").resolve("postmaster.pid");
        livePostmaster(pidFile).ifPresent(postmaster -> {
            log.warn(
                    "{}: stopping postmaster pid {} left running by an earlier, crashed run", SERVER, postmaster.pid());
            // SIGTERM: smart shutdown, and the crashed run's sessions are already gone
            ChildJvm.stop(SERVER, postmaster);
        });
    }

    private static Optional<ProcessHandle> livePostmaster(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A server setting on top of the stack's, applied at the next {@link #start()} (the benchmarks load
     * {@code pg_stat_statements} with it).
     */
    public PostgresServer serverConfig(String name, String value) {
        extraConfig.put(name, value);
        return this;
    }

    /** Starts the server: on a fresh data directory unless the data is kept, in which case it reuses what is there. */
    public synchronized void start() {
        if (!keepData) {
            deleteData();
        }
        startOnData();
    }

    /**
     * Starts the server again on its data after its postmaster stopped on its own (a {@code kill -9}: PostgreSQL
     * recovers from its WAL as after a power cut), whether the data is kept between runs or not.
     */
    public synchronized void restart() {
        if (postgres != null) {
            // its postmaster is gone, so zonky's stop fails (and logs that); this releases its lock on the data
            log.warn("{}: releasing the stopped server's data directory (a failed stop is expected here)", SERVER);
            stop();
        }
        startOnData();
    }

    /** Whether the postmaster runs (its pid file names a live postgres process). */
    public synchronized boolean isAlive() {
        return postgres != null
                && livePostmaster(dataDir.resolve("postmaster.pid")).isPresent();
    }

    /** kill -9 of the postmaster: no shutdown, no checkpoint; waits until it is gone. For tests. */
    public synchronized void kill() {
        livePostmaster(dataDir.resolve("postmaster.pid")).ifPresent(postmaster -> {
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        });
    }

    private void startOnData() {
        try {
            Files.createDirectories(dataDir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            extraConfig.forEach(builder::setServerConfig);
            postgres = builder.setPort(port)
                    .setDataDirectory(dataDir)
                    // this class deletes the data when it is not kept: zonky would delete it at every stop,
                    // a restart's too
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(startTimeout)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "300")
                    // zonky turns this off by default; commits here must be as durable as in production
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            createDatabase();
        } catch (IOException | RuntimeException | SQLException e) {
            stop(); // the data stays: a restart that failed is tried again on it
            throw new StackStartException(
                    SERVER, LogTail.explain("did not start on port " + port + ": " + e, logFile), e);
        }
    }

    private void createDatabase() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = c.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        }
        try (Connection wallet = postgres.getDatabase(SUPERUSER, DATABASE).getConnection()) {
            com.wallet.stack.ServiceRoles.create(wallet, null);
        }
    }

    /** Stops the server; its data is deleted unless it is kept. */
    @Override
    public synchronized void close() {
        if (postgres != null) {
            stop();
            if (!keepData) {
                deleteData();
            }
        }
    }

    private void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("{}: stop failed: {}", SERVER, e.toString());
            }
            postgres = null;
        }
    }

    private void deleteData() {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir, e);
        }
    }
}
