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
 */
@Validated
@ConfigurationProperties("wallet.notifications")
public record NotificationSettings(
        boolean enabled,
        @NotBlank String changeTopicPrefix,
        @NotBlank String groupId,
        @NotBlank String topic) {

    public static final List<String> TABLES =
            List.of("transfers", "payment_requests", "cashouts", "friend_requests", "friendships");

    public String[] changeTopics() {
        return TABLES.stream().map(t -> changeTopicPrefix + ".public." + t).toArray(String[]::new);
    }
}
