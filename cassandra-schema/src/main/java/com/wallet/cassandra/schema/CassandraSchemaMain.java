package com.wallet.cassandra.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Applies the migrations from the command line. Settings come from system properties or environment variables:
 * {@code cassandra.contact-point} ({@code CASSANDRA_CONTACT_POINT}, host:port, default 127.0.0.1:19042),
 * {@code cassandra.datacenter} (default datacenter1), {@code cassandra.keyspace} (default wallet) and
 * {@code cassandra.replication} (default SimpleStrategy:1; e.g. NetworkTopologyStrategy:dc1=3,dc2=3).
 */
public final class CassandraSchemaMain {

    private CassandraSchemaMain() {}

    public static void main(String[] args) {
        Map<String, String> settings = settings(key -> {
            String value = System.getProperty(key);
            return value != null
                    ? value
                    : System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        });
        try (CqlSession session = CqlSessions.open(
                hostAndPort(settings.get("cassandra.contact-point")), settings.get("cassandra.datacenter"))) {
            Migrator migrator = Migrator.forDefaultScripts(
                    session,
                    settings.get("cassandra.keyspace"),
                    KeyspaceReplication.parse(settings.get("cassandra.replication")));
            List<Integer> applied = migrator.migrate();
            System.out.println("keyspace " + settings.get("cassandra.keyspace") + ": applied " + applied
                    + ", now at version " + migrator.currentVersion());
        }
    }

    static Map<String, String> settings(UnaryOperator<String> lookup) {
        return Map.of(
                "cassandra.contact-point", orDefault(lookup, "cassandra.contact-point", "127.0.0.1:19042"),
                "cassandra.datacenter", orDefault(lookup, "cassandra.datacenter", "datacenter1"),
                "cassandra.keyspace", orDefault(lookup, "cassandra.keyspace", "wallet"),
                "cassandra.replication", orDefault(lookup, "cassandra.replication", "SimpleStrategy:1"));
    }

    private static String orDefault(UnaryOperator<String> lookup, String key, String fallback) {
        String value = lookup.apply(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static InetSocketAddress hostAndPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("contact point must be host:port, was '" + value + "'");
        }
        try {
            return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("contact point must be host:port, was '" + value + "'", e);
        }
    }
}
