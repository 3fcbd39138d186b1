package com.wallet.stack;

/**
 * The three real servers every service and integration test talks to: PostgreSQL (logical replication enabled),
 * a Kafka broker (KRaft) and Cassandra 5. Obtain one with {@link EmbeddedStack#start(StackConfig)} (one node of each)
 * or {@link ClusterStack#start} (three brokers, three Cassandra nodes), or in tests with {@link SharedStack#get()},
 * which starts the one {@code -Dstack.nodes} asks for at most once per JVM.
 */
public interface Stack extends AutoCloseable {

    PostgresSettings postgres();

    KafkaSettings kafka();

    CassandraSettings cassandra();

    /**
     * How many copies a topic or keyspace of this stack keeps: 1 on one node of each server, 3 on the {@link
     * ClusterStack}. Tests make their own topics and keyspaces with it, so that they run on either.
     */
    default int replicas() {
        return 1;
    }

    /** Stops every Kafka broker (a whole-Kafka outage) until {@link #startKafka()}; for the tests of outages. */
    default void stopKafka() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stop its brokers");
    }

    /** Starts the brokers {@link #stopKafka()} stopped and returns once they take clients. */
    default void startKafka() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot start its brokers");
    }

    /** Stops every Cassandra node (a whole-Cassandra outage) until {@link #startCassandra()}. */
    default void stopCassandra() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stop its Cassandra nodes");
    }

    /** Starts the nodes {@link #stopCassandra()} stopped and returns once each takes CQL. */
    default void startCassandra() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot start its Cassandra nodes");
    }

    /**
     * The servers this stack runs as processes of its own, for a {@link Supervisor} to start again should one stop
     * on its own; none where something else runs them (containers).
     */
    default java.util.List<Supervisor.Server> servers() {
        return java.util.List.of();
    }

    /** Stops every server this stack started. Idempotent. */
    @Override
    void close();
}
