package com.wallet.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CdcSettingsTest {

    @Test
    void defaultsPointAtTheRunCommandsStack() {
        CdcSettings settings = CdcSettings.from(key -> null);

        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(settings.tables())
                .contains("public.transfers", "public.payment_requests", "public.cashouts")
                .doesNotContain("public.payment_methods", "public.card_charges");
        assertThat(settings.excludedColumns())
                .containsExactly("public.users.password_hash", "public.users.email", "public.users.phone");
        assertThat(settings.topicOf("public.transfers")).isEqualTo("wallet.public.transfers");
        assertThat(settings.compactedTables()).containsExactly("public.users");
        assertThat(settings.compactionLag()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theUsersTopicIsCompactedAsWellAsDeletedByAgeAndTheOthersOnlyDeleted() {
        CdcSettings settings = CdcSettings.from(Map.of("cdc.topic.retention", "P2D")::get);

        assertThat(Topics.configs(settings, "public.users"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "retention.ms", "172800000",
                        "cleanup.policy", "compact,delete",
                        "max.compaction.lag.ms", "3600000",
                        "segment.ms", "3600000"));
        assertThat(Topics.configs(settings, "public.transfers"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("retention.ms", "172800000"));
        CdcSettings none = CdcSettings.from(Map.of("cdc.topic.compacted-tables", "none")::get);
        assertThat(Topics.configs(none, "public.users")).containsOnlyKeys("retention.ms");
        assertThat(CdcSettings.from(none.toProperties()::get)).isEqualTo(none);
        assertThatThrownBy(() -> CdcSettings.from(Map.of("cdc.topic.compaction-lag", "PT0S")::get))
                .hasMessageContaining("cdc.topic.compaction-lag");
    }

    @Test
    void propertiesRoundTripSoAnotherProcessGetsTheSameSettings() {
        Map<String, String> given = Map.of(
                "cdc.postgres.password", "s3cret",
                "cdc.tables", "public.a, public.b",
                "cdc.topic.retention", "P2D",
                "cdc.topic.compacted-tables", "public.a",
                "cdc.topic.compaction-lag", "PT10M",
                "cdc.kafka.delivery-timeout", "PT6S",
                "cdc.http.port", "9999");
        CdcSettings settings = CdcSettings.from(given::get);

        assertThat(CdcSettings.from(settings.toProperties()::get)).isEqualTo(settings);
        assertThat(settings.topicRetention()).isEqualTo(Duration.ofDays(2));
        assertThat(settings.toString()).doesNotContain("s3cret");
    }

    @Test
    void aBadNumberIsRejectedByName() {
        assertThatThrownBy(() -> CdcSettings.from(Map.of("cdc.topic.partitions", "many")::get))
                .hasMessageContaining("cdc.topic.partitions")
                .hasMessageContaining("'many'");
    }
}
