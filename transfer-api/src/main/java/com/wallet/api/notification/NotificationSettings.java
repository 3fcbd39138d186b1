package com.wallet.api.notification;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param enabled whether this instance consumes the change topics (any number of instances may: they share the
 *     consumer group)
 * @param changeTopicPrefix the CDC connector's topic prefix
 * @param topic the notifications topic this service publishes to
 * @param deadLetterTopic where a change event that can never be processed (it cannot be read) goes, with the reason
 *     in its headers; every other failure (the database refusing writes, down, read-only) is retried, backing off up
 *     to {@code retryMaxInterval}, until it succeeds: no notification is ever skipped
 */
@Validated
@ConfigurationProperties("wallet.notifications")
public record NotificationSettings(
        boolean enabled,
        @NotBlank String changeTopicPrefix,
        @NotBlank String groupId,
        @NotBlank String topic,
        @NotBlank String deadLetterTopic,
        @jakarta.validation.constraints.NotNull java.time.Duration retryMaxInterval) {

    public static final List<String> TABLES =
            List.of("transfers", "payment_requests", "cashouts", "friend_requests", "friendships");

    public String[] changeTopics() {
        return TABLES.stream().map(t -> changeTopicPrefix + ".public." + t).toArray(String[]::new);
    }
}
