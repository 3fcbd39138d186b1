package com.wallet.api.partners;

import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.NoConnectionHeld;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The partner network clients, one breaker each, exported as {@code venmo_circuit_breaker_state{service}} in the
 * original design's encoding: 0 closed, 1 half-open, 2 open.
 */
@Configuration(proxyBeanMethods = false)
class Partners {

    @Bean
    CardNetworkClient cardNetwork(PartnerSettings settings, JsonMapper json, MeterRegistry meters) {
        return new CardNetworkClient(
                export(new PartnerClient("card_network", settings.card(), json, NoConnectionHeld::check), meters));
    }

    @Bean
    AchClient achProcessor(PartnerSettings settings, JsonMapper json, MeterRegistry meters) {
        return new AchClient(
                export(new PartnerClient("ach_processor", settings.ach(), json, NoConnectionHeld::check), meters));
    }

    private static PartnerClient export(PartnerClient client, MeterRegistry meters) {
        Gauge.builder("venmo.circuit.breaker.state", client.breaker(), Partners::stateValue)
                .tag("service", client.service())
                .description("0 closed, 1 half-open, 2 open")
                .register(meters);
        return client;
    }

    static double stateValue(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
        };
    }
}
