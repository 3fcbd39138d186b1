package com.wallet.stack;

import java.util.concurrent.CountDownLatch;

/**
 * The README's run command: starts the stack with fixed ports (see {@link StackConfig#fromEnvironment()}), prints how
 * to connect, and runs until Ctrl-C (SIGINT) or SIGTERM, which stop every server. A server that stops on its own
 * (kill -9, a crash) meanwhile is started again with its data ({@link Supervisor}), as under the run command.
 */
public final class LocalStackMain {

    private LocalStackMain() {}

    public static void main(String[] args) throws InterruptedException {
        StackConfig config = StackConfig.fromEnvironment();
        System.out.println("Starting PostgreSQL, Kafka and Cassandra (data in " + config.directory() + ") ...");
        EmbeddedStack stack;
        try {
            stack = EmbeddedStack.start(config, false);
        } catch (RuntimeException e) {
            System.err.println("The stack did not start. " + e.getMessage());
            System.exit(1);
            return;
        }
        Supervisor supervisor = Supervisor.watch(stack.servers(), java.time.Duration.ofSeconds(1));
        Stack servers = stack;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // the supervisor first: a terminal's Ctrl-C signals the servers too, and it would
                            // otherwise start again what the Ctrl-C stops
                            supervisor.close();
                            servers.close();
                        },
                        "stack-shutdown"));
        System.out.println(describe(stack));
        System.out.println("READY. Ctrl-C stops every server.");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static String describe(Stack stack) {
        PostgresSettings pg = stack.postgres();
        KafkaSettings kafka = stack.kafka();
        CassandraSettings cassandra = stack.cassandra();
        return """

                PostgreSQL  %s  (user %s, no password; wal_level=logical)
                            psql "postgresql://%s@%s:%d/%s"
                Kafka       bootstrap.servers=%s  (KRaft, auto topic creation off)
                            kcat -b %s -L
                Cassandra   contact point %s:%d, local datacenter %s
                            cqlsh %s %d
                """.formatted(
                        pg.jdbcUrl(),
                        pg.username(),
                        pg.username(),
                        pg.host(),
                        pg.port(),
                        pg.database(),
                        kafka.bootstrapServers(),
                        kafka.bootstrapServers(),
                        cassandra.host(),
                        cassandra.port(),
                        cassandra.localDatacenter(),
                        cassandra.host(),
                        cassandra.port());
    }
}
