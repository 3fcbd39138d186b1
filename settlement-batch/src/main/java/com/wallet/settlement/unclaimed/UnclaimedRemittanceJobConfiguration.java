package com.wallet.settlement.unclaimed;

import com.wallet.settlement.PartnerSteps;
import com.wallet.settlement.StepParameters;
import com.wallet.settlement.StepProgress;
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

/** The yearly remittance of unclaimed property ({@link UnclaimedRemittance}), one step. */
@Configuration(proxyBeanMethods = false)
class UnclaimedRemittanceJobConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UnclaimedRemittanceJobConfiguration.class);

    @Bean
    Job unclaimedRemittance(JobRepository jobs, Step remitUnclaimed) {
        return new JobBuilder("unclaimedRemittance", jobs).start(remitUnclaimed).build();
    }

    @Bean
    Step remitUnclaimed(JobRepository jobs, PartnerSteps steps, StepProgress progress, UnclaimedRemittance remittance) {
        return new StepBuilder("remitUnclaimed", jobs)
                .tasklet(
                        (contribution, chunk) -> {
                            UnclaimedRemittance.Report report = remittance.remit(StepParameters.businessDate(chunk));
                            contribution.incrementWriteCount(report.remittedThisRun());
                            log.info(
                                    "unclaimed property of {} remitted to {}: {} amounts this run; the date's report"
                                            + " holds {} amounts, {} cents: {}",
                                    report.date(),
                                    report.state(),
                                    report.remittedThisRun(),
                                    report.owners(),
                                    report.totalCents(),
                                    report.file());
                            return RepeatStatus.FINISHED;
                        },
                        steps.step())
                .listener(progress)
                .build();
    }
}
