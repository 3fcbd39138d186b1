package com.wallet.cassandra.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keyspace's replication: {@code SimpleStrategy:1} locally, {@code NetworkTopologyStrategy:dc1=3,dc2=3} in
 * production.
 */
public record KeyspaceReplication(String strategy, Map<String, Integer> factors) {

    public KeyspaceReplication {
        factors = Map.copyOf(factors);
        if (!strategy.equals("SimpleStrategy") && !strategy.equals("NetworkTopologyStrategy")) {
            throw new IllegalArgumentException(
                    "replication strategy must be SimpleStrategy or NetworkTopologyStrategy, was '" + strategy + "'");
        }
        if (factors.isEmpty() || factors.values().stream().anyMatch(f -> f < 1)) {
            throw new IllegalArgumentException("replication factors must be 1 or more, were " + factors);
        }
        if (strategy.equals("SimpleStrategy") && !factors.keySet().equals(Set.of("replication_factor"))) {
            throw new IllegalArgumentException("SimpleStrategy takes one replication factor, was " + factors);
        }
    }

    public static KeyspaceReplication simple(int factor) {
        return new KeyspaceReplication("SimpleStrategy", Map.of("replication_factor", factor));
    }

    /** Parses {@code SimpleStrategy:1} or {@code NetworkTopologyStrategy:dc1=3,dc2=2}. */
    public static KeyspaceReplication parse(String spec) {
        String[] parts = spec.trim().split(":", 2);
        if (parts.length != 2 || parts[1].isBlank()) {
            throw new IllegalArgumentException("replication must look like SimpleStrategy:1 or "
                    + "NetworkTopologyStrategy:dc1=3,dc2=3, was '" + spec + "'");
        }
        if (!parts[0].equals("SimpleStrategy") && !parts[0].equals("NetworkTopologyStrategy")) {
            throw new IllegalArgumentException(
                    "replication strategy must be SimpleStrategy or NetworkTopologyStrategy, was '" + parts[0] + "'");
        }
        try {
            if (parts[0].equals("SimpleStrategy")) {
                return simple(Integer.parseInt(parts[1].trim()));
            }
            Map<String, Integer> factors = new LinkedHashMap<>();
            for (String pair : parts[1].split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank()) {
                    throw new IllegalArgumentException(
                            "expected datacenter=factor, was '" + pair + "' in '" + spec + "'");
                }
                factors.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            }
            return new KeyspaceReplication(parts[0], factors);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replication factor must be a number in '" + spec + "'", e);
        }
    }

    /** The CQL map literal for {@code WITH replication = ...}. */
    public String toCql() {
        String entries = factors.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
                .collect(Collectors.joining(", "));
        return "{'class': '" + strategy + "', " + entries + "}";
    }
}
