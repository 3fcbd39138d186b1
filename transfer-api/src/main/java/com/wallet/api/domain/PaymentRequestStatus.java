package com.wallet.api.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** A payment request: pending until paid, declined by the payer or cancelled by the requester. On the wire and in the database as the lower-case name. */
public enum PaymentRequestStatus {
    PENDING,
    PAID,
    DECLINED,
    CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or database name; an unknown name is an {@link IllegalArgumentException}. */
    public static PaymentRequestStatus of(String wire) {
        return Arrays.stream(values())
                .filter(v -> v.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no PaymentRequestStatus '" + wire + "'"));
    }

    @Override
    public String toString() {
        return wire();
    }
}
