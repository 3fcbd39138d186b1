package com.wallet.settlement.origination;

import com.wallet.common.partners.PartnerClient;
import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.StepParameters;
import com.wallet.settlement.StepProgress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;

/**
 * ACH origination: {@code collect} fixes a new file's entries (pending bank debits and standard cashouts in no file
 * yet), {@code write} writes every file not yet written, {@code submit} sends every written file to the processor
 * under its id and marks its entries submitted with their trace numbers. Each step works on what the database says is
 * left to do, so a run after a crash finishes the crashed run's files first: a file whose submission was cut short is
 * sent again under the same id, which the processor recognises, and no entry is ever in two files (its source is
 * unique among entries).
 */
@Configuration(proxyBeanMethods = false)
class AchOriginationJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AchOriginationJobConfiguration.class);

    @Bean
    Job achOrigination(JobRepository jobs, Step achCollect, Step achWrite, Step achSubmit) {
        return new JobBuilder("achOrigination", jobs)
                .start(achCollect)
                .next(achWrite)
                .next(achSubmit)
                .build();
    }

    @Bean
    Step achCollect(JobRepository jobs, PlatformTransactionManager tx, StepProgress progress, AchFiles files) {
        return new StepBuilder("achCollect", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            files.collect(StepParameters.businessDate(chunk), StepParameters.runAt(chunk))
                                    .ifPresentOrElse(
                                            file -> {
                                                for (int i = 0; i < file.entryCount(); i++) {
                                                    contribution.incrementReadCount();
                                                }
                                                contribution.incrementWriteCount(file.entryCount());
                                                log.info(
                                                        "ACH file {} ({}{}): {} entries, debits {} cents, credits {} cents",
                                                        file.id(),
                                                        file.businessDate(),
                                                        file.modifier(),
                                                        file.entryCount(),
                                                        file.totalDebitCents(),
                                                        file.totalCreditCents());
                                            },
                                            () -> log.info("no pending bank debits or standard cashouts"));
                            return RepeatStatus.FINISHED;
                        },
                        tx)
                .listener(progress)
                .build();
    }

    @Bean
    Step achWrite(JobRepository jobs, PlatformTransactionManager tx, StepProgress progress, AchFiles files) {
        return new StepBuilder("achWrite", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            for (AchFiles.AchFile file : files.withStatus("created")) {
                                AchFiles.AchFile written = files.write(file);
                                contribution.incrementWriteCount(file.entryCount());
                                log.info("ACH file {} written to {}", file.id(), written.path());
                            }
                            return RepeatStatus.FINISHED;
                        },
                        tx)
                .listener(progress)
                .build();
    }

    /**
     * Each file is read in a transaction, sent with none held (the processor may take seconds), and marked submitted in
     * another: a crash between the two sends it again next run, under the same id.
     */
    @Bean
    Step achSubmit(
            JobRepository jobs, PartnerSteps steps, StepProgress progress, AchFiles files, PartnerClient achProcessor) {
        return new StepBuilder("achSubmit", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            for (AchFiles.AchFile file : steps.inTransaction(() -> files.withStatus("written"))) {
                                java.nio.file.Path written = steps.inTransaction(() -> files.written(file));
                                JsonNode ack = achProcessor.postFile(
                                        "/ach/files",
                                        "text/plain",
                                        Map.of("X-File-Id", file.id().toString()),
                                        written);
                                if (ack.path("entry_count").asInt() != file.entryCount()
                                        || ack.path("total_debit_cents").asLong() != file.totalDebitCents()
                                        || ack.path("total_credit_cents").asLong() != file.totalCreditCents()) {
                                    throw new IllegalStateException("the processor acknowledged file " + file.id()
                                            + " with other counts or totals than ours: " + ack);
                                }
                                steps.inTransaction(() -> files.submitted(file, ack.toString()));
                                contribution.incrementWriteCount(file.entryCount());
                                log.info(
                                        "ACH file {} submitted: {} entries{}",
                                        file.id(),
                                        file.entryCount(),
                                        ack.path("duplicate").asBoolean() ? " (the processor already had it)" : "");
                            }
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }
}
