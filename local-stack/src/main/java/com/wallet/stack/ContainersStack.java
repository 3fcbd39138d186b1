package com.wallet.stack;

import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The same three servers on a Docker engine, through Testcontainers ({@code -Dstack=containers}). Where no engine
 * answers, tests using {@link StackExtension} abort by assumption instead of failing.
 */
public final class ContainersStack implements Stack {

    static final String POSTGRES_IMAGE = "postgres:17";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    static final String CASSANDRA_IMAGE = "cassandra:5.0";

    private final PostgreSQLContainer postgres;
    private final KafkaContainer kafka;
    private final CassandraContainer cassandra;

    private ContainersStack(PostgreSQLContainer postgres, KafkaContainer kafka, CassandraContainer cassandra) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.cassandra = cassandra;
    }

    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static ContainersStack start() {
        if (!dockerAvailable()) {
            throw new IllegalStateException("-Dstack=containers needs a Docker engine, and none answers here");
        }
        PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName("wallet")
                .withCommand(
                        "postgres",
                        "-c",
                        "wal_level=logical",
                        "-c",
                        "max_replication_slots=20",
                        "-c",
                        "max_wal_senders=20",
                        "-c",
                        "max_connections=300");
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        CassandraContainer cassandra = new CassandraContainer(CASSANDRA_IMAGE);
        Startables.deepStart(postgres, kafka, cassandra).join();
        ContainersStack stack = new ContainersStack(postgres, kafka, cassandra);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword())) {
            ServiceRoles.create(c, postgres.getPassword());
        } catch (java.sql.SQLException e) {
            stack.close();
            throw new IllegalStateException("creating the service roles failed", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "containers-stack-shutdown"));
        return stack;
    }

    @Override
    public PostgresSettings postgres() {
        return new PostgresSettings(
                postgres.getHost(),
                postgres.getMappedPort(5432),
                postgres.getDatabaseName(),
                postgres.getUsername(),
                postgres.getPassword());
    }

    @Override
    public KafkaSettings kafka() {
        return new KafkaSettings(kafka.getBootstrapServers());
    }

    @Override
    public CassandraSettings cassandra() {
        return new CassandraSettings(
                cassandra.getContactPoint().getHostString(),
                cassandra.getContactPoint().getPort(),
                cassandra.getLocalDatacenter());
    }

    @Override
    public void close() {
        Stream.<Startable>of(cassandra, kafka, postgres).forEach(Startable::stop);
    }
}
