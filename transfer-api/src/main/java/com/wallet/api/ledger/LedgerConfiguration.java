package com.wallet.api.ledger;

import com.wallet.ledger.Ledger;
import com.wallet.ledger.LedgerInvariants;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The ledger module (plain Java) on the API's connection pool and transactions. */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    @Bean
    Ledger ledger(JdbcTemplate jdbc) {
        return new Ledger(jdbc);
    }

    @Bean
    LedgerInvariants ledgerInvariants(JdbcClient jdbc) {
        return new LedgerInvariants(jdbc);
    }
}
