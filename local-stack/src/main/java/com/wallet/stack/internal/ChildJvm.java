package com.wallet.stack.internal;

import com.wallet.stack.StackStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server running in a JVM of its own, started through {@link ParentWatch} so that it dies with this process. Its
 * output goes to a log file, and its pid to a file next to it so that a later start can find a server an earlier,
 * crashed parent left behind.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String server;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final Path pidFile;
    private Process process;

    public ChildJvm(
            String server,
            Path workDir,
            String logName,
            List<String> jvmArgs,
            String classpath,
            String mainClass,
            List<String> args) {
        this.server = server;
        this.workDir = workDir;
        this.logFile = workDir.resolve(logName + ".log");
        this.pidFile = workDir.resolve(logName + ".pid");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(ParentWatch.class.getName());
        cmd.add(mainClass);
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
    }

    public Path logFile() {
        return logFile;
    }

    /** Stops a server that an earlier parent started here and left running when it crashed. */
    public void reclaimOrphan() {
        orphan().ifPresent(orphan -> {
            log.warn("{}: stopping pid {} left running by an earlier, crashed run", server, orphan.pid());
            stop(server, orphan);
        });
    }

    private Optional<ProcessHandle> orphan() {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info()
                            .commandLine()
                            .map(c -> c.contains(ParentWatch.class.getName()))
                            .orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(server + " is already running as pid " + process.pid());
        }
        try {
            Files.createDirectories(workDir);
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new StackStartException(server, "cannot launch " + command.get(0) + ": " + e.getMessage(), e);
        }
        log.info("{}: started pid {}, log {}", server, process.pid(), logFile);
    }

    /** Waits until {@code ready} holds; fails with the log's tail when the JVM exits first or time runs out. */
    public void awaitReady(Duration timeout, String what, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process p = current();
            if (!p.isAlive()) {
                throw failure("exited with code " + p.exitValue() + " before " + what);
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                close();
                throw failure("not ready after " + timeout.toSeconds() + " s (waiting for " + what + ")");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Runs a JVM that is expected to finish, such as a formatting tool, and fails unless it exits with 0. */
    public void runToCompletion(Duration timeout, String what) {
        start();
        Process p = current();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw failure(what + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw failure("interrupted during " + what);
        }
        if (p.exitValue() != 0) {
            throw failure(what + " exited with code " + p.exitValue());
        }
        close();
    }

    public StackStartException failure(String reason) {
        return new StackStartException(server, LogTail.explain(reason, logFile));
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    private synchronized Process current() {
        if (process == null) {
            throw new IllegalStateException(server + " was never started");
        }
        return process;
    }

    /** kill -9: the server gets no chance to shut down or flush; waits until it is gone. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    /** Stops the server: SIGTERM, then SIGKILL if it has not exited within 30 s. Idempotent. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        stop(server, process.toHandle());
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a server process: SIGTERM, then SIGKILL if it has not exited within 30 s. */
    static void stop(String server, ProcessHandle handle) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("{}: pid {} did not stop within {} s; killing it", server, handle.pid(), STOP_TIMEOUT.toSeconds());
            handle.destroyForcibly();
            handle.onExit().join();
        }
    }

    /** Writes a configuration file of a server, creating its directory. */
    static void writeFile(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
