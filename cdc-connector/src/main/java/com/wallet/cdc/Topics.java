package com.wallet.cdc;

import com.wallet.common.kafka.TopicConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

/**
 * Creates the change topics with their intended partition counts and retention before anything is published, and
 * keeps the compacted ones ({@link CdcSettings#compactedTables()}) compacted, existing topics too.
 */
final class Topics {

    private static final Logger log = LoggerFactory.getLogger(Topics.class);

    private Topics() {}

    static void ensure(CdcSettings settings) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<String, Map<String, String>> kept = new LinkedHashMap<>();
            Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
            settings.tables().forEach(t -> wanted.put(settings.topicOf(t), configs(settings, t)));
            wanted.put(settings.heartbeatTopic(), configs(settings, "(debezium heartbeat)"));
            wanted.forEach((topic, configs) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, settings.topicPartitions(), settings.replicationFactor())
                            .configs(configs));
                } else {
                    // an existing topic's retention is the operator's; its compaction is kept as configured
                    Map<String, String> compaction = new HashMap<>(configs);
                    compaction.remove(TopicConfig.RETENTION_MS_CONFIG);
                    kept.put(topic, compaction);
                }
            });
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                log.info(
                        "created topics {}",
                        missing.stream().map(NewTopic::name).toList());
            }
            List<String> changed = TopicConfigs.enforce(admin, kept);
            if (!changed.isEmpty()) {
                log.info("made topics compacted {}", changed);
            }
        }
    }

    /**
     * A topic's configs: the retention, and for a compacted table deletion by age and compaction both, with segments
     * rolled and compacted within the compaction lag (a superseded row image, such as a closed account's name, is gone
     * within about twice the lag of the partition's next write after it, not the whole retention).
     */
    static Map<String, String> configs(CdcSettings settings, String table) {
        Map<String, String> configs = new HashMap<>();
        configs.put(
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(settings.topicRetention().toMillis()));
        if (settings.compactedTables().contains(table)) {
            String lag = Long.toString(settings.compactionLag().toMillis());
            configs.put(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, lag);
            configs.put(TopicConfig.SEGMENT_MS_CONFIG, lag);
        }
        return configs;
    }
}
