package com.wallet.run;

import static org.awaitility.Awaitility.await;

import com.wallet.cassandra.schema.CqlSessions;
import com.wallet.cassandra.schema.KeyspaceReplication;
import com.wallet.cassandra.schema.Migrator;
import com.wallet.sim.PartnerSimulator;
import com.wallet.stack.PostgresSettings;
import com.wallet.stack.ServiceRoles;
import com.wallet.stack.Stack;
import com.wallet.stack.internal.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The services as production runs them: each in its own JVM (transfer-api, cdc-connector, fanout-streams), started
 * with its own main class and settings, ready when its health endpoint says so; settlement jobs as one process per
 * run, like a cron job or an operator would start them. Only the partner simulator (the outside world) runs in the
 * test's JVM.
 */
final class Services implements AutoCloseable {

    static final String DATA_KEY = Pipeline.DATA_KEY;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String id = "proc" + Long.toString(System.nanoTime(), 36);
    final PartnerSimulator sim = PartnerSimulator.start(0);
    final Path logs;
    final String api;
    final ApiClient client;
    final Stack stack;
    private final PostgresSettings pg;
    private final List<Process> processes = new ArrayList<>();

    /** How a service was started and where it says it is healthy: to start it again after a kill. */
    private record Spec(List<String> jvmArgs, String main, List<String> args, String health) {}

    private final java.util.Map<String, Spec> specs = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Process> running = new java.util.LinkedHashMap<>();

    Services(Stack stack) throws Exception {
        this.stack = stack;
        this.pg = stack.postgres();
        this.logs = Files.createTempDirectory("services-" + id);
        try (var cql = CqlSessions.open(
                stack.cassandra().contactPoint(), stack.cassandra().localDatacenter())) {
            Migrator.forDefaultScripts(cql, id, KeyspaceReplication.simple(stack.replicas()))
                    .migrate();
        }
        int apiPort = Ports.free();
        api = "http://localhost:" + apiPort;
        client = new ApiClient(api);
        service(
                "transfer-api",
                List.of(),
                "com.wallet.api.TransferApiApplication",
                Pipeline.apiArguments(stack, sim.baseUrl(), id, apiPort),
                api + "/actuator/health");
        int cdcPort = Ports.free();
        service(
                "cdc-connector",
                Pipeline.cdcSettings(stack, id, cdcPort).entrySet().stream()
                        .map(e -> "-D" + e.getKey() + "=" + e.getValue())
                        .toList(),
                "com.wallet.cdc.CdcMain",
                List.of(),
                "http://127.0.0.1:" + cdcPort + "/health");
        Pipeline.awaitHeartbeat(stack, id);
        int fanoutPort = Ports.free();
        service(
                "fanout-streams",
                List.of(
                        "-Dfanout.prefix=" + id,
                        "-Dfanout.kafka.bootstrap-servers=" + stack.kafka().bootstrapServers(),
                        "-Dfanout.cassandra.contact-point=" + stack.cassandra().host() + ":"
                                + stack.cassandra().port(),
                        "-Dfanout.cassandra.datacenter=" + stack.cassandra().localDatacenter(),
                        "-Dfanout.cassandra.keyspace=" + id,
                        "-Dfanout.state-dir=" + logs.resolve("fanout-state"),
                        "-Dfanout.topic.partitions=3",
                        "-Dfanout.topic.replication-factor=" + stack.replicas(),
                        "-Dfanout.http.port=" + fanoutPort),
                "com.wallet.fanout.FanoutMain",
                List.of(),
                "http://127.0.0.1:" + fanoutPort + "/health");
    }

    /** Starts a service in its own JVM and waits until it is healthy. */
    private void service(String name, List<String> jvmArgs, String main, List<String> args, String health)
            throws Exception {
        specs.put(name, new Spec(jvmArgs, main, args, health));
        Process process =
                launch(name + (running.containsKey(name) ? "-" + System.nanoTime() : ""), jvmArgs, main, args);
        processes.add(process);
        running.put(name, process);
        awaitHealthy(health);
    }

    /** SIGKILL to a service: no shutdown hook, no flush, no commit. */
    void kill9(String name) throws InterruptedException {
        Process process = running.get(name);
        processes.remove(process);
        process.destroyForcibly().waitFor();
    }

    /** Starts a killed service again, as it was started, and waits until it is healthy. */
    void restart(String name) throws Exception {
        Spec spec = specs.get(name);
        service(name, spec.jvmArgs(), spec.main(), spec.args(), spec.health());
    }

    /** One settlement job as its own process; true if it exited 0 (completed, and clean for reconciliation). */
    boolean runJob(String job) throws Exception {
        Process p = launch(
                "settlement-" + job,
                List.of(),
                "com.wallet.settlement.SettlementApplication",
                List.of(
                        "--job=" + job,
                        "--business-date=2026-11-24",
                        "--spring.datasource.url=" + pg.jdbcUrl(),
                        "--spring.datasource.username=" + ServiceRoles.SETTLEMENT,
                        "--spring.datasource.password=" + pg.password(),
                        "--spring.flyway.user=" + ServiceRoles.OWNER,
                        "--spring.flyway.password=" + pg.password(),
                        "--settlement.output-dir=" + logs.resolve("settlement"),
                        "--settlement.data-key=" + DATA_KEY,
                        "--settlement.ach.base-url=" + sim.baseUrl(),
                        "--settlement.card.base-url=" + sim.baseUrl(),
                        "--settlement.settlement-days=2"));
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(job + " did not finish; log in " + logs);
        }
        return p.exitValue() == 0;
    }

    /** Whether the fan-out's friend graph (its compacted edge topic) has {@code user}'s edge to {@code friend}. */
    boolean fanoutKnows(UUID user, UUID friend) {
        try (var consumer = Pipeline.probe(stack)) {
            consumer.subscribe(List.of(id + ".fanout.friend-edges"));
            String edge = user + "|" + friend;
            boolean known = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until) {
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.key().equals(edge)) {
                        known = r.value() != null;
                    }
                }
            }
            return known;
        }
    }

    private Process launch(String name, List<String> jvmArgs, String main, List<String> args) throws Exception {
        return launchJvm(logs.resolve(name + ".log"), jvmArgs, main, args);
    }

    /** A JVM of its own on the test's class path, its output in {@code log}. */
    static Process launchJvm(Path log, List<String> jvmArgs, String main, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private void awaitHealthy(String url) {
        awaitHealthy(url, processes, logs);
    }

    /** Until {@code url} answers 200; fails as soon as one of {@code processes} has exited. */
    static void awaitHealthy(String url, List<Process> processes, Path logs) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    for (Process p : processes) {
                        if (!p.isAlive()) {
                            throw new AssertionError("a service exited early; logs in " + logs);
                        }
                    }
                    try {
                        return HTTP.send(
                                                HttpRequest.newBuilder(URI.create(url))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
    }

    private static List<Process> reversed(List<Process> list) {
        List<Process> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    List<String> feed(Pipeline.Person reader) {
        return client.feed(reader);
    }

    Pipeline.Person signUp(String name) {
        return client.signUp(name);
    }

    void befriend(Pipeline.Person a, Pipeline.Person b) {
        client.befriend(a, b);
    }

    tools.jackson.databind.JsonNode call(String method, String path, Pipeline.Person as, String key, Object body) {
        return client.call(method, path, as, key, body);
    }

    @Override
    public void close() throws Exception {
        for (Process p : reversed(processes)) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        sim.close();
        Pipeline.dropSlot(pg, id);
    }
}
