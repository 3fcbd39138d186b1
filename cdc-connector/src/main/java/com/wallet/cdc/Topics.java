package com.wallet.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the change topics with their intended partition counts and retention before anything is published. */
final class Topics {

    private static final Logger log = LoggerFactory.getLogger(Topics.class);

    private Topics() {}

    static void ensure(CdcSettings settings) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> wanted = new ArrayList<>();
            settings.tables().forEach(t -> wanted.add(settings.topicOf(t)));
            wanted.add(settings.heartbeatTopic());
            for (String topic : wanted) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, settings.topicPartitions(), settings.replicationFactor())
                            .configs(Map.of(
                                    TopicConfig.RETENTION_MS_CONFIG,
                                    Long.toString(settings.topicRetention().toMillis()))));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                log.info(
                        "created topics {}",
                        missing.stream().map(NewTopic::name).toList());
            }
        }
    }
}
