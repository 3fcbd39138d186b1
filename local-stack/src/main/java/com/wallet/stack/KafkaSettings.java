package com.wallet.stack;

import java.util.Objects;

/** How to reach the Kafka broker: a {@code bootstrap.servers} value. */
public record KafkaSettings(String bootstrapServers) {

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }
}
