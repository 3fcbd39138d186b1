package com.wallet.stack;

import java.net.InetSocketAddress;
import java.util.Objects;

/** How to reach Cassandra: one contact point and the local datacenter the driver must be told. */
public record CassandraSettings(String host, int port, String localDatacenter) {

    public CassandraSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(localDatacenter, "localDatacenter");
    }

    public InetSocketAddress contactPoint() {
        return new InetSocketAddress(host, port);
    }
}
