package com.wallet.api.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Who may see a payment in the feeds: anyone, the parties' friends, or the two parties only. On the wire and in the database as the lower-case name. */
public enum Visibility {
    PUBLIC,
    FRIENDS,
    PRIVATE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a wire or database name; an unknown name is an {@link IllegalArgumentException}. */
    public static Visibility of(String wire) {
        return Arrays.stream(values())
                .filter(v -> v.wire().equals(wire))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Visibility '" + wire + "'"));
    }

    /** What a payment gets: the visibility asked for, else the user's default, else friends. */
    public static Visibility orDefault(Visibility asked, String userDefault) {
        return asked != null ? asked : userDefault != null ? of(userDefault) : FRIENDS;
    }

    @Override
    public String toString() {
        return wire();
    }
}
