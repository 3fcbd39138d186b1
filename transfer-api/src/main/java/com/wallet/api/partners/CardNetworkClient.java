package com.wallet.api.partners;

import com.wallet.common.partners.PartnerClient;
import com.wallet.common.partners.PartnerRefusedException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The card network: charges, voids and push-to-card payouts, each under an id of ours. */
public final class CardNetworkClient {

    private final PartnerClient client;

    public CardNetworkClient(PartnerClient client) {
        this.client = client;
    }

    public PartnerClient client() {
        return client;
    }

    /** Authorizes and captures; a decline is a {@link PartnerRefusedException} with status 402. */
    public void charge(UUID chargeId, String cardNumber, long amountCents) {
        client.post(
                "/card/charges",
                Map.of("id", chargeId.toString(), "card_number", cardNumber, "amount_cents", amountCents));
    }

    /** Voids a charge; safe for an id the network never saw (no charge can be taken under it afterwards). */
    public void voidCharge(UUID chargeId) {
        client.post("/card/charges/" + chargeId + "/void", Map.of());
    }

    public void payout(UUID payoutId, String cardNumber, long amountCents) {
        client.post(
                "/card/payouts",
                Map.of("id", payoutId.toString(), "card_number", cardNumber, "amount_cents", amountCents));
    }

    /**
     * Settles an unknown payout outcome without paying again: true if the network made the payout; false if it did
     * not, in which case it will refuse any payout under this id from now on.
     */
    public boolean cancelPayout(UUID payoutId) {
        return "PAID"
                .equals(client.post("/card/payouts/" + payoutId + "/cancel", Map.of())
                        .path("status")
                        .asString());
    }

    /** Whether the network made this payout: empty if it never saw it. */
    public Optional<String> payoutStatus(UUID payoutId) {
        return client.get("/card/payouts/" + payoutId).map(p -> p.path("status").asString());
    }
}
