package com.wallet.stack;

/** A server of the stack did not start. The message names the server, the reason and the tail of its log. */
public class StackStartException extends RuntimeException {

    private final String server;

    public StackStartException(String server, String message) {
        super(server + ": " + message);
        this.server = server;
    }

    public StackStartException(String server, String message, Throwable cause) {
        super(server + ": " + message, cause);
        this.server = server;
    }

    /** Which server failed: {@code PostgreSQL}, {@code Kafka} or {@code Cassandra}. */
    public String server() {
        return server;
    }
}
