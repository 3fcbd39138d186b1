package com.wallet.api.transfer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code venmo_transfers_total{status,funding_source}}, {@code venmo_transfer_amount_cents} and
 * {@code venmo_transfer_duration_seconds{step}} as the API contract names them.
 */
@Component
class TransferMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary amounts;
    private final Timer lockStep;
    private final Timer totalStep;
    private final Timer groupStep;
    private final DistributionSummary groupMembers;

    TransferMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.amounts = DistributionSummary.builder("venmo.transfer.amount.cents")
                .description("amounts of completed transfers, in cents")
                .register(registry);
        this.lockStep = step(registry, "lock");
        this.totalStep = step(registry, "total");
        this.groupStep = step(registry, "group");
        this.groupMembers = DistributionSummary.builder("venmo.transfer.group.members")
                .description("payments posted together in one transaction (group commit)")
                .register(registry);
    }

    void completed(Funding funding, long amountCents) {
        counter("completed", funding.source()).increment();
        amounts.record(amountCents);
    }

    void rejected(String reason) {
        counter("rejected_" + reason.replace('-', '_'), "none").increment();
    }

    void lockTook(long nanos) {
        lockStep.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A group of {@code members} payments posted together (issue 16's group commit) in {@code nanos}. */
    void grouped(int members, long nanos) {
        groupMembers.record(members);
        groupStep.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Payments waiting for a group. */
    void queued(java.util.function.IntSupplier waiting) {
        io.micrometer.core.instrument.Gauge.builder("venmo.transfer.group.queued", waiting::getAsInt)
                .description("payments waiting for a group to take them (group commit)")
                .register(registry);
    }

    /** A group failed as a whole: its members were sent alone. */
    void groupFailed() {
        registry.counter("venmo.transfer.group.failures").increment();
    }

    void totalTook(long nanos) {
        totalStep.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Timer step(MeterRegistry registry, String step) {
        return Timer.builder("venmo.transfer.duration")
                .description("time spent in each step of sending money")
                .tag("step", step)
                // buckets for server-side quantiles: far cheaper per request than client-side percentiles
                .publishPercentileHistogram()
                .register(registry);
    }

    private Counter counter(String status, String source) {
        return Counter.builder("venmo.transfers")
                .description("transfers by outcome and funding source")
                .tag("status", status)
                .tag("funding_source", source)
                .register(registry);
    }
}
