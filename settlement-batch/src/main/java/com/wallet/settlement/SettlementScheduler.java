package com.wallet.settlement;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The jobs on their cron schedules (settlement.schedule.*), unless settlement.schedule.enabled is false. */
@Component
@ConditionalOnProperty(name = "settlement.schedule.enabled", havingValue = "true", matchIfMissing = true)
class SettlementScheduler {

    private final JobRunner runner;

    SettlementScheduler(JobRunner runner) {
        this.runner = runner;
    }

    @Scheduled(cron = "${settlement.schedule.origination}", zone = "UTC")
    void origination() {
        runner.run("achOrigination", null);
    }

    @Scheduled(cron = "${settlement.schedule.returns}", zone = "UTC")
    void returns() {
        runner.run("achReturns", null);
    }

    @Scheduled(cron = "${settlement.schedule.reconciliation}", zone = "UTC")
    void reconciliation() {
        runner.run("reconciliation", null);
    }

    @Scheduled(cron = "${settlement.schedule.unclaimed-remittance}", zone = "UTC")
    void unclaimedRemittance() {
        runner.run("unclaimedRemittance", null);
    }
}
