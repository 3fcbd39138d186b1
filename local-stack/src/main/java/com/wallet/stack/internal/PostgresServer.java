package com.wallet.stack.internal;

import com.wallet.stack.StackStartException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
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

    public void start() {
        try {
            Files.createDirectories(dataDir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            extraConfig.forEach(builder::setServerConfig);
            postgres = builder.setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(!keepData)
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
            close();
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

    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("{}: stop failed: {}", SERVER, e.toString());
            }
            postgres = null;
        }
    }
}
