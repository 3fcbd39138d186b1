package com.wallet.cdc;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each batch of change events to Kafka and tells the engine a record is processed only once Kafka has
 * acknowledged it ({@code acks=all}): the engine's offsets, and so what a restart skips, never run ahead of Kafka.
 * While Kafka is unreachable the batch is retried, with pauses, for as long as it takes.
 */
final class ChangePublisher implements DebeziumEngine.ChangeConsumer<ChangeEvent<String, String>> {

    private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final Producer<String, String> producer;
    private final CdcMetrics metrics;
    private final AtomicBoolean stopping = new AtomicBoolean();

    ChangePublisher(Producer<String, String> producer, CdcMetrics metrics) {
        this.producer = producer;
        this.metrics = metrics;
    }

    void stop() {
        stopping.set(true);
    }

    @Override
    public void handleBatch(
            List<ChangeEvent<String, String>> records,
            DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException {
        List<ChangeEvent<String, String>> pending = records;
        long pauseMillis = 100;
        while (!pending.isEmpty()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>(pending.size());
            for (ChangeEvent<String, String> event : pending) {
                sends.add(producer.send(new ProducerRecord<>(event.destination(), event.key(), event.value())));
            }
            List<ChangeEvent<String, String>> failed = new ArrayList<>();
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get();
                } catch (ExecutionException e) {
                    failed.add(pending.get(i));
                    metrics.publishFailed();
                    if (failed.size() == 1) {
                        log.warn(
                                "publishing to Kafka failed ({}); will retry the unacknowledged records",
                                e.getCause().toString());
                    }
                }
            }
            for (ChangeEvent<String, String> event : pending) {
                if (!failed.contains(event)) {
                    committer.markProcessed(event);
                    metrics.published(event.destination());
                }
            }
            if (!failed.isEmpty()) {
                if (stopping.get()) {
                    throw new InterruptedException("stopping with " + failed.size() + " unacknowledged records");
                }
                TimeUnit.MILLISECONDS.sleep(pauseMillis); // back-off before the next try, not synchronization
                pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
            }
            pending = failed;
        }
        committer.markBatchFinished();
        metrics.lastEventAt(Instant.now());
    }
}
