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

    /** @param restricted an ACH return left the wallet in debt; it cannot send or cash out until repaid */
    public record Wallet(Money balance, boolean restricted) {}

    public Optional<Money> balance(UUID userId) {
        return wallet(userId).map(Wallet::balance);
    }

    public Optional<Wallet> wallet(UUID userId) {
        return jdbc.sql("SELECT balance_cents, restricted FROM ledger_accounts WHERE kind = 'wallet' AND user_id = ?")
                .param(userId)
                .query((rs, n) -> new Wallet(Money.ofCents(rs.getLong(1)), rs.getBoolean(2)))
                .optional();
    }
}
