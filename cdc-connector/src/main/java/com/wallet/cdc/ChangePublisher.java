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
import org.apache.kafka.common.KafkaException;
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
        int acknowledged = 0;
        long pauseMillis = 100;
        while (acknowledged < records.size()) {
            int newlyAcknowledged = publishFrom(records, acknowledged);
            // Only a gap-free prefix is marked processed: were record i lost while i+1 got through, an offset past i
            // must never be stored. What follows the first failure is sent again (repeats, never gaps).
            for (int i = acknowledged; i < acknowledged + newlyAcknowledged; i++) {
                committer.markProcessed(records.get(i));
                metrics.published(records.get(i).destination());
            }
            acknowledged += newlyAcknowledged;
            if (acknowledged < records.size()) {
                if (stopping.get()) {
                    throw new InterruptedException(
                            "stopping with " + (records.size() - acknowledged) + " unacknowledged records");
                }
                TimeUnit.MILLISECONDS.sleep(pauseMillis); // back-off before the next try, not synchronization
                pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
            }
        }
        committer.markBatchFinished();
        metrics.lastEventAt(Instant.now());
    }

    /** Sends records from {@code first} on; returns how many in a row, from {@code first}, Kafka acknowledged. */
    private int publishFrom(List<ChangeEvent<String, String>> records, int first) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size() - first);
        try {
            for (int i = first; i < records.size(); i++) {
                ChangeEvent<String, String> event = records.get(i);
                sends.add(producer.send(new ProducerRecord<>(event.destination(), event.key(), event.value())));
            }
        } catch (KafkaException e) {
            // no metadata within max.block.ms: Kafka is unreachable; wait for what was already sent
            metrics.publishFailed();
            log.warn("publishing to Kafka failed ({}); will retry", e.toString());
        }
        int acknowledged = 0;
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
                acknowledged++;
            } catch (ExecutionException e) {
                metrics.publishFailed();
                log.warn(
                        "Kafka did not acknowledge a record ({}); will retry from it",
                        e.getCause().toString());
                break;
            }
        }
        return acknowledged;
    }
}
