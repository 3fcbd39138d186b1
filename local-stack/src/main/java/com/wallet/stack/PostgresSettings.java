package com.wallet.stack;

import java.util.Objects;

/** How to reach the PostgreSQL server. The password is never part of {@link #toString()}. */
public record PostgresSettings(String host, int port, String database, String username, String password) {

    public PostgresSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(username, "username");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresSettings[" + jdbcUrl() + ", user=" + username + "]";
    }
}
