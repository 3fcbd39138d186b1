package com.wallet.api.notification;

import com.wallet.api.identity.CurrentUser;
import com.wallet.api.web.DomainException;
import com.wallet.api.web.PageCursor;
import com.wallet.api.web.Problem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notifications: a Kafka listener derives them from the change topics ({@link NotificationRules}), stores each once
 * (its event key is unique, so a replayed change event adds nothing) and publishes it to the notifications topic; a
 * stored one whose publication failed is published by a sweep. A change event is never skipped: a failure is retried
 * until it succeeds, and an event that cannot be read goes to a dead-letter topic ({@link Topic}).
 * {@code GET /v1/me/notifications} lists them.
 */
@RestController
class Notifications {

    record NotificationView(
            UUID id,
            String kind,
            UUID subjectId,
            Map<String, Object> payload,
            Instant createdAt,
            @Schema(nullable = true) Instant readAt) {}

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final KafkaTemplate<String, String> kafka;
    private final NotificationSettings settings;

    Notifications(
            JdbcClient jdbc, JsonMapper json, KafkaTemplate<String, String> kafka, NotificationSettings settings) {
        this.jdbc = jdbc;
        this.json = json;
        this.kafka = kafka;
        this.settings = settings;
    }

    /** The notifications topic, created at start where this instance publishes (the broker creates no topics). */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
            name = "wallet.notifications.enabled",
            havingValue = "true",
            matchIfMissing = true)
    static class Topic {
        // replicated as the cluster's default.replication.factor says (3 on a real cluster, 1 on the embedded stack)
        @Bean
        NewTopic notificationsTopic(NotificationSettings settings) {
            return new NewTopic(settings.topic(), java.util.Optional.of(6), java.util.Optional.empty());
        }

        @Bean
        NewTopic notificationsDeadLetterTopic(NotificationSettings settings) {
            return new NewTopic(settings.deadLetterTopic(), java.util.Optional.of(1), java.util.Optional.empty());
        }

        /**
         * The listener's error handling: an unreadable event goes to the dead-letter topic at once; anything else
         * (the database refusing writes, down, read-only after a failover) is retried on the same record, the pause
         * doubling from 0.5 s up to {@code retry-max-interval}, without end, so no notification is skipped. Each
         * failed attempt counts in {@code wallet_notifications_failed_attempts_total}.
         */
        @Bean
        DefaultErrorHandler notificationsErrorHandler(
                NotificationSettings settings,
                KafkaTemplate<String, String> kafka,
                io.micrometer.core.instrument.MeterRegistry meters) {
            var recoverer = new DeadLetterPublishingRecoverer(
                    kafka, (record, e) -> new TopicPartition(settings.deadLetterTopic(), -1));
            ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
            backOff.setMaxInterval(settings.retryMaxInterval().toMillis());
            backOff.setMaxElapsedTime(Long.MAX_VALUE);
            DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
            handler.addNotRetryableExceptions(UnreadableChangeEvent.class);
            var failures = meters.counter("wallet.notifications.failed.attempts");
            handler.setRetryListeners((record, e, attempt) -> {
                failures.increment();
                log.warn(
                        "change event {}-{}@{} failed (attempt {}); retrying: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        attempt,
                        e.getCause() != null ? e.getCause().toString() : e.toString());
            });
            return handler;
        }
    }

    /** A change event that cannot be read: retrying cannot help, it goes to the dead-letter topic. */
    static final class UnreadableChangeEvent extends RuntimeException {
        UnreadableChangeEvent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @KafkaListener(
            id = "notifications",
            topics = "#{@'wallet.notifications-com.wallet.api.notification.NotificationSettings'.changeTopics()}",
            groupId = "${wallet.notifications.group-id}",
            autoStartup = "${wallet.notifications.enabled}")
    void onChange(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return; // tombstone
        }
        String table = record.topic().substring(record.topic().lastIndexOf('.') + 1);
        List<NotificationRules.Derived> derived;
        try {
            JsonNode change = json.readTree(record.value());
            derived = NotificationRules.derive(table, change);
        } catch (RuntimeException e) {
            log.error(
                    "change event {}-{}@{} cannot be read; to the dead-letter topic: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            throw new UnreadableChangeEvent("change event cannot be read: " + e.getMessage(), e);
        }
        for (NotificationRules.Derived d : derived) {
            UUID id = UUID.randomUUID();
            jdbc.sql("INSERT INTO notifications (id, user_id, kind, subject_id, event_key, payload)"
                            + " SELECT ?, ?, ?, ?, ?, ?::jsonb WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)"
                            + " ON CONFLICT (event_key) DO NOTHING")
                    .params(
                            id,
                            d.userId(),
                            d.kind(),
                            d.subjectId(),
                            d.eventKey(),
                            json.writeValueAsString(d.payload()),
                            d.userId())
                    .update();
            publishPending(d.eventKey());
        }
    }

    /** Publishes the notification of this event if it is stored and not yet published. */
    private void publishPending(String eventKey) {
        jdbc.sql("SELECT id, user_id, kind, subject_id, payload::text, created_at FROM notifications"
                        + " WHERE event_key = ? AND NOT published")
                .param(eventKey)
                .query((rs, n) -> new Pending(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        rs.getObject(4, UUID.class),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant()))
                .list()
                .forEach(this::publish);
    }

    /** A stored notification not yet published. */
    private record Pending(
            UUID id, UUID userId, String kind, UUID subjectId, String payload, java.time.Instant createdAt) {}

    private void publish(Pending n) {
        try {
            String value = json.writeValueAsString(Map.of(
                    "version", 1,
                    "notification_id", n.id().toString(),
                    "user_id", n.userId().toString(),
                    "kind", n.kind(),
                    "subject_id", n.subjectId().toString(),
                    "payload", json.readTree(n.payload()),
                    "created_at", n.createdAt().toString()));
            kafka.send(settings.topic(), n.userId().toString(), value).get(10, TimeUnit.SECONDS);
            jdbc.sql("UPDATE notifications SET published = true WHERE id = ?")
                    .param(n.id())
                    .update();
        } catch (Exception e) {
            log.warn("notification {} not published yet ({}); the sweep will retry", n.id(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Scheduled(fixedDelayString = "PT30S", initialDelayString = "PT30S")
    void republish() {
        if (!settings.enabled()) {
            return;
        }
        jdbc.sql(
                        "SELECT event_key FROM notifications WHERE NOT published AND created_at < now() - interval '10 seconds'"
                                + " ORDER BY created_at LIMIT 500")
                .query(String.class)
                .list()
                .forEach(this::publishPending);
    }

    @GetMapping("/v1/me/notifications")
    PageCursor.Page<NotificationView> list(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(required = false) String cursor) {
        PageCursor after = PageCursor.decode(cursor);
        List<NotificationView> rows = jdbc.sql("SELECT id, kind, subject_id, payload::text, created_at, read_at"
                        + " FROM notifications WHERE user_id = ? AND (created_at, id) < (?, ?)"
                        + " ORDER BY created_at DESC, id DESC LIMIT ?")
                .params(CurrentUser.id(token), java.sql.Timestamp.from(after.time()), after.id(), limit + 1)
                .query((rs, n) -> new NotificationView(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        json.readValue(rs.getString(4), Map.class),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()))
                .list();
        return PageCursor.page(rows, limit, NotificationView::createdAt, NotificationView::id);
    }

    @PostMapping("/v1/me/notifications/{id}/read")
    NotificationView read(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return jdbc.sql("UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = ? AND user_id = ?"
                        + " RETURNING id, kind, subject_id, payload::text, created_at, read_at")
                .params(id, CurrentUser.id(token))
                .query((rs, n) -> new NotificationView(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        json.readValue(rs.getString(4), Map.class),
                        rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6).toInstant()))
                .optional()
                .orElseThrow(() ->
                        new DomainException(Problem.NOT_FOUND, "no notification " + id, Map.of("notification_id", id)));
    }
}
