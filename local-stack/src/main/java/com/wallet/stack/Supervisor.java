package com.wallet.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server of the stack again when it stops on its own while the stack runs (a {@code kill -9}, a crash, the
 * kernel's out-of-memory killer), as a process manager (systemd, Kubernetes) does for a deployment: the services
 * reconnect by themselves, so the local run heals instead of running on without its database, broker or feed store.
 * A server is started again with its data, on its ports, once it has been found gone at two looks
 * {@code interval} apart (so a Ctrl-C, which reaches the servers and this JVM at once, is not mistaken for a crash:
 * the run's shutdown closes the supervisor first); a start that fails is tried again after a pause that doubles up
 * to a minute. Not for use beside the tests' outages ({@link Stack#stopKafka()} and the like), which it would undo.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration MAX_PAUSE = Duration.ofMinutes(1);

    /**
     * A server of a stack: its name, whether its process runs, how to start it again (returning once it serves,
     * keeping its data and ports), and how to kill it without warning (for the tests of this).
     */
    public record Server(String name, BooleanSupplier alive, Runnable start, Runnable kill) {}

    private final List<Server> servers;
    private final Duration interval;
    private final ScheduledExecutorService looker;
    private final ExecutorService starter;
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    /** When each server was first found gone (nanoTime), while it stays gone. */
    private final Map<String, Long> goneSince = new ConcurrentHashMap<>();
    /** When each server whose start failed may be tried again (nanoTime). */
    private final Map<String, Long> nextTry = new ConcurrentHashMap<>();
    /** The pause before the next try of each server whose start failed: 1 s, doubling up to a minute. */
    private final Map<String, Duration> pause = new ConcurrentHashMap<>();

    private volatile boolean closed;

    private Supervisor(List<Server> servers, Duration interval) {
        this.servers = List.copyOf(servers);
        this.interval = interval;
        this.looker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stack-supervisor");
            thread.setDaemon(true);
            return thread;
        });
        this.starter = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stack-supervisor-start");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Looks at the servers every {@code interval} until {@link #close()}. */
    public static Supervisor watch(List<Server> servers, Duration interval) {
        Supervisor supervisor = new Supervisor(servers, interval);
        supervisor.looker.scheduleWithFixedDelay(
                supervisor::look, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return supervisor;
    }

    /** How many times the server of this name was started again. */
    public int restarts(String name) {
        return restarts.getOrDefault(name, 0);
    }

    private void look() {
        // the servers due for a start are started together: the brokers of a cluster answer only once a majority of
        // them is up, so one at a time would never finish
        try {
            List<CompletableFuture<Void>> starting = new ArrayList<>();
            for (Server server : servers) {
                if (closed) {
                    break;
                }
                if (due(server)) {
                    starting.add(CompletableFuture.runAsync(() -> start(server), starter));
                }
            }
            starting.forEach(CompletableFuture::join);
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: this look fails alone
            log.error("supervising the stack's servers failed", e);
        }
    }

    /** Whether the server has been gone at two looks and its next try, if a start failed, has come. */
    private boolean due(Server server) {
        String name = server.name();
        if (server.alive().getAsBoolean()) {
            goneSince.remove(name);
            return false;
        }
        long now = System.nanoTime();
        Long since = goneSince.putIfAbsent(name, now);
        if (since == null || now - since < interval.toNanos()) {
            return false; // gone at one look: wait for the next (a Ctrl-C reaching it may be stopping everything)
        }
        return now - nextTry.getOrDefault(name, now) >= 0;
    }

    private void start(Server server) {
        String name = server.name();
        log.warn("{} stopped on its own; starting it again with its data", name);
        try {
            server.start().run();
        } catch (RuntimeException e) {
            Duration wait = pause.merge(name, Duration.ofSeconds(1), (last, first) -> longer(last));
            nextTry.put(name, System.nanoTime() + wait.toNanos());
            log.error("{} did not start again ({}); next try in {} s", name, e.getMessage(), wait.toSeconds());
            return;
        }
        pause.remove(name);
        nextTry.remove(name);
        goneSince.remove(name);
        int count = restarts.merge(name, 1, Integer::sum);
        log.warn("{} is running again (started again {} time{} by the supervisor)", name, count, count == 1 ? "" : "s");
    }

    private static Duration longer(Duration pause) {
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : doubled;
    }

    /** Stops looking; waits for a start under way to finish, so that the stack can then be stopped whole. */
    @Override
    public void close() {
        closed = true;
        looker.shutdown();
        starter.shutdown();
        try {
            if (!looker.awaitTermination(5, TimeUnit.MINUTES)) {
                log.warn("a server's start was still under way after 5 minutes; stopping anyway");
                looker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
