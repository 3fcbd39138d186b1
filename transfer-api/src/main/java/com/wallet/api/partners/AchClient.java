package com.wallet.api.partners;

import com.wallet.common.partners.PartnerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ACH processor, as the API uses it: micro-deposits to verify a bank account. */
public final class AchClient {

    private final PartnerClient client;

    public AchClient(PartnerClient client) {
        this.client = client;
    }

    public PartnerClient client() {
        return client;
    }

    /** Sends two small deposits to the account; returns their amounts, which the account holder must tell us. */
    public List<Long> sendMicroDeposits(String routingNumber, String accountNumber) {
        var sent = client.post(
                "/ach/micro-deposits", Map.of("routing_number", routingNumber, "account_number", accountNumber));
        List<Long> amounts = new ArrayList<>();
        sent.path("amounts_cents").forEach(a -> amounts.add(a.asLong()));
        if (amounts.size() != 2) {
            throw new IllegalStateException("the ACH processor answered " + amounts.size() + " micro-deposits, not 2");
        }
        return List.copyOf(amounts);
    }
}
