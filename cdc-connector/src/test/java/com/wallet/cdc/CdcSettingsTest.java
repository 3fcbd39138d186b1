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
    }

    @Test
    void propertiesRoundTripSoAnotherProcessGetsTheSameSettings() {
        Map<String, String> given = Map.of(
                "cdc.postgres.password", "s3cret",
                "cdc.tables", "public.a, public.b",
                "cdc.topic.retention", "P2D",
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
