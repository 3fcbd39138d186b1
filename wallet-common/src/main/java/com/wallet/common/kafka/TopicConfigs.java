package com.wallet.common.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Keeps existing topics' configs as a service means them (a topic made by an earlier version keeps what it was made
 * with, as creating it again does nothing): reads them and sets, by {@code incrementalAlterConfigs}, only what differs.
 */
public final class TopicConfigs {

    private TopicConfigs() {}

    /**
     * Sets each topic's {@code wanted} configs where its current value differs; returns the topics changed. A broker
     * applies a change from the metadata log a moment after it is acknowledged.
     */
    public static List<String> enforce(Admin admin, Map<String, Map<String, String>> wanted)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ConfigResource> resources = wanted.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(e -> new ConfigResource(ConfigResource.Type.TOPIC, e.getKey()))
                .toList();
        if (resources.isEmpty()) {
            return List.of();
        }
        Map<ConfigResource, Config> current =
                admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (ConfigResource resource : resources) {
            List<AlterConfigOp> ops = new ArrayList<>();
            wanted.get(resource.name()).forEach((name, value) -> {
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
        }
        return changes.keySet().stream().map(ConfigResource::name).sorted().toList();
    }
}
