package com.wallet.api.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** A transfer's status: a transfer is written once, completed. On the wire and in the database as the lower-case name. */
public enum TransferStatus {
    COMPLETED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or database name; an unknown name is an {@link IllegalArgumentException}. */
    public static TransferStatus of(String wire) {
        return Arrays.stream(values())
                .filter(v -> v.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no TransferStatus '" + wire + "'"));
    }

    @Override
    public String toString() {
        return wire();
    }
}
