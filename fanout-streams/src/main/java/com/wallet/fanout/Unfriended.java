package com.wallet.fanout;

import java.util.List;
import java.util.UUID;

/**
 * On the feed-items topic, keyed by {@code target}: {@code target} and {@code party} are no longer friends, so the
 * payments of {@code party} that {@code target} saw only as a friend leave {@code target}'s feed: delete each row of
 * {@code target}'s feed that has {@code party} as sender or receiver, visibility {@code friends}, and whose other
 * party is neither {@code target} nor one of {@code friends} ({@code target}'s friends when it was made, through whom
 * the row is still theirs to see).
 */
public record Unfriended(int version, String kind, UUID target, UUID party, List<UUID> friends) {

    public static final String KIND = "unfriended";

    public Unfriended(UUID target, UUID party, List<UUID> friends) {
        this(FeedItem.VERSION, KIND, target, party, friends);
    }
}
