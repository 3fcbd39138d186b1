package com.wallet.cdc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the connector needs to know, read from system properties ({@code cdc.kafka.bootstrap-servers}) or the
 * matching environment variables ({@code CDC_KAFKA_BOOTSTRAP_SERVERS}).
 *
 * @param tables captured tables, schema-qualified; each becomes the topic {@code <topicPrefix>.<schema>.<table>}
 * @param excludedColumns columns that never leave the database (secrets, password hashes, encrypted numbers)
 * @param compactedTables tables whose topics, if captured, are compacted as well as deleted by age: a row's superseded
 *     images (a closed account's name and avatar) leave the topic within about {@code compactionLag} of the partition's
 *     next write after it, instead of staying for the whole retention
 * @param compactionLag the compacted topics' {@code segment.ms} and {@code max.compaction.lag.ms}: a segment rolls on
 *     the partition's first write after it has been open that long, and a rolled segment is compacted within that long
 * @param slotFailover whether the slot, when the connector creates it, is a failover slot (PostgreSQL 17+ primary:
 *     synchronized to standbys, so a failover leaves no gap; see docs/production.md)
 */
public record CdcSettings(
        String postgresHost,
        int postgresPort,
        String database,
        String username,
        String password,
        String bootstrapServers,
        String topicPrefix,
        List<String> tables,
        List<String> excludedColumns,
        String slotName,
        boolean slotFailover,
        String publicationName,
        String publicationAutocreateMode,
        int topicPartitions,
        short replicationFactor,
        Duration topicRetention,
        List<String> compactedTables,
        Duration compactionLag,
        String offsetsTopic,
        Duration offsetFlushInterval,
        Duration heartbeatInterval,
        Duration deliveryTimeout,
        Duration pollInterval,
        String httpAddress,
        int httpPort) {

    public static final List<String> DEFAULT_TABLES = List.of(
            "public.users",
            "public.friend_requests",
            "public.friendships",
            "public.transfers",
            "public.payment_requests",
            "public.cashouts",
            "cdc.heartbeat");
    /** The users' topic carries names and avatars, which a closure or a change must take back. */
    public static final List<String> DEFAULT_COMPACTED_TABLES = List.of("public.users");

    /** Secrets and personal data never leave the database by default: password hashes, email addresses, phones. */
    public static final List<String> DEFAULT_EXCLUDED_COLUMNS =
            List.of("public.users.password_hash", "public.users.email", "public.users.phone");

    public CdcSettings {
        Objects.requireNonNull(postgresHost, "postgresHost");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        tables = List.copyOf(tables);
        excludedColumns = List.copyOf(excludedColumns);
        compactedTables = List.copyOf(compactedTables);
        if (compactionLag.isNegative() || compactionLag.isZero()) {
            throw new IllegalArgumentException("cdc.topic.compaction-lag must be positive, was " + compactionLag);
        }
        if (!List.of("filtered", "disabled").contains(publicationAutocreateMode)) {
            throw new IllegalArgumentException(
                    "cdc.publication.autocreate-mode must be filtered or disabled, was " + publicationAutocreateMode);
        }
        if (topicPartitions < 1) {
            throw new IllegalArgumentException("cdc.topic.partitions must be 1 or more, was " + topicPartitions);
        }
    }

    public static CdcSettings fromEnvironment() {
        return from(key -> {
            String value = System.getProperty(key);
            return value != null
                    ? value
                    : System.getenv(
                            key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        });
    }

    public static CdcSettings from(UnaryOperator<String> lookup) {
        Reader r = new Reader(lookup);
        return new CdcSettings(
                r.string("cdc.postgres.host", "localhost"),
                r.integer("cdc.postgres.port", 15432),
                r.string("cdc.postgres.database", "wallet"),
                r.string("cdc.postgres.username", "postgres"),
                r.string("cdc.postgres.password", ""),
                r.string("cdc.kafka.bootstrap-servers", "127.0.0.1:19092"),
                r.string("cdc.topic.prefix", "wallet"),
                r.list("cdc.tables", DEFAULT_TABLES),
                r.list("cdc.excluded-columns", DEFAULT_EXCLUDED_COLUMNS),
                r.string("cdc.slot.name", "wallet_cdc"),
                Boolean.parseBoolean(r.string("cdc.slot.failover", "false")),
                r.string("cdc.publication.name", "wallet_cdc"),
                r.string("cdc.publication.autocreate-mode", "filtered"),
                r.integer("cdc.topic.partitions", 6),
                (short) r.integer("cdc.topic.replication-factor", 1),
                Duration.parse(r.string("cdc.topic.retention", "P7D")),
                "none".equals(lookup.apply("cdc.topic.compacted-tables"))
                        ? List.of()
                        : r.list("cdc.topic.compacted-tables", DEFAULT_COMPACTED_TABLES),
                Duration.parse(r.string("cdc.topic.compaction-lag", "PT1H")),
                r.string("cdc.offsets.topic", "wallet-cdc-offsets"),
                Duration.parse(r.string("cdc.offsets.flush-interval", "PT1S")),
                Duration.parse(r.string("cdc.heartbeat.interval", "PT10S")),
                Duration.parse(r.string("cdc.kafka.delivery-timeout", "PT30S")),
                Duration.parse(r.string("cdc.poll-interval", "PT0.025S")),
                r.string("cdc.http.address", "0.0.0.0"),
                r.integer("cdc.http.port", 8081));
    }

    /** These settings as the properties {@link #from} reads, to hand to another process with {@code -D}. */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("cdc.postgres.host", postgresHost);
        p.put("cdc.postgres.port", Integer.toString(postgresPort));
        p.put("cdc.postgres.database", database);
        p.put("cdc.postgres.username", username);
        p.put("cdc.postgres.password", password);
        p.put("cdc.kafka.bootstrap-servers", bootstrapServers);
        p.put("cdc.topic.prefix", topicPrefix);
        p.put("cdc.tables", String.join(",", tables));
        p.put("cdc.excluded-columns", String.join(",", excludedColumns));
        p.put("cdc.slot.name", slotName);
        p.put("cdc.slot.failover", Boolean.toString(slotFailover));
        p.put("cdc.publication.name", publicationName);
        p.put("cdc.publication.autocreate-mode", publicationAutocreateMode);
        p.put("cdc.topic.partitions", Integer.toString(topicPartitions));
        p.put("cdc.topic.replication-factor", Short.toString(replicationFactor));
        p.put("cdc.topic.retention", topicRetention.toString());
        p.put("cdc.topic.compacted-tables", compactedTables.isEmpty() ? "none" : String.join(",", compactedTables));
        p.put("cdc.topic.compaction-lag", compactionLag.toString());
        p.put("cdc.offsets.topic", offsetsTopic);
        p.put("cdc.offsets.flush-interval", offsetFlushInterval.toString());
        p.put("cdc.heartbeat.interval", heartbeatInterval.toString());
        p.put("cdc.kafka.delivery-timeout", deliveryTimeout.toString());
        p.put("cdc.poll-interval", pollInterval.toString());
        p.put("cdc.http.address", httpAddress);
        p.put("cdc.http.port", Integer.toString(httpPort));
        return p;
    }

    /** The topic a table's changes go to, following Debezium's {@code <prefix>.<schema>.<table>}. */
    public String topicOf(String table) {
        return topicPrefix + "." + table;
    }

    public String heartbeatTopic() {
        return "__debezium-heartbeat." + topicPrefix;
    }

    @Override
    public String toString() {
        return "CdcSettings[postgres=" + postgresHost + ":" + postgresPort + "/" + database + " as " + username
                + ", kafka=" + bootstrapServers + ", prefix=" + topicPrefix + ", tables=" + tables + ", slot="
                + slotName + ", publication=" + publicationName + ", password=(hidden)]";
    }

    private record Reader(UnaryOperator<String> lookup) {
        String string(String key, String fallback) {
            String value = lookup.apply(key);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        int integer(String key, int fallback) {
            String value = string(key, Integer.toString(fallback));
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
            }
        }

        List<String> list(String key, List<String> fallback) {
            String value = lookup.apply(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            return List.of(value.trim().split("\\s*,\\s*"));
        }
    }
}
