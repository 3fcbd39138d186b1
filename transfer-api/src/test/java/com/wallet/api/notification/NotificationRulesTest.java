package com.wallet.api.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class NotificationRulesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<NotificationRules.Derived> created(UUID id, UUID sender, UUID receiver, UUID refundOf) {
        String after = "{\"id\":\"" + id + "\",\"sender_id\":\"" + sender + "\",\"receiver_id\":\"" + receiver
                + "\",\"amount_cents\":250,\"note\":\"n\",\"visibility\":\"friends\",\"status\":\"completed\","
                + "\"refund_of\":" + (refundOf == null ? "null" : "\"" + refundOf + "\"") + "}";
        return NotificationRules.derive("transfers", JSON.readTree("{\"op\":\"c\",\"after\":" + after + "}"));
    }

    @Test
    void aPaymentNotifiesItsReceiver() {
        UUID id = UUID.randomUUID();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();

        List<NotificationRules.Derived> derived = created(id, alice, bob, null);

        assertThat(derived).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("payment_received");
            assertThat(d.userId()).isEqualTo(bob);
            assertThat(d.payload()).doesNotContainKey("refund_of");
        });
    }

    @Test
    void aRefundTellsThePayerWhichPaymentCameBack() {
        UUID payment = UUID.randomUUID();
        UUID refund = UUID.randomUUID();
        UUID alice = UUID.randomUUID();
        UUID bob = UUID.randomUUID();

        List<NotificationRules.Derived> derived = created(refund, bob, alice, payment);

        assertThat(derived).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("refund_received");
            assertThat(d.userId()).isEqualTo(alice);
            assertThat(d.eventKey()).isEqualTo("refund_received:" + refund);
            assertThat(d.payload()).containsEntry("refund_of", payment).containsEntry("amount_cents", 250L);
        });
    }
}
