package com.wallet.api.web;

/** PostgreSQL out of reach, told from the failures of a request or of ours (those stay {@code 500 internal}). */
public final class DatabaseUnavailable {

    /**
     * What HikariCP's stand-in for a connection it has evicted as broken throws, with no SQLSTATE: a call that used the
     * connection after it was lost (bucket4j's rollback after the failed statement, the rate limiter's, met it when
     * PostgreSQL was killed, and the original error was lost with it).
     */
    private static final String HIKARI_CLOSED = "Connection is closed";

    private DatabaseUnavailable() {}

    /**
     * Whether the failure is PostgreSQL out of reach rather than a fault of the request or of ours: no connection to
     * be had (refused, or the pool's wait ran out), or the connection lost (SQLSTATE class 08, or the server shutting
     * down or crashed: 57P01-57P03; or the pool's evicted connection used), found anywhere in the causes (Spring and
     * the libraries wrap them, e.g. a failed rollback's).
     */
    public static boolean is(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.springframework.jdbc.CannotGetJdbcConnectionException
                    || cause instanceof java.sql.SQLTransientConnectionException
                    || cause instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (cause instanceof java.sql.SQLException sql
                    && sql.getSQLState() == null
                    && HIKARI_CLOSED.equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
