package com.wallet.ledger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

class NoConnectionHeldTest {

    /** A connection that is only held, never used. */
    private static Connection connection() {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aThreadHoldingAConnectionIsRefusedAndOneWithoutIsNot() {
        Object dataSource = new Object();
        assertThatCode(NoConnectionHeld::check).doesNotThrowAnyException();
        TransactionSynchronizationManager.bindResource(dataSource, new ConnectionHolder(connection()));
        try {
            assertThatThrownBy(NoConnectionHeld::check)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds a database connection");
        } finally {
            TransactionSynchronizationManager.unbindResource(dataSource);
        }
        assertThatCode(NoConnectionHeld::check).doesNotThrowAnyException();
    }

    @Test
    void otherResourcesBoundToTheThreadAreNotConnections() {
        Object key = new Object();
        TransactionSynchronizationManager.bindResource(key, new java.util.ArrayList<>());
        try {
            assertThatCode(NoConnectionHeld::check).doesNotThrowAnyException();
        } finally {
            TransactionSynchronizationManager.unbindResource(key);
        }
    }
}
