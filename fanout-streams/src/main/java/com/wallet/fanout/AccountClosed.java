package com.wallet.fanout;

import java.util.UUID;

/**
 * On the feed-items topic, keyed by {@code target}: {@code target}'s account was closed (transfer-api's "Closing an
 * account"), so what the fan-out stored for them goes: their own feed (the payments of others they could see) and
 * their author timeline, each a partition deleted whole. Their payments themselves leave everyone else's feeds as the
 * visibility changes the closure made (each payment private) reach the fan-out.
 */
public record AccountClosed(int version, String kind, UUID target) {

    public static final String KIND = "account_closed";

    public AccountClosed(UUID target) {
        this(FeedItem.VERSION, KIND, target);
    }
}
