package com.wallet.settlement;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Progress of every step, in the log and as counters {@code settlement_items_read_total} and
 * {@code settlement_items_written_total} tagged with job and step (Spring Batch also keeps the counts in
 * {@code BATCH_STEP_EXECUTION}).
 */
@Component
public class StepProgress implements StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(StepProgress.class);

    private final MeterRegistry meters;

    StepProgress(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void beforeStep(StepExecution step) {
        log.info("{}/{}: started", job(step), step.getStepName());
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        String job = job(step);
        meters.counter("settlement.items.read", "job", job, "step", step.getStepName())
                .increment(step.getReadCount());
        meters.counter("settlement.items.written", "job", job, "step", step.getStepName())
                .increment(step.getWriteCount());
        log.info(
                "{}/{}: {} read, {} written, {} ({})",
                job,
                step.getStepName(),
                step.getReadCount(),
                step.getWriteCount(),
                step.getStatus(),
                step.getExitStatus().getExitCode());
        return step.getExitStatus();
    }

    private static String job(StepExecution step) {
        return step.getJobExecution().getJobInstance().getJobName();
    }
}
