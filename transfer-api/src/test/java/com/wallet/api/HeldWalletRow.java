package com.wallet.api;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A wallet's row held {@code FOR NO KEY UPDATE} by a transaction on a connection of its own, as a concurrent debit of
 * that wallet holds it; released (rolled back) on close.
 */
final class HeldWalletRow implements AutoCloseable {

    private final Connection connection;

    private HeldWalletRow(Connection connection) {
        this.connection = connection;
    }

    static HeldWalletRow hold(DataSource dataSource, long accountId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT id FROM ledger_accounts WHERE id = " + accountId + " FOR NO KEY UPDATE")) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no ledger account " + accountId);
                }
            }
            return new HeldWalletRow(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
