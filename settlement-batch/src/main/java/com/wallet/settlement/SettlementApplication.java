package com.wallet.settlement;

import com.wallet.common.crypto.DataCipher;
import com.wallet.common.partners.PartnerClient;
import com.wallet.ledger.NoConnectionHeld;
import java.time.Clock;
import java.time.LocalDate;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settlement service. Without arguments it stays up, runs the jobs on their cron schedules and serves
 * {@code /actuator/health} and {@code /actuator/prometheus} on {@code server.address}:{@code server.port} (8083;
 * SIGTERM gives a running job up to a minute to finish, then stops); with
 * {@code --job=<achOrigination|achReturns|reconciliation> [--business-date=YYYY-MM-DD]} it runs that one job and exits
 * with 0 when it completed (and, for reconciliation, found nothing wrong), 1 otherwise.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SettlementApplication {

    public static void main(String[] args) {
        String job = null;
        LocalDate businessDate = null;
        java.time.Instant runAt = null;
        for (String arg : args) {
            if (arg.startsWith("--job=")) {
                job = arg.substring("--job=".length());
            } else if (arg.startsWith("--business-date=") && arg.length() > "--business-date=".length()) {
                businessDate = LocalDate.parse(arg.substring("--business-date=".length()));
            } else if (arg.startsWith("--run-at=") && arg.length() > "--run-at=".length()) {
                runAt = java.time.Instant.parse(arg.substring("--run-at=".length()));
            }
        }
        SpringApplication app = new SpringApplication(SettlementApplication.class);
        // settlement.yaml, so that it never mixes with another service's application.yaml on a shared classpath
        app.setDefaultProperties(java.util.Map.of(
                "spring.config.name", "settlement", "settlement.schedule.enabled", Boolean.toString(job == null)));
        String[] arguments = args;
        if (job == null
                && java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--spring.main.web-application-type"))) {
            // the scheduled service serves /actuator/health and /actuator/prometheus (server.port, 8083)
            arguments = java.util.stream.Stream.concat(
                            java.util.stream.Stream.of("--spring.main.web-application-type=servlet"),
                            java.util.Arrays.stream(args))
                    .toArray(String[]::new);
        }
        ConfigurableApplicationContext context = app.run(arguments);
        if (job == null) {
            return;
        }
        boolean ok;
        try {
            ok = context.getBean(JobRunner.class).run(job, businessDate, runAt).ok();
        } finally {
            context.close();
        }
        System.exit(ok ? 0 : 1);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The ledger module: every posting of settlement goes through it. */
    @Bean
    com.wallet.ledger.Ledger ledger(org.springframework.jdbc.core.JdbcTemplate jdbc) {
        return new com.wallet.ledger.Ledger(jdbc);
    }

    @Bean
    com.wallet.common.bank.BankingCalendar bankingCalendar() {
        return new com.wallet.common.bank.BankingCalendar();
    }

    @Bean
    DataCipher dataCipher(SettlementSettings settings) {
        return new DataCipher(settings.dataKey(), settings.dataKeyId(), settings.previousDataKeys());
    }

    @Bean
    PartnerClient achProcessor(SettlementSettings settings, JsonMapper json) {
        return new PartnerClient("ach_processor", settings.ach(), json, NoConnectionHeld::check);
    }

    @Bean
    PartnerClient cardNetwork(SettlementSettings settings, JsonMapper json) {
        return new PartnerClient("card_network", settings.card(), json, NoConnectionHeld::check);
    }
}
