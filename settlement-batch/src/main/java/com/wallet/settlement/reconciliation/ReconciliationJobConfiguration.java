package com.wallet.settlement.reconciliation;

import com.wallet.settlement.JobRunner;
import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.PrivateFiles;
import com.wallet.settlement.SettlementSettings;
import com.wallet.settlement.StepParameters;
import com.wallet.settlement.StepProgress;
import com.wallet.settlement.returns.AchReturnRates;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reconciliation: books the card network's settlement of the days before ({@link CardSettlementBooking}), then runs
 * the checks, writes the report as a row of {@code reconciliation_reports} and as a file, sets
 * the gauge {@code settlement_reconciliation_findings} and ends with exit code {@code MISMATCH} (the command exits 1)
 * when anything is off.
 */
@Configuration(proxyBeanMethods = false)
class ReconciliationJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationJobConfiguration.class);

    @Bean
    AtomicLong reconciliationFindings(MeterRegistry meters) {
        return meters.gauge("settlement.reconciliation.findings", new AtomicLong());
    }

    @Bean
    Job reconciliation(JobRepository jobs, Step bookCardSettlement, Step reconcile) {
        return new JobBuilder("reconciliation", jobs)
                .start(bookCardSettlement)
                .next(reconcile)
                .build();
    }

    /** Days back from the business date whose card settlement each run books (what a missed run left, caught up). */
    static final int CARD_SETTLEMENT_DAYS = 7;

    /**
     * The card network's settlement of the {@value #CARD_SETTLEMENT_DAYS} days before the business date (closed UTC
     * days: the scheduled run is at 23:45 of the business date), oldest first, booked: the items not booked yet ({@link
     * CardSettlementBooking}), so up to a week of failed or missed runs is caught up by the next one, and an item a
     * report gained after its day was booked is booked too.
     */
    @Bean
    Step bookCardSettlement(
            JobRepository jobs, PartnerSteps steps, StepProgress progress, CardSettlementBooking booking) {
        return new StepBuilder("bookCardSettlement", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            LocalDate date = StepParameters.businessDate(chunk);
                            for (int back = CARD_SETTLEMENT_DAYS; back >= 1; back--) {
                                contribution.incrementWriteCount(booking.book(date.minusDays(back)));
                            }
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }

    @Bean
    Step reconcile(
            JobRepository jobs,
            PartnerSteps steps,
            StepProgress progress,
            Reconciliation checks,
            JdbcClient jdbc,
            JsonMapper json,
            SettlementSettings settings,
            AtomicLong reconciliationFindings,
            AchReturnRates returnRates) {
        return new StepBuilder("reconcile", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            LocalDate date = StepParameters.businessDate(chunk);
                            Reconciliation.Result run = checks.run(date);
                            List<Map<String, Object>> findings = run.findings();
                            AchReturnRates.Rates rates = run.returnRates();
                            String report = json.writerWithDefaultPrettyPrinter()
                                    .writeValueAsString(Map.of(
                                            "business_date", date.toString(),
                                            "clean", findings.isEmpty(),
                                            "findings", findings,
                                            "ach_debit_return_rates", rates.toMap()));
                            Path file = settings.outputDir()
                                    .resolve("reconciliation-" + date + "-" + System.currentTimeMillis() + ".json");
                            PrivateFiles.write(file, report, StandardCharsets.UTF_8);
                            // the report and the checkpoint it covers in one transaction
                            steps.inTransaction(() -> {
                                jdbc.sql("INSERT INTO reconciliation_reports (business_date, clean, findings, path)"
                                                + " VALUES (?, ?, ?::jsonb, ?)")
                                        .params(
                                                date,
                                                findings.isEmpty(),
                                                json.writeValueAsString(findings),
                                                file.toString())
                                        .update();
                                run.checkpoint()
                                        .ifPresent(b -> log.info(
                                                "ledger checkpoint at line {}: {} lines added",
                                                b,
                                                checks.advanceCheckpoint(b)));
                            });
                            reconciliationFindings.set(findings.size());
                            returnRates.publish(rates);
                            // not a finding about the books: the ODFI's concern, and ours before it is theirs
                            for (AchReturnRates.Kind kind : rates.aboveLimit()) {
                                log.warn(
                                        "ACH {} return rate of our debits over the {} days to {} is {}%"
                                                + " ({} returned of {}), above NACHA's {}%",
                                        kind.key(),
                                        AchReturnRates.DAYS,
                                        date,
                                        String.format(java.util.Locale.ROOT, "%.2f", 100 * rates.rate(kind)),
                                        rates.returned().get(kind),
                                        rates.debits(),
                                        String.format(java.util.Locale.ROOT, "%.1f", 100 * kind.limit()));
                            }
                            if (findings.isEmpty()) {
                                log.info("reconciliation for {} is clean; report {}", date, file);
                            } else {
                                log.error(
                                        "reconciliation for {} found {} problem(s), report {}: {}",
                                        date,
                                        findings.size(),
                                        file,
                                        findings);
                                contribution.setExitStatus(new ExitStatus(JobRunner.MISMATCH));
                            }
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }
}
