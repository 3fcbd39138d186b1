package com.wallet.cdc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code cdc_records_published_total{topic}}, {@code cdc_publish_failures_total}, {@code cdc_last_event_age_seconds},
 * {@code cdc_replication_slot_lag_bytes} and {@code cdc_engine_running}.
 */
final class CdcMetrics {

    private final MeterRegistry registry;
    private final Counter failures;
    private final AtomicReference<Instant> lastEvent = new AtomicReference<>();
    private final AtomicLong slotLagBytes = new AtomicLong(-1);
    private final AtomicLong running = new AtomicLong();

    CdcMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.failures = registry.counter("cdc.publish.failures");
        Gauge.builder(
                        "cdc.last.event.age.seconds",
                        lastEvent,
                        r -> r.get() == null
                                ? Double.NaN
                                : (System.currentTimeMillis() - r.get().toEpochMilli()) / 1000.0)
                .register(registry);
        Gauge.builder("cdc.replication.slot.lag.bytes", slotLagBytes, AtomicLong::get)
                .register(registry);
        Gauge.builder("cdc.engine.running", running, AtomicLong::get).register(registry);
    }

    void published(String topic) {
        registry.counter("cdc.records.published", "topic", topic).increment();
    }

    void publishFailed() {
        failures.increment();
    }

    double publishFailures() {
        return failures.count();
    }

    void lastEventAt(Instant at) {
        lastEvent.set(at);
    }

    void slotLag(long bytes) {
        slotLagBytes.set(bytes);
    }

    long slotLag() {
        return slotLagBytes.get();
    }

    void running(boolean isRunning) {
        running.set(isRunning ? 1 : 0);
    }

    boolean running() {
        return running.get() == 1;
    }
}
