package com.wallet.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.wallet.stack.internal.LogTail;
import com.wallet.stack.internal.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command as a user runs it: {@link LocalStackMain} in a JVM of its own, crashed with SIGKILL, started again
 * on the same data directory, then stopped with SIGTERM (what Ctrl-C's SIGINT also triggers: the shutdown hook).
 */
class LocalStackProcessIT {

    @TempDir
    Path tmp;

    @Test
    void recoversFromACrashedRunAndLeavesNoServerBehindWhenStopped() throws Exception {
        Path dir = tmp.resolve("stack");
        Files.createDirectories(
                dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Integer> ports = Ports.free(5);

        // given a running stack holding some data
        Process first = launch(dir, ports, "first");
        List<ProcessHandle> firstServers = serverJvms(first);
        assertThat(firstServers).as("Kafka and Cassandra JVMs").hasSize(2);
        ProcessHandle firstPostmaster = postmaster(dir);
        execute(ports.get(0), "CREATE TABLE survivor (id int PRIMARY KEY); INSERT INTO survivor VALUES (7)");

        // when its JVM is killed without warning
        first.destroyForcibly();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then the server JVMs notice and exit by themselves; PostgreSQL (daemonized by pg_ctl) is left orphaned
        await("Kafka and Cassandra to exit after their parent died")
                .atMost(Duration.ofSeconds(60))
                .until(() -> firstServers.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(firstPostmaster.isAlive()).isTrue();

        // when the run command starts again on the same directory and ports
        Process second = launch(dir, ports, "second");

        // then it reclaimed the orphan and the data survived
        assertThat(firstPostmaster.isAlive()).isFalse();
        assertThat(queryInt(ports.get(0), "SELECT id FROM survivor")).isEqualTo(7);

        // when it is stopped as Ctrl-C would stop it
        List<ProcessHandle> secondServers = serverJvms(second);
        ProcessHandle secondPostmaster = postmaster(dir);
        second.destroy(); // SIGTERM
        assertThat(second.waitFor(90, TimeUnit.SECONDS)).isTrue();

        // then no server process is left and every port is free again
        assertThat(secondServers).noneMatch(ProcessHandle::isAlive);
        assertThat(secondPostmaster.isAlive()).isFalse();
        for (int port : ports) {
            assertThat(Ports.accepting(port))
                    .as("something still listens on %d", port)
                    .isFalse();
        }
    }

    private Process launch(Path dir, List<Integer> ports, String name) throws IOException {
        Path log = tmp.resolve(name + ".out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dstack.dir=" + dir,
                "-Dstack.postgres.port=" + ports.get(0),
                "-Dstack.kafka.port=" + ports.get(1),
                "-Dstack.kafka.controller-port=" + ports.get(2),
                "-Dstack.cassandra.port=" + ports.get(3),
                "-Dstack.cassandra.storage-port=" + ports.get(4),
                LocalStackMain.class.getName()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        await(name + " run to print READY")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        fail("the " + name + " run exited with " + process.exitValue() + ":\n" + LogTail.of(log, 60));
                    }
                    return Files.readString(log).contains("READY.");
                });
        return process;
    }

    private static List<ProcessHandle> serverJvms(Process run) {
        return run.children()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .toList();
    }

    private static ProcessHandle postmaster(Path dir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/data/postmaster.pid"))
                .get(0)
                .trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster with pid " + pid));
    }

    private static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/wallet", "postgres", "");
    }

    private static void execute(int port, String sql) throws SQLException {
        try (Connection c = connect(port);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int queryInt(int port, String sql) throws SQLException {
        try (Connection c = connect(port);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
