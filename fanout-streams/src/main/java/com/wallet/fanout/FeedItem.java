package com.wallet.fanout;

import java.util.UUID;

/**
 * One entry of a feed, as written to the feed-items topic and the feed tables. {@code kind}: {@code reader} (an item
 * in {@code target}'s feed), {@code author} (an item on high-degree {@code target}'s own timeline, merged into their
 * friends' feeds at read time) or {@code public} (the public feed; no target). {@code amountCents} is set only in the
 * two parties' own items.
 */
public record FeedItem(
        int version,
        String kind,
        UUID target,
        UUID transferId,
        String createdAt,
        UUID senderId,
        String senderUsername,
        UUID receiverId,
        String receiverUsername,
        String note,
        String visibility,
        Long amountCents) {

    public static final int VERSION = 1;

    /** The record key on the feed-items topic: the target, or the transfer for a public item. */
    public String key() {
        return (target != null ? target : transferId).toString();
    }
}
