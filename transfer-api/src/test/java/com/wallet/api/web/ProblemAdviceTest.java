package com.wallet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are PostgreSQL out of reach (503, retry with the key) and which are ours (500). */
class ProblemAdviceTest {

    private final ProblemAdvice advice = new ProblemAdvice();

    @Test
    void aConnectionLostMidRequestIsDatabaseUnavailableWithRetryAfter() {
        // as the API met it when PostgreSQL's postmaster was killed: the rollback of the broken connection failed
        TransactionSystemException lost = new TransactionSystemException("JDBC rollback failed");
        lost.initCause(new SQLException("FATAL: terminating connection due to unexpected postmaster exit", "57P01"));

        ResponseEntity<Object> response = advice.unexpected(lost);

        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(type(response)).endsWith("/problems/database-unavailable");
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
    }

    @Test
    void noConnectionToBeHadIsDatabaseUnavailable() {
        assertThat(advice.unexpected(new CannotGetJdbcConnectionException(
                                "Failed to obtain JDBC Connection",
                                new SQLTransientConnectionException("HikariPool-1 - Connection is not available")))
                        .getStatusCode()
                        .value())
                .isEqualTo(503);
        // bucket4j's rollback on the connection Hikari had evicted (the run command, PostgreSQL killed mid-load)
        assertThat(advice.unexpected(new io.github.bucket4j.BucketExceptions.BucketExecutionException(
                                new SQLException("Connection is closed")))
                        .getStatusCode()
                        .value())
                .isEqualTo(503);
        assertThat(advice.unexpected(new IllegalStateException(
                                "wrapped", new SQLException("Connection to localhost:15432 refused.", "08001")))
                        .getStatusCode()
                        .value())
                .isEqualTo(503);
    }

    @Test
    void otherDatabaseErrorsAndBugsStayInternal() {
        ResponseEntity<Object> constraint = advice.unexpected(new DataIntegrityViolationException(
                "duplicate", new SQLException("duplicate key value violates unique constraint", "23505")));
        ResponseEntity<Object> bug = advice.unexpected(new IllegalStateException("a bug"));

        assertThat(constraint.getStatusCode().value()).isEqualTo(500);
        assertThat(type(constraint)).endsWith("/problems/internal");
        assertThat(bug.getStatusCode().value()).isEqualTo(500);
        assertThat(bug.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
    }

    private static String type(ResponseEntity<Object> response) {
        return String.valueOf(((Map<?, ?>) response.getBody()).get("type"));
    }
}
