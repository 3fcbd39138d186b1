package com.wallet.api.web;

/** PostgreSQL out of reach, told from the failures of a request or of ours (those stay {@code 500 internal}). */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {}

    /**
     * Whether the failure is PostgreSQL out of reach rather than a fault of the request or of ours: no connection to
     * be had (refused, or the pool's wait ran out), or the connection lost (SQLSTATE class 08, or the server shutting
     * down or crashed: 57P01-57P03), found anywhere in the causes (Spring wraps them, e.g. a failed rollback's).
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
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
