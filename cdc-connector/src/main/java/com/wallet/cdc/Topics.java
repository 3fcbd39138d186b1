package com.wallet.cdc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
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
            List<String> compactedExisting = new ArrayList<>();
            Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
            settings.tables().forEach(t -> wanted.put(settings.topicOf(t), configs(settings, t)));
            wanted.put(settings.heartbeatTopic(), configs(settings, "(debezium heartbeat)"));
            wanted.forEach((topic, configs) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, settings.topicPartitions(), settings.replicationFactor())
                            .configs(configs));
                } else if (configs.containsKey(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG)) {
                    compactedExisting.add(topic);
                }
            });
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                log.info(
                        "created topics {}",
                        missing.stream().map(NewTopic::name).toList());
            }
            keepCompacted(admin, compactedExisting, wanted);
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

    /** Sets the compaction configs of existing topics that lack them (a stack upgraded from delete-only topics). */
    private static void keepCompacted(Admin admin, Collection<String> topics, Map<String, Map<String, String>> wanted)
            throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> current =
                admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (ConfigResource resource : resources) {
            List<AlterConfigOp> ops = new ArrayList<>();
            wanted.get(resource.name()).forEach((name, value) -> {
                if (name.equals(TopicConfig.RETENTION_MS_CONFIG)) {
                    return; // retention is the operator's once the topic exists
                }
                ConfigEntry entry = current.get(resource).get(name);
                if (entry == null || !value.equals(entry.value())) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        }
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(60, TimeUnit.SECONDS);
            log.info(
                    "made topics compacted {}",
                    changes.keySet().stream().map(ConfigResource::name).toList());
        }
    }
}
