package com.wallet.api.ledger;

import com.wallet.api.money.Money;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads wallet balances without locking. */
@Component
public class WalletReader {

    private final JdbcClient jdbc;

    WalletReader(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Money> balance(UUID userId) {
        return jdbc.sql("SELECT balance_cents FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?")
                .param(userId)
                .query(Long.class)
                .optional()
                .map(Money::ofCents);
    }
}
