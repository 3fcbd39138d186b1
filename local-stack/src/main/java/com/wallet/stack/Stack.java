package com.wallet.stack;

/**
 * The three real servers every service and integration test talks to: PostgreSQL (logical replication enabled),
 * a Kafka broker (KRaft) and Cassandra 5. Obtain one with {@link EmbeddedStack#start(StackConfig)}, or in tests with
 * {@link SharedStack#get()}, which starts it at most once per JVM.
 */
public interface Stack extends AutoCloseable {

    PostgresSettings postgres();

    KafkaSettings kafka();

    CassandraSettings cassandra();

    /** Stops every server this stack started. Idempotent. */
    @Override
    void close();
}
